"""Clinical vignettes: a pain report written from the references, and the muscles that must rank high.

Each vignette in ``vignettes.yaml`` cites the reference it was written from. A failing vignette means the
catalogue or the model is wrong; it is never fixed by raising ``k``.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

import pytest
import yaml

import tpmap
from tpmap.catalogue.records import AREAS

VIGNETTES_FILE = Path(__file__).with_name("vignettes.yaml")
_DOCUMENT: dict[str, Any] = yaml.safe_load(VIGNETTES_FILE.read_text(encoding="utf-8"))
VIGNETTES: list[dict[str, Any]] = _DOCUMENT["vignettes"]
GROUPS: dict[str, list[str]] = _DOCUMENT["groups"]
"""Muscle groups as the references name them ("the scalenes"): a group ranks where its best member ranks."""
MAX_K = 10


def expected_ranks(
    catalogue: tpmap.Catalogue, vignette: dict[str, Any], groups: dict[str, list[str]] | None = None
) -> dict[str, int]:
    """Rank (1-based, best side, ties shared) of each expected muscle or group for the vignette's report.

    ``groups`` names muscle groups (default: those of ``vignettes.yaml``).
    """
    groups = GROUPS if groups is None else groups
    report = vignette["report"]
    # Every field but the sites goes through as written: build_query refuses a key that is not a report field.
    fields: dict[str, Any] = {key: value for key, value in report.items() if key != "sites"}
    result = tpmap.rank(catalogue, *report.get("sites", []), **fields)
    # A muscle's rank is 1 + the number of muscles with a strictly higher score on their best side: muscles the
    # model scores equally share a rank (competition ranking), since the order among them is arbitrary.
    best: dict[str, float] = {}
    for candidate in result:
        best.setdefault(candidate.muscle.id, candidate.score)  # the first listing of a muscle is its best side
    scores = sorted(best.values(), reverse=True)
    ranks = {muscle: 1 + bisect.bisect_left([-s for s in scores], -score) for muscle, score in best.items()}
    names = [name for group in vignette["expect"] for name in group["muscles"]]
    return {name: min(ranks[m] for m in groups.get(name, [name])) for name in names}


def test_vignette_file_is_well_formed(catalogue: tpmap.Catalogue) -> None:
    assert len(VIGNETTES) >= 120
    check_well_formed(catalogue, VIGNETTES, GROUPS)


def test_vignettes_cover_every_area_and_every_condition(catalogue: tpmap.Catalogue) -> None:
    expected = {m for v in VIGNETTES for g in v["expect"] for name in g["muscles"] for m in GROUPS.get(name, [name])}
    assert {catalogue.muscles[m].area for m in expected} == set(AREAS)
    asked = {catalogue.condition(c).id for v in VIGNETTES for c in v["report"].get("conditions", [])}
    assert sorted(set(catalogue.conditions) - asked) == []


def test_groups_name_real_muscles_and_are_not_muscles(catalogue: tpmap.Catalogue) -> None:
    for name, members in GROUPS.items():
        assert name not in catalogue.muscles, name
        assert len(members) >= 2 and set(members) <= set(catalogue.muscles), name


def vignette_param(vignette: dict[str, Any], key: str = "id") -> Any:
    """A vignette as a test case named by ``vignette[key]``; a documented ``known_gap`` makes it a strict
    expected failure."""
    gap = vignette.get("known_gap")
    marks = [pytest.mark.xfail(reason=f"known gap: {gap}", strict=True)] if gap else []
    return pytest.param(vignette, id=vignette[key], marks=marks)


def misses(catalogue: tpmap.Catalogue, vignette: dict[str, Any], groups: dict[str, list[str]] | None = None) -> str:
    """Each expected muscle ranked below its ``k``, in words; empty when the vignette passes."""
    ranks = expected_ranks(catalogue, vignette, groups)
    return "; ".join(
        f"{muscle} ranked {ranks[muscle]}, expected within the top {group['k']}"
        for group in vignette["expect"]
        for muscle in group["muscles"]
        if ranks[muscle] > group["k"]
    )


def check_well_formed(
    catalogue: tpmap.Catalogue, vignettes: list[dict[str, Any]], groups: dict[str, list[str]]
) -> None:
    """Unique ids, a reference for each, ``k`` within bounds and every expected muscle in the catalogue."""
    ids = [v["id"] for v in vignettes]
    assert len(ids) == len(set(ids)), "vignette ids must be unique"
    for vignette in vignettes:
        assert vignette["reference"].strip(), vignette["id"]
        for group in vignette["expect"]:
            assert 1 <= group["k"] <= MAX_K, vignette["id"]
            for name in group["muscles"]:
                for muscle in groups.get(name, [name]):
                    assert muscle in catalogue.muscles, f"{vignette['id']}: unknown muscle {muscle}"


@pytest.mark.parametrize("vignette", [vignette_param(v) for v in VIGNETTES])
def test_vignette(catalogue: tpmap.Catalogue, vignette: dict[str, Any]) -> None:
    missed = misses(catalogue, vignette)
    assert not missed, f"{vignette['id']} ({vignette['reference']}): {missed}"

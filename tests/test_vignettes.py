"""Clinical vignettes: a pain report written from the references, and the muscles that must rank high.

Each vignette in ``vignettes.yaml`` cites the reference it was written from. A failing vignette means the
catalogue or the model is wrong; it is never fixed by raising ``k``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import tpmap

VIGNETTES_FILE = Path(__file__).with_name("vignettes.yaml")
VIGNETTES: list[dict[str, Any]] = yaml.safe_load(VIGNETTES_FILE.read_text(encoding="utf-8"))["vignettes"]
MAX_K = 10


def expected_ranks(catalogue: tpmap.Catalogue, vignette: dict[str, Any]) -> dict[str, int]:
    """Rank (1-based, best side) of each expected muscle for the vignette's report."""
    report = vignette["report"]
    result = tpmap.rank(
        catalogue,
        *report.get("sites", []),
        side=report.get("side"),
        sensations=report.get("sensations", []),
        absent=report.get("absent", []),
        conditions=report.get("conditions", []),
        movements=report.get("movements", []),
        aggravators=report.get("aggravators", []),
        mode=report.get("mode", "active"),
    )
    ranks: dict[str, int] = {}
    muscle_rank = 0
    for candidate in result:
        if candidate.muscle.id in ranks:
            continue  # the other side of a muscle already listed
        muscle_rank += 1
        ranks[candidate.muscle.id] = muscle_rank
    return {muscle: ranks[muscle] for group in vignette["expect"] for muscle in group["muscles"]}


def test_vignette_file_is_well_formed(catalogue: tpmap.Catalogue) -> None:
    ids = [v["id"] for v in VIGNETTES]
    assert len(ids) == len(set(ids)), "vignette ids must be unique"
    assert len(VIGNETTES) >= 30
    for vignette in VIGNETTES:
        assert vignette["reference"].strip(), vignette["id"]
        for group in vignette["expect"]:
            assert 1 <= group["k"] <= MAX_K, vignette["id"]
            for muscle in group["muscles"]:
                assert muscle in catalogue.muscles, f"{vignette['id']}: unknown muscle {muscle}"


def vignette_param(vignette: dict[str, Any]) -> Any:
    """A vignette as a test case; a documented ``known_gap`` makes it a strict expected failure."""
    gap = vignette.get("known_gap")
    marks = [pytest.mark.xfail(reason=f"known gap: {gap}", strict=True)] if gap else []
    return pytest.param(vignette, id=vignette["id"], marks=marks)


@pytest.mark.parametrize("vignette", [vignette_param(v) for v in VIGNETTES])
def test_vignette(catalogue: tpmap.Catalogue, vignette: dict[str, Any]) -> None:
    ranks = expected_ranks(catalogue, vignette)
    misses = [
        f"{muscle} ranked {ranks[muscle]}, expected within the top {group['k']}"
        for group in vignette["expect"]
        for muscle in group["muscles"]
        if ranks[muscle] > group["k"]
    ]
    assert not misses, f"{vignette['id']} ({vignette['reference']}): " + "; ".join(misses)

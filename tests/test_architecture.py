"""The invariants the objects own, the error tree, the typed arguments and the one-way layers contract."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tpmap
from tpmap.catalogue.records import Innervation, Location, Muscle, Region, SourceRef, TriggerPoint

ROOT = Path(__file__).resolve().parents[1]


def _regions() -> list[Region]:
    return [Region(id="body", name="Body"), Region(id="arm", name="Arm", parent="body")]


def _muscle(zone: str = "arm", muscle_id: str = "alpha", name: str = "Alpha") -> Muscle:
    tp = TriggerPoint(id="t1", location=Location(region="arm", description="mid arm"), essential=(zone,))
    return Muscle(
        id=muscle_id,
        name=name,
        area="shoulder_upper_arm",
        innervation=Innervation(nerves=("n",)),
        trigger_points=(tp,),
        sources=(SourceRef(source="book"),),
    )


def test_a_consistent_catalogue_builds_in_python() -> None:
    from tpmap.catalogue.records import Source  # noqa: PLC0415

    cat = tpmap.Catalogue(sources=[Source(id="book", citation="A book")], regions=_regions(), muscles=[_muscle()])
    assert cat.ancestors("arm") == ("body",)
    assert tpmap.rank(cat, "arm")[0].muscle.id == "alpha"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"regions": [Region(id="arm", name="Arm", parent="limb"), Region(id="body", name="Body")]},
            "regions[arm].parent",
            "unknown region 'limb'",
        ),
        (
            {"regions": [*_regions(), Region(id="arm", name="Arm again", parent="body")]},
            "regions[arm].id",
            "duplicate region id 'arm'",
        ),
        (
            {
                "regions": [
                    Region(id="a", name="A", parent="b"),
                    Region(id="b", name="B", parent="a"),
                    Region(id="body", name="Body"),
                ]
            },
            "regions[a].parent",
            "cycle",
        ),
        (
            {"regions": _regions(), "muscles": [_muscle(zone="leg")]},
            "muscles[alpha].trigger_points[0].essential[0]",
            "unknown region 'leg'",
        ),
        ({"regions": _regions(), "muscles": [_muscle()]}, "muscles[alpha].sources[0].source", "unknown source 'book'"),
    ],
)
def test_an_inconsistent_catalogue_cannot_be_built(kwargs: dict[str, list[object]], field: str, message: str) -> None:
    with pytest.raises(tpmap.CatalogueError) as caught:
        tpmap.Catalogue(**kwargs)  # type: ignore[arg-type]
    assert any(p.field == field and message in p.message for p in caught.value.problems), caught.value.problems


def test_wrong_records_for_a_catalogue_are_type_errors() -> None:
    with pytest.raises(tpmap.ArgumentTypeError, match=r"regions\[0\] must be a Region record"):
        tpmap.Catalogue(regions=["body"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="muscles must be a list of Muscle records"):
        tpmap.Catalogue(muscles="alpha")  # type: ignore[arg-type]


def test_catalogue_and_results_are_immutable(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(AttributeError, match="cannot be changed"):
        catalogue.muscles = {}
    with pytest.raises(AttributeError):
        del catalogue.regions
    with pytest.raises(TypeError):
        catalogue.regions["new"] = catalogue.regions["body"]  # type: ignore[index]
    result = tpmap.rank(catalogue, "outside of the elbow", side="right")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.candidates = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result[0].score = 99.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result[0].evidence[0].contribution = 0.0  # type: ignore[misc]
    assert isinstance(result.candidates, tuple) and isinstance(result.notes, tuple)


def test_the_shipped_catalogue_is_read_once() -> None:
    assert tpmap.load_catalogue() is tpmap.load_catalogue()


def test_evidence_names_the_place_it_is_about(catalogue: tpmap.Catalogue) -> None:
    result = tpmap.rank(catalogue, "outside of the elbow", "back of the hand", side="right", absent=["neck"])
    for candidate in result[:5]:
        sites = [e for e in candidate.evidence if e.kind == "site"]
        assert [(e.site, e.subject, e.side) for e in sites] == [
            (i, s.region, s.side) for i, s in enumerate(result.query.sites)
        ]
        (absent,) = [e for e in candidate.evidence if e.kind == "absent"]
        assert (absent.site, absent.subject) == (0, "neck")


def test_a_site_may_name_its_place_in_words(catalogue: tpmap.Catalogue) -> None:
    by_words = tpmap.rank(catalogue, tpmap.Site(region="back of my head", side="left"))
    by_id = tpmap.rank(catalogue, tpmap.Site(region="occiput", side="left"))
    assert by_words.query.sites[0].region == "occiput"
    assert [(c.muscle.id, c.score) for c in by_words[:10]] == [(c.muscle.id, c.score) for c in by_id[:10]]
    absent = tpmap.build_query(catalogue, "temple", absent=[tpmap.Absent(region="back of the neck")])
    assert absent.absent[0].region == catalogue.region("back of the neck").id


loose: Any = tpmap
"""The package, untyped: these calls are wrong on purpose."""


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda cat: loose.rank(cat, "jaw", aggravators=[True]), "aggravators[0]"),
        (lambda cat: loose.rank(cat, "jaw", sensations=None), "sensations"),
        (lambda cat: loose.rank(cat, "jaw", sensations="tingling"), "sensations"),
        (lambda cat: loose.rank(cat, "jaw", conditions=0), "conditions"),
        (lambda cat: loose.rank(cat, "jaw", absent=True), "absent"),
        (lambda cat: loose.rank(cat, {"region": "jaw"}), "sites[0]"),
        (lambda cat: loose.rank(cat, ["jaw"]), "sites[0]"),
        (lambda cat: loose.rank(cat, "jaw", intensity=True), "intensity"),
        (lambda cat: loose.rank(cat, "jaw", intensity="7"), "intensity"),
        (lambda cat: loose.rank(cat, "jaw", side=1), "side"),
        (lambda cat: loose.rank(cat, "jaw", mode=None), "mode"),
        (lambda cat: loose.rank(cat, "jaw", weights={}), "weights"),
        (lambda cat: loose.rank(cat, "jaw", sensation=["tingling"]), "sensation"),
        (lambda cat: loose.build_query("not a catalogue", "jaw"), "catalogue"),
        (lambda cat: loose.score_query(cat, "jaw"), "query"),
        (lambda cat: loose.load_catalogue(3), "overlays"),
        (lambda cat: loose.check_files([b"x.yaml"]), "paths"),
    ],
)
def test_wrong_typed_arguments_name_the_argument(
    catalogue: tpmap.Catalogue, call: Callable[[tpmap.Catalogue], object], argument: str
) -> None:
    with pytest.raises(tpmap.ArgumentTypeError) as caught:
        call(catalogue)
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, tpmap.TpmapError)
    assert caught.value.argument == argument
    assert str(caught.value).startswith(argument) or repr(argument) in str(caught.value)


def test_an_unknown_keyword_suggests_the_field() -> None:
    with pytest.raises(tpmap.ArgumentTypeError, match="did you mean 'sensations'"):
        tpmap.rank(tpmap.load_catalogue(), "jaw", sensation=["tingling"])  # type: ignore[call-arg]


def test_check_files_takes_one_path_like_load_catalogue(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text("regions:\n  - id: extra\n    name: Extra\n    parent: body\n", encoding="utf-8")
    assert tpmap.check_files(str(overlay)) == tpmap.check_files([overlay]) == ()
    missing = tpmap.check_files(tmp_path / "missing.yaml")
    assert len(missing) == 1 and "cannot read file" in missing[0].message


@pytest.mark.parametrize(
    "error",
    [
        tpmap.CatalogueError([tpmap.Problem("a.yaml", 3, 5, "muscles[0].id", "bad id")]),
        tpmap.UnknownNameError("region", "elbw", ["elbow"]),
        tpmap.AmbiguousNameError("place", "back", ["back of the head", "upper back"]),
        tpmap.QueryError("the report is empty"),
        tpmap.ChartError("cannot save a chart as 'x.gif'"),
        tpmap.MissingExtraError("PNG output needs the optional 'png' extra"),
        tpmap.WeightsError("Weights.essential must be a probability above 0 and below 1, not 1.5"),
        tpmap.ArgumentTypeError("sensations", "sensations must be a list of strings, not str ('x')"),
    ],
)
def test_errors_pickle_intact(error: tpmap.TpmapError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_every_public_error_is_a_tpmap_error_and_a_builtin() -> None:
    errors = [getattr(tpmap, name) for name in tpmap.__all__ if name.endswith("Error") and name != "TpmapError"]
    assert len(errors) == 8
    for error in errors:
        assert issubclass(error, tpmap.TpmapError)
        assert any(base.__module__ == "builtins" and base is not Exception for base in error.__mro__[1:])


def _lint_imports(package_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_the_layers_contract_holds_and_fails_on_a_wrong_way_import(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "tpmap", copy / "tpmap")
    assert _lint_imports(copy).returncode == 0
    scorer = copy / "tpmap" / "ranking" / "scoring.py"
    scorer.write_text(scorer.read_text(encoding="utf-8") + "\nfrom ..render import chart  # noqa\n", encoding="utf-8")
    broken = _lint_imports(copy)
    assert broken.returncode != 0
    assert "tpmap.ranking.scoring -> tpmap.render.chart" in broken.stdout


def test_importing_tpmap_does_not_import_networkx() -> None:
    code = "import sys, tpmap; tpmap.load_catalogue(); print('networkx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"essential": 0.0}, "Weights.essential must be a probability above 0 and below 1, not 0.0"),
        ({"spillover": -0.5}, "Weights.spillover must be a probability above 0 and below 1"),
        ({"none": 1.0}, "Weights.none must be a probability above 0 and below 1"),
        ({"spillover": float("nan")}, "Weights.spillover must be a probability above 0 and below 1, not nan"),
        ({"prior_pseudo_count": 0}, "Weights.prior_pseudo_count must be a number above 0, not 0"),
        ({"intensity_step": 0.2}, "Weights.intensity_step must be a number from 0 to 0.1, not 0.2"),
    ],
)
def test_weights_the_model_cannot_score_with_are_refused(changes: dict[str, float], message: str) -> None:
    with pytest.raises(tpmap.WeightsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tpmap.Weights(**changes)


def test_a_weight_must_be_a_number() -> None:
    with pytest.raises(tpmap.ArgumentTypeError, match=r"Weights.spillover must be a number, not str"):
        tpmap.Weights(spillover="x")  # type: ignore[arg-type]
    assert tpmap.rank(tpmap.load_catalogue(), "neck", weights=tpmap.Weights(coverage_floor=1.0))


def test_a_bad_report_record_is_a_query_error_naming_the_field() -> None:
    with pytest.raises(
        tpmap.QueryError, match=r"invalid Site: side: Input should be 'left' or 'right' \(got 'middle'\)"
    ):
        tpmap.Site(region="neck", side="middle")
    with pytest.raises(tpmap.QueryError, match=r"invalid Site: intensity: .* \(got 11\)"):
        tpmap.Site(region="neck", intensity=11)

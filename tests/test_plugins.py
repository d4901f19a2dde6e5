"""Catalogue plug-ins: packages found through the `tpmap.catalogues` entry points, merged in a fixed order."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tpmap
from tpmap.catalogue.plugins import ENTRY_POINT_GROUP, find_plugins
from tpmap.cli import main
from tpmap.errors import ArgumentTypeError, CatalogueError

EXAMPLE = Path(__file__).parents[1] / "examples" / "tpmap-example-clinic"
EXAMPLE_FILE = EXAMPLE / "src" / "tpmap_example_clinic" / "clinic.yaml"


def entry_point(name: str, value: str) -> importlib.metadata.EntryPoint:
    return importlib.metadata.EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[importlib.metadata.EntryPoint]]:
    """The entry points tpmap sees as installed: the example plug-in (from the checkout), plus any a test adds."""
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    points = [entry_point("example_clinic", "tpmap_example_clinic")]
    real = importlib.metadata.entry_points

    def entry_points(**selection: str) -> object:
        if selection.get("group") == ENTRY_POINT_GROUP:
            return list(points)
        return real(**selection)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    yield points


def package(tmp_path: Path, name: str, files: dict[str, str], code: str = "") -> str:
    """A plug-in package written to ``tmp_path`` (importable from there): its name."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text(code, encoding="utf-8")
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    if str(tmp_path) not in sys.path:
        sys.path.insert(0, str(tmp_path))
    return name


def test_the_example_plugin_is_found_and_merged(installed: list[importlib.metadata.EntryPoint]) -> None:
    (plugin,) = find_plugins()
    assert (plugin.name, plugin.target, plugin.files) == ("example_clinic", "tpmap_example_clinic", (EXAMPLE_FILE,))
    cat = tpmap.load_catalogue(plugins=True)
    assert cat.plugins == ("example_clinic",)
    assert cat.muscle("lev scap").id == "levator_scapulae" and cat.muscle("infra").id == "infraspinatus"
    shipped = tpmap.load_catalogue()
    assert cat.muscle("infraspinatus").trigger_points == shipped.muscle("infraspinatus").trigger_points
    assert cat.muscle("infraspinatus").aliases == (*shipped.muscle("infraspinatus").aliases, "infra")
    assert str(cat.changes[0]) == (
        f"muscle 'infraspinatus' edited by plug-in example_clinic ({EXAMPLE_FILE}): added 'infra' to aliases; "
        "why: Demonstration alias, as written in the example clinic's notes."
    )
    (note,) = [n for n in tpmap.rank(cat, "shoulder").notes if n.startswith("Overlay")]
    assert note.endswith(
        "infraspinatus (edited by plug-in example_clinic), levator_scapulae (edited by plug-in "
        "example_clinic), supraspinatus (edited by plug-in example_clinic)."
    )
    assert tpmap.load_catalogue() is shipped and "lev scap" not in shipped.muscle("levator_scapulae").aliases


def test_plugins_merge_in_name_order_before_the_user_s_files(
    installed: list[importlib.metadata.EntryPoint], tmp_path: Path
) -> None:
    later = package(tmp_path, "tpmap_test_zz", {"a.yaml": "edits:\n  - {muscle: supinator, set: {notes: From zz.}}\n"})
    earlier = package(
        tmp_path, "tpmap_test_aa", {"a.yaml": "edits:\n  - {muscle: supinator, set: {notes: From aa.}}\n"}
    )
    installed += [entry_point("zz_last", later), entry_point("aa_first", earlier)]
    assert [p.name for p in find_plugins()] == ["aa_first", "example_clinic", "zz_last"]
    cat = tpmap.load_catalogue(plugins=True)
    assert cat.plugins == ("aa_first", "example_clinic", "zz_last")
    assert cat.muscle("supinator").notes == "From zz."  # the last plug-in wins
    mine = tmp_path / "mine.yaml"
    mine.write_text("edits:\n  - {muscle: supinator, set: {notes: Mine.}}\n", encoding="utf-8")
    assert tpmap.load_catalogue(mine, plugins=True).muscle("supinator").notes == "Mine."  # your files come last


def test_a_plugin_function_may_give_its_files(installed: list[importlib.metadata.EntryPoint], tmp_path: Path) -> None:
    data = tmp_path / "words.yaml"
    data.write_text("edits:\n  - {muscle: supinator, add: {aliases: [sup]}}\n", encoding="utf-8")
    code = f"def files():\n    return [{str(data)!r}]\n"
    installed[:] = [entry_point("by_function", package(tmp_path, "tpmap_test_fn", {}, code) + ":files")]
    assert tpmap.load_catalogue(plugins=True).muscle("sup").id == "supinator"


@pytest.mark.parametrize(
    ("target", "code", "expected"),
    [
        ("tpmap_test_missing_module", None, "plug-in broken: cannot be loaded from 'tpmap_test_missing_module': "),
        ("{name}", "raise RuntimeError('boom')", "cannot be loaded from '{name}': RuntimeError: boom"),
        ("{name}:files", "def files():\n    return 42\n", "gave 42: a catalogue plug-in's function returns a list"),
        ("{name}:files", "files = 3\n", "is int 3, not a package or a function giving file paths"),
        ("{name}", "", "holds no catalogue files (.yaml or .yml)"),
    ],
)
def test_a_plugin_that_cannot_load_is_a_catalogue_error_naming_it(
    installed: list[importlib.metadata.EntryPoint], tmp_path: Path, target: str, code: str | None, expected: str
) -> None:
    name = f"tpmap_test_broken_{abs(hash((target, code))) % 10**8}"
    if code is not None:
        package(tmp_path, name, {}, code)
    installed.append(entry_point("broken", target.format(name=name)))
    with pytest.raises(CatalogueError) as caught:
        tpmap.load_catalogue(plugins=True)
    (problem,) = caught.value.problems
    assert problem.file == "plug-in broken" and expected.format(name=name) in str(problem)
    assert tpmap.check_files([], plugins=True) == caught.value.problems


def test_a_problem_in_a_plugin_file_names_the_plugin_and_its_position(
    installed: list[importlib.metadata.EntryPoint], tmp_path: Path
) -> None:
    name = package(tmp_path, "tpmap_test_typo", {"typo.yaml": "edits:\n  - {muscle: supinatr, add: {aliases: [x]}}\n"})
    installed.append(entry_point("typo", name))
    with pytest.raises(CatalogueError) as caught:
        tpmap.load_catalogue(plugins=True)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"plug-in typo: {tmp_path / name / 'typo.yaml'}:2:14: edits[0].muscle: no muscle 'supinatr' to edit; "
        "did you mean: supinator?"
    )


def test_plugins_must_be_asked_for_with_a_flag(installed: list[importlib.metadata.EntryPoint]) -> None:
    assert tpmap.load_catalogue().plugins == ()
    with pytest.raises(ArgumentTypeError, match="plugins must be True or False"):
        tpmap.load_catalogue(plugins="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_cli_merges_plugins_when_asked(
    installed: list[importlib.metadata.EntryPoint], capsys: pytest.CaptureFixture[str], where: str
) -> None:
    command = ["muscle", "lev scap"]
    assert main(command) == 1 and "unknown muscle 'lev scap'" in capsys.readouterr().err
    assert main(["--plugins", *command] if where == "before" else [*command, "--plugins"]) == 0
    assert capsys.readouterr().out.startswith("Levator scapulae (levator_scapulae)")


def test_the_installed_example_is_found_when_installed() -> None:
    """In CI the example package is installed (see .ci/run): then the real entry point finds it."""
    names = [point.name for point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]
    if "example_clinic" not in names:
        if os.environ.get("TPMAP_REQUIRE_EXAMPLE_PLUGIN"):  # set in CI, where it is installed
            pytest.fail("the example plug-in is not installed")
        pytest.skip("the example plug-in is not installed (pip install ./examples/tpmap-example-clinic)")
    assert "example_clinic" in tpmap.load_catalogue(plugins=True).plugins

"""Hostile and careless input at every door: files, Python arguments, the command line, and lossless export.

Each bad file is generated in a temporary folder; the tests assert the outcome and where it is reported. How
long each takes and how much memory it costs is measured by ``benchmarks/bench_hostile.py``, not here.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpmap
from tpmap.catalogue._yaml import MAX_DEPTH, MAX_PROBLEMS, MAX_VALUES, ProblemList, read_yaml_file, read_yaml_text
from tpmap.catalogue.export import SECTION_ORDER
from tpmap.cli import main
from tpmap.errors import ArgumentTypeError, CatalogueError, ChartError, Problem, TpmapError

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


def write(folder: Path, text: str, name: str = "hostile.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def check_alone(*paths: Path) -> tuple[Problem, ...]:
    return tpmap.check_files([TINY, *paths], with_shipped=False)


# ------------------------------------------------------------------------------------- files that hurt


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 700, 999])
def test_deep_nesting_is_one_problem_where_the_limit_is_crossed(tmp_path: Path, depth: int) -> None:
    path = write(tmp_path, "regions: " + "[" * depth + "]" * depth + "\n")
    (problem,) = check_alone(path)
    assert problem.file == str(path) and problem.line == 1
    assert problem.column == len("regions: ") + MAX_DEPTH  # the bracket that opens level MAX_DEPTH + 1
    assert f"nested more than {MAX_DEPTH} deep" in problem.message


def test_nesting_at_the_limit_is_read(tmp_path: Path) -> None:
    document = read_yaml_text("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    assert document.problems == () and isinstance(document.data["a"], list)


def test_a_device_a_fifo_and_a_folder_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    found: list[tuple[Problem, ...]] = []
    # A FIFO with no writer used to block forever: read it in a thread so a regression fails, not hangs.
    worker = threading.Thread(target=lambda: found.append(tpmap.check_files(fifo, with_shipped=False)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert found, "reading a FIFO with no writer blocked"
    ((problem,),) = found
    assert "it is a pipe, device or socket, not a regular file" in problem.message
    (problem,) = tpmap.check_files("/dev/zero", with_shipped=False)
    assert "not a regular file" in problem.message
    (problem,) = tpmap.check_files(tmp_path, with_shipped=False)
    assert "it is a folder, not a regular file" in problem.message


def test_the_byte_limit_counts_bytes_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "# " + "x" * 200 + "\n")
    monkeypatch.setattr("tpmap.catalogue._yaml.MAX_BYTES", 100)
    (problem,) = read_yaml_file(path).problems
    assert problem.message == "file is larger than 100 bytes, the limit for a catalogue file"


def test_a_nul_in_a_path_is_a_catalogue_problem() -> None:
    with pytest.raises(CatalogueError) as caught:
        tpmap.load_catalogue("a\x00b.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "a\\0b.yaml" and "contains a NUL character" in problem.message


def test_one_long_line_of_items_stops_at_the_value_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "regions: [" + "a, " * 350_000 + "a]\n")
    (problem,) = check_alone(path)
    assert (problem.line, problem.field) == (1, "regions")
    assert problem.column == len("regions: [") + 3 * (MAX_VALUES - 3) + 1  # the value past the limit
    assert f"more than {MAX_VALUES:,} values in one file" in problem.message


def test_many_invalid_entries_list_the_first_hundred_and_count_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "regions:\n" + "- 0\n" * 1_000)
    problems = check_alone(path)
    assert len(problems) == MAX_PROBLEMS + 1
    assert str(problems[0]) == f"{path}:2:3: regions[0]: an entry must be a mapping of fields, not 0"
    assert problems[-1].message == f"and 900 more problems in this file (only the first {MAX_PROBLEMS} are listed)"
    with pytest.raises(CatalogueError) as caught:
        tpmap.load_files([TINY, path])
    assert caught.value.problems == problems and str(caught.value).startswith("1000 problems in the catalogue:")
    assert pickle.loads(pickle.dumps(caught.value)).problems == problems


def test_an_entry_with_a_hundred_thousand_keys_is_reported_at_its_keys(tmp_path: Path) -> None:
    keys = ", ".join(f"k{i}: 0" for i in range(100_000))
    path = write(tmp_path, "regions:\n- {id: r, name: R, parent: body, " + keys + "}\n")
    problems = check_alone(path)
    assert len(problems) == MAX_PROBLEMS + 1
    first = problems[0]
    assert (first.line, first.column, first.field) == (2, 34, "regions[0].k0")
    assert first.message.startswith("unknown field 'k0'")
    assert problems[-1].message.startswith(f"and {100_000 - MAX_PROBLEMS:,} more problems in this file")


def test_the_problem_list_keeps_files_apart() -> None:
    problems = ProblemList(limit=1)
    for file in ("a.yaml", "b.yaml", "a.yaml"):
        problems.add(Problem(file, 1, 1, "", "bad"))
    assert [str(p) for p in problems.listed({"b.yaml": 0, "a.yaml": 1})] == [
        "b.yaml:1:1: bad",
        "a.yaml:1:1: bad",
        "a.yaml: and 1 more problems in this file (only the first 1 are listed)",
    ]
    assert len(problems) == 3


def chain(count: int) -> str:
    lines = ["regions:", "- {id: r0, name: R0}"]
    lines += [f"- {{id: r{i}, name: R{i}, parent: r{i - 1}}}" for i in range(1, count)]
    return "\n".join(lines) + "\n"


def test_large_valid_catalogues_load(tmp_path: Path) -> None:
    deep = tpmap.load_files(write(tmp_path, chain(2_000), "chain.yaml"))
    assert deep.depth("r1999") == 1_999 and deep.is_within("r1999", "r0")
    flat = "regions:\n- {id: body, name: Body}\n" + "".join(
        f"- {{id: r{i}, name: R{i}, parent: body}}\n" for i in range(5_000)
    )
    wide = tpmap.load_files(write(tmp_path, flat, "flat.yaml"))
    assert len(wide.children("body")) == 5_000


def test_a_null_section_is_a_problem_at_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, "conditions: []\nregions: ~\n")
    (problem,) = check_alone(path)
    assert (problem.line, problem.column, problem.field) == (2, 1, "regions")
    assert problem.message.startswith("must be a list of entries, not empty (null)")


def test_a_misspelt_key_is_reported_at_the_key(tmp_path: Path) -> None:
    text = """\
muscles:
  - id: zeta
    name: Zeta
    area: neck
    trigger_point:
      - id: z1
        location: {region: hand, description: Palm.}
        essential: [hand]
    sources: [{source: hand_made}]
"""
    problems = check_alone(write(tmp_path, text))
    unknown = next(p for p in problems if "unknown field" in p.message)
    assert (unknown.line, unknown.column, unknown.field) == (5, 5, "muscles[0].trigger_point")
    assert unknown.message == "unknown field 'trigger_point'; did you mean: trigger_points?"


def test_a_misspelt_nested_key_is_reported_at_the_key(tmp_path: Path) -> None:
    text = """\
regions:
  - id: zeta
    name: Zeta
    parent: body
    terms:
      - zeta place
    views: [front]
    choir_none:
      Not drawn.
    adjacnet: [hand]
"""
    (problem,) = check_alone(write(tmp_path, text))
    assert (problem.line, problem.column, problem.field) == (10, 5, "regions[0].adjacnet")


@pytest.mark.parametrize(
    ("text", "line", "column", "what"),
    [
        ("regions:\n  - {id: a, name: \x00}\n", 2, 19, "NUL character (U+0000)"),
        ("regions:\n  - {id: a, name: A\x07}\n", 2, 20, "control character U+0007"),
        ("# fine\nregions: []\x1b\n", 2, 12, "control character U+001B"),
    ],
)
def test_control_characters_are_reported_with_line_and_column(
    tmp_path: Path, text: str, line: int, column: int, what: str
) -> None:
    (problem,) = check_alone(write(tmp_path, text))
    assert (problem.line, problem.column) == (line, column)
    assert problem.message == f"{what} is not allowed in a catalogue file"


def test_a_file_of_control_characters_is_cut_short(tmp_path: Path) -> None:
    problems = check_alone(write(tmp_path, "\x01" * 10_000))
    assert len(problems) == MAX_PROBLEMS + 1 and problems[-1].message.startswith("and 9,900 more problems")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("regions: []\n---\nregions: []\n", "a catalogue file holds one YAML document; found a second"),
        ("regions: !!python/object:os.system []\n", "the YAML tag 'tag:yaml.org,2002:python/object:os.system'"),
        ("regions: !!set {a: null}\n", "the YAML tag 'tag:yaml.org,2002:set' is not allowed"),
        ("regions:\n  - {id: a, name: !!binary aGk=}\n", "the YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("regions:\n  - {id: a, name: 2001-13-45}\n", "cannot read value '2001-13-45'"),
        ("regions:\n  - {id: a, name: A, [x]: 1}\n", "mapping keys must be plain text"),
        ("regions:\n  - {id: a, name: A, 2001-13-45: 1}\n", "cannot read value '2001-13-45'"),
    ],
)
def test_unusual_yaml_is_a_located_problem(tmp_path: Path, text: str, message: str) -> None:
    problems = check_alone(write(tmp_path, text))
    assert any(message in p.message and p.line >= 1 for p in problems), problems


def test_an_empty_document_is_an_empty_file(tmp_path: Path) -> None:
    assert check_alone(write(tmp_path, "---\n")) == ()
    (problem,) = check_alone(write(tmp_path, "~\n"))
    assert problem.message == "a catalogue file must be a mapping of sections"


# ------------------------------------------------------------------------------------- fuzzing

ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.binary(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    ),
    max_leaves=6,
)
WORDS = st.sampled_from(["jaw", "elbow", "tingling", "left", "tension-type headache", "hand", "nope", ""])
REPORT_KEYS = st.sampled_from(
    ["side", "sensations", "intensity", "absent", "conditions", "movements", "aggravators", "mode", "colour"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sites=st.lists(WORDS | ANY_VALUE, max_size=3),
    report=st.dictionaries(REPORT_KEYS, WORDS | ANY_VALUE | st.lists(WORDS, max_size=2), max_size=3),
)
def test_rank_and_build_query_raise_only_documented_errors(sites: list[Any], report: dict[str, Any]) -> None:
    catalogue = tpmap.load_catalogue()
    for action in (tpmap.rank, tpmap.build_query):
        try:
            action(catalogue, *sites, **report)
        except ArgumentTypeError as exc:
            assert exc.argument and exc.argument.split("[")[0] in str(exc)
        except TpmapError:
            pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_load_or_raise_a_catalogue_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"
    path.write_bytes(data)
    try:
        tpmap.load_files([TINY, path])
    except CatalogueError as exc:
        assert exc.problems and all(isinstance(p, Problem) for p in exc.problems)


FIELDS = ["id", "name", "parent", "region", "essential", "trigger_points", "location", "sources", "area"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120) | st.text(alphabet="[]{}:,-?!&*|>'\"#%@` \n\tab01~", max_size=60))
def test_the_reader_never_raises(text: str) -> None:
    document = read_yaml_text(text, "fuzz.yaml")
    assert all(isinstance(p, Problem) and p.file == "fuzz.yaml" for p in document.problems)
    assert document.data is None or not any(p.line == 0 for p in document.problems)  # refused, or located


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.sampled_from(["hand", "body", "neck"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.dictionaries(st.sampled_from([*SECTION_ORDER, "muscle"]), YAML_VALUES, max_size=3))
def test_arbitrary_catalogue_shapes_load_or_raise_a_catalogue_error(
    tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any]
) -> None:
    path = tmp_path_factory.mktemp("shape") / "shape.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        tpmap.load_files([TINY, path])
    except CatalogueError as exc:
        assert all(p.line >= 1 for p in exc.problems if p.file == str(path) and p.line)


# ------------------------------------------------------------------------------------- wrong-typed arguments

CALLS: dict[str, tuple[Callable[[tpmap.Catalogue, tpmap.Ranking], object], str]] = {
    "muscle_chart catalogue": (lambda c, r: tpmap.muscle_chart(None, "deltoid"), "catalogue"),  # type: ignore[arg-type]
    "muscle_chart muscle": (lambda c, r: tpmap.muscle_chart(c, 1), "muscle"),  # type: ignore[arg-type]
    "ranking_chart ranking": (lambda c, r: tpmap.ranking_chart(None), "ranking"),  # type: ignore[arg-type]
    "ranking_chart top": (lambda c, r: tpmap.ranking_chart(r, "3"), "top"),  # type: ignore[arg-type]
    "resolve catalogue": (lambda c, r: tpmap.resolve(None, "jaw"), "catalogue"),  # type: ignore[arg-type]
    "resolve phrase": (lambda c, r: tpmap.resolve(c, 3), "phrase"),  # type: ignore[arg-type]
    "Catalogue.muscle": (lambda c, r: c.muscle(3), "muscle"),  # type: ignore[arg-type]
    "Catalogue.region list": (lambda c, r: c.region([]), "region"),  # type: ignore[arg-type]
    "Catalogue.condition": (lambda c, r: c.condition(None), "condition"),  # type: ignore[arg-type]
    "Catalogue.ancestors": (lambda c, r: c.ancestors({}), "region"),  # type: ignore[arg-type]
    "Catalogue.is_within": (lambda c, r: c.is_within(1, "hand"), "region"),  # type: ignore[arg-type]
    "Catalogue.trigger_point": (lambda c, r: c.trigger_point("deltoid", 3), "tp_id"),  # type: ignore[arg-type]
    "Catalogue.muscles_referring_to": (lambda c, r: c.muscles_referring_to("hand", "x"), "zone"),  # type: ignore[arg-type]
    "smallest_cover": (lambda c, r: tpmap.smallest_cover(None), "ranking"),  # type: ignore[arg-type]
    "next_questions ranking": (lambda c, r: tpmap.next_questions(None), "ranking"),  # type: ignore[arg-type]
    "next_questions top": (lambda c, r: tpmap.next_questions(r, top="a"), "top"),  # type: ignore[arg-type]
    "next_questions limit": (lambda c, r: tpmap.next_questions(r, limit=None), "limit"),  # type: ignore[arg-type]
    "satellites top": (lambda c, r: tpmap.satellites(r, top=1.5), "top"),  # type: ignore[arg-type]
    "satellites negative top": (lambda c, r: r.satellites(top=-1), "top"),
    "ranking_report limit": (lambda c, r: tpmap.ranking_report(r, limit="2"), "limit"),  # type: ignore[arg-type]
    "Ranking.chart top": (lambda c, r: r.chart(top=None), "top"),  # type: ignore[arg-type]
    "Ranking.to_dict limit": (lambda c, r: r.to_dict(limit=True), "limit"),
    "Chart.save path": (lambda c, r: r.chart().save(3), "path"),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", list(CALLS))
def test_wrong_typed_arguments_name_the_argument(catalogue: tpmap.Catalogue, name: str) -> None:
    call, argument = CALLS[name]
    ranking = tpmap.rank(catalogue, "jaw")
    with pytest.raises(ArgumentTypeError) as caught:
        call(catalogue, ranking)
    assert caught.value.argument == argument and str(caught.value).startswith(f"{argument} must be")


def test_unknown_region_ids_are_named_not_key_errors(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.UnknownNameError):
        catalogue.is_within("thumb", "handd")
    with pytest.raises(tpmap.UnknownNameError):
        catalogue.depth("nowhere")


# ------------------------------------------------------------------------------------- lossless export


def same_records(a: tpmap.Catalogue, b: tpmap.Catalogue) -> bool:
    return all(dict(getattr(a, section)) == dict(getattr(b, section)) for section in SECTION_ORDER)


def test_the_shipped_catalogue_round_trips_byte_for_byte(catalogue: tpmap.Catalogue, tmp_path: Path) -> None:
    text = catalogue.to_yaml()
    again = tpmap.load_files(write(tmp_path, text, "export.yaml"))
    assert same_records(catalogue, again) and again.to_yaml() == text


def test_to_files_writes_one_file_per_section_and_never_replaces_unasked(tiny: tpmap.Catalogue, tmp_path: Path) -> None:
    paths = tiny.to_files(tmp_path / "split")
    assert [p.name for p in paths] == [f"{s}.yaml" for s in SECTION_ORDER if getattr(tiny, s)]
    assert paths[0].name == "sources.yaml" and same_records(tiny, tpmap.load_files(paths))
    with pytest.raises(CatalogueError, match="the file exists"):
        tiny.to_files(tmp_path / "split")
    assert tiny.to_files(tmp_path / "split", force=True) == paths


NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=25).filter(
    lambda text: bool(text.strip())
)


@st.composite
def overlays(draw: st.DrawFn) -> dict[str, Any]:
    """An overlay of the tiny catalogue: awkward text in new and replaced entries, a muscle over its regions."""
    count = draw(st.integers(1, 3))
    conditions = [
        {
            "id": f"zz_condition_{i}" if i else "angina",
            "name": draw(NAMES),
            "aliases": draw(st.lists(NAMES, max_size=2)),
        }
        | ({"red_flag": draw(NAMES), "sources": [{"source": "zz_source"}]} if draw(st.booleans()) else {})
        for i in range(count)
    ]
    sources = [{"id": "zz_source", "citation": draw(NAMES), "kind": draw(st.sampled_from(["book", "journal", "web"]))}]
    new_regions = [
        {"id": f"zz_region_{i}", "name": draw(NAMES), "parent": "arm", "terms": draw(st.lists(NAMES, max_size=2))}
        for i in range(draw(st.integers(0, 2)))
    ]
    places: list[str] = ["hand", "thumb", "lateral_elbow", "forearm", "sternum", *(str(r["id"]) for r in new_regions)]
    regions = draw(st.lists(st.sampled_from(places), min_size=1))
    muscles = [
        {
            "id": "zz_muscle",
            "name": "Zz " + draw(NAMES),
            "area": "neck",
            "trigger_points": [
                {
                    "id": "zz_tp",
                    "location": {"region": regions[0], "description": draw(NAMES)},
                    "essential": sorted(set(regions)),
                    "side": draw(st.sampled_from(["same", "both", "opposite"])),
                }
            ],
            "conditions": [c["id"] for c in conditions],
            "sources": [{"source": "zz_source", "locator": draw(NAMES)}],
        }
    ]
    return {"sources": sources, "regions": new_regions, "conditions": conditions, "muscles": muscles}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overlay=overlays(), ascii_only=st.booleans())
def test_random_overlays_round_trip(
    tmp_path_factory: pytest.TempPathFactory, overlay: dict[str, Any], ascii_only: bool
) -> None:
    folder = tmp_path_factory.mktemp("overlay")
    path = write(folder, yaml.safe_dump(overlay, allow_unicode=True, sort_keys=False), "overlay.yaml")
    merged = tpmap.load_files([TINY, path])
    text = merged.to_yaml(ascii_only=ascii_only)
    assert text.isascii() or not ascii_only
    again = tpmap.load_files(write(folder, text, "export.yaml"))
    assert same_records(merged, again) and again.to_yaml(ascii_only=ascii_only) == text


# ------------------------------------------------------------------------------------- the command line


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_folder_as_the_chart_path_is_one_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "d.svg"
    folder.mkdir()
    for argv in (("chart", "infraspinatus", "-o", str(folder), "--force"), ("rank", "jaw", "--chart", str(folder))):
        code, _, err = run(capsys, *argv)
        assert code == 1 and err == f"tpmap: cannot write {str(folder)!r}: it is a folder; give a file name\n"
    with pytest.raises(ChartError, match="it is a folder"):
        tpmap.muscle_chart(tpmap.load_catalogue(), "deltoid").save(folder)


@pytest.mark.parametrize(
    "argv",
    [
        ("check", "a\x00b.yaml"),
        ("-c", "a\x00b.yaml", "muscles"),
        ("chart", "deltoid", "-o", "a\x00b.svg"),
        ("export", "-o", "a\x00b.yaml"),
    ],
)
def test_a_nul_in_a_path_is_one_message(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 1 and "NUL character" in err and "Traceback" not in err


def test_export_writes_a_catalogue_that_loads_back(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "all.yaml"
    code, _, err = run(capsys, "-c", str(TINY), "export", "-o", str(target))
    assert code == 0 and err.startswith(f"tpmap: catalogue written to {target}")
    merged = tpmap.load_catalogue(TINY)
    assert same_records(merged, tpmap.load_files(target))
    code, _, err = run(capsys, "export", "-c", str(TINY), "-o", str(target))
    assert code == 1 and "the file exists; pass --force to replace it" in err
    code, out, _ = run(capsys, "export", "-c", str(TINY))
    assert code == 0 and out == target.read_text(encoding="utf-8")


def test_json_listings_say_they_are_views(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "muscles", "--help")
    assert code == 0 and "tpmap export" in " ".join(out.split())


def cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tpmap", *argv], capture_output=True, env=env, timeout=120, check=False
    )


def test_a_terminal_that_cannot_show_unicode_gets_ascii(tmp_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii"}
    shown = cli("muscle", "infraspinatus", env=env)
    assert shown.returncode == 0 and shown.stderr == b""
    assert shown.stdout.isascii() and b" - Just below the spine" in shown.stdout
    ranked = cli("rank", "golfer’s elbow", "--json", env=env)
    assert ranked.returncode == 0 and ranked.stdout.isascii()
    assert json.loads(ranked.stdout)["query"]["sites"][0]["phrase"] == "golfer’s elbow"


def test_export_to_a_latin_1_terminal_escapes_and_loads_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["-c", str(TINY), "export"]) == 0
    stdout.flush()
    buffer = stdout.buffer
    assert isinstance(buffer, io.BytesIO)
    text = buffer.getvalue().decode("latin-1")
    assert text.isascii() and "\\xE9" in text  # accented names in citations, escaped
    assert tpmap.load_files(write(tmp_path, text, "x.yaml")).to_yaml(ascii_only=True) == text


def test_ctrl_c_exits_130_with_one_line() -> None:
    script = (
        "import sys, time, tpmap.cli as cli\n"
        "def slow(args, out):\n"
        "    print('ready', file=sys.stderr, flush=True)\n"
        "    time.sleep(60)\n"
        "cli._stats = slow\n"
        "sys.exit(cli.main(['stats']))\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr is not None
    assert process.stderr.readline() == b"ready\n"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and err == b"tpmap: interrupted\n"

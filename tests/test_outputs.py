"""Stable outputs: every JSON output validates against the published schema; DataFrames; notebook tables and
short reprs; the command line's global options after the command and its text wrapped to the terminal."""

from __future__ import annotations

import argparse
import copy
import html.parser
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpmap
from tpmap import _extras
from tpmap.catalogue.records import Condition, Innervation, Location, Muscle, Region, Source, SourceRef, TriggerPoint
from tpmap.cli import WIDTH_RANGE, _parser, main, text_width, wrap_text
from tpmap.ranking.display import RANKING_COLUMNS
from tpmap.ranking.outputs import SCHEMA_ID, SCHEMA_VERSION, RankingOutput

TINY = str(Path(__file__).with_name("tiny_catalogue.yaml"))

# Every command that prints JSON, with several reports each: (arguments, the ``output`` it must name).
JSON_COMMANDS: list[tuple[tuple[str, ...], str]] = [
    (("rank", "outside of the elbow", "--side", "right", "--json"), "ranking"),
    (
        (
            "rank",
            "outside of the elbow",
            "back of the forearm",
            "--side",
            "right",
            "--sensation",
            "tingling",
            "--absent",
            "shoulder",
            "--limit",
            "5",
            "--json",
        ),
        "ranking",
    ),
    (("rank", "--condition", "carpal tunnel", "--limit", "3", "--json"), "ranking"),
    (("rank", "chest pain on the left, heart checked and fine, worse in the cold", "--json"), "ranking"),
    (
        ("rank", "numb and tingling little finger, worse when I grip, not in my wrist", "--json", "--limit", "2"),
        "ranking",
    ),
    (
        (
            "rank",
            "front of the shoulder",
            "--tender",
            "infraspinous fossa",
            "--not-tender",
            "deltoid",
            "--ruled-out",
            "frozen shoulder",
            "--movement",
            "can't reach behind my back",
            "--json",
        ),
        "ranking",
    ),
    (("rank", "jaw", "--all-flags", "--latent", "--intensity", "7", "--json"), "ranking"),
    (("rank", "buttock", "back of the thigh", "calf", "--side", "left", "--json"), "ranking"),
    (("rank", "sternum", "--condition", "angina", "--json", "-c", TINY), "ranking"),
    (("read", "pins and needles in my left hand at night, not in my wrist", "--json"), "reading"),
    (("read", "a sudden, worst-ever headache", "--json"), "reading"),
    (("read", "aching in the outside of my elbw, 7 out of 10", "--json"), "reading"),
    (("muscle", "infraspinatus", "--json"), "muscle"),
    (("muscle", "SCM", "--json"), "muscle"),
    (("muscle", "hamstrings", "--json"), "muscle_group"),
    (("muscles", "--json"), "muscles"),
    (("muscles", "--json", "-c", TINY), "muscles"),
    (("regions", "--json"), "regions"),
    (("conditions", "--json"), "conditions"),
    (("sensations", "--json"), "sensations"),
    (("movements", "--json"), "movements"),
    (("aggravators", "--json"), "aggravators"),
    (("stats", "--json"), "stats"),
    (("stats", "--json", "-c", TINY), "stats"),
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = tpmap.output_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# ------------------------------------------------------------------------------------------ the schema


def test_the_schema_is_draft_2020_12_with_an_id_and_a_version() -> None:
    schema = tpmap.output_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID and schema["schema_version"] == SCHEMA_VERSION
    assert set(schema["discriminator"]["mapping"]) == {output for _, output in JSON_COMMANDS} | {"batch_row"}
    schema["title"] = "changed"  # a fresh copy every call
    assert tpmap.output_schema()["title"] != "changed"


def test_tpmap_schema_output_prints_it_and_plain_schema_is_still_the_catalogue_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "schema", "--output")
    assert code == 0 and json.loads(out) == tpmap.output_schema()
    code, out, _ = run(capsys, "schema")
    assert code == 0 and "muscles" in json.loads(out)["properties"]


def test_the_schema_file_in_the_repository_is_current() -> None:
    """``schema/output.schema.json`` is the published copy; regenerate it with
    ``tpmap schema --output > schema/output.schema.json`` after changing an output."""
    published = Path(__file__).parents[1] / "schema" / "output.schema.json"
    assert json.loads(published.read_text(encoding="utf-8")) == tpmap.output_schema(), (
        "regenerate: tpmap schema --output > schema/output.schema.json"
    )


@pytest.mark.parametrize(("argv", "output"), JSON_COMMANDS, ids=[" ".join(a[:2]) for a, _ in JSON_COMMANDS])
def test_every_json_output_of_the_command_line_validates(
    capsys: pytest.CaptureFixture[str], validator: jsonschema.protocols.Validator, argv: tuple[str, ...], output: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    data = json.loads(out)
    assert list(data)[:3] == ["tpmap_version", "schema_version", "output"]
    assert (data["tpmap_version"], data["schema_version"], data["output"]) == (
        tpmap.__version__,
        SCHEMA_VERSION,
        output,
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


_TINY_REGIONS = ("arm", "upper_arm", "elbow", "lateral_elbow", "forearm", "hand", "thumb", "chest", "sternum")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sites=st.lists(st.sampled_from(_TINY_REGIONS), min_size=1, max_size=4, unique=True),
    side=st.sampled_from([None, "left", "right"]),
    sensations=st.lists(st.sampled_from(["tingling", "numbness", "burning"]), max_size=2, unique=True),
    extra=st.sampled_from([{}, {"conditions": ["angina"]}, {"movements": ["gripping"]}, {"all_flags": True}]),
)
def test_any_report_on_the_tiny_catalogue_validates(
    tiny: tpmap.Catalogue,
    validator: jsonschema.protocols.Validator,
    sites: list[str],
    side: str | None,
    sensations: list[str],
    extra: dict[str, Any],
) -> None:
    result = tpmap.rank(tiny, *sites, side=side, sensations=sensations, **extra)  # type: ignore[arg-type]
    data = json.loads(json.dumps(result.to_dict()))
    errors = list(validator.iter_errors(data))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:3]]


def test_rank_batch_json_lines_validate(
    capsys: pytest.CaptureFixture[str], validator: jsonschema.protocols.Validator, tmp_path: Path
) -> None:
    reports = tmp_path / "visits.jsonl"
    reports.write_text(
        '{"id": "a", "sites": ["outside of the elbow"], "side": "right"}\n'
        '{"sites": ["chest pain on the left, worse when I climb stairs"]}\n'
        '{"id": 7, "sites": ["buttock", "back of the thigh"], "side": "left", "sensations": ["tingling"]}\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "rank-batch", str(reports), "--top", "3")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(row["output"], row["id"]) for row in rows] == [("batch_row", "a"), ("batch_row", 2), ("batch_row", 7)]
    for row in rows:
        assert row["schema_version"] == SCHEMA_VERSION and validator.is_valid(row), row


def test_every_command_with_json_is_covered_here() -> None:
    """A command that gains ``--json`` must be added to JSON_COMMANDS (and its output to the schema)."""
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    with_json = {
        name
        for name, parser in commands.choices.items()
        if any("--json" in action.option_strings for action in parser._actions)
    }
    assert with_json <= {argv[0] for argv, _ in JSON_COMMANDS}


def _ranking_json() -> dict[str, Any]:
    result = tpmap.rank(tpmap.load_catalogue(), "front of the shoulder", "outside of the upper arm", side="right")
    data: dict[str, Any] = json.loads(json.dumps(result.to_dict(limit=3)))
    return data


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.pop("schema_version"),
        lambda d: d.update(output="muscle"),
        lambda d: d.update(surprise=1),
        lambda d: d["candidates"][0].update(zone="everywhere"),
        lambda d: d["candidates"][0].pop("evidence"),
        lambda d: d["candidates"][0]["evidence"][0].update(extra="x"),
        lambda d: d["query"].update(descriptions=[]),
        lambda d: d["cover"].update(method="guess"),
        lambda d: d.update(schema_version="one"),
    ],
)
def test_the_schema_refuses_a_spoilt_output(validator: jsonschema.protocols.Validator, spoil: Any) -> None:
    data = _ranking_json()
    assert validator.is_valid(data)
    spoilt = copy.deepcopy(data)
    spoil(spoilt)
    assert not validator.is_valid(spoilt)


def test_an_output_reads_back_into_typed_objects() -> None:
    data = _ranking_json()
    typed = RankingOutput.model_validate(data)
    assert typed.candidates[0].muscle == data["candidates"][0]["muscle"]
    assert typed.query.sites[0].region == "anterior_shoulder"


def test_every_python_builder_carries_the_versions(catalogue: tpmap.Catalogue) -> None:
    from tpmap.ranking import report  # noqa: PLC0415

    built = [
        report.ranking_report(tpmap.rank(catalogue, "elbow")),
        report.reading_report(tpmap.read_report(catalogue, "sore neck")),
        report.muscle_report(catalogue, "deltoid"),
        report.catalogue_report(catalogue, "regions"),
        report.vocabulary_report(catalogue, "movements"),
    ]
    assert all(b["tpmap_version"] == tpmap.__version__ and b["schema_version"] == SCHEMA_VERSION for b in built)
    with pytest.raises(tpmap.ArgumentTypeError, match="listing must be"):
        report.catalogue_report(catalogue, "everything")  # type: ignore[arg-type]
    with pytest.raises(tpmap.ArgumentTypeError, match="catalogue must be"):
        report.muscle_report("catalogue", "deltoid")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ DataFrames


def test_a_ranking_as_a_dataframe(catalogue: tpmap.Catalogue) -> None:
    result = tpmap.rank(catalogue, "outside of the elbow", side="right")
    frame = result.to_dataframe()
    assert tuple(frame.columns) == RANKING_COLUMNS and len(frame) == len(result)
    first = frame.iloc[0]
    assert (first["rank"], first["muscle"], first["side"]) == (1, result[0].muscle.id, "right")
    assert first["probability"] == result[0].probability and first["why"] == result[0].summary()
    assert first["zone"] == result[0].zone and first["name"] == result[0].muscle.name
    assert len(result.to_dataframe(limit=3)) == 3


def test_the_catalogue_as_dataframes(catalogue: tpmap.Catalogue) -> None:
    muscles = catalogue.to_dataframe("muscles")
    assert len(muscles) == len(catalogue.muscles) and muscles.columns[0] == "muscle"
    infraspinatus = muscles.set_index("muscle").loc["infraspinatus"]
    assert "anterior_shoulder" in infraspinatus["essential"] and infraspinatus["area"] == "shoulder_upper_arm"
    zones = catalogue.to_dataframe("zones")
    assert len(zones) == sum(
        len(tp.essential) + len(tp.spillover) for m in catalogue.muscles.values() for tp in m.trigger_points
    )
    assert set(zones["kind"]) == {"essential", "spillover"}
    assert len(catalogue.to_dataframe("regions")) == len(catalogue.regions)
    with pytest.raises(tpmap.ArgumentTypeError, match="table must be"):
        catalogue.to_dataframe("sources")  # type: ignore[arg-type]


@pytest.fixture
def no_pandas(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    yield


def test_without_pandas_the_error_says_exactly_what_to_install(
    catalogue: tpmap.Catalogue, no_pandas: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = tpmap.rank(catalogue, "elbow")
    monkeypatch.setattr(_extras, "find_checkout", lambda: None)  # installed from a wheel
    with pytest.raises(tpmap.MissingExtraError) as caught:
        result.to_dataframe()
    assert str(caught.value) == "a DataFrame needs the optional 'pandas' extra: python -m pip install \"tpmap[pandas]\""
    assert isinstance(caught.value, ImportError)
    monkeypatch.setattr(_extras, "find_checkout", lambda: tmp_path)  # a checkout, used from elsewhere
    with pytest.raises(tpmap.MissingExtraError, match=r'pip install -e ".+\[pandas\]"'):
        catalogue.to_dataframe("zones")
    monkeypatch.chdir(tmp_path)  # ... and from inside it
    with pytest.raises(tpmap.MissingExtraError, match=r'pip install -e "\.\[pandas\]"'):
        catalogue.to_dataframe("muscles")


def test_the_png_hint_works_from_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tpmap.render.chart import png_bytes  # noqa: PLC0415

    monkeypatch.setitem(sys.modules, "resvg_py", None)
    monkeypatch.setattr(_extras, "find_checkout", lambda: tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(tpmap.MissingExtraError, match=r'python -m pip install -e "\.\[png\]"'):
        png_bytes("<svg/>")
    monkeypatch.setattr(_extras, "find_checkout", lambda: None)
    with pytest.raises(tpmap.MissingExtraError, match=r'python -m pip install "tpmap\[png\]"'):
        png_bytes("<svg/>")


def test_this_checkout_is_found() -> None:
    found = _extras.find_checkout()
    assert found is None or (found / "pyproject.toml").is_file()


# ------------------------------------------------------------------------------------------ notebooks


class _Cells(html.parser.HTMLParser):
    """The text of each table cell, and every tag opened, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self.items: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th", "li"):
            self._in = tag
            (self.rows[-1] if tag != "li" else self.items).append("")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "li":
            self.items[-1] += data
        elif self._in:
            self.rows[-1][-1] += data


def _cells(text: str) -> _Cells:
    parser = _Cells()
    parser.feed(text)
    parser.close()
    return parser


def _hostile() -> tpmap.Catalogue:
    """A catalogue whose names and notes are full of HTML."""
    regions = [Region(id="body", name="Body"), Region(id="arm", name="Arm <b>", parent="body")]
    tp = TriggerPoint(
        id="t1", location=Location(region="arm", description="under the <script>alert(1)</script>"), essential=("arm",)
    )
    muscle = Muscle(
        id="alpha",
        name="<b>Alpha</b> & co",
        aliases=("<i>A</i>",),
        area="shoulder_upper_arm",
        innervation=Innervation(nerves=("n",)),
        trigger_points=(tp,),
        conditions=("scary",),
        sources=(SourceRef(source="book"),),
    )
    scary = Condition(
        id="scary",
        name="Scary <img src=x>",
        red_flag="Call </td></tr></table> now & then",
        red_flag_places=("arm",),
        sources=(SourceRef(source="book"),),
    )
    return tpmap.Catalogue(
        sources=[Source(id="book", citation="A book")], regions=regions, muscles=[muscle], conditions=[scary]
    )


def test_a_ranking_shows_as_a_table_in_a_notebook(catalogue: tpmap.Catalogue) -> None:
    result = tpmap.rank(catalogue, "outside of the elbow", side="right")
    page = _cells(result._repr_html_())
    header, *rows = page.rows
    assert header == ["rank", "muscle", "side", "probability", "zone", "why"]
    assert len(rows) == 10 and all(len(row) == 6 for row in rows)
    assert rows[0] == [
        "1",
        result[0].muscle.name,
        "right",
        f"{result[0].probability:.1%}",
        result[0].zone,
        result[0].summary(),
    ]
    assert page.items == list(result.notes)
    assert "<svg" not in result._repr_html_()  # the chart is drawn only when asked for (result.chart())


def test_html_is_escaped(catalogue: tpmap.Catalogue) -> None:
    cat = _hostile()
    result = tpmap.rank(cat, "arm", side="right")
    text = result._repr_html_()
    page = _cells(text)
    assert page.rows[1][1] == "<b>Alpha</b> & co"  # read back as text, not as markup
    assert set(page.tags) == {"table", "caption", "thead", "tbody", "tr", "th", "td", "ul", "li"}
    assert any("</td></tr></table>" in item for item in page.items)
    muscle = _cells(cat.muscles["alpha"]._repr_html_())
    assert set(muscle.tags) == {"table", "caption", "thead", "tbody", "tr", "th", "td", "ul", "li"}
    assert "under the <script>alert(1)</script>" in muscle.rows[1][1]
    assert "also called: <i>A</i>" in muscle.items


def test_a_muscle_shows_as_a_table_of_its_trigger_points(catalogue: tpmap.Catalogue) -> None:
    muscle = catalogue.muscle("infraspinatus")
    page = _cells(muscle._repr_html_())
    assert len(page.rows) == 1 + len(muscle.trigger_points)
    assert page.rows[1][0] == muscle.trigger_points[0].id
    assert any(item.startswith("mimics: ") for item in page.items)


def test_analyses_print_readably_and_have_short_reprs(catalogue: tpmap.Catalogue) -> None:
    result = tpmap.rank(
        catalogue, "front of the shoulder", "outside of the upper arm", "thumb side of the hand", side="right"
    )
    cover, question, found = result.cover(), result.next_questions()[0], result.satellites()
    assert repr(cover) == "<Cover (exact): infraspinatus/right>"
    assert str(cover) == "infraspinatus (right)"
    assert repr(question).startswith(f"<NextQuestion {question.kind} {question.subject}") and "bits>" in repr(question)
    assert str(question).startswith(question.ask + "\n  yes favours ")
    assert repr(found).startswith(f"<Satellites of {len(found.candidates)} candidates; examine first: ")
    assert str(found).startswith("examine first: " + ", ".join(found.examine_first))
    for shown in (repr(cover), repr(question), repr(found)):
        assert len(shown) < 160 and "=" not in shown.split(":")[0]  # not a dataclass dump


# ------------------------------------------------------------------------------------------ the command line


def test_global_options_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    before = run(capsys, "-c", TINY, "rank", "sternum", "--limit", "3")
    after = run(capsys, "rank", "sternum", "-c", TINY, "--limit", "3")
    assert before == after and before[0] == 0 and "Delta" in before[1]
    code, out, _ = run(capsys, "muscles", "--catalogue", TINY)
    assert code == 0 and "epsilon" in out.split()


def test_catalogues_before_and_after_the_command_add_up(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "muscles:\n"
        "  - id: zeta\n    name: Zeta\n    area: forearm_hand\n"
        "    trigger_points: [{id: z1, location: {region: forearm, description: Here.}, essential: [hand]}]\n"
        "    sources: [{source: hand_made}]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "-c", TINY, "muscles", "-c", str(extra))
    assert code == 0, err
    assert {"alpha", "zeta"} <= set(out.split())
    code, out, err = run(capsys, "export", "-c", TINY, "-c", str(extra))  # export's own -c is the global one
    assert code == 0 and "id: zeta" in out and "id: alpha" in out


def test_every_command_lists_the_global_options_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name in commands.choices:
        code, out, _ = run(capsys, name, "--help")
        assert code == 0 and "--catalogue FILE, -c FILE" in out, name


@pytest.mark.parametrize(
    "argv",
    [
        ("rank", "front of the shoulder", "outside of the upper arm", "thumb side of the hand", "--side", "right"),
        ("rank", "chest pain on the left, heart checked and fine", "--explain", "--limit", "3"),
        ("muscle", "infraspinatus"),
        ("conditions",),
        ("read", "numb and tingling little finger, worse when I grip, not in my wrist, 7 out of 10"),
    ],
)
@pytest.mark.parametrize("columns", [50, 80])
def test_text_is_wrapped_to_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    long = [line for line in out.splitlines() if len(line) > columns and " " in line.strip()]
    assert not long  # only a single unbreakable word (a URL) may run past the width
    monkeypatch.setenv("COLUMNS", "1000")
    assert run(capsys, *argv)[1].replace("\n", " ").split() == out.replace("\n", " ").split()  # words kept


def test_wide_terminals_are_capped_and_json_is_never_wrapped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    code, out, _ = run(capsys, "rank", "front of the shoulder", "outside of the upper arm", "thumb side of the hand")
    assert code == 0 and max(len(line) for line in out.splitlines()) <= WIDTH_RANGE[1]
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = run(capsys, "rank", "outside of the elbow", "--json")
    assert code == 0 and json.loads(out)["output"] == "ranking"


def test_the_width_comes_from_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: __import__("os").terminal_size((72, 24)))
    assert text_width(Terminal()) == 72
    monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: __import__("os").terminal_size((10, 24)))
    assert text_width(Terminal()) == WIDTH_RANGE[0]


def test_wrap_text_keeps_urls_and_deep_indentation_whole() -> None:
    url = "https://example.org/" + "x" * 80
    assert wrap_text(f"  see {url} for more", 40).splitlines() == ["  see", f"      {url}", "      for more"]
    deep = " " * 60 + "deep: Deep region with a long name"
    assert wrap_text(deep, 80) == deep

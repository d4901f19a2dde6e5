"""Batch ranking: rank_many gives exactly what rank gives one by one; rank-batch reads and writes files of reports."""

from __future__ import annotations

import csv
import io
import json
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpmap
from tpmap.cli import main
from tpmap.ranking import batch_files
from tpmap.ranking.batch import rank_rows, top_candidates
from tpmap.ranking.batch_files import read_rows
from tpmap.ranking.query import _build_query, _made

TINY_PLACES = ("upper_arm", "lateral_elbow", "forearm", "hand", "thumb", "sternum", "elbow", "chest", "nowhere")
SHIPPED_PLACES = (
    "outside of the elbow",
    "back of the head",
    "shoulder blade",
    "buttock",
    "calf",
    "thumb",
    "front of the shoulder",
    "lower back",
    "chest",
    "a sore shldr",  # unknown: an error result
)


def reports(places: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Random reports: one to six places, a side or none, sensations, places that do not hurt (some of them
    contradicting the painful ones, which is an error to report like any other), CHOIR codes on either map (239
    is no code; the tiny catalogue carries none)."""
    return st.fixed_dictionaries(
        {"sites": st.lists(st.sampled_from(places), min_size=1, max_size=6, unique=True)},
        optional={
            "side": st.sampled_from(["left", "right", None]),
            "sensations": st.lists(st.sampled_from(["tingling", "numbness", "burning"]), max_size=2, unique=True),
            "absent": st.lists(st.sampled_from(places), max_size=2, unique=True),
            "choir": st.lists(st.sampled_from([108, 112, 121, 205, 218, 239]), max_size=3, unique=True),
            "choir_map": st.sampled_from(["male", "female"]),
        },
    )


def one_by_one(catalogue: tpmap.Catalogue, batch: list[dict[str, Any]]) -> list[Any]:
    """The oracle: rank each report alone; an error stands as (its type, its message)."""
    expected: list[Any] = []
    for report in batch:
        fields = dict(report)
        try:
            expected.append(tpmap.rank(catalogue, *fields.pop("sites", ()), **fields))
        except tpmap.TpmapError as error:
            expected.append((type(error), str(error)))
    return expected


def as_compared(results: Iterator[Any]) -> list[Any]:
    out: list[Any] = []
    for index, result in enumerate(results):
        if isinstance(result, tpmap.FailedReport):
            assert result.index == index
            out.append((type(result.error), str(result.error)))
        else:
            out.append(result)
    return out


# ------------------------------------------------------------------------------------------ rank_many


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(reports(TINY_PLACES), max_size=8))
def test_rank_many_is_rank_one_by_one_on_the_tiny_catalogue(tiny: tpmap.Catalogue, batch: list[dict[str, Any]]) -> None:
    assert as_compared(tpmap.rank_many(tiny, batch)) == one_by_one(tiny, batch)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(reports(SHIPPED_PLACES), max_size=5))
def test_rank_many_is_rank_one_by_one_on_the_shipped_catalogue(
    catalogue: tpmap.Catalogue, batch: list[dict[str, Any]]
) -> None:
    assert as_compared(tpmap.rank_many(catalogue, batch)) == one_by_one(catalogue, batch)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(reports(TINY_PLACES), min_size=1, max_size=150))
def test_two_workers_give_the_same_results_for_a_catalogue_sent_to_them(
    tiny: tpmap.Catalogue, batch: list[dict[str, Any]]
) -> None:
    results = as_compared(tpmap.rank_many(tiny, batch, workers=2))
    assert results == one_by_one(tiny, batch)
    assert all(r.catalogue is tiny for r in results if isinstance(r, tpmap.Ranking))  # this process's catalogue


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(reports(SHIPPED_PLACES), min_size=1, max_size=150))
def test_two_workers_give_the_same_results_on_the_shipped_catalogue(
    catalogue: tpmap.Catalogue, batch: list[dict[str, Any]]
) -> None:
    results = as_compared(tpmap.rank_many(catalogue, batch, workers=2))
    assert results == one_by_one(catalogue, batch)
    for ranking in (r for r in results if isinstance(r, tpmap.Ranking)):  # the records are this process's own
        assert ranking[0].muscle is catalogue.muscles[ranking[0].muscle.id]


def test_queries_and_choir_codes_are_reports_too(catalogue: tpmap.Catalogue) -> None:
    query = tpmap.build_query(catalogue, "thumb", side="left")
    results = list(tpmap.rank_many(catalogue, [query, {"choir": "112,205"}, {"sites": "thumb", "side": "left"}]))
    assert results[0] == tpmap.score_query(catalogue, query) == results[2]
    assert results[1] == tpmap.rank(catalogue, choir=[112, 205])


def test_a_bad_report_is_an_error_result_with_its_index_and_the_rest_are_ranked(tiny: tpmap.Catalogue) -> None:
    batch: list[Any] = [{"sites": ["hand"]}, 7, {"sites": ["hand"], "sides": "left"}, "hand", {"sites": ["thumb"]}]
    results = list(tpmap.rank_many(tiny, batch))
    assert [type(r).__name__ for r in results] == ["Ranking", "FailedReport", "FailedReport", "FailedReport", "Ranking"]
    assert str(results[1]) == "report 1: report must be a mapping of report fields or a Query, not int (7)"
    assert str(results[2]) == "report 2: unknown report field 'sides'; did you mean 'side'?"
    assert isinstance(results[3], tpmap.FailedReport) and isinstance(results[3].error, tpmap.ArgumentTypeError)
    assert results[4] == tpmap.rank(tiny, "thumb")


def test_a_report_that_cannot_be_sent_to_a_worker_gives_what_ranking_it_alone_gives(tiny: tpmap.Catalogue) -> None:
    unsendable = {"sites": ["hand"], "lock": threading.Lock()}  # a lock does not pickle
    batch: list[Any] = [{"sites": ["hand"]}, unsendable, {"sites": [lambda: "hand"]}, {"sites": ["thumb"]}]
    for finish in (tpmap.rank_many, rank_rows):
        assert as_compared(finish(tiny, batch, workers=2)) == as_compared(finish(tiny, batch))
    results = list(tpmap.rank_many(tiny, batch, workers=2))
    assert [type(r).__name__ for r in results] == ["Ranking", "FailedReport", "FailedReport", "Ranking"]
    assert str(results[1]) == "report 1: unknown report field 'lock'; a report holds sites, " + ", ".join(
        tpmap.ReportFields.__annotations__
    )


def test_an_error_result_pickles_across_processes(tiny: tpmap.Catalogue) -> None:
    batch = [{"sites": ["nowhere"]}] * 3 + [{"sites": ["hand"]}]
    results = list(tpmap.rank_many(tiny, batch, workers=2))
    failed = [r for r in results if isinstance(r, tpmap.FailedReport)]
    assert [r.index for r in failed] == [0, 1, 2]
    assert isinstance(failed[0].error, tpmap.UnknownNameError)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"reports": "hand"}, "reports must be an iterable of report mappings or Query objects"),
        ({"reports": {"sites": ["hand"]}}, "reports must be an iterable"),
        ({"reports": [], "workers": 0}, "workers must be a whole number, 1 or more"),
        ({"reports": [], "workers": 1.5}, "workers must be a whole number"),
        ({"reports": [], "weights": {}}, "weights must be a Weights record"),
    ],
)
def test_wrong_arguments_are_refused_at_the_call(
    tiny: tpmap.Catalogue, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(tpmap.ArgumentTypeError, match=message):
        tpmap.rank_many(tiny, **arguments)


def test_reports_are_read_lazily(tiny: tpmap.Catalogue) -> None:
    read: list[int] = []

    def endless() -> Iterator[dict[str, Any]]:
        n = 0
        while True:
            read.append(n)
            n += 1
            yield {"sites": ["hand"]}

    results = tpmap.rank_many(tiny, endless())
    assert read == []
    next(results), next(results)
    assert read == [0, 1]


def test_a_description_is_read_once_and_an_error_every_time(catalogue: tpmap.Catalogue) -> None:
    text = "pins and needles in my left little finger, not in my wrist"
    first, again = (tpmap.build_query(catalogue, text) for _ in range(2))
    assert first == again and first.descriptions[0] is again.descriptions[0]
    assert tpmap.build_query(catalogue, text, side="right").descriptions[0] is not first.descriptions[0]
    errors = []
    for _ in range(2):
        with pytest.raises(tpmap.UnknownNameError, match="'a sore shldr'") as raised:
            tpmap.build_query(catalogue, "a sore shldr")
        errors.append(raised.value)
    assert errors[0] is not errors[1] and errors[0].args == errors[1].args  # a new error each time, the same words


def test_rank_rows_are_the_top_candidates_of_each_ranking(catalogue: tpmap.Catalogue) -> None:
    batch: list[dict[str, Any]] = [{"sites": ["chest"], "side": "left"}, {"sites": ["a sore shldr"]}]
    rows = list(rank_rows(catalogue, batch, top=3))
    assert rows[0] == top_candidates(tpmap.rank(catalogue, "chest", side="left"), top=3)
    assert isinstance(rows[1], tpmap.FailedReport)
    assert list(rank_rows(catalogue, batch, top=3, workers=2)) == rows


# ------------------------------------------------------------------------------------------ the lean query path

TINY_WORDS = (*TINY_PLACES, "outside of the elbow", "left thumb", "tennis elbow", "choir:108", "sore hand, I grip")
SHIPPED_WORDS = (
    *("lateral_elbow", "occiput", "thumb", "sternum", "lower_back", "buttock", "chest", "elbow", "hand", "face"),
    *("outside of the elbow", "back of my head", "left shoulder blade", "shoulder", "angina", "a sore shldr"),
    *("choir:112", "choir:205", "CHOIR: 108", "choir:139"),
    "numb and tingling little finger, worse when I grip, not in my wrist",
    "aching in both buttocks and down the back of my right thigh when I sit",
)


def lean_reports(catalogue: tpmap.Catalogue, words: tuple[str, ...]) -> st.SearchStrategy[tuple[Any, ...]]:
    """Random reports with every kind of field: places as ids, words, descriptions, CHOIR codes and records
    (their own sides, sensations and intensities), places that do not hurt (strings and records), pressed spots,
    conditions named and ruled out, movements, aggravators; some contradict themselves or name nothing."""
    place = st.sampled_from(words)
    sensation = st.sampled_from(["tingling", "numbness", "burning", "pins and needles", "aching", "fizzy"])
    side = st.sampled_from(["left", "right", None])
    site = place | st.builds(
        tpmap.Site,
        region=place,
        side=side,
        sensations=st.lists(st.sampled_from(["tingling", "numbness", "burning"]), max_size=2, unique=True).map(tuple),
        intensity=st.none() | st.integers(0, 10),
    )
    absent = place | st.builds(tpmap.Absent, region=place, side=side)
    conditions = st.lists(st.sampled_from([*catalogue.conditions, "tennis elbow"]), max_size=2, unique=True)
    movements = st.lists(st.sampled_from([*catalogue.movements, "grip"]), max_size=2, unique=True)
    aggravators = st.lists(st.sampled_from([*catalogue.aggravators, "cold"]), max_size=2, unique=True)
    report = st.fixed_dictionaries(
        {},
        optional={
            "side": side,
            "sensations": st.lists(sensation, max_size=3),
            "intensity": st.none() | st.integers(0, 10),
            "absent": st.lists(absent, max_size=2),
            "conditions": conditions,
            "ruled_out": conditions,
            "movements": movements,
            "aggravators": aggravators,
            "mode": st.sampled_from(["active", "latent"]),
            "all_flags": st.booleans(),
            "strict": st.booleans(),
            "tender": st.lists(place, max_size=2),
            "not_tender": st.lists(place, max_size=2),
            "choir": st.lists(st.sampled_from([108, 112, 121, 205, 218]), max_size=3, unique=True),
            "choir_map": st.sampled_from(["male", "female"]),
        },
    )
    return st.tuples(st.lists(site, max_size=6).map(tuple), report)


def built(catalogue: tpmap.Catalogue, sites: tuple[Any, ...], report: dict[str, Any], *, lean: bool) -> Any:
    """The query (or the error, as its type and message) that one path builds."""
    try:
        return _build_query(catalogue, sites, report, lean=lean)  # type: ignore[arg-type]
    except tpmap.TpmapError as error:
        return (type(error), str(error))


def assert_same_query(catalogue: tpmap.Catalogue, sites: tuple[Any, ...], report: dict[str, Any]) -> None:
    """The lean path, with what it remembers and again with what it then remembers, builds exactly what the
    validated path builds: equal records of the same types, the same text and JSON, or the same error."""
    expected = built(catalogue, sites, report, lean=False)
    for _ in range(2):
        query = built(catalogue, sites, report, lean=True)
        assert query == expected
        if isinstance(query, tpmap.Query):
            assert repr(query) == repr(expected) and hash(query) == hash(expected)
            assert query.model_dump_json() == expected.model_dump_json()
            assert pickle.loads(pickle.dumps(query)) == expected
            for mine, theirs in zip(
                (*query.sites, *query.absent, *query.tender),
                (*expected.sites, *expected.absent, *expected.tender),
                strict=True,
            ):
                assert type(mine) is type(theirs) and vars(mine) == vars(theirs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_lean_path_builds_the_validated_query_on_the_tiny_catalogue(
    tiny: tpmap.Catalogue, data: st.DataObject
) -> None:
    sites, report = data.draw(lean_reports(tiny, TINY_WORDS))
    assert_same_query(tiny, sites, report)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_lean_path_builds_the_validated_query_on_the_shipped_catalogue(
    catalogue: tpmap.Catalogue, data: st.DataObject
) -> None:
    sites, report = data.draw(lean_reports(catalogue, SHIPPED_WORDS))
    assert_same_query(catalogue, sites, report)


def test_the_lean_path_can_fail() -> None:
    """The comparison sees a record the lean path would build wrongly (a list where a tuple belongs)."""
    good = tpmap.Site(region="thumb", sensations=("tingling",))
    wrong = _made(tpmap.Site, region="thumb", side=None, sensations=["tingling"], intensity=None, phrase=None)
    missing = _made(tpmap.Site, region="thumb", side=None, sensations=("tingling",), intensity=None)
    assert good not in (wrong, missing)
    assert _made(tpmap.Site, region="thumb", side=None, sensations=("tingling",), intensity=None, phrase=None) == good


def test_a_region_id_site_is_built_once_and_shared(catalogue: tpmap.Catalogue) -> None:
    first, again = (tpmap.build_query(catalogue, "thumb", "occiput", side="left") for _ in range(2))
    assert first == again and all(a is b for a, b in zip(first.sites, again.sites, strict=True))
    tingling = tpmap.build_query(catalogue, "thumb", side="left", sensations=["tingling"])
    assert tingling.sites[0].sensations == ("tingling",) and first.sites[0].sensations == ()


# ------------------------------------------------------------------------------------------ files


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


JSONL = "\n".join(
    [
        json.dumps({"id": "a", "sites": ["outside of the elbow"], "side": "right", "sensations": ["tingling"]}),
        json.dumps({"id": "b", "sites": ["a sore shldr"]}),
        "not json",
        "",
        json.dumps({"id": 7, "choir": [112, 205]}),
        json.dumps({"id": "d", "sites": "chest", "side": "left", "sidez": 1}),
        json.dumps({"id": "e", "choir": "112", "choir_map": "female", "intensity": 6}),
    ]
)


def test_jsonl_in_jsonl_out_with_bad_rows_told_by_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, catalogue: tpmap.Catalogue
) -> None:
    source = tmp_path / "visits.jsonl"
    source.write_text(JSONL + "\n", encoding="utf-8")
    code, out, err = run(capsys, "rank-batch", str(source), "--top", "2")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["line"]) for r in rows] == [("a", 1), (7, 5), ("e", 7)]
    expected = tpmap.rank(catalogue, "outside of the elbow", side="right", sensations=["tingling"])
    assert rows[0]["candidates"] == top_candidates(expected, top=2)["candidates"]
    assert rows[1]["candidates"][0]["muscle"] == tpmap.rank(catalogue, choir=[112, 205])[0].muscle.id
    assert len(rows[0]["candidates"]) == 2
    lines = err.splitlines()
    assert lines[0] == f"tpmap: {source}:2 (id b): unknown place or condition 'a sore shldr'; did you mean: " + (
        "shoulder, frozen shoulder, shoulder blade, shoulder bursitis, shoulder impingement?"
    )
    assert lines[1] == f"tpmap: {source}:3: not valid JSON (Expecting value at column 1)"
    assert lines[2].startswith(f"tpmap: {source}:6 (id d): unknown column 'sidez' (did you mean 'side'?)")
    assert lines[3] == "tpmap: 3 reports could not be ranked (see above)"


def test_csv_in_csv_out(capsys: pytest.CaptureFixture[str], tmp_path: Path, catalogue: tpmap.Catalogue) -> None:
    source = tmp_path / "visits.csv"
    source.write_text(
        "\ufeffid,sites,side,sensations,absent,intensity,all_flags\n"
        "p1,outside of the elbow;back of the forearm,right,tingling,shoulder,5,no\n"
        'p2,"chest",left,,,,yes\n'
        "p3,thumb,left,,,eleven,\n",
        encoding="utf-8",
    )
    target = tmp_path / "ranked.csv"
    code, out, err = run(capsys, "rank-batch", str(source), "-o", str(target), "--top", "3")
    assert code == 1 and out == ""
    assert f"{source}:4 (id p3): intensity must be a whole number, not 'eleven'" in err
    assert f"tpmap: 2 results written to {target}" in err
    table = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["id"], r["line"]) for r in table] == [("p1", "2"), ("p2", "3")]
    expected = tpmap.rank(
        catalogue,
        "outside of the elbow",
        "back of the forearm",
        side="right",
        sensations=["tingling"],
        absent=["shoulder"],
        intensity=5,
    )
    assert [table[0][f"muscle_{n}"] for n in (1, 2, 3)] == [c.muscle.id for c in expected[:3]]
    assert float(table[0]["score_1"]) == round(expected[0].score, 4)
    assert float(table[0]["probability_1"]) == round(expected[0].probability, 6)
    assert table[1]["red_flags"].split(";")[0] == "angina"
    assert list(table[0])[-1] == "red_flags"


def test_a_choir_export_is_read_directly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "choir_export.csv"
    source.write_text('patient,codes,age\n1001,"106,109,208",54\n1002,"999",61\n1003,121,40\n', encoding="utf-8")
    code, out, err = run(
        capsys,
        "rank-batch",
        str(source),
        "--column",
        "id=patient",
        "--column",
        "choir=codes",
        "--ignore-column",
        "age",
        "--to",
        "jsonl",
    )
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["1001", "1003"]
    assert f"{source}:3 (id 1002): unknown CHOIR body-map code 999" in err


def test_the_female_map_is_a_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, catalogue: tpmap.Catalogue
) -> None:
    source = tmp_path / "export.csv"
    source.write_text("id,choir,choir_map\nf,112,female\nm,112,male\n", encoding="utf-8")
    code, out, _ = run(capsys, "rank-batch", str(source), "--top", "1", "--to", "jsonl")
    assert code == 0
    first = [json.loads(line)["candidates"][0]["muscle"] for line in out.splitlines()]
    assert first == [tpmap.rank(catalogue, choir=[112], choir_map=m)[0].muscle.id for m in ("female", "male")]


def test_an_unknown_column_refuses_the_file_before_writing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "visits.csv"
    source.write_text("id,site\n1,thumb\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    code, out, err = run(capsys, "rank-batch", str(source), "-o", str(target))
    assert code == 1 and out == ""
    assert "unknown column 'site' (did you mean 'sites'?)" in err
    assert list(tmp_path.iterdir()) == [source]


def test_a_line_that_is_not_utf8_is_a_bad_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "visits.jsonl"
    source.write_bytes(
        b'{"id": 1, "sites": ["thumb"]}\n{"id": 2, "sites": ["\xe9paule"]}\n{"id": 3, "sites": ["hand"]}\n'
    )
    code, out, err = run(capsys, "rank-batch", str(source))
    assert code == 1 and [json.loads(line)["id"] for line in out.splitlines()] == [1, 3]
    assert f"{source}:2: not UTF-8 text" in err


def test_a_csv_row_with_the_wrong_number_of_cells_is_a_bad_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "visits.csv"
    source.write_text('id,sites\n1,thumb\n2,hand,extra\n3,"unclosed\n', encoding="utf-8")
    code, out, err = run(capsys, "rank-batch", str(source), "--to", "jsonl")
    assert code == 1 and [json.loads(line)["id"] for line in out.splitlines()] == ["1"]
    assert f"{source}:3: 3 cells where the header has 2 columns" in err
    assert f"{source}:4: not readable as CSV" in err


def test_format_by_option_and_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"id,sites\nx,thumb\n"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = run(capsys, "rank-batch", "-", "--format", "csv", "--to", "csv", "--top", "1")
    assert code == 0 and out.splitlines()[0] == "id,line,muscle_1,side_1,score_1,probability_1,red_flags"
    source = tmp_path / "visits.txt"
    source.write_text("id,sites\nx,thumb\n", encoding="utf-8")
    assert run(capsys, "rank-batch", str(source))[2].startswith("tpmap: cannot tell the format of")
    assert run(capsys, "rank-batch", str(source), "--format", "csv")[0] == 0


def test_output_rules(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "visits.jsonl"
    source.write_text('{"sites": ["thumb"]}\n', encoding="utf-8")
    code, _, err = run(capsys, "rank-batch", str(source), "-o", str(source), "--force")
    assert code == 1 and "cannot write" in err and "it is the input file" in err
    assert source.read_text(encoding="utf-8") == '{"sites": ["thumb"]}\n'
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    code, _, err = run(capsys, "rank-batch", str(source), "-o", str(target))
    assert code == 1 and "the file exists; pass --force" in err and target.read_text(encoding="utf-8") == "old\n"
    assert run(capsys, "rank-batch", str(source), "-o", str(target), "--force")[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["id"] == 1  # no id column: the line number
    assert run(capsys, "rank-batch", str(tmp_path / "missing.jsonl"))[2].startswith("tpmap: cannot read")
    assert run(capsys, "rank-batch", str(source), "--top", "0")[0] == 1
    assert run(capsys, "rank-batch", str(source), "--column", "id")[2].startswith("tpmap: --column takes FIELD=NAME")


def test_an_interrupted_run_leaves_no_output_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "visits.jsonl"
    source.write_text('{"sites": ["thumb"]}\n' * 5, encoding="utf-8")
    target = tmp_path / "out.csv"
    written: list[int] = []
    original = batch_files._Writer.write

    def interrupted(self: Any, *args: Any) -> None:
        original(self, *args)
        written.append(1)
        if len(written) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(batch_files._Writer, "write", interrupted)
    assert main(["rank-batch", str(source), "-o", str(target)]) == 130
    assert len(written) == 3
    assert sorted(tmp_path.iterdir()) == [source]  # neither the output nor its temporary file


def test_workers_write_the_same_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "visits.jsonl"
    places = ["thumb", "chest", "calf", "a sore shldr", "back of the head"]
    source.write_text("".join(json.dumps({"id": n, "sites": [places[n % 5]]}) + "\n" for n in range(200)))
    one = run(capsys, "rank-batch", str(source))
    two = run(capsys, "rank-batch", str(source), "--workers", "2")
    assert one == two and one[0] == 1 and len(one[1].splitlines()) == 160


def test_progress_is_shown_only_on_a_terminal(catalogue: tpmap.Catalogue, tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    source = tmp_path / "visits.jsonl"
    source.write_text('{"sites": ["thumb"]}\n' * 3, encoding="utf-8")
    terminal, plain, out = Terminal(), io.StringIO(), io.StringIO()
    assert batch_files.rank_file(catalogue, str(source), None, stdout=out, stderr=terminal) == (3, 0)
    assert terminal.getvalue().startswith("\rtpmap: ") and "3 reports" in terminal.getvalue()
    batch_files.rank_file(catalogue, str(source), None, stdout=out, stderr=plain)
    assert plain.getvalue() == ""


def test_rows_keep_their_fields_and_skip_blank_lines() -> None:
    text = "id,sites,strict,tender\n\n  q  ,thumb; hand ,TRUE,thenar\n,,,\n"
    rows = list(read_rows(io.StringIO(text), "csv"))
    assert [(r.line, r.id, r.report) for r in rows] == [
        (3, "q", {"sites": ["thumb", "hand"], "strict": True, "tender": ["thenar"]})
    ]
    bad = list(read_rows(io.StringIO('{"id": true}\n{"id": "z", "strict": "maybe"}\n[1]\n'), "jsonl"))
    assert [(r.line, r.problem) for r in bad] == [
        (1, "id must be a string or a whole number, not True"),
        (2, None),  # a JSON value is passed on as it is: ranking it reports the wrong type
        (3, "a line must hold one JSON object, not list"),
    ]

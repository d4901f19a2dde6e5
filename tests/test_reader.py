"""Reading whole descriptions: the corpus of patient-language reports, the reading's invariants, and wiring.

``reports.yaml`` holds descriptions written in the words patients use, each with the exact reading expected
(see :func:`reading_summary` for the notation). An entry with ``xfail`` documents a reading the reader gets
wrong today; it is a strict expected failure, so fixing it makes the test say so.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import tpmap
from tpmap import Reading, read_report
from tpmap.catalogue.records import AREAS
from tpmap.cli import main
from tpmap.ranking import lexicon, reader
from tpmap.ranking.query import Site
from tpmap.ranking.reader import Finding

REPORTS_FILE = Path(__file__).with_name("reports.yaml")
REPORTS: list[dict[str, Any]] = yaml.safe_load(REPORTS_FILE.read_text(encoding="utf-8"))["reports"]
READABLE = [e["text"] for e in REPORTS if "error" not in e["read"] and "xfail" not in e]


def place_summary(finding: Finding) -> str:
    """``region[/side][ deep|surface][ spread][ +sensation+…]``."""
    text: str = finding.subject + (f"/{finding.side}" if finding.side else "")
    if finding.depth:
        text += f" {finding.depth}"
    if finding.spread:
        text += " spread"
    if finding.sensations:
        text += " +" + "+".join(finding.sensations)
    return text


def reading_summary(reading: Reading) -> dict[str, Any]:
    """A reading in the corpus notation: only the keys that have something, conditions suspected marked ``?``."""
    out: dict[str, Any] = {}
    if reading.places:
        out["places"] = [place_summary(f) for f in reading.places]
    if reading.absent:
        out["absent"] = [place_summary(f) for f in reading.absent]
    if reading.conditions:
        out["conditions"] = [f.subject + ("?" if f.status == "suspected" else "") for f in reading.conditions]
    for key in ("ruled_out", "denied", "movements", "aggravators", "timing"):
        items = getattr(reading, key)
        if items:
            out[key] = [f.subject for f in items]
    if reading.intensity:
        out["intensity"] = int(reading.intensity.subject)
    if reading.side:
        out["side"] = reading.side
    if reading.unused:
        out["unused"] = [u.words for u in reading.unused]
    return out


def summary_of(catalogue: tpmap.Catalogue, text: str) -> dict[str, Any]:
    try:
        return reading_summary(read_report(catalogue, text))
    except tpmap.UnknownNameError:
        return {"error": "unknown"}


def report_param(entry: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(reason=entry["xfail"], strict=True)] if "xfail" in entry else []
    return pytest.param(entry, id=entry["text"][:60], marks=marks)


# ------------------------------------------------------------------------------------------ the corpus


def test_corpus_is_large_varied_and_mostly_read_exactly(catalogue: tpmap.Catalogue) -> None:
    texts = [entry["text"] for entry in REPORTS]
    assert len(texts) >= 300 and len(set(texts)) == len(texts)
    failing = [entry for entry in REPORTS if "xfail" in entry]
    assert len(failing) <= 0.03 * len(REPORTS), "at least 97 % of the corpus must read exactly"
    assert all(entry["xfail"].strip() for entry in failing)
    # every body area and every construction of the reader is exercised
    areas: set[str] = set()
    for entry in REPORTS:
        for place in entry["read"].get("places", []):
            region = place.split("/")[0].split(" ")[0]
            areas.update(m.area for m in catalogue.muscles_referring_to(region))
    assert areas == set(AREAS)
    keys = {key for entry in REPORTS for key in entry["read"]}
    assert keys >= {"places", "absent", "conditions", "ruled_out", "movements", "aggravators", "timing"}
    assert keys >= {"intensity", "side", "unused", "error", "denied"}
    places = [p for entry in REPORTS for p in entry["read"].get("places", [])]
    assert any(" spread" in p for p in places) and any(" deep" in p for p in places)
    assert any("+" in p for p in places) and any("/both" in p for p in places)
    assert any("?" in c for entry in REPORTS for c in entry["read"].get("conditions", []))


@pytest.mark.parametrize("entry", [report_param(e) for e in REPORTS])
def test_report_reads_as_expected(catalogue: tpmap.Catalogue, entry: dict[str, Any]) -> None:
    assert summary_of(catalogue, entry["text"]) == entry["read"]


# ------------------------------------------------------------------------------------------ properties


FILLERS = ("it started last week", "I have had it for a while", "I am 45", "it has been going on since March")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_reading_or_a_documented_error(catalogue: tpmap.Catalogue, text: str) -> None:
    try:
        reading = read_report(catalogue, text)
    except (tpmap.UnknownNameError, tpmap.QueryError):
        return
    assert isinstance(reading, Reading)


# Words that reach every table of the reader, so texts drawn from them reach ids the tiny catalogue lacks.
TINY_WORDS = (
    *("arm", "whole arm", "upper arm", "elbow", "outside of the elbow", "forearm", "hand", "thumb", "chest"),
    *("breastbone", "tennis elbow", "angina", "gripping", "make a fist", "worse in the cold", "left", "right"),
    *("both", "no", "not", "checked", "fine", "ruled out", "scan", "down", "into", "and", "my", "pain", "numb"),
    *("tingling", "7/10", "11/10", "severe", "heart", "kidneys", "kidney"),
    *reader.ALONG,
    *reader.CHECKED_ORGANS,
    *(region.replace("_", " ") for region in reader.LIMB_PATHS),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TINY_WORDS), min_size=1, max_size=12), st.sampled_from((" ", ", ", ". ", " but ")))
@example(["both", "breastbone", "upper arm", "breastbone"], ", ")  # a midline place with a side, then without
def test_any_text_on_the_tiny_catalogue_gives_a_reading_or_a_documented_error(
    tiny: tpmap.Catalogue, words: list[str], joint: str
) -> None:
    """The reader's tables name the shipped catalogue's ids; read against another catalogue, they keep only its
    own (no KeyError for a region or condition it lacks)."""
    text = joint.join(words)
    try:
        reading = read_report(tiny, text)
    except (tpmap.UnknownNameError, tpmap.QueryError):
        return
    assert isinstance(reading, Reading)
    with contextlib.suppress(tpmap.UnknownNameError, tpmap.QueryError, tpmap.AmbiguousNameError):
        tpmap.rank(tiny, text)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(READABLE), st.sampled_from(FILLERS))
def test_a_filler_clause_changes_no_finding(catalogue: tpmap.Catalogue, text: str, filler: str) -> None:
    plain = read_report(catalogue, text)
    padded = read_report(catalogue, f"{text}. {filler}.")
    drop = ("text", "unused", "notes")
    before = {k: v for k, v in plain.to_dict().items() if k not in drop}
    after = {k: v for k, v in padded.to_dict().items() if k not in drop}
    assert before == after


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(READABLE))
def test_spans_point_at_their_words(catalogue: tpmap.Catalogue, text: str) -> None:
    reading = read_report(catalogue, text)
    for finding in reading.findings():
        assert finding.spans
        assert " … ".join(text[a:b] for a, b in finding.spans) == finding.words
        for start, end in finding.spans:
            assert 0 <= start < end <= len(text) and text[start:end].strip() == text[start:end]
    for unused in reading.unused:
        assert text[unused.span[0] : unused.span[1]] == unused.words


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(READABLE))
def test_the_same_text_gives_the_same_bytes(catalogue: tpmap.Catalogue, text: str) -> None:
    first = json.dumps(read_report(catalogue, text).to_dict(), sort_keys=True)
    assert first == json.dumps(read_report(catalogue, text).to_dict(), sort_keys=True)


# ------------------------------------------------------------------------------------------ errors and wiring


def test_nothing_recognised_is_refused_with_related_suggestions(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.UnknownNameError) as caught:
        read_report(catalogue, "pain")
    assert caught.value.suggestions == ()  # "pain" says where nothing is: no unrelated body part is offered
    with pytest.raises(tpmap.UnknownNameError) as caught:
        read_report(catalogue, "a sore shldr")
    assert caught.value.suggestions[0] == "shoulder"
    with pytest.raises(tpmap.QueryError):
        read_report(catalogue, "   ")
    with pytest.raises(tpmap.QueryError):
        read_report(catalogue, "knee " * 2000)
    with pytest.raises(tpmap.ArgumentTypeError):
        read_report(catalogue, b"knee")  # type: ignore[arg-type]


def test_issue_examples_rank_sensibly(catalogue: tpmap.Catalogue) -> None:
    def top(text: str, k: int = 10) -> list[str]:
        return [c.muscle.id for c in tpmap.rank(catalogue, text)[:k]]

    assert "gluteus_minimus" in top("sciatica down the back of my left leg", 3)
    assert {"masseter", "lateral_pterygoid"} & set(top("pain in my jaw and ear on the left", 5))
    assert "pectoralis_major" in top("chest pain on the left, heart checked and fine", 5)
    assert {"levator_ani", "coccygeus", "gluteus_maximus"} & set(top("pain in my tailbone", 5))
    assert "infraspinatus" not in top("numb and tingling little finger")
    assert "popliteus" in top("knee pain going down the stairs")


def test_ruled_out_is_not_evidence_and_its_red_flag_says_so(catalogue: tpmap.Catalogue) -> None:
    ruled = tpmap.rank(catalogue, "chest pain on the left, heart checked and fine")
    assert ruled.query.ruled_out == ("angina",) and ruled.query.conditions == ()
    assert any(note.startswith("Reported as ruled out (Angina-like chest pain)") for note in ruled.notes)
    assert not any(note.startswith("Rule out first (Angina") for note in ruled.notes)
    named = tpmap.rank(catalogue, "chest", side="left", conditions=["angina"])
    by_kind = {e.kind: e for e in named[0].evidence if e.kind in ("condition", "ruled_out")}
    assert "condition" in by_kind
    pec = next(c for c in ruled if c.muscle.id == "pectoralis_major")
    evidence = next(e for e in pec.evidence if e.kind == "ruled_out")
    named_pec = next(c for c in named if c.muscle.id == "pectoralis_major")
    named_evidence = next(e for e in named_pec.evidence if e.kind == "condition")
    assert 0 < evidence.contribution < named_evidence.contribution


def test_tender_spots_answer_the_examination(catalogue: tpmap.Catalogue) -> None:
    plain = {c.muscle.id: c.score for c in tpmap.rank(catalogue, "front of the shoulder", side="right")}
    pressed = tpmap.rank(catalogue, "front of the shoulder", side="right", tender=["middle of the shoulder blade"])
    scores = {c.muscle.id: c.score for c in pressed}
    assert scores["infraspinatus"] > plain["infraspinatus"]  # its trigger points lie there
    assert scores["deltoid"] < plain["deltoid"]
    not_pressed = tpmap.rank(catalogue, "front of the shoulder", side="right", not_tender=["infraspinous fossa"])
    assert {c.muscle.id: c.score for c in not_pressed}["infraspinatus"] < plain["infraspinatus"]


def test_strict_refuses_a_reading_that_chose(catalogue: tpmap.Catalogue) -> None:
    assert tpmap.rank(catalogue, "pain in my lower back after sitting").query.aggravators == ("prolonged_sitting",)
    with pytest.raises(tpmap.AmbiguousNameError):
        tpmap.rank(catalogue, "pain in my lower back after sitting", strict=True)
    assert tpmap.rank(catalogue, "outside of the elbow", strict=True).query.sites[0].region == "lateral_elbow"


def test_a_description_and_the_report_fields_combine(catalogue: tpmap.Catalogue) -> None:
    query = tpmap.build_query(
        catalogue, "numb and tingling little finger, worse when I grip", side="left", sensations=["burning"]
    )
    (site,) = query.sites
    assert (site.region, site.side, site.sensations) == ("little_finger", "left", ("numbness", "tingling", "burning"))
    assert query.movements == ("gripping",)
    assert query.descriptions[0].places[0].words == "little finger"
    both = tpmap.build_query(catalogue, "pain in both knees")
    assert [(s.region, s.side) for s in both.sites] == [("knee", None)]  # one place, on either side


def test_a_place_on_both_sides_is_scored_once(catalogue: tpmap.Catalogue) -> None:
    # Two sided copies of one place let a midline zone (the throat, inside "neck") count twice while a paired
    # zone counts once, and count every one-sided pattern against the other side.
    both = tpmap.rank(catalogue, "pain on both sides of my neck")
    either = tpmap.rank(catalogue, "neck")
    assert [(c.muscle.id, c.score) for c in both[:10]] == [(c.muscle.id, c.score) for c in either[:10]]
    assert tpmap.build_query(catalogue, "knee", sensations=["pins and needles"]).sites[0].sensations == ("tingling",)


# ------------------------------------------------------------------------------------------ groups and the command line


def test_muscle_groups_resolve_to_their_members(catalogue: tpmap.Catalogue) -> None:
    assert [m.id for m in catalogue.muscles_named("hamstrings")] == [
        "biceps_femoris",
        "semitendinosus",
        "semimembranosus",
    ]
    assert next(m.id for m in catalogue.muscles_named("Quads")) == "rectus_femoris"
    assert [m.id for m in catalogue.muscles_named("SCM")] == ["sternocleidomastoid"]
    with pytest.raises(tpmap.AmbiguousNameError) as caught:
        catalogue.muscle("rotator cuff")
    assert caught.value.readings == ("supraspinatus", "infraspinatus", "teres_minor", "subscapularis")
    for group in catalogue.groups.values():
        assert group.id not in catalogue.muscles and set(group.members) <= set(catalogue.muscles)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_reads_lists_vocabularies_and_groups(capsys: pytest.CaptureFixture[str]) -> None:
    text = "numb and tingling left little finger, worse when I grip"
    code, out, _ = run(capsys, "read", text)
    assert code == 0 and "pain: little finger (left, numbness, tingling) ← 'left little finger' at 18-36" in out
    code, out, _ = run(capsys, "read", text, "--json")
    reading = json.loads(out)
    ((start, end),) = reading["places"][0]["spans"]
    assert text[start:end] == "left little finger" and reading["movements"][0]["subject"] == "gripping"
    code, out, _ = run(capsys, "sensations")
    assert code == 0 and "pins and needles" in out
    for vocabulary, entry in (("movements", "reaching_behind_back"), ("aggravators", "descending_stairs")):
        code, out, _ = run(capsys, vocabulary, "--json")
        assert code == 0 and entry in {row["id"] for row in json.loads(out)[vocabulary]}
    code, out, _ = run(capsys, "muscle", "hamstrings")
    assert (
        code == 0 and out.startswith("hamstrings: a group of 3 muscles") and "Semimembranosus (semimembranosus)" in out
    )
    code, _, err = run(capsys, "read", "it just hurts")
    assert code == 1 and err.startswith("tpmap: unknown place or condition")


def test_cli_rank_reads_the_sentence_and_takes_the_examination(capsys: pytest.CaptureFixture[str]) -> None:
    text = "chest pain on the left, heart checked and fine"
    code, out, _ = run(capsys, "rank", text, "--limit", "3")
    assert code == 0 and out.startswith("read as ('chest pain on the left, heart checked and fine'):")
    assert "ruled out: angina-like chest pain ← 'heart'" in out
    code, out, _ = run(capsys, "rank", text, "--json", "--limit", "2")
    data = json.loads(out)
    assert data["query"]["ruled_out"] == ["angina"] and data["reading"][0]["ruled_out"][0]["spans"] == [[24, 29]]
    code, out, _ = run(
        capsys, "rank", "front of the shoulder", "--tender", "infraspinous fossa", "--not-tender", "deltoid", "--json"
    )
    kinds = {e["kind"] for e in json.loads(out)["candidates"][0]["evidence"]}
    assert code == 0 and {"tender", "not_tender"} <= kinds
    code, _, err = run(capsys, "rank", "pain in my lower back after sitting", "--strict")
    assert code == 1 and "ambiguous" in err


# ------------------------------------------------------------------------------------------ review findings


def test_the_tables_of_shipped_ids_keep_only_a_catalogues_own(tiny: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.UnknownNameError):  # the tiny catalogue has no leg: nothing here is recognised
        read_report(tiny, "pain down the back of the leg")
    ranking = tpmap.rank(tiny, "kidneys checked, thumb pain")  # nor kidneys: the words are not used
    assert ranking.query.ruled_out == () and [s.region for s in ranking.query.sites] == ["thumb"]
    assert vars(reader)["SIDE_WORDS"] is lexicon.SIDE_WORDS  # one table of side words


def test_a_denied_condition_is_no_evidence_and_only_a_check_rules_one_out(catalogue: tpmap.Catalogue) -> None:
    text = "I don't have any headache but my jaw hurts"
    reading = read_report(catalogue, text)
    assert [f.subject for f in reading.denied] == ["tension_type_headache"] and reading.ruled_out == ()
    assert reading.denied[0].status == "denied" and "denied: tension-type headache" in reading.describe(catalogue)
    assert any("headache" in note and "not evidence either way" in note for note in reading.notes)
    denied = tpmap.rank(catalogue, text)
    plain = tpmap.rank(catalogue, "my jaw hurts")
    assert denied.query.ruled_out == () and denied.query.conditions == ()
    assert [(c.muscle.id, c.score) for c in denied] == [(c.muscle.id, c.score) for c in plain]
    assert read_report(catalogue, "no headache, a tension headache was ruled out").ruled_out[0].subject == (
        "tension_type_headache"
    )


def test_a_summary_labels_a_ruled_out_condition_and_names_places(catalogue: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(catalogue, "chest pain on the left, heart checked and fine")
    pec = next(c for c in ranking if c.muscle.id == "pectoralis_major")
    assert "ruled out: angina-like chest pain" in pec.summary() and "fits angina" not in pec.summary()
    pressed = tpmap.rank(catalogue, "front of the shoulder", side="right", tender=["middle of the shoulder blade"])
    infraspinatus = next(c for c in pressed if c.muscle.id == "infraspinatus")
    assert "fits tender at body of the shoulder blade (right)" in infraspinatus.summary()
    untender = tpmap.rank(catalogue, "front of the shoulder", side="right", not_tender=["infrascapular"])
    summary = next(c for c in untender if c.muscle.id == "infraspinatus").summary()
    assert "against: not tender when pressed at body of the shoulder blade (right)" in summary
    assert "infrascapular" not in summary


def test_contradictory_examination_findings_are_refused(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.QueryError, match="tender"):
        tpmap.build_query(catalogue, "knee", tender=["knee"], not_tender=["knee"])
    with pytest.raises(tpmap.QueryError, match="lies inside"):
        tpmap.build_query(catalogue, "knee", tender=["thumb"], not_tender=["hand"])
    query = tpmap.build_query(catalogue, "knee", tender=["left knee"], not_tender=["right knee"])
    assert [(s.region, s.side) for s in (*query.tender, *query.not_tender)] == [("knee", "left"), ("knee", "right")]


def test_the_side_given_beats_the_side_inferred(catalogue: tpmap.Catalogue) -> None:
    query = tpmap.build_query(catalogue, "pain at the outside of my elbow and my left wrist", side="right")
    assert [(s.region, s.side) for s in query.sites] == [("lateral_elbow", "right"), ("wrist", "left")]
    assert any("the side given is right" in note for note in query.readings)
    inferred = tpmap.build_query(catalogue, "pain at the outside of my elbow and my left wrist")
    assert [s.side for s in inferred.sites] == ["left", "left"]
    with pytest.raises(tpmap.QueryError):
        read_report(catalogue, "knee", side="both")  # type: ignore[arg-type]


def test_a_site_record_takes_the_reports_sensations_and_intensity(catalogue: tpmap.Catalogue) -> None:
    (site,) = tpmap.build_query(catalogue, Site(region="hand"), sensations=["tingling"], intensity=8).sites
    assert (site.sensations, site.intensity) == (("tingling",), 8)
    query = tpmap.build_query(catalogue, Site(region="hand", intensity=3, sensations=("numbness",)), intensity=8)
    assert (query.sites[0].sensations, query.sites[0].intensity) == (("numbness",), 3)
    assert any("own intensity (3/10)" in note for note in query.readings)


def test_one_place_resolver_for_sites_absent_places_and_spots(catalogue: tpmap.Catalogue) -> None:
    for report in ({"absent": ["tennis elbow"]}, {"tender": ["tennis elbow"]}, {"not_tender": ["tennis elbow"]}):
        with pytest.raises(tpmap.QueryError, match="names a condition, not a place"):
            tpmap.build_query(catalogue, "knee", **report)  # type: ignore[arg-type]
    with pytest.raises(tpmap.QueryError, match="names a condition, not a place"):
        tpmap.build_query(catalogue, Site(region="tennis elbow"))
    query = tpmap.build_query(catalogue, "knee", side="right", absent=["left hip"], tender=["outer elbow"])
    assert (query.absent[0].side, query.tender[0].region, query.tender[0].side) == ("left", "lateral_elbow", "right")
    assert any("'left hip' names the left side" in note for note in query.readings)


def test_a_negation_of_a_sensation_or_after_a_place_is_read_as_meant(catalogue: tpmap.Catalogue) -> None:
    reading = read_report(catalogue, "pain in my wrist, no numbness in my hand")
    assert [p.region for p in reading.places] == ["wrist"] and reading.absent == ()
    assert any("'hand' is named only as where a sensation is absent" in note for note in reading.notes)
    reading = read_report(catalogue, "my neck is not the problem, it's my shoulder")
    assert [p.region for p in reading.places] == ["shoulder"] and [a.region for a in reading.absent] == ["neck"]
    with pytest.raises(tpmap.QueryError, match="empty"):  # a denied sensation alone is read, but is no report
        tpmap.rank(catalogue, "no numbness in my hand")


@pytest.mark.parametrize("score", ["11/10", "99/10", "-3/10", "100/10"])
def test_an_intensity_off_the_scale_is_not_used(catalogue: tpmap.Catalogue, score: str) -> None:
    reading = read_report(catalogue, f"knee pain {score}")
    assert reading.intensity is None and [u.words for u in reading.unused] == [score]
    assert any(f"{score} is outside the scale of 0 to 10" in note for note in reading.notes)
    assert tpmap.build_query(catalogue, f"knee pain {score}").sites[0].intensity is None


def test_what_eases_the_pain_is_not_scored_and_no_crude_stem_changes_a_word(catalogue: tpmap.Catalogue) -> None:
    reading = read_report(catalogue, "pain in my lower back, better when I walk around a bit")
    assert (reading.movements, reading.aggravators) == ((), ())
    assert [u.words for u in reading.unused] == ["walk"]
    assert "'walk' read as what eases it: not scored" in reading.notes
    assert read_report(catalogue, "better when I walk").unused  # read, not refused: nothing else is said
    worse = read_report(catalogue, "knee pain worse when I walk, better when I sit")
    assert [m.subject for m in worse.movements] == ["walking"] and [u.words for u in worse.unused] == ["sit"]
    assert [m.subject for m in read_report(catalogue, "jaw pain when biting").movements] == ["chewing"]
    assert read_report(catalogue, "jaw pain a bit").movements == ()


def test_a_thunderclap_headache_names_its_red_flag_first(catalogue: tpmap.Catalogue) -> None:
    reading = read_report(catalogue, "sudden worst headache of my life")
    assert (reading.conditions[0].subject, reading.conditions[0].status) == ("migraine", "suspected")
    assert any("sudden, worst-ever headache: rule out first" in note for note in reading.notes)
    assert reading.unused == ()
    flags = tpmap.rank(catalogue, "sudden worst headache of my life").red_flags
    assert flags[0].condition == "migraine"
    assert [c.subject for c in read_report(catalogue, "headache").conditions] == ["tension_type_headache"]
    assert [c.subject for c in read_report(catalogue, "no sudden headache").conditions] == []


def test_a_condition_named_and_ruled_out_is_refused(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.QueryError, match=r"'Frozen shoulder' is named as a condition, but .* ruled out"):
        tpmap.build_query(catalogue, "shoulder", conditions=["frozen shoulder"], ruled_out=["frozen shoulder"])
    with pytest.raises(tpmap.QueryError, match="ruled out"):
        tpmap.build_query(catalogue, "shoulder pain, frozen shoulder was ruled out", conditions=["frozen shoulder"])


def test_pain_denied_at_a_place_is_never_silently_painful(catalogue: tpmap.Catalogue) -> None:
    reading = read_report(catalogue, "my hand is numb but doesn't hurt")
    assert [(p.region, p.sensations) for p in reading.places] == [("hand", ("numbness",))]
    assert any(note.startswith("pain is denied at the hand") for note in reading.notes)
    reading = read_report(catalogue, "my knee clicks but it doesn't hurt")
    assert reading.places == () and [a.region for a in reading.absent] == ["knee"]
    reading = read_report(catalogue, "my neck hurts, not painful at night")
    assert [p.region for p in reading.places] == ["neck"] and reading.absent == ()


def test_a_read_side_is_named_in_plain_words(catalogue: tpmap.Catalogue) -> None:
    query = tpmap.build_query(catalogue, "neck pain on both sides")
    assert any("(neck, both sides)" in note for note in query.readings)


@pytest.mark.parametrize("text", ["both, breastbone, upper arm, breastbone", "left breastbone, then the breastbone"])
def test_a_midline_place_said_with_a_side_and_again_without_is_one_place(catalogue: tpmap.Catalogue, text: str) -> None:
    """A side said with a midline place is dropped (the place has no sides); said again without one, it is the same
    place, with both spans."""
    reading = read_report(catalogue, text)
    sternum = [finding for finding in reading.places if finding.region == "sternum"]
    assert len(sternum) == 1 and sternum[0].side is None and len(sternum[0].spans) == 2

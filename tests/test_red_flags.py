"""Red flags that fit the report: named or suspected conditions, and conditions whose places overlap the report.

The table runs on the shipped catalogue: each row is a report, the conditions whose "Rule out first" note must be
shown (among the three shown by default) and those that must not appear even when every fitting note is asked
for. The unit tests on the tiny catalogue check the order, the limit and the wording by hand.
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import tpmap
from tpmap.catalogue.records import URGENCIES
from tpmap.cli import _print_ranking, main
from tpmap.errors import ArgumentTypeError
from tpmap.ranking.results import RED_FLAG_LIMIT

TINY = Path(__file__).with_name("tiny_catalogue.yaml")

# (sites, report fields, must be shown by default, must not appear even with all_flags)
TABLE: list[tuple[tuple[str, ...], dict[str, Any], set[str], set[str]]] = [
    (("chest", "inside of the upper arm"), {"side": "left"}, {"angina"}, {"whiplash", "sciatica"}),
    (("left chest",), {}, {"angina"}, {"carpal_tunnel_syndrome"}),
    (("breastbone",), {}, {"angina"}, {"whiplash", "carpal_tunnel_syndrome"}),
    (("between the shoulder blades",), {}, {"angina"}, {"carpal_tunnel_syndrome", "pelvic_pain", "sciatica"}),
    (("armpit",), {}, {"angina"}, {"sciatica", "gout"}),
    (("jaw",), {}, {"angina"}, {"sciatica", "carpal_tunnel_syndrome"}),
    (("outside of the elbow",), {"side": "right"}, set(), {"angina", "whiplash", "carpal_tunnel_syndrome"}),
    (("outside of the elbow", "back of the forearm"), {}, set(), {"angina", "whiplash"}),
    (("upper teeth",), {}, {"toothache"}, {"angina", "sciatica"}),
    (("deep in the ear",), {}, {"earache"}, {"sciatica", "angina"}),
    (("temple",), {}, {"migraine", "tension_type_headache"}, {"angina", "sciatica", "carpal_tunnel_syndrome"}),
    # A stroke warning goes with dizziness wherever it is felt, not with every place on the head.
    (("back of the head",), {"sensations": ["dizziness"]}, {"dizziness_disorder"}, {"angina"}),
    (("jaw", "ear"), {"side": "left"}, {"angina"}, {"dizziness_disorder"}),
    (("temple", "behind the eye"), {}, {"migraine"}, {"dizziness_disorder"}),
    (("forehead",), {}, {"migraine"}, {"angina", "whiplash"}),
    (("back of the neck",), {}, {"cervical_radiculopathy"}, {"angina", "sciatica"}),
    (("side of the neck",), {}, {"cervical_radiculopathy"}, {"sciatica", "pelvic_pain"}),
    (("front of the shoulder",), {}, {"rotator_cuff_tendinopathy"}, {"angina", "sciatica", "whiplash"}),
    (("top of the shoulder",), {}, {"rotator_cuff_tendinopathy"}, {"sciatica", "pelvic_pain"}),
    (("palm",), {}, {"carpal_tunnel_syndrome"}, {"angina", "sciatica"}),
    (("thumb side of the hand",), {}, {"carpal_tunnel_syndrome"}, {"angina", "whiplash"}),
    (("wrist",), {}, {"carpal_tunnel_syndrome"}, {"angina", "sciatica"}),
    (("lower back",), {}, {"low_back_pain", "sciatica"}, {"angina", "carpal_tunnel_syndrome", "whiplash"}),
    (("buttock", "back of the thigh", "calf"), {"side": "left"}, {"sciatica"}, {"angina", "carpal_tunnel_syndrome"}),
    (("flank",), {}, {"kidney_pain"}, {"angina", "carpal_tunnel_syndrome"}),
    (("belly",), {}, {"abdominal_visceral_pain"}, {"carpal_tunnel_syndrome", "sciatica"}),
    (("groin",), {}, {"inguinal_hernia", "hip_joint_disease"}, {"angina", "carpal_tunnel_syndrome"}),
    (("knee",), {}, {"knee_joint_disease"}, {"angina", "carpal_tunnel_syndrome"}),
    (("back of the knee",), {}, {"deep_vein_thrombosis"}, {"angina", "whiplash"}),
    (("calf",), {}, {"deep_vein_thrombosis"}, {"angina", "carpal_tunnel_syndrome"}),
    (("shin",), {}, {"shin_splints"}, {"angina", "whiplash"}),
    (("heel",), {}, {"achilles_tendinopathy"}, {"angina", "carpal_tunnel_syndrome"}),
    (("big toe",), {}, {"gout"}, {"angina", "whiplash"}),
    (("ball of the foot",), {}, {"metatarsalgia"}, {"angina", "carpal_tunnel_syndrome"}),
    (("outside of the ankle",), {}, {"ankle_sprain"}, {"angina", "carpal_tunnel_syndrome"}),
    # A named or suspected condition comes first, whatever the places say.
    (("outside of the elbow",), {"conditions": ["whiplash"]}, {"whiplash"}, {"angina"}),
    ((), {"conditions": ["angina"]}, {"angina"}, {"sciatica", "whiplash"}),
    (("headache",), {}, {"tension_type_headache"}, {"angina", "sciatica"}),
    # An urgent condition among many that overlap: the emergencies are shown, less urgent ones held back.
    (("pain in my lower right abdomen",), {}, {"abdominal_visceral_pain", "inguinal_hernia"}, {"angina", "sciatica"}),
    (("back",), {}, {"angina", "low_back_pain", "sciatica"}, {"carpal_tunnel_syndrome", "earache"}),
    (("genitals",), {}, {"inguinal_hernia", "low_back_pain", "sciatica"}, {"angina", "carpal_tunnel_syndrome"}),
    (("pelvis",), {}, {"inguinal_hernia", "low_back_pain"}, {"angina", "carpal_tunnel_syndrome"}),
    (("neck",), {}, {"angina", "migraine"}, {"sciatica", "carpal_tunnel_syndrome"}),
    (("the whole arm",), {}, {"angina"}, {"sciatica", "earache"}),
]


def flags_of(ranking: tpmap.Ranking) -> list[str]:
    return [flag.condition for flag in ranking.red_flags]


@pytest.mark.parametrize(("sites", "fields", "must", "must_not"), TABLE, ids=[" + ".join(r[0]) or "-" for r in TABLE])
def test_red_flags_fit_the_report(
    catalogue: tpmap.Catalogue, sites: tuple[str, ...], fields: dict[str, Any], must: set[str], must_not: set[str]
) -> None:
    shown = tpmap.rank(catalogue, *sites, **fields)
    every = tpmap.rank(catalogue, *sites, all_flags=True, **fields)
    assert must <= set(flags_of(shown)), flags_of(shown)
    assert not must_not & set(flags_of(every)), flags_of(every)
    assert len(shown.red_flags) <= RED_FLAG_LIMIT
    assert flags_of(every)[: len(shown.red_flags)] == flags_of(shown)  # the shown ones are the most relevant
    notes = [n for n in every.notes if n.startswith("Rule out first")]
    assert len(notes) == len(set(notes)) == len(every.red_flags)  # each note once


def test_the_table_is_large_and_its_conditions_exist(catalogue: tpmap.Catalogue) -> None:
    assert len(TABLE) >= 30
    named = {c for *_, must, must_not in TABLE for c in must | must_not}
    assert named <= set(catalogue.conditions)


def test_the_emergency_in_the_lower_right_abdomen_is_shown_first(catalogue: tpmap.Catalogue) -> None:
    # Hernia, kidney and pelvic pain all name the lower abdomen; appendicitis is the one to rule out first.
    shown = tpmap.rank(catalogue, "pain in my lower right abdomen")
    assert [(f.condition, f.urgency) for f in shown.red_flags[:2]] == [
        ("abdominal_visceral_pain", "emergency"),
        ("inguinal_hernia", "emergency"),
    ]
    assert shown.red_flags[0].places == ("lower_abdomen",)
    every = tpmap.rank(catalogue, "pain in my lower right abdomen", all_flags=True)
    urgencies = [URGENCIES.index(f.urgency or "soon") for f in every.red_flags]
    assert urgencies == sorted(urgencies) and "pelvic_pain" in flags_of(every)
    assert shown.red_flags_held_back == len(every.red_flags) - RED_FLAG_LIMIT > 0


def test_every_red_flag_has_the_urgency_its_words_give(catalogue: tpmap.Catalogue) -> None:
    flagged = {c.id: c for c in catalogue.conditions.values() if c.red_flag}
    assert [cid for cid, c in flagged.items() if c.urgency is None] == []
    # The most urgent step a note names sets its urgency ("emergency care if breathing becomes hard" included).
    for cid, condition in flagged.items():
        words = (condition.red_flag or "").lower()
        if "emergency" in words or "999" in words:
            assert condition.urgency == "emergency", cid
        elif "same day" in words or "urgent" in words:
            assert condition.urgency == "same_day", cid
        else:
            assert condition.urgency != "emergency", cid
    assert not [c.id for c in catalogue.conditions.values() if c.urgency and not c.red_flag]


def test_appendicitis_names_the_places_its_source_gives(catalogue: tpmap.Catalogue) -> None:
    visceral = catalogue.conditions["abdominal_visceral_pain"]
    # Pain starting around the navel and settling low on the right (the cited symptoms page).
    assert {"periumbilical", "lower_abdomen"} <= set(visceral.red_flag_places)
    assert [ref.source for ref in visceral.sources] == ["appendicitis_symptoms_page"]
    assert flags_of(tpmap.rank(catalogue, "around the navel"))[0] == "abdominal_visceral_pain"


def test_named_conditions_lead_and_cardiac_pain_fits_the_left_chest_and_arm(catalogue: tpmap.Catalogue) -> None:
    chest = tpmap.rank(catalogue, "chest", "inside of the upper arm", side="left")
    assert flags_of(chest)[0] == "angina"
    assert chest.red_flags[0].reason == "place" and set(chest.red_flags[0].places) == {"chest", "medial_upper_arm"}
    named = tpmap.rank(catalogue, "outside of the elbow", conditions=["whiplash"])
    assert [(f.condition, f.reason) for f in named.red_flags] == [("whiplash", "named")]


# ------------------------------------------------------------------------------ by hand, on the tiny catalogue


def cited(text: str) -> str:
    """Each red-flag condition of a conditions section citing the tiny catalogue's source, as shipped ones do."""
    return "\n".join(
        f"{line[:-1]}, sources: [{{source: hand_made}}]}}" if "red_flag:" in line else line for line in text.split("\n")
    )


FLAGS = """\
conditions:
  - {id: angina, name: Angina, red_flag: Rule out a heart attack first., red_flag_places: [chest, upper_arm]}
  - {id: fracture, name: Fracture, red_flag: Have it imaged., red_flag_places: [arm]}
  - {id: nerve, name: Nerve, red_flag: Check the nerve., red_flag_places: [hand]}
  - {id: elbow_joint, name: Elbow joint, red_flag: Check the joint., red_flag_places: [lateral_elbow]}
  - {id: quiet, name: Quiet}
"""


@pytest.fixture
def flagged(tmp_path: Path) -> tpmap.Catalogue:
    path = tmp_path / "flags.yaml"
    path.write_text(cited(FLAGS), encoding="utf-8")
    return tpmap.load_files([TINY, path])


def test_order_named_then_places_nearest_first(flagged: tpmap.Catalogue) -> None:
    # The thumb lies in the hand (nerve), in the arm (fracture); nothing about angina or the elbow joint.
    assert flags_of(tpmap.rank(flagged, "thumb")) == ["nerve", "fracture"]
    # Two places overlap fracture's arm; one each the elbow joint's and the nerve's.
    assert flags_of(tpmap.rank(flagged, "lateral_elbow", "thumb")) == ["fracture", "elbow_joint", "nerve"]
    # Named first, even when no place overlaps it.
    assert flags_of(tpmap.rank(flagged, "thumb", conditions=["angina"])) == ["angina", "nerve", "fracture"]
    # A broad report contains the red-flag places: they fit, after those it lies within.
    assert flags_of(tpmap.rank(flagged, "arm", all_flags=True)) == ["fracture", "angina", "nerve", "elbow_joint"]


URGENT = """\
conditions:
  - {id: stroke, name: Stroke, red_flag: Call for help now., urgency: emergency, red_flag_places: [body]}
  - {id: bleed, name: Bleed, red_flag: Call for help now., urgency: emergency, red_flag_places: [hand]}
  - {id: fracture, name: Fracture, red_flag: Have it imaged today., urgency: same_day, red_flag_places: [arm]}
  - {id: nerve, name: Nerve, red_flag: Check the nerve., urgency: soon, red_flag_places: [hand]}
  - {id: thumb_joint, name: Thumb joint, red_flag: Check the joint., urgency: soon, red_flag_places: [thumb]}
  - {id: unranked, name: Unranked, red_flag: Check it., red_flag_places: [thumb]}
"""


@pytest.fixture
def urgent(tmp_path: Path) -> tpmap.Catalogue:
    path = tmp_path / "urgent.yaml"
    path.write_text(cited(URGENT), encoding="utf-8")
    return tpmap.load_files([TINY, path])


def test_most_urgent_first_then_by_fit(urgent: tpmap.Catalogue) -> None:
    every = tpmap.rank(urgent, "thumb", conditions=["angina"], all_flags=True)
    # Named first; then emergencies (the nearer place first), same day, then soon; no urgency sorts with soon (by
    # fit, then id). The limit leaves two places, both emergencies, so nothing moves up.
    assert flags_of(every) == ["angina", "bleed", "stroke", "fracture", "thumb_joint", "unranked", "nerve"]
    assert [f.urgency for f in every.red_flags] == [None, "emergency", "emergency", "same_day", "soon", None, "soon"]
    assert every.red_flags[1].to_dict() == {
        "condition": "bleed",
        "name": "Bleed",
        "note": "Call for help now.",
        "urgency": "emergency",
        "reason": "place",
        "places": ["thumb"],
    }


def test_the_best_fit_keeps_a_place_but_never_hides_an_emergency(urgent: tpmap.Catalogue) -> None:
    # Two emergencies, then the thumb's own warning in the last place, before the more urgent fracture.
    shown = tpmap.rank(urgent, "thumb")
    assert flags_of(shown) == ["bleed", "stroke", "thumb_joint"]
    assert shown.red_flags_held_back == 3
    # The order does not depend on the limit: asked for all, the same three lead.
    assert flags_of(tpmap.rank(urgent, "thumb", all_flags=True)) == [*flags_of(shown), "fracture", "unranked", "nerve"]
    # A named condition takes a place: the two left hold emergencies, and the best fit waits for all_flags.
    named = tpmap.rank(urgent, "thumb", conditions=["angina"])
    assert flags_of(named) == ["angina", "bleed", "stroke"]
    # A flag fitting as well as the best is already shown: nothing moves.
    assert flags_of(tpmap.rank(urgent, "hand")) == ["bleed", "stroke", "fracture"]


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(p).removeprefix(f"{path}:") for p in tpmap.check_files([TINY, path], with_shipped=False)]


def test_urgency_is_checked_where_it_is_written(tmp_path: Path) -> None:
    unknown = "conditions:\n  - id: loud\n    name: Loud\n    red_flag: Check it.\n    urgency: today\n"
    unknown += "    sources: [{source: hand_made}]\n"
    (found,) = problems(tmp_path, unknown)
    assert found == "5:14: conditions[0].urgency: must be one of 'emergency', 'same_day' or 'soon' (got 'today')"
    alone = "conditions:\n  - id: quiet\n    name: Quiet\n    urgency: soon\n"
    assert problems(tmp_path, alone) == ["4:14: conditions[0].urgency: urgency needs a red_flag note to rank"]
    assert problems(tmp_path, unknown.replace("today", "same_day")) == []


def test_at_most_three_unless_all_are_asked_for(flagged: tpmap.Catalogue) -> None:
    shown = tpmap.rank(flagged, "arm")
    assert flags_of(shown) == ["fracture", "angina", "nerve"]
    assert shown.notes[-4:] == (
        "Rule out first (Fracture): Have it imaged.",
        "Rule out first (Angina): Rule out a heart attack first.",
        "Rule out first (Nerve): Check the nerve.",
        "1 more serious condition to rule out fits this report: ask for all red flags (all_flags=True, or "
        "--all-flags) to see them.",
    )
    every = tpmap.rank(flagged, "arm", all_flags=True)
    assert every.notes[-1] == "Rule out first (Elbow joint): Check the joint."
    assert every.query.all_flags and not shown.query.all_flags
    assert every.red_flags[0].to_dict() == {
        "condition": "fracture",
        "name": "Fracture",
        "note": "Have it imaged.",
        "urgency": None,
        "reason": "place",
        "places": ["arm"],
    }
    assert (shown.red_flags_held_back, every.red_flags_held_back) == (1, 0)


def test_no_overlap_no_flag_and_candidates_keep_their_data(tiny: tpmap.Catalogue) -> None:
    # In the tiny catalogue angina has no red-flag places: its note fits only when it is named.
    result = tpmap.rank(tiny, "sternum")
    assert flags_of(result) == []
    assert not any(note.startswith("Rule out first") for note in result.notes)
    delta = result[0]
    assert delta.muscle.id == "delta" and delta.red_flags == (("Angina", "Rule out a heart attack first."),)
    assert "Rule out first" not in delta.explain()


def test_notes_print_once_and_json_lists_them_once(flagged: tpmap.Catalogue) -> None:
    result = tpmap.rank(flagged, "arm", conditions=["angina"])
    out = io.StringIO()
    _print_ranking(result, 5, True, out)
    assert out.getvalue().count("Rule out first (Angina)") == 1
    text = json.dumps(result.to_dict())
    report = json.loads(text)
    # Worded once, in the notes; the report's red flags and each candidate's carry the data, not the wording.
    assert text.count("Rule out first (Angina)") == 1
    assert sum("Rule out first (Angina)" in note for note in report["notes"]) == 1
    assert [flag["condition"] for flag in report["red_flags"]] == ["angina", "fracture", "nerve"]
    assert report["red_flags"] == [flag.to_dict() for flag in result.red_flags]
    assert report["red_flags_held_back"] == 1
    assert all(set(candidate) >= {"red_flags"} for candidate in report["candidates"])
    assert all(
        "notes" not in candidate and "Rule out first" not in json.dumps(candidate) for candidate in report["candidates"]
    )


def test_json_red_flags_follow_the_limit(flagged: tpmap.Catalogue, tiny: tpmap.Catalogue) -> None:
    every = tpmap.rank(flagged, "arm", conditions=["angina"], all_flags=True).to_dict()
    assert [flag["condition"] for flag in every["red_flags"]] == ["angina", "fracture", "nerve", "elbow_joint"]
    assert every["red_flags_held_back"] == 0
    assert tpmap.rank(tiny, "sternum").to_dict()["red_flags"] == []


def test_all_flags_must_be_a_bool(tiny: tpmap.Catalogue) -> None:
    with pytest.raises(ArgumentTypeError, match="all_flags"):
        tpmap.rank(tiny, "thumb", all_flags="yes")  # type: ignore[arg-type]


def test_command_line_all_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "jaw"]) == 0
    default = capsys.readouterr().out
    assert main(["rank", "jaw", "--all-flags"]) == 0
    every = capsys.readouterr().out
    assert default.count("note: Rule out first") == RED_FLAG_LIMIT and "--all-flags" in default
    assert every.count("note: Rule out first") > RED_FLAG_LIMIT and "--all-flags" not in every


def test_the_readme_names_the_keys_of_the_rank_json(catalogue: tpmap.Catalogue) -> None:
    readme = Path(__file__).parents[1].joinpath("README.md").read_text(encoding="utf-8")
    shape = readme.split("`rank --json` prints one object: `", 1)[1].split("}`.", 1)[0] + "}"
    # The keys written in the README's sketch, by the key that holds them ("" for the report itself).
    named: dict[str, set[str]] = defaultdict(set)
    owners: list[str] = []
    pending = ""
    for word, colon, bracket in re.findall(r'"(\w+)"(:)?|([\[\]{}])', shape):
        if bracket in ("[", "{"):
            owners.append(pending or (owners[-1] if owners else ""))
            pending = ""
        elif bracket:
            owners.pop()
        else:
            named[owners[-1]].add(word)
            pending = word if colon else pending
    report = json.loads(json.dumps(tpmap.rank(catalogue, "lower right abdomen, worse when I sit").to_dict()))
    assert named[""] == set(report)
    assert named["candidates"] == set(report["candidates"][0])
    assert named["red_flags"] == set(report["red_flags"][0])
    assert named["cover"] == set(report["cover"]) and named["satellites"] == set(report["satellites"])
    assert named["reading"] < set(report["reading"][0])  # the sketch elides some

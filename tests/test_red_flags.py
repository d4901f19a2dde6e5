"""Red flags that fit the report: named or suspected conditions, and conditions whose places overlap the report.

The table runs on the shipped catalogue: each row is a report, the conditions whose "Rule out first" note must be
shown (among the three shown by default) and those that must not appear even when every fitting note is asked
for. The unit tests on the tiny catalogue check the order, the limit and the wording by hand.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import tpmap
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


def test_named_conditions_lead_and_cardiac_pain_fits_the_left_chest_and_arm(catalogue: tpmap.Catalogue) -> None:
    chest = tpmap.rank(catalogue, "chest", "inside of the upper arm", side="left")
    assert flags_of(chest)[0] == "angina"
    assert chest.red_flags[0].reason == "place" and set(chest.red_flags[0].places) == {"chest", "medial_upper_arm"}
    named = tpmap.rank(catalogue, "outside of the elbow", conditions=["whiplash"])
    assert [(f.condition, f.reason) for f in named.red_flags] == [("whiplash", "named")]


# ------------------------------------------------------------------------------ by hand, on the tiny catalogue

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
    path.write_text(FLAGS, encoding="utf-8")
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
        "note": "Have it imaged.",
        "reason": "place",
        "places": ["arm"],
    }


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
    report = json.loads(json.dumps(result.to_dict()))
    assert sum("Rule out first (Angina)" in note for note in report["notes"]) == 1
    assert all("notes" not in candidate for candidate in report["candidates"])


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

"""Overlays that keep data: field-level edits, what each overlay changed, `check` in one run, the schema for editors."""

from __future__ import annotations

import json
import pickle
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tpmap
from tpmap.catalogue.loader import SHIPPED_FILES, data_dir
from tpmap.catalogue.records import CATALOGUE_SCHEMA_ID, catalogue_schema
from tpmap.cli import main
from tpmap.errors import CatalogueError, Problem

TINY = Path(__file__).with_name("tiny_catalogue.yaml")
SCHEMA_FILE = Path(__file__).parents[1] / "schema" / "catalogue.schema.json"


def write(tmp_path: Path, text: str, name: str = "overlay.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def on_tiny(tmp_path: Path, text: str) -> tpmap.Catalogue:
    return tpmap.load_files([TINY, write(tmp_path, text)])


def problems_on_tiny(tmp_path: Path, text: str) -> list[str]:
    """Each problem of an overlay on the tiny catalogue, without the file's name."""
    path = write(tmp_path, text)
    return [str(p).removeprefix(f"{path}:") for p in tpmap.check_files([TINY, path], with_shipped=False)]


# ------------------------------------------------------------------------------- field-level edits


def test_an_edit_keeps_every_field_it_does_not_touch(catalogue: tpmap.Catalogue, tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        """\
sources:
  - {id: my_notes, citation: Notes of an example clinic (a test fixture)., kind: web}
edits:
  - muscle: infraspinatus
    add:
      trigger_points:
        - id: clinic_extra
          location: {region: infrascapular, description: "Low on the blade, for this test."}
          essential: [anterior_shoulder]
    sources: [{source: my_notes, locator: test fixture}]
""",
    )
    before = catalogue.muscle("infraspinatus")
    after = tpmap.load_catalogue(overlay).muscle("infraspinatus")
    assert after.trigger_points[:-1] == before.trigger_points  # the shipped trigger points, unchanged
    assert after.trigger_points[-1].id == "clinic_extra"
    for field in ("name", "aliases", "area", "innervation", "conditions", "movements", "aggravators", "xrefs"):
        assert getattr(after, field) == getattr(before, field), field
    assert after.sources[:-1] == before.sources and after.sources[-1].source == "my_notes"
    assert catalogue.muscle("infraspinatus") == before  # the shipped catalogue itself never changes


def test_add_a_trigger_point_a_zone_a_condition_a_source_and_set_a_field(tmp_path: Path) -> None:
    cat = on_tiny(
        tmp_path,
        """\
sources:
  - {id: paper, citation: An invented paper for tests., kind: journal}
edits:
  - muscle: gamma
    add:
      trigger_points:
        - {id: g2, location: {region: thumb, description: Base of the thumb.}, essential: [thumb]}
      conditions: [tennis_elbow]
      aliases: [the gamma]
    set:
      innervation: {nerves: [gamma nerve], roots: [C8]}
    sources: [{source: paper, locator: table 2}]
  - muscle: alpha
    trigger_point: a1
    add: {spillover: [hand]}
    set: {side: both}
    sources: [{source: paper}]
""",
    )
    gamma = cat.muscle("gamma")
    assert [tp.id for tp in gamma.trigger_points] == ["g1", "g2"]
    assert gamma.conditions == ("tennis_elbow",) and gamma.aliases == ("the gamma",)
    assert gamma.innervation is not None and gamma.innervation.roots == ("C8",)
    assert [(s.source, s.locator) for s in gamma.sources] == [("hand_made", None), ("paper", "table 2")]
    a1 = cat.trigger_point("alpha", "a1")
    assert a1.spillover == ("forearm", "hand") and a1.side == "both" and a1.essential == ("lateral_elbow",)
    assert a1.sensations == ("tingling",)  # untouched
    assert [(c.entry, c.kind) for c in cat.changes] == [("paper", "added"), ("gamma", "edited"), ("alpha", "edited")]
    assert cat.changes[2].details == (
        "trigger point 'a1': added 'hand' to spillover",
        "trigger point 'a1': set side",
        "cited source 'paper'",
    )
    assert "'gamma' is a zone of" not in str(cat.muscles_referring_to("thumb"))
    assert {m.id for m in cat.muscles_referring_to("thumb")} >= {"gamma", "epsilon"}


def test_edits_apply_in_file_order_and_a_later_file_builds_on_an_earlier_one(tmp_path: Path) -> None:
    first = write(tmp_path, "edits:\n  - {muscle: beta, add: {aliases: [b one]}}\n", "first.yaml")
    second = write(tmp_path, "edits:\n  - {muscle: beta, add: {aliases: [b two]}, set: {notes: Later.}}\n", "2.yaml")
    cat = tpmap.load_files([TINY, first, second])
    assert cat.muscle("beta").aliases == ("b one", "b two") and cat.muscle("beta").notes == "Later."
    assert [c.file for c in cat.changes] == [str(first), str(second)]


def test_an_edit_keeps_its_reason_with_the_change(tmp_path: Path) -> None:
    cat = on_tiny(tmp_path, "edits:\n  - {muscle: beta, add: {aliases: [bee]}, notes: Our word for it.}\n")
    assert cat.changes[0].details == ("added 'bee' to aliases", "why: Our word for it.")


def test_an_edit_of_an_entry_with_problems_of_its_own_is_not_reported_again(tmp_path: Path) -> None:
    found = problems_on_tiny(
        tmp_path,
        "muscles:\n  - {id: new, name: New, area: trunk, trigger_points: [], sources: [{source: hand_made}]}\n"
        "edits:\n  - {muscle: new, add: {aliases: [fresh]}}\n",
    )
    assert found == ["2:55: muscles[0].trigger_points: needs at least 1 item (the list is empty)"]


def test_words_need_no_source_but_facts_do(tmp_path: Path) -> None:
    assert (
        problems_on_tiny(tmp_path, "edits:\n  - {muscle: beta, add: {aliases: [bee]}, set: {notes: A note.}}\n") == []
    )
    found = problems_on_tiny(tmp_path, "edits:\n  - {muscle: beta, add: {conditions: [tennis_elbow]}}\n")
    assert found == [
        "2:5: edits[0]: an edit that changes conditions must cite where it comes from: give sources: "
        "[{source: <id>, locator: <chapter or page>}]"
    ]


def test_whole_entry_replacement_says_what_it_drops(tmp_path: Path) -> None:
    cat = on_tiny(
        tmp_path,
        """\
muscles:
  - id: alpha
    name: Alpha
    area: forearm_hand
    trigger_points:
      - {id: a9, location: {region: hand, description: Palm.}, essential: [hand]}
    sources: [{source: hand_made}]
""",
    )
    (change,) = cat.changes
    assert (change.entry, change.kind) == ("alpha", "replaced")
    assert change.details == (
        f"replaces the whole entry of {TINY}; its innervation, conditions, movements, aggravators, associated are "
        "gone (an entry of edits: would keep them)",
    )
    assert cat.muscle("alpha").innervation is None  # replaced as asked, and said


def test_new_entries_are_recorded_as_added_and_the_shipped_catalogue_has_no_changes(
    catalogue: tpmap.Catalogue, tmp_path: Path
) -> None:
    assert catalogue.changes == () and catalogue.plugins == ()
    cat = on_tiny(tmp_path, "conditions:\n  - {id: new_thing, name: New thing}\n")
    assert [(c.section, c.entry, c.kind) for c in cat.changes] == [("conditions", "new_thing", "added")]


def test_a_ranking_names_the_muscles_overlays_changed(catalogue: tpmap.Catalogue, tmp_path: Path) -> None:
    overlay = write(tmp_path, "edits:\n  - {muscle: supinator, add: {aliases: [the supinator muscle]}}\n")
    changed = tpmap.rank(tpmap.load_catalogue(overlay), "outside of the elbow")
    (note,) = [n for n in changed.notes if n.startswith("Overlay files changed")]
    assert note == (
        f"Overlay files changed 1 muscle of this catalogue, ranked here like the others: supinator (edited by "
        f"{overlay})."
    )
    assert not any(n.startswith("Overlay") for n in tpmap.rank(catalogue, "outside of the elbow").notes)


def test_changes_survive_pickling(tmp_path: Path) -> None:
    cat = on_tiny(tmp_path, "edits:\n  - {muscle: beta, add: {aliases: [bee]}}\n")
    again = pickle.loads(pickle.dumps(cat))
    assert again.changes == cat.changes and again.muscle("bee").id == "beta"


def test_an_edited_catalogue_exports_to_a_file_that_loads_back_the_same(tmp_path: Path) -> None:
    cat = on_tiny(tmp_path, "edits:\n  - {muscle: beta, add: {aliases: [bee]}}\n")
    again = tpmap.load_files(write(tmp_path, cat.to_yaml(), "export.yaml"))
    assert again.muscles == cat.muscles and again.changes == ()  # a plain catalogue file: its edits are applied


def test_a_catalogue_built_in_python_checks_what_it_is_told_was_changed(tiny: tpmap.Catalogue) -> None:
    regions = tiny.regions.values()
    with pytest.raises(tpmap.ArgumentTypeError, match="changes must be a list of Change records"):
        tpmap.Catalogue(regions=regions, changes=["muscle beta edited"])  # type: ignore[list-item]
    with pytest.raises(tpmap.ArgumentTypeError, match="plugins must be a list of plug-in names, not str"):
        tpmap.Catalogue(regions=regions, plugins="clinic")


# ------------------------------------------------------------------------------- edit problems


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            "{muscle: gama, add: {aliases: [g]}}",
            "2:14: edits[0].muscle: no muscle 'gama' to edit; did you mean: gamma?",
        ),
        ("{muscle: gamma, region: hand, add: {aliases: [g]}}", "2:5: edits[0]: an edit names exactly one entry"),
        (
            "{muscle: gamma, trigger_point: g9, add: {spillover: [hand]}, sources: [{source: hand_made}]}",
            "2:36: edits[0].trigger_point: muscle 'gamma' has no trigger point 'g9'",
        ),
        ("{muscle: gamma, add: {alias: [g]}}", "2:27: edits[0].add.alias: a Muscle has no field 'alias'; did you mean"),
        ("{muscle: gamma, set: {id: g}}", "2:31: edits[0].set.id: an edit keeps the entry's id"),
        (
            "{muscle: gamma, add: {area: [trunk]}, sources: [{source: hand_made}]}",
            "2:33: edits[0].add.area: area is not a list, so nothing can be added to it: use set",
        ),
        (
            "{muscle: alpha, add: {conditions: [tennis_elbow]}, sources: [{source: hand_made}]}",
            "2:40: edits[0].add.conditions[0]: 'tennis_elbow' is already in conditions",
        ),
        ("{muscle: gamma}", "2:5: edits[0]: an edit needs add, set or sources"),
        ("{muscle: gamma, add: {aliases: [g]}, colour: red}", "2:42: edits[0].colour: unknown field 'colour'"),
        (
            "{muscle: gamma, set: {area: hands}, sources: [{source: hand_made}]}",
            "2:33: edits[0].set.area: must be one of 'head_face', 'neck', 'shoulder_upper_arm', 'forearm_hand'",
        ),
    ],
)
def test_an_edit_problem_is_reported_where_the_edit_writes_it(tmp_path: Path, edit: str, expected: str) -> None:
    found = problems_on_tiny(tmp_path, f"edits:\n  - {edit}\n")
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_reference_an_edit_adds_is_checked_where_the_edit_writes_it(tmp_path: Path) -> None:
    found = problems_on_tiny(
        tmp_path,
        """\
edits:
  - muscle: beta
    trigger_point: b1
    add: {spillover: [thum]}
    sources: [{source: hand_mad}]
""",
    )
    assert found == [
        "4:23: edits[0].add.spillover[0]: unknown region 'thum'; did you mean: thumb?",
        "5:24: edits[0].sources[0].source: unknown source 'hand_mad'; did you mean: hand_made?",
    ]


def test_an_added_trigger_point_is_checked_field_by_field_where_written(tmp_path: Path) -> None:
    found = problems_on_tiny(
        tmp_path,
        """\
edits:
  - muscle: beta
    add:
      trigger_points:
        - {id: b2, location: {region: hand, description: x}, essential: [], side: sideways}
    sources: [{source: hand_made}]
""",
    )
    assert found == [
        "5:73: edits[0].add.trigger_points[0].essential: needs at least 1 item (the list is empty)",
        "5:83: edits[0].add.trigger_points[0].side: must be one of 'same', 'both' or 'opposite' (got 'sideways')",
    ]


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(["hand", "thumb", "b1", "beta"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "source", "x"]), inner, max_size=2)
    ),
    max_leaves=6,
)
FIELDS = st.sampled_from(["aliases", "trigger_points", "spillover", "essential", "sources", "side", "name", "x"])
EDITS = st.lists(
    st.fixed_dictionaries(
        {"muscle": st.sampled_from(["alpha", "beta", "nope"])},
        optional={
            "trigger_point": st.sampled_from(["a1", "b1", "zz"]),
            "add": st.dictionaries(FIELDS, st.lists(VALUES, max_size=2), max_size=2),
            "set": st.dictionaries(FIELDS, VALUES, max_size=2),
            "sources": st.just([{"source": "hand_made"}]),
            "region": st.just("hand"),
        },
    ),
    max_size=3,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
@example(edits=[{"muscle": "alpha", "set": {"sources": True}}])  # a list field set to a wrong value, then cited
def test_any_edit_loads_or_gives_located_problems_never_a_crash(edits: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edits.yaml"
        path.write_text(yaml.safe_dump({"edits": edits}), encoding="utf-8")
        problems = tpmap.check_files([TINY, path], with_shipped=False)
        assert all(p.file == str(path) and p.line >= 1 and p.message for p in problems), problems
        if not problems:
            assert len(tpmap.load_files([TINY, path]).changes) == len(edits)


# ------------------------------------------------------------------------------- check in one run

EVERY_KIND_OF_MISTAKE = """\
regions:
  - {id: my_spot, name: My spot, parent: wrist_thumb_side}
muscles:
  - id: Zeta
    name: Zeta
    area: shoulders
    colour: red
    trigger_points: []
    sources: [{source: hand_made}]
  - id: eta
    name: Eta
    name: Eta again
    area: trunk
    trigger_points:
      - id: e1
        location: {region: hand, description: x}
        essential: [lateral_elbw]
        side: no
    conditions: [tenis_elbow]
    sources: [{source: nowhere}]
  - id: eta
    name: Eta two
    area: trunk
    trigger_points:
      - {id: e1, location: {region: hand, description: x}, essential: [hand], sensations: [tingle]}
    sources: [{source: hand_made}]
    innervation: {roots: [C9]}
edits:
  - {muscle: alpah, add: {aliases: [a]}}
musles: []
"""


def test_check_reports_every_kind_of_mistake_in_one_run(tmp_path: Path) -> None:
    found = problems_on_tiny(tmp_path, EVERY_KIND_OF_MISTAKE)
    assert found == [
        "2:42: regions[0].parent: unknown region 'wrist_thumb_side'",
        "4:9: muscles[0].id: must be an id: lower-case letters, digits and underscores, starting with a letter "
        "(like 'lateral_elbow') (got 'Zeta')",
        "6:11: muscles[0].area: must be one of 'head_face', 'neck', 'shoulder_upper_arm', 'forearm_hand', 'trunk', "
        "'pelvis_hip', 'thigh_knee' or 'leg_foot' (got 'shoulders')",
        "7:5: muscles[0].colour: unknown field 'colour'",
        "8:21: muscles[0].trigger_points: needs at least 1 item (the list is empty)",
        "12:5: muscles[1].name: duplicate key 'name' (first at line 11)",
        "17:21: muscles[1].trigger_points[0].essential[0]: unknown region 'lateral_elbw'; did you mean: lateral_elbow?",
        "18:15: muscles[1].trigger_points[0].side: must be one of 'same', 'both' or 'opposite' (got False); YAML "
        "reads yes/no/on/off as true/false, so put the word in quotes",
        "19:18: muscles[1].conditions[0]: unknown condition 'tenis_elbow'; did you mean: tennis_elbow?",
        "20:24: muscles[1].sources[0].source: unknown source 'nowhere'",
        f"21:9: muscles[2].id: duplicate muscle id 'eta' (also at {tmp_path / 'overlay.yaml'}:10:5)",
        "25:92: muscles[2].trigger_points[0].sensations[0]: must be one of 'tingling', 'numbness', 'burning', "
        "'itching', 'electric', 'coldness', 'tearing', 'reddening', 'blurred_vision', 'runny_nose', 'dizziness', "
        "'imbalance', 'tinnitus', 'ear_fullness', 'nausea', 'sweating' or 'goosebumps'; did you mean: tingling, "
        "tearing, itching? (got 'tingle')",
        "27:27: muscles[2].innervation.roots[0]: must be a spinal root such as C5, T4, L2 or S1 (got 'C9')",
        "29:14: edits[0].muscle: no muscle 'alpah' to edit; did you mean: alpha?",
        "30:1: musles: unknown section 'musles'; did you mean: muscles?",
    ]


def test_no_message_is_the_validator_s_own_words(tmp_path: Path) -> None:
    found = problems_on_tiny(tmp_path, EVERY_KIND_OF_MISTAKE)
    raw = ("should be", "should have", "should match", "Input ", "Tuple ", "validation", "String ")
    assert not [line for line in found if any(word in line for word in raw)]


def test_suggestions_match_lay_names_as_well_as_ids(catalogue: tpmap.Catalogue, tmp_path: Path) -> None:
    overlay = write(tmp_path, "regions:\n  - {id: my_spot, name: My spot, parent: wrist_thumb_side}\n")
    (problem,) = tpmap.check_files([overlay])
    assert problem.message.startswith("unknown region 'wrist_thumb_side'; did you mean: radial_wrist")
    assert catalogue.region("radial_wrist").name == "Thumb side of the wrist"


def test_the_cli_check_counts_every_problem_and_notes_replacements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, EVERY_KIND_OF_MISTAKE.replace("hand_made", "sources_x"), "bad.yaml")
    assert main(["check", str(bad)]) == 1  # over the shipped catalogue: the sixteen mistakes, all in one run
    err = capsys.readouterr().err
    assert err.endswith("tpmap: 16 problems found\n") and len(err.splitlines()) == 17
    assert f"{bad}:26:24: muscles[2].sources[0].source: unknown source 'sources_x'" in err  # a duplicate, still read
    assert f"{bad}:19:18: muscles[1].conditions[0]: unknown condition 'tenis_elbow'; did you mean: " in err
    good = write(
        tmp_path,
        "edits:\n  - {muscle: supinator, add: {aliases: [the supinator muscle]}}\n"
        "conditions:\n  - {id: frozen_shoulder, name: Frozen shoulder}\n",
        "good.yaml",
    )
    assert main(["check", str(good)]) == 0
    out = " ".join(capsys.readouterr().out.split())  # text output is wrapped to the terminal
    assert "note: condition 'frozen_shoulder' replaced by" in out and "its aliases" in out
    assert f"note: muscle 'supinator' edited by {good}: added 'the supinator muscle' to aliases" in out


# ------------------------------------------------------------------------------- editors


def test_the_schema_file_is_the_schema_tpmap_prints() -> None:
    schema = catalogue_schema()
    assert schema["$id"] == CATALOGUE_SCHEMA_ID and "edits" in schema["properties"]
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == schema, (
        "schema/catalogue.schema.json is out of date: tpmap schema > schema/catalogue.schema.json"
    )


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_each_shipped_file_names_the_schema_for_editors_and_follows_it(name: str) -> None:
    path = data_dir() / name
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/catalogue.schema.json"
    assert (path.parent / "../schema/catalogue.schema.json").resolve() == SCHEMA_FILE.resolve()
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert [error.message for error in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))] == []


def test_an_error_lists_problems_as_before(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        on_tiny(tmp_path, "edits:\n  - {muscle: gama, add: {aliases: [g]}}\n")
    assert caught.value.problems == (
        Problem(
            str(tmp_path / "overlay.yaml"), 2, 14, "edits[0].muscle", "no muscle 'gama' to edit; did you mean: gamma?"
        ),
    )

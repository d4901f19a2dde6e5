"""Pain guides, prevalence studies and red-flag places: read, checked with file:line:column, overlaid by id."""

from __future__ import annotations

from pathlib import Path

import pytest

import tpmap
from tpmap.catalogue.records import GuideEntry, PainGuide, PrevalenceStudy, SourceRef
from tpmap.errors import CatalogueError

TINY = Path(__file__).with_name("tiny_catalogue.yaml")

GOOD = """\
pain_guides:
  - id: lateral_elbow_demo
    region: lateral_elbow
    muscles:
      - {muscle: alpha, zone: essential}
      - {muscle: beta, zone: spillover}
    sources: [{source: hand_made, locator: "guide, elbow"}]
  - id: arm_demo
    region: arm
    muscles: [{muscle: gamma}, {muscle: delta}]
    sources: [{source: hand_made}]
  - id: thumb_demo
    region: thumb
    muscles: [{muscle: gamma}]
    sources: [{source: hand_made}]
prevalence:
  - id: elbow_study
    condition: tennis_elbow
    sources: [{source: hand_made, locator: "abstract, results"}]
    n: 20
    examined: [alpha, beta, gamma]
    active: {alpha: 0.6, beta: 0.25}
    latent: {gamma: 0.1}
"""


def write(tmp_path: Path, text: str, name: str = "frequency.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(tmp_path: Path, text: str) -> list[str]:
    """Every problem of ``text`` overlaid on the tiny catalogue, as ``line:column: field: message``."""
    path = write(tmp_path, text)
    return [str(p).removeprefix(f"{path}:") for p in tpmap.check_files([TINY, path], with_shipped=False)]


def test_guides_and_studies_load_into_read_only_tables(tmp_path: Path) -> None:
    cat = tpmap.load_files([TINY, write(tmp_path, GOOD)])
    guide = cat.pain_guides["lateral_elbow_demo"]
    assert [(e.muscle, e.zone) for e in guide.muscles] == [("alpha", "essential"), ("beta", "spillover")]
    assert cat.pain_guides["arm_demo"].muscles[0].zone == "unmarked"
    study = cat.prevalence["elbow_study"]
    assert (study.n, study.examined, dict(study.active), dict(study.latent)) == (
        20,
        ("alpha", "beta", "gamma"),
        {"alpha": 0.6, "beta": 0.25},
        {"gamma": 0.1},
    )
    with pytest.raises(TypeError):
        cat.pain_guides["x"] = guide  # type: ignore[index]
    with pytest.raises(TypeError):
        study.active["delta"] = 0.5  # type: ignore[index]
    with pytest.raises(AttributeError):
        cat.prevalence = {}
    assert hash(study) == hash(cat.prevalence["elbow_study"])


def test_a_guide_muscle_needs_a_zone_in_or_around_the_region(tmp_path: Path) -> None:
    # thumb_demo: gamma's hand zone contains the thumb (fine); arm_demo: gamma's hand lies in the arm (fine);
    # alpha refers to the elbow and forearm only, so it has no zone in or around the thumb.
    text = GOOD.replace("muscles: [{muscle: gamma}]", "muscles: [{muscle: gamma}, {muscle: alpha}]")
    assert messages(tmp_path, text) == [
        "14:41: pain_guides[2].muscles[1].muscle: muscle 'alpha' has no zone in or around region 'thumb': fix its "
        "zones (with a source) or leave it out of the guide and say why in notes"
    ]


def test_guide_ids_regions_muscles_and_sources_must_exist(tmp_path: Path) -> None:
    text = (
        "pain_guides:\n"
        "  - id: g\n"
        "    region: lateral_elbw\n"
        "    muscles: [{muscle: alpah}, {muscle: beta}, {muscle: beta}]\n"
        "    sources: [{source: hand_mad}]\n"
    )
    assert messages(tmp_path, text) == [
        "3:13: pain_guides[0].region: unknown region 'lateral_elbw'; did you mean: lateral_elbow?",
        "4:24: pain_guides[0].muscles[0].muscle: unknown muscle 'alpah'; did you mean: alpha?",
        "4:57: pain_guides[0].muscles[2].muscle: muscle 'beta' is listed twice",
        "5:24: pain_guides[0].sources[0].source: unknown source 'hand_mad'; did you mean: hand_made?",
    ]


def test_guide_fields_are_checked_by_the_schema(tmp_path: Path) -> None:
    text = "pain_guides:\n  - id: g\n    region: arm\n    muscles: [{muscle: gamma, zone: primary}]\n    sources: []\n"
    found = messages(tmp_path, text)
    assert len(found) == 2
    assert found[0].startswith("4:37: pain_guides[0].muscles[0].zone: must be one of 'essential', 'spillover'")
    assert found[1] == "5:14: pain_guides[0].sources: needs at least 1 item (the list is empty)"


def test_the_first_muscle_of_a_guide_cannot_be_listed_with_a_previous_one(tmp_path: Path) -> None:
    text = (
        "pain_guides:\n  - id: g\n    region: arm\n"
        "    muscles: [{muscle: gamma, with_previous: true}, {muscle: delta, with_previous: true}]\n"
        "    sources: [{source: hand_made}]\n"
    )
    assert messages(tmp_path, text) == [
        "4:46: pain_guides[0].muscles[0].with_previous: the first muscle of a guide has no muscle before it to be"
        " listed with"
    ]


def test_study_shares_must_be_examined_and_within_0_and_1(tmp_path: Path) -> None:
    text = (
        "prevalence:\n"
        "  - id: s\n"
        "    condition: tennis_elbw\n"
        "    sources: [{source: hand_made}]\n"
        "    n: 5\n"
        "    examined: [alpha, beta, alpha, zeta]\n"
        "    active: {alpha: 0.5, gamma: 0.2}\n"
        "    latent: {beta: 0.1}\n"
    )
    assert messages(tmp_path, text) == [
        "3:16: prevalence[0].condition: unknown condition 'tennis_elbw'; did you mean: tennis_elbow?",
        "6:29: prevalence[0].examined[2]: muscle 'alpha' is listed twice",
        "6:36: prevalence[0].examined[3]: unknown muscle 'zeta'; did you mean: beta, delta?",
        "7:33: prevalence[0].active.gamma: muscle 'gamma' has a share but is not in examined (list every muscle "
        "the study examined)",
    ]
    bad_share = text.replace("alpha: 0.5", "alpha: 82.1").replace(
        "examined: [alpha, beta, alpha, zeta]", "examined: [a]"
    )
    found = messages(tmp_path, bad_share.replace("tennis_elbw", "tennis_elbow").replace(", gamma: 0.2", ""))
    # One run finds both: the share out of range, and the reference of the rest of the entry.
    assert found == [
        "6:16: prevalence[0].examined[0]: unknown muscle 'a'",
        "7:21: prevalence[0].active.alpha: must be at most 1.0 (got 82.1)",
        "8:20: prevalence[0].latent.beta: muscle 'beta' has a share but is not in examined (list every muscle the "
        "study examined)",
    ]


def test_a_study_needs_patients_and_an_examined_list(tmp_path: Path) -> None:
    text = "prevalence:\n  - id: s\n    condition: tennis_elbow\n    sources: [{source: hand_made}]\n    n: 0\n"
    found = messages(tmp_path, text)
    assert found[0] == "2:5: prevalence[0].examined: required field is missing"
    assert found[1] == "5:8: prevalence[0].n: must be at least 1 (got 0)"


def test_red_flag_places_must_be_regions_and_need_a_red_flag(tmp_path: Path) -> None:
    text = (
        "conditions:\n"
        "  - id: angina\n"
        "    name: Angina\n"
        "    red_flag: Rule out a heart attack first.\n"
        "    red_flag_places: [chest, upper_arm, chset]\n"
        "    sources: [{source: hand_made, locator: p. 2}]\n"
        "  - id: quiet\n"
        "    name: Quiet\n"
        "    red_flag_places: [arm]\n"
        "    sources: [{source: nowhere}]\n"
    )
    assert messages(tmp_path, text) == [
        "5:41: conditions[0].red_flag_places[2]: unknown region 'chset'; did you mean: chest?",
        "9:22: conditions[1].red_flag_places: red_flag_places needs a red_flag note to raise",
        "10:24: conditions[1].sources[0].source: unknown source 'nowhere'",
    ]
    fixed = text.split("  - id: quiet", maxsplit=1)[0].replace(", chset", "")
    cat = tpmap.load_files([TINY, write(tmp_path, fixed, "ok.yaml")])
    angina = cat.conditions["angina"]
    assert (angina.red_flag_places, angina.sources[0].locator) == (("chest", "upper_arm"), "p. 2")


def test_a_red_flag_must_cite_a_source(tmp_path: Path) -> None:
    text = "conditions:\n  - id: angina\n    name: Angina\n    red_flag: Rule out a heart attack first.\n"
    assert messages(tmp_path, text) == ["4:15: conditions[0].red_flag: a red_flag note must cite a source (sources)"]
    sourced = text + "    sources: [{source: hand_made}]\n"
    assert tpmap.load_files([TINY, write(tmp_path, sourced, "ok.yaml")]).conditions["angina"].sources


def test_duplicates_in_one_file_and_overlays_by_id(tmp_path: Path) -> None:
    twice = GOOD + "  - id: elbow_study\n    condition: tennis_elbow\n    sources: [{source: hand_made}]\n"
    twice += "    n: 3\n    examined: [alpha]\n"
    (duplicate,) = messages(tmp_path, twice)
    assert duplicate.startswith("24:9: prevalence[1].id: duplicate prevalence study id 'elbow_study' (also at ")
    first = write(tmp_path, GOOD, "first.yaml")
    second = write(
        tmp_path,
        "pain_guides:\n  - id: arm_demo\n    region: arm\n    muscles: [{muscle: delta}]\n"
        "    sources: [{source: hand_made}]\n",
        "second.yaml",
    )
    cat = tpmap.load_files([TINY, first, second])
    assert [e.muscle for e in cat.pain_guides["arm_demo"].muscles] == ["delta"]
    assert set(cat.pain_guides) == {"lateral_elbow_demo", "arm_demo", "thumb_demo"}


def test_a_catalogue_built_in_python_runs_the_same_rules(tiny: tpmap.Catalogue) -> None:
    guide = PainGuide(
        id="g",
        region="thumb",
        muscles=(GuideEntry(muscle="alpha"),),
        sources=(SourceRef(source="hand_made"),),
    )
    study = PrevalenceStudy(
        id="s",
        condition="angina",
        sources=(SourceRef(source="hand_made"),),
        n=4,
        examined=("delta",),
        active={"beta": 0.5},
    )
    with pytest.raises(CatalogueError) as caught:
        tpmap.Catalogue(
            sources=tiny.sources.values(),
            regions=tiny.regions.values(),
            conditions=tiny.conditions.values(),
            movements=tiny.movements.values(),
            aggravators=tiny.aggravators.values(),
            muscles=tiny.muscles.values(),
            pain_guides=[guide],
            prevalence=[study],
        )
    assert [f"{p.field}: {p.message}" for p in caught.value.problems] == [
        "pain_guides[g].muscles[0].muscle: muscle 'alpha' has no zone in or around region 'thumb': fix its zones "
        "(with a source) or leave it out of the guide and say why in notes",
        "prevalence[s].active.beta: muscle 'beta' has a share but is not in examined (list every muscle the study "
        "examined)",
    ]


def test_the_shipped_frequency_file_loads(catalogue: tpmap.Catalogue) -> None:
    assert catalogue.prevalence or catalogue.pain_guides
    for study in catalogue.prevalence.values():
        assert set(study.active) | set(study.latent) <= set(study.examined)

"""CHOIR body-map codes as painful places: code → regions and side, the female numbering, unknown codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tpmap
from tpmap.cli import main
from tpmap.ranking.choir import SEGMENTS, choir_code_in, choir_codes, choir_places

TINY = Path(__file__).with_name("tiny_catalogue.yaml")
FEMALE_TO_MALE = {112: 116, 113: 117, 114: 112, 115: 113, 116: 114, 117: 115}  # from the published recoding

# The tiny catalogue with codes on some regions; the chest and the breastbone inside it share 108 and 109.
CODED = """
regions:
  - {id: upper_arm, name: Upper arm, parent: arm, views: [front, back], choir: [111, 112, 211, 214]}
  - {id: elbow, name: Elbow, parent: arm, views: [front, back], choir: [113, 114, 215, 216]}
  - {id: forearm, name: Forearm, parent: arm, views: [front, back], adjacent: [hand, elbow], choir: [115, 118]}
  - {id: hand, name: Hand, parent: arm, views: [front, back], choir: [125, 128]}
  - {id: chest, name: Chest, parent: trunk, views: [front], choir: [108, 109]}
  - {id: sternum, name: Breastbone, parent: chest, laterality: midline, views: [front], choir: [108, 109]}
"""


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> tpmap.Catalogue:
    overlay = tmp_path_factory.mktemp("choir") / "codes.yaml"
    overlay.write_text(CODED, encoding="utf-8")
    return tpmap.load_files([TINY, overlay])


def places(catalogue: tpmap.Catalogue, codes: object, choir_map: str = "male") -> list[tuple[str, str | None]]:
    return [(p.region, p.side) for p in choir_places(catalogue, codes, choir_map=choir_map)]  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ the code table


def test_the_table_has_the_74_segments_with_sides_matching_their_labels() -> None:
    assert sorted(SEGMENTS) == [*range(101, 137), *range(201, 239)]
    for code, (label, side) in SEGMENTS.items():
        assert label.endswith(f"-{side})"), code


def test_the_female_recoding_is_a_permutation_of_six_front_segments() -> None:
    assert sorted(FEMALE_TO_MALE) == sorted(FEMALE_TO_MALE.values()) == list(range(112, 118))


# ------------------------------------------------------------------------------------------ tiny catalogue


def test_a_code_is_the_broadest_regions_that_carry_it_on_its_side(coded: tpmap.Catalogue) -> None:
    assert places(coded, [112]) == [("upper_arm", "left")]
    assert places(coded, [108]) == [("chest", "right")]  # the breastbone lies inside the chest
    assert places(coded, "113, 128") == [("elbow", "right"), ("hand", "left")]


def test_the_female_figure_numbers_112_to_117_differently(coded: tpmap.Catalogue) -> None:
    assert places(coded, [116], "female") == places(coded, [114]) == [("elbow", "left")]
    assert places(coded, [115], "female") == places(coded, [113]) == [("elbow", "right")]
    assert places(coded, [117], "female") == [("forearm", "right")]
    with pytest.raises(
        tpmap.QueryError,
        match=r"CHOIR 113 on the female map \(117 on the male map: Abdomen \(front-left\)\) is not drawn",
    ):
        choir_places(coded, [113], choir_map="female")
    for code in (108, 109, 111, 125, 128, 211):  # the other segments are numbered alike
        assert places(coded, [code], "female") == places(coded, [code])


def test_a_code_no_region_carries_is_refused_not_dropped(coded: tpmap.Catalogue, tiny: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.QueryError, match=r"CHOIR 201 \(Cranium \(back-left\)\) is not drawn"):
        choir_places(coded, [112, 201])
    with pytest.raises(tpmap.QueryError, match=r"CHOIR 112 .* is not drawn in this catalogue"):
        tpmap.rank(tiny, choir=[112])


def test_ranking_a_code_is_ranking_its_places(coded: tpmap.Catalogue) -> None:
    by_code = tpmap.rank(coded, choir=[113], sensations=["tingling"])
    by_place = tpmap.rank(coded, "elbow", side="right", sensations=["tingling"])
    assert [(c.muscle.id, c.side, c.score) for c in by_code] == [(c.muscle.id, c.side, c.score) for c in by_place]
    assert by_code.query.sites[0].phrase == "choir:113"
    assert "read CHOIR 113 (Elbow (front-right)) as 'Elbow', right side" in by_code.notes


def test_a_code_is_taken_wherever_a_painful_place_is(coded: tpmap.Catalogue) -> None:
    as_field = tpmap.build_query(coded, choir=["115"])
    assert tpmap.build_query(coded, "choir:115").sites == as_field.sites
    assert tpmap.build_query(coded, " CHOIR: 115 ").sites == as_field.sites
    record = tpmap.build_query(coded, tpmap.Site(region="choir:115", sensations=("numbness",), intensity=6))
    assert [(s.region, s.side, s.sensations, s.intensity) for s in record.sites] == [
        ("forearm", "right", ("numbness",), 6)
    ]


def test_a_site_record_on_the_other_side_of_its_code_is_refused(coded: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.QueryError, match="'choir:115' is on the right side, but the Site says left"):
        tpmap.build_query(coded, tpmap.Site(region="choir:115", side="left"))


def test_the_code_side_beats_the_report_side_with_a_note(coded: tpmap.Catalogue) -> None:
    query = tpmap.build_query(coded, "forearm", choir=[112], side="right")
    assert [(s.region, s.side) for s in query.sites] == [("upper_arm", "left"), ("forearm", "right")]
    assert any("CHOIR 112 is on the left side" in note for note in query.readings)


def test_a_code_is_not_a_place_that_does_not_hurt(coded: tpmap.Catalogue) -> None:
    for field in ("absent", "tender", "not_tender"):
        with pytest.raises(tpmap.QueryError, match="a CHOIR code is taken only as a painful place"):
            tpmap.build_query(coded, "hand", **{field: ["choir:115"]})  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ bad codes


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ([139], r"unknown CHOIR body-map code 139: .*did you mean: 136, 135, 134\?"),
        ("12", r"unknown CHOIR body-map code 12: .*did you mean: 112, 212\?"),
        ([100], r"unknown CHOIR body-map code 100: .*did you mean: 101, 102, 103\?"),
        ("112,abc", r"a CHOIR body-map code is a whole number such as 112, not 'abc'"),
        (["1.5"], r"not '1.5'"),
    ],
)
def test_an_unknown_code_is_a_query_error_naming_it_and_close_codes(codes: object, message: str) -> None:
    with pytest.raises(tpmap.QueryError, match=message):
        choir_codes(codes)


@pytest.mark.parametrize("codes", [112, b"112", {"112": 1}, [True], [1.0], [None]])
def test_a_code_of_the_wrong_type_is_an_argument_type_error(codes: object) -> None:
    with pytest.raises(tpmap.ArgumentTypeError, match="choir"):
        choir_codes(codes)


def test_codes_are_read_as_exports_write_them() -> None:
    assert choir_codes("106,109,208") == choir_codes("106; 109 208") == choir_codes([106, "109", 208, 106])
    assert choir_codes("") == choir_codes([]) == ()
    assert (choir_code_in("Choir:x"), choir_code_in("choirs"), choir_code_in("elbow")) == ("x", None, None)


def test_an_unknown_map_is_refused(coded: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.QueryError, match="choir_map must be 'male' or 'female', not 'f'"):
        tpmap.rank(coded, choir=[112], choir_map="f")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ shipped catalogue


@pytest.mark.parametrize("choir_map", ["male", "female"])
def test_every_code_is_drawn_in_the_shipped_catalogue_on_its_side(catalogue: tpmap.Catalogue, choir_map: str) -> None:
    for code in SEGMENTS:
        found = choir_places(catalogue, [code], choir_map=choir_map)  # type: ignore[arg-type]
        segment = FEMALE_TO_MALE.get(code, code) if choir_map == "female" else code
        assert found, code
        for place in found:
            assert place.segment == segment and segment in catalogue.regions[place.region].choir
            midline = catalogue.regions[place.region].laterality == "midline"
            assert place.side == (None if midline else SEGMENTS[segment][1])


def test_shipped_codes_read_as_expected(catalogue: tpmap.Catalogue) -> None:
    assert places(catalogue, [112, 205]) == [
        ("upper_arm", "left"),
        ("lateral_neck", "left"),
        ("posterior_neck", "left"),
    ]
    assert places(catalogue, [112], "female") == [("abdomen", "right")]
    assert places(catalogue, [121]) == [("pubic", None)]  # a midline region has no side
    assert ("sternum", "right") not in places(catalogue, [108])  # inside the chest


def test_a_region_coded_on_both_sides_is_one_place_on_either_side(catalogue: tpmap.Catalogue) -> None:
    query = tpmap.build_query(
        catalogue, "choir:218", tpmap.Site(region="choir:219", sensations=("burning",)), choir=[207], intensity=4
    )
    assert [(s.region, s.side, s.sensations, s.intensity) for s in query.sites] == [
        ("scapula", "left", (), 4),
        ("shoulder", "left", (), 4),
        ("lower_back", None, ("burning",), 4),
        ("sacrum", None, ("burning",), 4),
    ]
    assert "CHOIR codes name 'Lower back' on both sides: one place, on either side" in query.readings
    as_words = tpmap.rank(catalogue, "lower back", "sacrum")  # no side: sides are not compared
    by_codes = tpmap.rank(catalogue, choir=[218, 219])
    assert [(c.muscle.id, c.side, c.score) for c in by_codes] == [(c.muscle.id, c.side, c.score) for c in as_words]


def test_both_sides_of_a_midline_region_are_one_site(catalogue: tpmap.Catalogue) -> None:
    query = tpmap.build_query(catalogue, choir=[121, 122])
    assert [(s.region, s.side) for s in query.sites] == [("pubic", None)]


# ------------------------------------------------------------------------------------------ command line


def test_rank_takes_choir_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--choir", "112,205", "--choir", "106", "--json", "--limit", "1"]) == 0
    sites = json.loads(capsys.readouterr().out)["query"]["sites"]
    assert [(s["region"], s["side"], s["phrase"]) for s in sites] == [
        ("upper_arm", "left", "choir:112"),
        ("lateral_neck", "left", "choir:205"),
        ("posterior_neck", "left", "choir:205"),
        ("anterior_neck", "left", "choir:106"),
        ("supraclavicular", "left", "choir:106"),
    ]


def test_rank_takes_a_code_as_a_site_and_the_female_map(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "choir:112", "--choir-map", "female", "--json", "--limit", "1"]) == 0
    sites = json.loads(capsys.readouterr().out)["query"]["sites"]
    assert [(s["region"], s["side"]) for s in sites] == [("abdomen", "right")]


def test_rank_refuses_an_unknown_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--choir", "112,300"]) == 1
    assert "unknown CHOIR body-map code 300" in capsys.readouterr().err


def test_docs_name_the_default_map() -> None:
    page = (Path(__file__).parents[1] / "docs" / "howto" / "batch.md").read_text(encoding="utf-8")
    assert "male numbering" in page and "choir_map" in page

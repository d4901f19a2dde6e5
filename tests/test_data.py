"""Integrity of the shipped catalogue: what the loader cannot check on its own, and the coverage we promise."""

from __future__ import annotations

import pytest

import tpmap
from tpmap.catalogue import normalise
from tpmap.model import SENSATIONS

BOOKS = {"tpm1", "tpm2", "tpm3", "davies"}

# Muscles the reference examples need: hand pain from shoulder muscles, leg pain from hip muscles, head,
# jaw and ear pain, and tennis elbow.
REQUIRED_MUSCLES = [
    "scalenes", "infraspinatus", "subscapularis", "pectoralis_minor", "latissimus_dorsi",
    "gluteus_minimus", "piriformis", "gluteus_medius", "quadratus_lumborum",
    "masseter", "lateral_pterygoid", "sternocleidomastoid", "temporalis",
    "trapezius", "suboccipitals", "splenius_capitis",
    "supinator", "extensor_carpi_radialis_longus", "extensor_carpi_radialis_brevis", "brachioradialis",
]  # fmt: skip

REQUIRED_CONDITIONS = {
    "carpal_tunnel_syndrome": {"scalenes", "brachialis"},
    "frozen_shoulder": {"subscapularis"},
    "sciatica": {"gluteus_minimus", "piriformis"},
    "temporomandibular_disorder": {"masseter", "lateral_pterygoid"},
    "earache": {"masseter"},
    "tension_type_headache": {"trapezius", "suboccipitals"},
    "lateral_epicondylalgia": {"supinator", "brachioradialis"},
    "angina": {"pectoralis_major"},
}


def test_counts(catalogue: tpmap.Catalogue) -> None:
    assert len(catalogue.regions) >= 120
    assert len(catalogue.muscles) >= 40
    assert len(catalogue.conditions) >= 30


@pytest.mark.parametrize("muscle", REQUIRED_MUSCLES)
def test_required_muscles_are_present(catalogue: tpmap.Catalogue, muscle: str) -> None:
    assert muscle in catalogue.muscles


@pytest.mark.parametrize(("condition", "muscles"), sorted(REQUIRED_CONDITIONS.items()))
def test_reference_conditions_link_their_muscles(catalogue: tpmap.Catalogue, condition: str, muscles: set[str]) -> None:
    assert muscles <= {m.id for m in catalogue.muscles_mimicking(condition)}


def test_every_muscle_cites_a_book_and_every_citation_resolves(catalogue: tpmap.Catalogue) -> None:
    for muscle in catalogue.muscles.values():
        cited = {ref.source for ref in muscle.sources}
        assert cited & BOOKS, f"{muscle.id} cites no reference book"
        assert cited <= set(catalogue.sources), muscle.id


def test_every_trigger_point_has_a_described_location_and_an_essential_zone(catalogue: tpmap.Catalogue) -> None:
    for muscle in catalogue.muscles.values():
        for tp in muscle.trigger_points:
            assert tp.essential, f"{muscle.id}.{tp.id}"
            assert len(tp.location.description) >= 5, f"{muscle.id}.{tp.id}"
            assert set(tp.sensations) <= set(SENSATIONS)


def test_names_and_aliases_identify_one_muscle(catalogue: tpmap.Catalogue) -> None:
    owner: dict[str, str] = {}
    for muscle in catalogue.muscles.values():
        for name in {normalise(n) for n in (muscle.id, muscle.name, *muscle.aliases)}:
            assert owner.setdefault(name, muscle.id) == muscle.id, f"{name!r}: {owner[name]} and {muscle.id}"


def test_region_names_and_lay_terms_identify_one_place(catalogue: tpmap.Catalogue) -> None:
    owner: dict[str, str] = {}
    for region in catalogue.regions.values():
        for name in {normalise(n) for n in (region.id, region.name, *region.terms)}:
            assert owner.setdefault(name, region.id) == region.id, f"{name!r}: {owner[name]} and {region.id}"
    for condition in catalogue.conditions.values():
        for name in (condition.name, *condition.aliases):
            assert normalise(name) not in owner, f"{name!r} names both a condition and a region"


def test_every_condition_is_mimicked_by_some_muscle(catalogue: tpmap.Catalogue) -> None:
    assert [c for c in catalogue.conditions if not catalogue.muscles_mimicking(c)] == []


def test_every_choir_code_maps_to_a_region(catalogue: tpmap.Catalogue) -> None:
    codes = set(range(101, 137)) | set(range(201, 239))
    mapped = {code for region in catalogue.regions.values() for code in region.choir}
    assert codes == mapped


def test_region_tree_is_one_tree_rooted_at_body(catalogue: tpmap.Catalogue) -> None:
    assert [r.id for r in catalogue.regions.values() if r.parent is None] == ["body"]
    for region in catalogue.regions:
        assert region == "body" or catalogue.ancestors(region)[-1] == "body"


def test_paired_regions_do_not_sit_under_midline_leaves(catalogue: tpmap.Catalogue) -> None:
    # A midline region's children must be midline too, or a side would appear inside a place without one;
    # the trunk-level containers (body, pelvis) are the exception.
    for region in catalogue.regions.values():
        parent = catalogue.regions[region.parent] if region.parent else None
        if parent is not None and parent.laterality == "midline" and parent.id not in ("body", "pelvis"):
            assert region.laterality == "midline", region.id


def test_every_region_chart_view_is_valid_for_its_zones(catalogue: tpmap.Catalogue) -> None:
    # Every zone region must be drawable or sit under a drawable region, so charts can show it.
    for muscle in catalogue.muscles.values():
        for zone in catalogue.zones(muscle.id):
            chain = (zone.region, *catalogue.ancestors(zone.region))
            assert any(catalogue.regions[r].views for r in chain), (muscle.id, zone.region)


def test_the_shipped_catalogue_checks_clean() -> None:
    assert tpmap.check_files([]) == ()

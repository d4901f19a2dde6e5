"""Integrity of the shipped catalogue: what the loader cannot check on its own, and the coverage we promise."""

from __future__ import annotations

import pytest

import tpmap
from tpmap.catalogue.records import SENSATIONS
from tpmap.catalogue.text import normalise

BOOKS = {
    "tpm1",
    "tpm2",
    "tpm3",
    "davies",
    "finando2005_trigger_point_therapy",
    "nielasher2008_concise",
    # Waldman's atlas, one entry per chapter cited.
    "waldman_omohyoid",
    "waldman_scm_injection",
    "waldman_ecu_injection",
}

# Every muscle with a chapter (alone or in a group) in the Trigger Point Manual, by area.
REQUIRED_MUSCLES = [
    # head and face
    "masseter", "temporalis", "medial_pterygoid", "lateral_pterygoid", "digastric", "orbicularis_oculi",
    "zygomaticus_major", "platysma", "buccinator", "occipitofrontalis",
    # neck
    "trapezius", "sternocleidomastoid", "splenius_capitis", "splenius_cervicis", "semispinalis_capitis",
    "semispinalis_cervicis", "cervical_multifidi", "rectus_capitis_posterior_major", "rectus_capitis_posterior_minor",
    "obliquus_capitis_inferior", "obliquus_capitis_superior", "levator_scapulae", "scalenus_anterior",
    "scalenus_medius", "scalenus_posterior", "scalenus_minimus", "longus_colli",
    # shoulder and upper arm
    "supraspinatus", "infraspinatus", "teres_minor", "teres_major", "latissimus_dorsi", "subscapularis",
    "rhomboid_major", "rhomboid_minor", "deltoid", "coracobrachialis", "biceps_brachii", "brachialis",
    "triceps_brachii",
    # forearm and hand
    "anconeus", "brachioradialis", "extensor_carpi_radialis_longus", "extensor_carpi_radialis_brevis",
    "extensor_carpi_ulnaris", "extensor_digitorum", "extensor_indicis", "supinator", "palmaris_longus",
    "flexor_carpi_radialis", "flexor_carpi_ulnaris", "flexor_digitorum_superficialis", "flexor_digitorum_profundus",
    "flexor_pollicis_longus", "pronator_teres", "adductor_pollicis", "opponens_pollicis",
    "first_dorsal_interosseous", "dorsal_interossei_hand", "palmar_interossei", "abductor_digiti_minimi_hand",
    # trunk
    "pectoralis_major", "pectoralis_minor", "sternalis", "subclavius", "serratus_anterior",
    "serratus_posterior_superior", "serratus_posterior_inferior", "external_oblique", "internal_oblique",
    "transversus_abdominis", "rectus_abdominis", "pyramidalis", "intercostals", "diaphragm", "iliocostalis_thoracis",
    "iliocostalis_lumborum", "longissimus_thoracis", "multifidi", "rotatores", "quadratus_lumborum",
    # pelvis and hip
    "psoas_major", "iliacus", "gluteus_maximus", "gluteus_medius", "gluteus_minimus", "piriformis",
    "gemellus_superior", "gemellus_inferior", "obturator_internus", "obturator_externus", "quadratus_femoris",
    "levator_ani", "coccygeus", "bulbospongiosus", "ischiocavernosus", "sphincter_ani", "tensor_fasciae_latae",
    # thigh and knee
    "sartorius", "pectineus", "rectus_femoris", "vastus_medialis", "vastus_intermedius", "vastus_lateralis",
    "adductor_longus", "adductor_brevis", "adductor_magnus", "gracilis", "biceps_femoris", "semitendinosus",
    "semimembranosus", "popliteus",
    # leg, ankle and foot
    "gastrocnemius", "soleus", "plantaris", "tibialis_anterior", "tibialis_posterior", "peroneus_longus",
    "peroneus_brevis", "peroneus_tertius", "extensor_digitorum_longus", "extensor_hallucis_longus",
    "flexor_digitorum_longus", "flexor_hallucis_longus", "extensor_digitorum_brevis", "extensor_hallucis_brevis",
    "abductor_hallucis", "flexor_digitorum_brevis", "abductor_digiti_minimi_foot", "quadratus_plantae",
    "flexor_hallucis_brevis", "adductor_hallucis", "dorsal_interossei_foot", "plantar_interossei_foot",
]  # fmt: skip

REQUIRED_CONDITIONS = {
    "carpal_tunnel_syndrome": {"scalenus_anterior", "brachialis"},
    "frozen_shoulder": {"subscapularis"},
    "sciatica": {"gluteus_minimus", "piriformis"},
    "temporomandibular_disorder": {"masseter", "lateral_pterygoid"},
    "earache": {"masseter"},
    "tension_type_headache": {"trapezius", "rectus_capitis_posterior_major"},
    "lateral_epicondylalgia": {"supinator", "brachioradialis"},
    "angina": {"pectoralis_major"},
}


def test_counts(catalogue: tpmap.Catalogue) -> None:
    assert len(catalogue.regions) >= 120
    assert len(catalogue.muscles) >= len(REQUIRED_MUSCLES)
    assert len(catalogue.conditions) >= 30


@pytest.mark.parametrize("muscle", REQUIRED_MUSCLES)
def test_required_muscles_are_present(catalogue: tpmap.Catalogue, muscle: str) -> None:
    assert muscle in catalogue.muscles


@pytest.mark.parametrize(("condition", "muscles"), sorted(REQUIRED_CONDITIONS.items()))
def test_reference_conditions_link_their_muscles(catalogue: tpmap.Catalogue, condition: str, muscles: set[str]) -> None:
    assert muscles <= {m.id for m in catalogue.muscles_mimicking(condition)}


def test_every_muscle_cites_a_book_or_a_journal_article(catalogue: tpmap.Catalogue) -> None:
    assert {s.id for s in catalogue.sources.values() if s.kind == "book"} == BOOKS
    for muscle in catalogue.muscles.values():
        cited = {ref.source for ref in muscle.sources}
        assert cited <= set(catalogue.sources), muscle.id
        kinds = {catalogue.sources[s].kind for s in cited}
        assert kinds & {"book", "journal"}, f"{muscle.id} cites no reference book or journal article"


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


def test_every_drawn_region_has_a_choir_code_or_a_reason(catalogue: tpmap.Catalogue) -> None:
    for region in catalogue.regions.values():
        if region.views:
            codes = catalogue.choir_codes(region.id)
            assert bool(codes) != bool(region.choir_none), region.id
            assert all(("front" if c < 200 else "back") in region.views for c in region.choir), region.id


def test_every_region_is_used_by_a_zone_or_a_location(catalogue: tpmap.Catalogue) -> None:
    used: set[str] = set()
    for muscle in catalogue.muscles.values():
        places = [z.region for z in catalogue.zones(muscle.id)] + [tp.location.region for tp in muscle.trigger_points]
        for place in places:
            used.update((place, *catalogue.ancestors(place)))
    assert sorted(set(catalogue.regions) - used) == []


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

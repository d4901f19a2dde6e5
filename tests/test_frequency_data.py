"""Data tests of the shipped frequency facts: cited, consistent with the muscles and zones, and audited by tier.

A pain guide that marks a muscle essential (or spillover) for its area is checked against the catalogue's zones:
the guides' tiers audit the zones; they are not a second score.
"""

from __future__ import annotations

from pathlib import Path

import tpmap
from tpmap.catalogue.records import PainGuide, PrevalenceStudy

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


def tier_disagreements(catalogue: tpmap.Catalogue) -> list[str]:
    """Guide entries whose essential/spillover mark no zone of that kind in or around the guide's area bears out.

    A disagreement the guide's notes explain (they name the muscle) is accepted: it is recorded, not hidden.
    """
    found = []
    for guide in catalogue.pain_guides.values():
        for entry in guide.muscles:
            if entry.zone == "unmarked" or (guide.notes and entry.muscle in guide.notes.replace(" ", "_").lower()):
                continue
            kinds = {
                zone.kind
                for zone in catalogue.zones(entry.muscle)
                if catalogue.is_within(zone.region, guide.region) or catalogue.is_within(guide.region, zone.region)
            }
            if entry.zone not in kinds:
                found.append(f"{guide.id}: {entry.muscle} is marked {entry.zone}, the catalogue has {sorted(kinds)}")
    return found


def test_every_frequency_fact_cites_a_source_that_exists(catalogue: tpmap.Catalogue) -> None:
    entries: list[PainGuide | PrevalenceStudy] = [*catalogue.pain_guides.values(), *catalogue.prevalence.values()]
    assert entries
    for entry in entries:
        assert entry.sources, entry.id
        for ref in entry.sources:
            assert ref.source in catalogue.sources, f"{entry.id}: {ref.source}"


def test_guides_name_known_muscles_in_a_known_region_each_once(catalogue: tpmap.Catalogue) -> None:
    for guide in catalogue.pain_guides.values():
        muscles = [entry.muscle for entry in guide.muscles]
        assert guide.region in catalogue.regions, guide.id
        assert len(muscles) == len(set(muscles)), guide.id
        assert set(muscles) <= set(catalogue.muscles), guide.id
        assert {m.id for m in catalogue.muscles_referring_to(guide.region)} >= set(muscles), guide.id


def test_studies_list_what_they_examined_and_shares_are_shares(catalogue: tpmap.Catalogue) -> None:
    for study in catalogue.prevalence.values():
        assert study.examined and set(study.examined) <= set(catalogue.muscles), study.id
        assert study.condition in catalogue.conditions, study.id
        assert study.n >= 1, study.id
        for shares in (study.active, study.latent):
            assert set(shares) <= set(study.examined), study.id
            assert all(0.0 <= share <= 1.0 for share in shares.values()), study.id


def test_guide_tiers_agree_with_the_zones(catalogue: tpmap.Catalogue) -> None:
    assert tier_disagreements(catalogue) == []


def test_the_tier_audit_finds_a_disagreement(tmp_path: Path) -> None:
    # alpha refers to the outside of the elbow through its essential zone, beta through spillover.
    path = tmp_path / "guides.yaml"
    path.write_text(
        "pain_guides:\n  - id: g\n    region: lateral_elbow\n"
        "    muscles: [{muscle: alpha, zone: spillover}, {muscle: beta, zone: spillover}]\n"
        "    sources: [{source: hand_made}]\n",
        encoding="utf-8",
    )
    assert tier_disagreements(tpmap.load_files([TINY, path])) == [
        "g: alpha is marked spillover, the catalogue has ['essential']"
    ]
    explained = path.read_text(encoding="utf-8") + "    notes: The reference marks alpha as spillover only.\n"
    path.write_text(explained, encoding="utf-8")
    assert tier_disagreements(tpmap.load_files([TINY, path])) == []


def test_red_flag_places_are_regions_of_red_flag_conditions(catalogue: tpmap.Catalogue) -> None:
    flagged = [c for c in catalogue.conditions.values() if c.red_flag]
    # Every red flag can be raised by what a report says: a place, or a sensation felt anywhere.
    unraised = [c.id for c in flagged if not (c.red_flag_places or c.red_flag_sensations)]
    assert not unraised, unraised
    for condition in catalogue.conditions.values():
        assert set(condition.red_flag_places) <= set(catalogue.regions), condition.id
        assert not condition.red_flag_places or condition.red_flag, condition.id

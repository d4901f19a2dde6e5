"""The frequency prior and the coverage of broad places, on the tiny catalogue where each number is checked by hand.

Tiny catalogue (tests/tiny_catalogue.yaml): alpha essential lateral_elbow, spillover forearm; beta essential
forearm, spillover lateral_elbow; gamma essential hand; delta essential sternum, spillover upper_arm (both
sides); epsilon essential thumb (opposite side). The arm's finest parts: upper_arm, lateral_elbow, forearm, thumb.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import tpmap
from tpmap.ranking.scoring import _fit_guides, _guide_lists, _tables, place_probability

TINY = Path(__file__).with_name("tiny_catalogue.yaml")
E, S, FLOOR = 0.9, 0.35, 0.5

GUIDES = """\
pain_guides:
  - id: elbow_guide
    region: lateral_elbow
    muscles: [{muscle: beta}, {muscle: alpha}]
    sources: [{source: hand_made, locator: elbow list}]
  - id: arm_guide
    region: arm
    muscles: [{muscle: gamma}]
    sources: [{source: hand_made, locator: arm list}]
"""

STUDY = """\
prevalence:
  - id: elbow_study
    condition: tennis_elbow
    sources: [{source: hand_made, locator: results}]
    n: 30
    examined: [alpha, beta, gamma]
    active: {alpha: 0.2, beta: 0.6}
    latent: {gamma: 0.5}
"""


def overlay(tmp_path: Path, text: str) -> tpmap.Catalogue:
    path = tmp_path / "frequency.yaml"
    path.write_text(text, encoding="utf-8")
    return tpmap.load_files([TINY, path])


def prior_of(candidate: tpmap.Candidate) -> tpmap.Evidence:
    (item,) = [e for e in candidate.evidence if e.kind == "prior"]
    return item


# ------------------------------------------------------------------------------------------ coverage


def test_a_broad_place_scores_by_how_much_of_it_the_zones_cover(tiny: tpmap.Catalogue) -> None:
    def covered(essential: float, spillover: float, top: float) -> float:
        return FLOOR * top + (1 - FLOOR) * (E * essential + S * spillover)

    # delta's upper-arm spillover and epsilon's thumb: one part in four each; gamma's hand holds the thumb.
    assert place_probability(tiny, "delta", None, "arm", None) == pytest.approx(covered(0, 0.25, S))
    assert place_probability(tiny, "gamma", None, "arm", None) == pytest.approx(covered(0.25, 0, E))
    assert place_probability(tiny, "alpha", None, "arm", None) == pytest.approx(covered(0.25, 0.25, E))
    # A place that is the zone, or a finer one, is untouched by coverage.
    assert place_probability(tiny, "gamma", None, "hand", None) == pytest.approx(E)
    assert place_probability(tiny, "epsilon", None, "hand", None) == pytest.approx(E)  # the hand's one part


def test_a_pattern_filling_the_area_beats_one_in_a_corner(tiny: tpmap.Catalogue, tmp_path: Path) -> None:
    wide = overlay(
        tmp_path,
        "muscles:\n  - id: zeta\n    name: Zeta\n    area: forearm_hand\n    trigger_points:\n"
        "      - {id: z1, location: {region: forearm, description: Forearm.}, essential: [elbow, forearm, hand]}\n"
        "    sources: [{source: hand_made}]\n",
    )
    ranked = [c.muscle.id for c in tpmap.rank(wide, "arm")]
    assert ranked[0] == "zeta"  # three of the four parts, all essential
    assert ranked.index("alpha") < ranked.index("gamma") < ranked.index("delta")
    evidence = tpmap.rank(wide, "arm")[0].evidence[0]
    assert (evidence.relation, evidence.coverage, evidence.zone_region) == ("contains", 0.75, "elbow")
    assert "covering 75% of it" in evidence.describe(wide)
    assert evidence.to_dict()["coverage"] == 0.75


def test_no_pain_in_a_broad_place_still_counts_fully_against(tiny: tpmap.Catalogue) -> None:
    # Pain anywhere in the arm would have been reported: coverage does not soften "no pain in the arm".
    result = {c.muscle.id: c for c in tpmap.rank(tiny, "sternum", absent=["arm"])}
    present = {"alpha": E, "beta": E, "gamma": E, "delta": S, "epsilon": E}
    background = sum(present.values()) / 5
    for muscle, p in present.items():
        absent = next(e for e in result[muscle].evidence if e.kind == "absent")
        assert absent.contribution == pytest.approx(math.log((1 - p) / (1 - background))), muscle


# ------------------------------------------------------------------------------------------ the prior


def test_no_guides_and_no_studies_no_prior_item(tiny: tpmap.Catalogue) -> None:
    assert not any(e.kind == "prior" for c in tpmap.rank(tiny, "lateral_elbow") for e in c.evidence)


def test_the_fit_is_the_posterior_mode(tmp_path: Path) -> None:
    cat = overlay(tmp_path, GUIDES)
    weights = tpmap.Weights()
    tables = _tables(cat)
    k = weights.prior_pseudo_count
    worth = _fit_guides(_guide_lists(tables, weights, list(cat.pain_guides.values())), cat.muscles, k)
    # elbow_guide: alpha and beta explain the outside of the elbow (0.9 and 0.35); beta is chosen first, and
    # then alpha alone, which says nothing. arm_guide: gamma is chosen among all five, whose offsets are the
    # coverage probabilities of the arm.
    arm = {m: place_probability(cat, m, None, "arm", None) for m in ("alpha", "beta", "gamma", "delta", "epsilon")}
    elbow_left = S * worth["beta"] + E * worth["alpha"]
    arm_left = sum(arm[m] * worth[m] for m in arm)

    def log_posterior(w: dict[str, float]) -> float:
        value = math.log(S * w["beta"] / (S * w["beta"] + E * w["alpha"]))
        value += math.log(arm["gamma"] * w["gamma"] / sum(arm[m] * w[m] for m in arm))
        return value + sum(k * math.log(w[m]) - k * w[m] for m in arm)

    # The MM fixed point holds, and no small step in any direction raises the log-posterior.
    assert worth["beta"] == pytest.approx((k + 1) / (k + S / elbow_left + arm["beta"] / arm_left), rel=1e-9)
    assert worth["alpha"] == pytest.approx(k / (k + E / elbow_left + arm["alpha"] / arm_left), rel=1e-9)
    assert worth["gamma"] == pytest.approx((k + 1) / (k + arm["gamma"] / arm_left), rel=1e-9)
    best = log_posterior(worth)
    for muscle in arm:
        for step in (-1e-4, 1e-4):
            assert log_posterior({**worth, muscle: worth[muscle] * (1 + step)}) < best
    assert math.fsum(worth.values()) / len(worth) == pytest.approx(1.0)  # the worths average 1 at the mode


def test_the_prior_is_applied_once_per_report_and_names_its_sources(tmp_path: Path) -> None:
    cat = overlay(tmp_path, GUIDES)
    one = {c.muscle.id: c for c in tpmap.rank(cat, "lateral_elbow")}
    three = {c.muscle.id: c for c in tpmap.rank(cat, "lateral_elbow", "forearm", "thumb", side="left")}
    for muscle in ("alpha", "beta", "gamma"):
        assert [e.kind for e in three[muscle].evidence].count("prior") == 1
        assert prior_of(three[muscle]).contribution == prior_of(one[muscle]).contribution
    beta = prior_of(one["beta"])
    assert (beta.relation, beta.subject, beta.side, beta.site) == ("guides", "beta", None, None)
    assert beta.finding == "how often it is the source: named in 1 of 2 pain guides for places it refers to (hand_made)"
    assert beta.contribution > 0 > prior_of(one["alpha"]).contribution
    epsilon = prior_of(one["epsilon"])  # it refers to the arm, but the arm guide does not list it
    assert (epsilon.relation, epsilon.finding) == (
        "guides",
        "how often it is the source: named in none of 1 pain guide for places it refers to (hand_made)",
    )
    assert "its worth fitted once from every pain guide's order" in one["beta"].explain()
    assert one["beta"].to_dict()["evidence"][-1]["kind"] == "prior"


def test_a_weaker_prior_moves_less(tmp_path: Path) -> None:
    cat = overlay(tmp_path, GUIDES)
    strong = prior_of(tpmap.rank(cat, "forearm")[0]).contribution
    weak = tpmap.rank(cat, "forearm", weights=tpmap.Weights(prior_pseudo_count=1000.0))
    assert abs(prior_of(weak[0]).contribution) < abs(strong) / 50


def test_a_named_condition_uses_its_prevalence_shrunk_toward_the_guides(tmp_path: Path) -> None:
    cat = overlay(tmp_path, GUIDES + STUDY)
    weights = tpmap.Weights()
    guides = _guide_lists(_tables(cat), weights, list(cat.pain_guides.values()))
    worth = _fit_guides(guides, cat.muscles, weights.prior_pseudo_count)
    result = {c.muscle.id: c for c in tpmap.rank(cat, "lateral_elbow", conditions=["tennis elbow"])}
    # Active shares: alpha 0.2, beta 0.6 (gamma's share is latent only): mean 0.4; targets are the two muscles'
    # mean worth times share / 0.4; with n = 30 = Weights.prevalence_pseudo_n each worth moves half way.
    mean = (worth["alpha"] + worth["beta"]) / 2
    new = dict(worth)
    new["alpha"] = (worth["alpha"] + mean * 0.2 / 0.4) / 2
    new["beta"] = (worth["beta"] + mean * 0.6 / 0.4) / 2
    average = math.fsum(new.values()) / len(new)
    for muscle, value in new.items():
        assert prior_of(result[muscle]).contribution == pytest.approx(math.log(value / average)), muscle
    assert prior_of(result["beta"]).relation == "prevalence"
    assert prior_of(result["beta"]).finding == (
        "how often it is the source: active trigger points in 60% of 30 patients with tennis elbow (hand_made)"
    )
    assert prior_of(result["gamma"]).relation == "guides"  # no active share for gamma: the guides' worth
    latent = {c.muscle.id: c for c in tpmap.rank(cat, "lateral_elbow", conditions=["tennis elbow"], mode="latent")}
    assert prior_of(latent["gamma"]).relation == "prevalence"  # its latent share counts in latent mode
    assert prior_of(latent["alpha"]).relation == "guides"


def test_studies_of_an_unnamed_condition_change_nothing(tmp_path: Path) -> None:
    with_study = overlay(tmp_path, GUIDES + STUDY)
    plain = {c.muscle.id: c.score for c in tpmap.rank(with_study, "lateral_elbow")}
    path = tmp_path / "guides_only.yaml"
    path.write_text(GUIDES, encoding="utf-8")
    guides_only = tpmap.load_files([TINY, path])
    assert plain == {c.muscle.id: c.score for c in tpmap.rank(guides_only, "lateral_elbow")}


ARM_GUIDE = (
    "pain_guides:\n  - id: arm_guide\n    region: arm\n    muscles: [{muscle: alpha}, {muscle: beta%s}]\n"
    "    sources: [{source: hand_made}]\n"
)
"""A guide listing alpha, then beta (``%s``: more of beta's entry)."""
PAIR_GROUP = "groups:\n  - {id: pair, name: The pair, members: [alpha, beta], sources: [{source: hand_made}]}\n"


def fitted(tmp_path: Path, text: str) -> tuple[list[tuple[tuple[str, ...], ...]], dict[str, float]]:
    """The blocks of each guide of ``text`` overlaid on the tiny catalogue, and the worths fitted from them."""
    cat = overlay(tmp_path, text)
    lists = _guide_lists(_tables(cat), tpmap.Weights(), list(cat.pain_guides.values()))
    return [guide.blocks for guide in lists], _fit_guides(lists, cat.muscles, tpmap.Weights().prior_pseudo_count)


def test_group_members_listed_together_are_chosen_together(tmp_path: Path) -> None:
    # alpha and beta cover the arm alike. Listed one after the other they are ordered; as members of one
    # catalogue group listed together they are chosen at one stage, each as if alone (Breslow's ties).
    k = tpmap.Weights().prior_pseudo_count
    (_, ordered), (_, grouped) = fitted(tmp_path, ARM_GUIDE % ""), fitted(tmp_path, ARM_GUIDE % "" + PAIR_GROUP)
    assert ordered["alpha"] > ordered["beta"] > ordered["gamma"]
    assert grouped["alpha"] == pytest.approx(grouped["beta"], rel=1e-9)
    assert ordered["alpha"] > grouped["alpha"] > ordered["beta"]
    cat = overlay(tmp_path, ARM_GUIDE % "" + PAIR_GROUP)
    arm = {m: place_probability(cat, m, None, "arm", None) for m in cat.muscles}
    left = sum(arm[m] * grouped[m] for m in arm)
    assert grouped["alpha"] == pytest.approx((k + 1) / (k + 2 * arm["alpha"] / left), rel=1e-9)


def test_muscles_listed_with_the_previous_one_are_chosen_together(tmp_path: Path) -> None:
    # The reference does not order alpha and beta ("alpha and beta are the most common"): marked with_previous,
    # they are chosen at one stage, as members of a group listed together are, with no group in the catalogue.
    ordered_blocks, ordered = fitted(tmp_path, ARM_GUIDE % "")
    tied_blocks, tied = fitted(tmp_path, ARM_GUIDE % ", with_previous: true")
    _, grouped = fitted(tmp_path, ARM_GUIDE % "" + PAIR_GROUP)
    assert ordered_blocks == [(("alpha",), ("beta",))] and tied_blocks == [(("alpha", "beta"),)]
    assert ordered["alpha"] > ordered["beta"]
    assert tied == pytest.approx(grouped, rel=1e-12)  # the same fit as a group named by the reference
    assert tied["alpha"] == pytest.approx(tied["beta"], rel=1e-9)

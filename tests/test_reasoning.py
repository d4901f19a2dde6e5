"""The ranking model on the tiny catalogue, where every number can be worked out by hand.

Default weights: essential 0.9, spillover 0.35, inside factor 0.6, adjacent 0.12 (essential) / 0.06
(spillover), none 0.02. The background of a place is the mean of P(place | muscle) over the 5 muscles.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tpmap
from tpmap import Site

E, S, INSIDE, ADJ_E, ADJ_S, NONE = 0.9, 0.35, 0.6, 0.12, 0.06, 0.02


def by_muscle(result: tpmap.Ranking) -> dict[tuple[str, str | None], tpmap.Candidate]:
    return {(c.muscle.id, c.side): c for c in result}


def test_exact_zones_score_as_log_likelihood_ratios(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, "lateral_elbow"))
    background = (E + S + NONE + NONE + NONE) / 5
    assert result[("alpha", None)].score == pytest.approx(math.log(E / background), abs=1e-12)
    assert result[("beta", None)].score == pytest.approx(math.log(S / background), abs=1e-12)
    assert result[("gamma", None)].score == pytest.approx(math.log(NONE / background), abs=1e-12)
    evidence = result[("alpha", None)].evidence[0]
    assert (evidence.relation, evidence.zone, evidence.zone_region, evidence.trigger_point) == (
        "exact",
        "essential",
        "lateral_elbow",
        "a1",
    )


def test_place_inside_a_coarser_zone_is_discounted(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, "thumb"))
    # gamma's zone is the whole hand: it covers the thumb but does not single it out.
    background = (NONE + NONE + E * INSIDE + NONE + E) / 5
    gamma = result[("gamma", None)]
    assert gamma.evidence[0].relation == "inside"
    assert gamma.score == pytest.approx(math.log(E * INSIDE / background))
    assert result[("epsilon", None)].score == pytest.approx(math.log(E / background))
    assert [c.muscle.id for c in tpmap.rank(tiny, "thumb")][:2] == ["epsilon", "gamma"]


def test_coarse_report_containing_a_zone_never_counts_against(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, "arm"))
    # Every muscle has a zone in the arm, whose finest parts are upper_arm, lateral_elbow, forearm and thumb.
    # P = f q + (1 - f)(E share_essential + S share_spillover), f = 0.5; delta has only spillover (upper arm).
    alpha = beta = 0.5 * E + 0.5 * (E / 4 + S / 4)
    gamma = epsilon = 0.5 * E + 0.5 * (E / 4)
    delta = 0.5 * S + 0.5 * (S / 4)
    background = (alpha + beta + gamma + delta + epsilon) / 5
    first = result[("alpha", None)].evidence[0]
    assert (first.relation, first.coverage) == ("contains", 0.5)
    assert result[("alpha", None)].score == pytest.approx(math.log(alpha / background))
    assert result[("gamma", None)].score == pytest.approx(math.log(gamma / background))
    assert math.log(delta / background) < 0
    assert result[("delta", None)].score == 0.0


def test_adjacent_zones_are_weak_evidence(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, "hand"))
    background = (ADJ_S + ADJ_E + E + NONE + E) / 5  # epsilon's thumb lies inside the hand: "contains"
    assert result[("beta", None)].evidence[0].relation == "adjacent"
    assert result[("beta", None)].score == pytest.approx(math.log(ADJ_E / background))
    assert result[("alpha", None)].score == pytest.approx(math.log(ADJ_S / background))
    assert result[("alpha", None)].zone == "adjacent"
    assert result[("delta", None)].zone == "none"


def test_no_pain_here_penalises_a_muscle_whose_zone_covers_it(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, "thumb", absent=["forearm"]))
    present = {"alpha": S, "beta": E, "gamma": ADJ_E, "delta": 0.0, "epsilon": 0.0}
    background = sum(present.values()) / 5
    for muscle, p in present.items():
        absent = next(e for e in result[(muscle, None)].evidence if e.kind == "absent")
        assert absent.contribution == pytest.approx(math.log((1 - p) / (1 - background))), muscle
    beta_absent = next(e for e in result[("beta", None)].evidence if e.kind == "absent")
    assert beta_absent.relation == "exact" and beta_absent.contribution < -1.5


def test_laterality_same_both_and_opposite(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, Site(region="thumb", side="right"), Site(region="upper_arm", side="right")))
    assert {side for _, side in result} == {"right"}
    # epsilon refers to the opposite side, so only a left epsilon could explain a right thumb -
    # and the report names only the right side.
    assert result[("epsilon", "right")].evidence[0].relation == "none"
    both = by_muscle(tpmap.rank(tiny, Site(region="thumb", side="right"), Site(region="upper_arm", side="left")))
    assert both[("epsilon", "left")].evidence[0].relation == "exact"
    assert both[("epsilon", "right")].evidence[0].relation == "none"
    # delta refers to both sides: either side explains a left upper arm.
    assert both[("delta", "left")].evidence[1].relation == "exact"
    assert both[("delta", "right")].evidence[1].relation == "exact"
    # alpha refers to its own side only.
    sided = by_muscle(tpmap.rank(tiny, Site(region="lateral_elbow", side="left"), Site(region="hand", side="right")))
    assert sided[("alpha", "left")].evidence[0].relation == "exact"
    assert sided[("alpha", "right")].evidence[0].relation == "none"


def test_midline_places_match_either_side(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(tpmap.rank(tiny, "sternum", Site(region="hand", side="left")))
    assert result[("delta", "left")].evidence[0].relation == "exact"
    query = tpmap.build_query(tiny, "sternum", side="right")
    assert query.sites[0].side is None  # a midline place has no side


def test_sensations_conditions_movements_and_aggravators(tiny: tpmap.Catalogue) -> None:
    result = by_muscle(
        tpmap.rank(
            tiny,
            "lateral_elbow",
            sensations=["tingling"],
            conditions=["tennis elbow"],
            movements=["make a fist"],
            aggravators=["cold"],
        )
    )
    alpha, beta = result[("alpha", None)], result[("beta", None)]
    kinds = {e.kind: e for e in alpha.evidence}
    assert kinds["sensation"].relation == "listed"
    assert kinds["sensation"].contribution == pytest.approx(math.log(0.6 / ((0.6 + 0.1 * 4) / 5)))
    assert kinds["condition"].contribution == pytest.approx(math.log(0.6 / ((0.6 + 0.05 * 4) / 5)))
    assert kinds["movement"].contribution == pytest.approx(math.log(0.6 / ((0.6 + 0.1 * 4) / 5)))
    assert {e.kind: e.relation for e in beta.evidence}["aggravator"] == "not_listed"
    assert alpha.rank == 1 and alpha.probability > 0.9


def test_latent_mode_weakens_spillover_and_sensations(tiny: tpmap.Catalogue) -> None:
    active = by_muscle(tpmap.rank(tiny, "lateral_elbow", sensations=["tingling"]))
    latent = by_muscle(tpmap.rank(tiny, "lateral_elbow", sensations=["tingling"], mode="latent"))
    background = (E + 0.15 + NONE * 3) / 5
    assert latent[("beta", None)].evidence[0].contribution == pytest.approx(max(math.log(0.15 / background), 0))
    assert latent[("beta", None)].evidence[0].contribution < active[("beta", None)].evidence[0].contribution
    sensation = next(e for e in latent[("alpha", None)].evidence if e.kind == "sensation")
    active_sensation = next(e for e in active[("alpha", None)].evidence if e.kind == "sensation")
    assert sensation.contribution == pytest.approx(active_sensation.contribution / 2)


def test_intense_pain_makes_spillover_more_expected(tiny: tpmap.Catalogue) -> None:
    mild = by_muscle(tpmap.rank(tiny, "lateral_elbow", intensity=1))[("beta", None)]
    severe = by_muscle(tpmap.rank(tiny, "lateral_elbow", intensity=9))[("beta", None)]
    assert severe.score > mild.score


def test_probabilities_sum_to_one_and_follow_scores(tiny: tpmap.Catalogue) -> None:
    result = tpmap.rank(tiny, "lateral_elbow", "hand", side="left")
    assert math.fsum(c.probability for c in result) == pytest.approx(1.0)
    scores = [c.score for c in result]
    assert scores == sorted(scores, reverse=True)
    assert [c.rank for c in result] == list(range(1, len(result) + 1))
    top = result[0]
    assert top.probability == pytest.approx(1 / math.fsum(math.exp(c.score - top.score) for c in result))


def test_ties_break_by_muscle_id(tiny: tpmap.Catalogue) -> None:
    ids = [c.muscle.id for c in tpmap.rank(tiny, "lateral_elbow")]
    assert ids[2:] == ["delta", "epsilon", "gamma"]  # all three explain nothing: same score


def test_red_flags_reach_notes_and_explanations(tiny: tpmap.Catalogue) -> None:
    result = tpmap.rank(tiny, "sternum", conditions=["angina"])
    assert any("Rule out first (Angina)" in note for note in result.notes)
    delta = result[0]
    assert delta.muscle.id == "delta"
    assert delta.notes() == ("Rule out first (Angina): Rule out a heart attack first.",)
    assert "Rule out first" not in delta.explain()  # the ranking lists it once


def test_explain_lists_every_evidence_item(tiny: tpmap.Catalogue) -> None:
    text = tpmap.rank(tiny, "lateral_elbow", "forearm", absent=["hand"])[0].explain()
    lines = text.splitlines()
    assert lines[0].startswith("#1 Alpha: score ")
    assert "exactly in the essential zone of trigger point 'a1'" in lines[1]
    assert "exactly in the spillover zone" in lines[2]
    assert "no pain at hand" in lines[3]


def test_summary_and_json(tiny: tpmap.Catalogue) -> None:
    result = tpmap.rank(tiny, "lateral_elbow", "thumb", side="right")
    assert result[0].summary() == "essential zone covers outside of the elbow (right); does not explain thumb (right)"
    data = json.loads(json.dumps(result.to_dict(limit=2)))
    assert list(data) == [
        "tpmap_version",
        "schema_version",
        "output",
        "query",
        "reading",
        "candidates",
        "notes",
        "red_flags",
        "red_flags_held_back",
        "cover",
        "next_questions",
        "satellites",
    ]
    assert len(data["candidates"]) == 2
    first = data["candidates"][0]
    assert {"muscle", "name", "side", "score", "probability", "zone", "evidence"} <= set(first)
    assert first["zone"] == "essential"


# ------------------------------------------------------------------------------------------- properties

TINY_PLACES = ["upper_arm", "elbow", "lateral_elbow", "forearm", "hand", "thumb", "chest", "sternum", "arm"]
SITES = st.lists(
    st.builds(
        Site,
        region=st.sampled_from(TINY_PLACES),
        side=st.sampled_from([None, "left", "right"]),
        sensations=st.sampled_from([(), ("tingling",), ("numbness",)]),
    ),
    min_size=1,
    max_size=5,
)


def scores(result: tpmap.Ranking) -> list[tuple[str, str | None, float]]:
    return [(c.muscle.id, c.side, c.score) for c in result]


@settings(max_examples=60, deadline=None)
@given(sites=SITES, data=st.data())
def test_site_order_does_not_matter(tiny: tpmap.Catalogue, sites: list[Site], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(sites))
    assert scores(tpmap.rank(tiny, *sites)) == scores(tpmap.rank(tiny, *shuffled))


@settings(max_examples=60, deadline=None)
@given(sites=SITES)
def test_results_are_deterministic(tiny: tpmap.Catalogue, sites: list[Site]) -> None:
    first = json.dumps(tpmap.rank(tiny, *sites).to_dict(), sort_keys=True)
    assert first == json.dumps(tpmap.rank(tiny, *sites).to_dict(), sort_keys=True)


@settings(max_examples=80, deadline=None)
@given(sites=SITES, muscle=st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon"]), data=st.data())
def test_a_site_inside_an_essential_zone_never_lowers_the_score(
    tiny: tpmap.Catalogue, sites: list[Site], muscle: str, data: st.DataObject
) -> None:
    zones = [z for z in tiny.zones(muscle) if z.kind == "essential"]
    zone = data.draw(st.sampled_from(zones))
    inside = sorted({zone.region, *tiny.descendants(zone.region)})
    added = Site(region=data.draw(st.sampled_from(inside)))
    before = {(c.muscle.id, c.side): c.score for c in tpmap.rank(tiny, *sites)}
    after = {(c.muscle.id, c.side): c.score for c in tpmap.rank(tiny, *sites, added)}
    for (mid, side), score in before.items():
        if mid == muscle and (mid, side) in after:
            assert after[(mid, side)] >= score - 1e-12


@settings(max_examples=60, deadline=None)
@given(place=st.sampled_from(TINY_PLACES), side=st.sampled_from([None, "left", "right"]))
def test_essential_outranks_spillover_for_a_single_site(tiny: tpmap.Catalogue, place: str, side: str | None) -> None:
    result = tpmap.rank(tiny, Site(region=place, side=side))
    for essential in result:
        for spill in result:
            if essential.zone == "essential" and spill.zone == "spillover":
                assert essential.score > spill.score


@settings(max_examples=40, deadline=None)
@given(sites=SITES)
def test_probabilities_are_a_distribution(tiny: tpmap.Catalogue, sites: list[Site]) -> None:
    result = tpmap.rank(tiny, *sites)
    assert math.fsum(c.probability for c in result) == pytest.approx(1.0)
    assert all(0.0 <= c.probability <= 1.0 for c in result)

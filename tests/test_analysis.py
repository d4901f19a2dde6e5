"""Smallest explaining set, next questions, satellites and plain-word movements, on hand-built catalogues.

Every expected answer below is worked out by hand from ``tests/tiny_catalogue.yaml`` (see its header).
"""

from __future__ import annotations

import io
import itertools
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tpmap
from tpmap.cli import _print_ranking
from tpmap.ranking import cover as cover_module
from tpmap.ranking.lexicon import resolve_term

TINY_PLACES = ("upper_arm", "lateral_elbow", "forearm", "hand", "thumb", "sternum", "elbow", "chest")


def members(cover: tpmap.Cover) -> list[tuple[str, str | None]]:
    return [(m.muscle, m.side) for m in cover.members]


# ------------------------------------------------------------------------------ smallest explaining set


def test_cover_of_two_places_needs_two_muscles(tiny: tpmap.Catalogue) -> None:
    # lateral_elbow: alpha (essential), beta (spillover). thumb (right): gamma's essential hand contains it;
    # epsilon refers to the opposite thumb, so epsilon/right does not. No muscle explains both: size 2.
    # Preferred: alpha + gamma (two essential matches) over beta + gamma (one).
    cover = tpmap.rank(tiny, "lateral_elbow", "thumb", side="right").cover()
    assert members(cover) == [("alpha", "right"), ("gamma", "right")]
    assert dict(cover.explains) == {"lateral_elbow/right": ("alpha",), "thumb/right": ("gamma",)}
    assert cover.unexplained == ()
    assert cover.method == "exact"
    assert [[(m.muscle, m.side) for m in alt] for alt in cover.alternatives] == [
        [("gamma", "right"), ("beta", "right")]
    ]
    assert cover.members[0].essential == ("lateral_elbow/right",)


def test_cover_prefers_essential_matches(tiny: tpmap.Catalogue) -> None:
    # upper_arm: only delta (spillover). forearm: beta (essential) or alpha (spillover). beta + delta wins.
    cover = tpmap.rank(tiny, "upper_arm", "forearm", side="right").cover()
    assert sorted(members(cover)) == [("beta", "right"), ("delta", "right")]
    assert [sorted(m.muscle for m in alt) for alt in cover.alternatives] == [["alpha", "delta"]]


def test_one_muscle_can_explain_everything(tiny: tpmap.Catalogue) -> None:
    # alpha: lateral_elbow essential, forearm spillover.
    cover = tpmap.rank(tiny, "lateral_elbow", "forearm").cover()
    assert members(cover)[0] == ("alpha", None) or members(cover)[0] == ("beta", None)
    assert len(cover.members) == 1
    # Both explain both places; alpha has one essential match, beta one too: the higher probability wins.
    ranked = tpmap.rank(tiny, "lateral_elbow", "forearm")
    assert members(cover)[0][0] == max(("alpha", "beta"), key=lambda m: ranked_probability(ranked, m))


def ranked_probability(ranking: tpmap.Ranking, muscle: str) -> float:
    return next(c.probability for c in ranking if c.muscle.id == muscle)


def test_places_both_sides_need_a_muscle_per_side(tiny: tpmap.Catalogue) -> None:
    # Sited pain on the left and the right thumb: gamma on each side, or epsilon (opposite side) on each.
    ranking = tpmap.rank(tiny, tpmap.Site(region="thumb", side="left"), tpmap.Site(region="thumb", side="right"))
    cover = ranking.cover()
    assert len(cover.members) == 2
    assert {m.side for m in cover.members} == {"left", "right"}
    assert set(cover.explains) == {"thumb/left", "thumb/right"}


def test_unexplained_places_are_reported(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("regions:\n  - {id: leg, name: Leg, parent: body, views: [front, back]}\n")
    cat = tpmap.load_files([Path(__file__).parent / "tiny_catalogue.yaml", extra])
    cover = tpmap.rank(cat, "leg", "sternum").cover()
    assert members(cover) == [("delta", None)]
    assert cover.unexplained == ("leg",)
    assert dict(cover.explains) == {"leg": (), "sternum": ("delta",)}


def test_greedy_bound_is_used_over_the_budget(tiny: tpmap.Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    ranking = tpmap.rank(tiny, "lateral_elbow", "thumb", "sternum", side="right")
    exact = ranking.cover()
    monkeypatch.setattr(cover_module, "EXACT_NODE_BUDGET", 0)
    greedy = ranking.cover()
    assert greedy.method == "greedy"
    assert not greedy.unexplained
    n = len(ranking.query.sites)
    assert len(exact.members) <= len(greedy.members) <= math.fsum(1 / k for k in range(1, n + 1)) * len(exact.members)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(TINY_PLACES), min_size=1, max_size=5, unique=True), st.sampled_from(["left", "right"]))
def test_cover_is_a_smallest_cover(tiny: tpmap.Catalogue, places: list[str], side: str) -> None:
    ranking = tpmap.rank(tiny, *places, side=side)  # type: ignore[arg-type]
    cover = ranking.cover()
    explained = {
        c: {
            label
            for label, e in zip(
                (cover_module.site_label(s) for s in ranking.query.sites),
                (e for e in c.evidence if e.kind == "site"),
                strict=True,
            )
            if e.relation in ("exact", "inside", "contains")
        }
        for c in ranking
    }
    coverable = set().union(*explained.values())
    chosen = [c for c in ranking if (c.muscle.id, c.side) in set(members(cover))]
    assert set().union(*(explained[c] for c in chosen)) == coverable
    assert set(cover.unexplained) == {cover_module.site_label(s) for s in ranking.query.sites} - coverable
    for size in range(len(chosen)):  # brute force: no smaller set covers the same places
        for subset in itertools.combinations(list(ranking), size):
            assert set().union(set(), *(explained[c] for c in subset)) != coverable or not coverable


# ------------------------------------------------------------------------------------ next questions


def entropy(ps: list[float]) -> float:
    return -math.fsum(p * math.log2(p) for p in ps if p > 0)


def test_next_question_gain_is_the_expected_information_gain(tiny: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(tiny, "upper_arm", "forearm", side="right")
    questions = ranking.next_questions()
    first = questions[0]
    # The breastbone: only delta refers there (essential, 0.9); the others would hurt there with P = 0.02.
    assert (first.kind, first.subject, first.side) == ("region", "sternum", None)
    assert first.if_yes == ("delta",)
    prior = [c.probability for c in ranking]  # all five candidates lead
    total = sum(prior)
    prior = [p / total for p in prior]
    likely = [0.9 if c.muscle.id == "delta" else 0.02 for c in ranking]
    yes = math.fsum(p * q for p, q in zip(prior, likely, strict=True))
    after_yes = [p * q / yes for p, q in zip(prior, likely, strict=True)]
    after_no = [p * (1 - q) / (1 - yes) for p, q in zip(prior, likely, strict=True)]
    expected = entropy(prior) - (yes * entropy(after_yes) + (1 - yes) * entropy(after_no))
    assert first.gain == pytest.approx(expected, rel=1e-12)
    assert [q.gain for q in questions] == sorted((q.gain for q in questions), reverse=True)


def test_next_questions_cover_every_kind_and_skip_what_was_asked(tiny: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(tiny, "lateral_elbow", "thumb", side="right")
    questions = ranking.next_questions(limit=8)
    kinds = {q.kind for q in questions}
    assert kinds == {"region", "sensation", "movement", "press"}
    assert all(q.subject not in ("lateral_elbow", "thumb", "hand", "elbow") for q in questions)
    tingling = next(q for q in questions if q.kind == "sensation")
    assert (tingling.subject, tingling.if_yes) == ("tingling", ("alpha",))
    press = next(q for q in questions if q.subject == "alpha.a1")
    assert press.side == "right" and press.if_yes == ("alpha",)
    assert max(sum(1 for q in questions if q.kind == kind) for kind in kinds) <= 2


def test_hypotheses_leave_out_a_tie_the_cut_would_split(tiny: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(tiny, "forearm")  # beta, alpha, gamma, then delta and epsilon tied at no match
    assert ranking[3].score == ranking[4].score
    # Cutting at four would keep delta only because it sorts before epsilon: both are left out instead.
    assert ranking.next_questions(top=4) == ranking.next_questions(top=3)
    assert ranking.next_questions(top=5) != ranking.next_questions(top=3)


def test_no_question_when_one_candidate(tiny: tpmap.Catalogue) -> None:
    assert tpmap.rank(tiny, "forearm").next_questions(top=1) == ()


def test_a_settled_finding_is_not_asked_again(tiny: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(tiny, "upper_arm", "forearm", side="right", sensations=["tingling"], movements=["gripping"])
    subjects = {q.subject for q in ranking.next_questions(limit=10)}
    assert "tingling" not in subjects and "gripping" not in subjects


# ---------------------------------------------------------------------------------------- satellites


def test_satellites_from_zones_and_associations(tiny: tpmap.Catalogue) -> None:
    result = tpmap.rank(tiny, "upper_arm", "forearm", side="right").satellites()
    by_muscle = {k.muscle: k for k in result.candidates}
    # beta's essential zone (forearm) holds alpha's TP, and alpha names beta as associated: weight 2 + 1.
    beta = by_muscle["beta"]
    assert [(s.muscle, s.weight) for s in beta.satellites] == [("alpha", 3)]
    assert beta.satellites[0].reasons == (
        "a trigger point lies in its essential zone (forearm)",
        "associated with it in the references",
    )
    # delta's spillover zone (upper arm) holds beta's TP: weight 1.
    assert [(s.muscle, s.weight) for s in by_muscle["delta"].satellites] == [("beta", 1)]
    # beta's TP lies in delta's zone and delta explains the upper arm: beta may be delta's satellite.
    assert beta.may_be_satellite_of == ("delta",)
    assert by_muscle["alpha"].may_be_satellite_of == ("beta",)
    assert result.examine_first == ("delta", "beta", "alpha", "gamma", "epsilon")


def test_a_candidate_explaining_nothing_is_not_a_key(tiny: tpmap.Catalogue) -> None:
    # For the outside of the elbow and the thumb, delta explains nothing: beta is not its satellite here.
    result = tpmap.rank(tiny, "lateral_elbow", "thumb", side="right").satellites()
    beta = next(k for k in result.candidates if k.muscle == "beta")
    assert beta.may_be_satellite_of == ()
    assert result.examine_first[0] == "beta"  # alpha's TP lies in beta's essential zone
    assert result.examine_first.index("beta") < result.examine_first.index("alpha")


# ------------------------------------------------------------------------ conditions, modes and JSON


def test_condition_alone_ranks_its_mimics_with_the_red_flag(tiny: tpmap.Catalogue) -> None:
    result = tpmap.rank(tiny, conditions=["angina"])
    assert result[0].muscle.id == "delta"
    assert "Rule out first (Angina): Rule out a heart attack first." in result.notes
    assert "Rule out first" not in result[0].explain()  # listed once, in the ranking's notes
    assert result[0].to_dict()["red_flags"] == [
        {"condition": "angina", "name": "Angina", "note": "Rule out a heart attack first."}
    ]
    assert [flag.reason for flag in result.red_flags] == ["named"]


def test_latent_mode_weighs_spillover_less(tiny: tpmap.Catalogue) -> None:
    # beta refers to the outside of the elbow by spillover only: latent pain makes that weaker evidence.
    active = tpmap.rank(tiny, "lateral_elbow")
    latent = tpmap.rank(tiny, "lateral_elbow", mode="latent")
    assert ranked_probability(latent, "beta") < ranked_probability(active, "beta")


def test_ranking_json_has_the_analysis(tiny: tpmap.Catalogue) -> None:
    data = json.loads(json.dumps(tpmap.rank(tiny, "lateral_elbow", "thumb", side="right").to_dict()))
    assert data["cover"]["muscles"] == [{"muscle": "alpha", "side": "right"}, {"muscle": "gamma", "side": "right"}]
    assert data["cover"]["explains"] == {"lateral_elbow/right": ["alpha"], "thumb/right": ["gamma"]}
    assert data["next_questions"][0]["gain_bits"] > 0
    assert data["satellites"]["examine_first"][0] == "beta"


# ------------------------------------------------------------------- movements and aggravators in words


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("can't reach behind my back", "reaching_behind_back"),
        ("it hurts when I turn my head", "turning_head"),
        ("reaching behind the back", "reaching_behind_back"),
        ("making a fist", "gripping"),
        ("Climbing the stairs", "climbing_stairs"),
    ],
)
def test_movements_in_plain_words(catalogue: tpmap.Catalogue, phrase: str, expected: str) -> None:
    assert resolve_term(catalogue.movements, phrase, "movement") == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("worse in the cold", "cold"),
        ("when I'm stressed", "emotional_stress"),
        ("after sitting for long", "prolonged_sitting"),
    ],
)
def test_aggravators_in_plain_words(catalogue: tpmap.Catalogue, phrase: str, expected: str) -> None:
    assert resolve_term(catalogue.aggravators, phrase, "aggravating factor") == expected


def test_unknown_movement_lists_the_closest(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.UnknownNameError) as caught:
        tpmap.rank(catalogue, "shoulder", movements=["can't reach the top shelf"])
    assert "did you mean" in str(caught.value)
    assert caught.value.suggestions


def test_ambiguous_movement_lists_readings(tiny: tpmap.Catalogue, tmp_path: Path) -> None:
    extra = tmp_path / "m.yaml"
    extra.write_text(
        "movements:\n"
        "  - {id: reach_up, name: Reaching up, terms: [reach up high]}\n"
        "  - {id: reach_out, name: Reaching out, terms: [reach out far]}\n"
    )
    cat = tpmap.load_files([Path(__file__).parent / "tiny_catalogue.yaml", extra])
    with pytest.raises(tpmap.AmbiguousNameError) as caught:
        resolve_term(cat.movements, "reaching up and out", "movement")
    assert tuple(caught.value.readings) == ("reaching out (reach_out)", "reaching up (reach_up)")
    with pytest.raises(tpmap.UnknownNameError, match="did you mean: reaching out, reaching up"):
        resolve_term(cat.movements, "reaching", "movement")


def test_equal_scores_share_a_rank(tiny: tpmap.Catalogue) -> None:
    # Only delta refers to the breastbone; the four others reach nothing there and score the same.
    result = tpmap.rank(tiny, "sternum")
    assert [(c.muscle.id, c.rank, c.shared_rank) for c in result] == [
        ("delta", 1, 1),
        ("alpha", 2, 2),
        ("beta", 3, 2),
        ("epsilon", 4, 2),
        ("gamma", 5, 2),
    ]
    assert result.to_dict()["candidates"][4]["shared_rank"] == 2
    # The table marks shared ranks with "=".
    out = io.StringIO()
    _print_ranking(result, 3, False, out)
    rows = out.getvalue().splitlines()[1:4]
    assert [row.split()[0] for row in rows] == ["1", "2=", "2="]

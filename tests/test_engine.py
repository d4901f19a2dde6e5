"""The compiled scoring engine against the straightforward scorer kept in ``tests/oracle_scoring.py``.

Random reports (places with sides, sensations and intensities, places that do not hurt, tender and untender
spots, conditions named and ruled out, movements, aggravators, both modes) are ranked by both, over the tiny and
the shipped catalogues: scores, order, ranks, evidence, red flags and notes must be the same to the last bit.
Probabilities share every term but the sum over the unscored tail, which the engine adds in one step: they must
agree to a relative 1e-12 (a few units in the last place).
"""

from __future__ import annotations

import gc
import math
import pickle
import random
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle_scoring as oracle
import tpmap
from tpmap.catalogue.loader import shipped_paths
from tpmap.catalogue.records import SENSATIONS, Side
from tpmap.ranking import scoring
from tpmap.ranking.query import Spot

SIDES = st.sampled_from([None, "left", "right"])
PROBABILITY = 1e-12
"""Relative agreement asked of the probabilities (see the module notes)."""


def reports(catalogue: tpmap.Catalogue) -> st.SearchStrategy[tpmap.Query]:
    """Random queries of ``catalogue``'s ids, built from records (as ``rank_many`` and hand-made queries are)."""
    regions = st.sampled_from(sorted(catalogue.regions))
    conditions = st.sampled_from(sorted(catalogue.conditions))
    site = st.builds(
        tpmap.Site,
        region=regions,
        side=SIDES,
        sensations=st.lists(st.sampled_from(SENSATIONS), max_size=2, unique=True).map(tuple),
        intensity=st.none() | st.integers(0, 10),
    )

    def some(strategy: st.SearchStrategy[object], most: int) -> st.SearchStrategy[tuple[object, ...]]:
        return st.lists(strategy, max_size=most, unique=True).map(tuple)

    return st.builds(
        tpmap.Query,
        sites=st.lists(site, max_size=6).map(tuple),
        absent=some(st.builds(tpmap.Absent, region=regions, side=SIDES), 2),
        conditions=some(conditions, 2),
        movements=some(st.sampled_from(sorted(catalogue.movements)), 2),
        aggravators=some(st.sampled_from(sorted(catalogue.aggravators)), 1),
        mode=st.sampled_from(["active", "latent"]),
        tender=some(st.builds(Spot, region=regions, side=SIDES), 2),
        not_tender=some(st.builds(Spot, region=regions, side=SIDES), 1),
        ruled_out=some(conditions, 1),
        all_flags=st.booleans(),
    ).filter(lambda q: bool(q.sites or q.conditions or q.movements or q.aggravators or q.tender))


def assert_same(ranking: tpmap.Ranking, expected: oracle.OracleRanking, order: Callable[[int], list[int]]) -> None:
    """``ranking`` is the oracle's, candidate by candidate, visited in ``order``."""
    assert len(ranking) == len(expected.candidates)
    for index in order(len(ranking)):
        got, want = ranking[index], expected.candidates[index]
        assert (got.muscle.id, got.side, got.score, got.rank, got.shared_rank) == (
            want.muscle,
            want.side,
            want.score,
            want.rank,
            want.shared_rank,
        )
        assert math.isclose(got.probability, want.probability, rel_tol=PROBABILITY, abs_tol=0.0)
        assert got.evidence == want.evidence
    assert ranking.notes == expected.notes
    assert ranking.red_flags == expected.red_flags
    assert ranking.red_flags_held_back == expected.red_flags_held_back
    assert math.isclose(math.fsum(c.probability for c in ranking), 1.0, rel_tol=1e-12)


def in_order(size: int) -> list[int]:
    return list(range(size))


@pytest.mark.parametrize("which", ["tiny", "catalogue"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_engine_ranks_as_the_oracle(request: pytest.FixtureRequest, which: str, data: st.DataObject) -> None:
    catalogue: tpmap.Catalogue = request.getfixturevalue(which)
    query = data.draw(reports(catalogue))
    assert_same(tpmap.score_query(catalogue, query), oracle.oracle_rank(catalogue, query), in_order)


@pytest.mark.parametrize("which", ["tiny", "catalogue"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_candidates_reached_in_any_order_are_the_same(
    request: pytest.FixtureRequest, which: str, data: st.DataObject, seed: int
) -> None:
    # A candidate asked for out of order is placed by counting, not by walking the order: the same answer.
    catalogue: tpmap.Catalogue = request.getfixturevalue(which)
    query = data.draw(reports(catalogue))

    def shuffled(size: int) -> list[int]:
        order = list(range(size))
        random.Random(seed).shuffle(order)
        return order

    ranking = tpmap.score_query(catalogue, query)
    expected = oracle.oracle_rank(catalogue, query)
    for candidate in expected.candidates:  # counted places, before anything is walked
        assert scoring.rank_of(ranking, candidate.muscle, candidate.side) == candidate.rank
    assert_same(ranking, expected, shuffled)
    partly = tpmap.score_query(catalogue, query)
    partly[: data.draw(st.integers(0, len(partly)))]  # walked part of the way: places known or counted
    for candidate in expected.candidates:
        assert scoring.rank_of(partly, candidate.muscle, candidate.side) == candidate.rank


WEIGHTS = (
    tpmap.Weights(coverage_floor=0.2, inside=1.0, none=0.05, adjacent_spillover=0.1),
    tpmap.Weights(essential=0.5, spillover=0.45, prior_pseudo_count=0.5, prevalence_pseudo_n=2.0),
)


@pytest.mark.parametrize("weights", WEIGHTS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_other_weights_rank_as_the_oracle(
    catalogue: tpmap.Catalogue, weights: tpmap.Weights, data: st.DataObject
) -> None:
    query = data.draw(reports(catalogue))
    assert_same(tpmap.score_query(catalogue, query, weights), oracle.oracle_rank(catalogue, query, weights), in_order)


def test_a_listed_muscle_whose_zones_no_longer_explain_the_guide_area_is_still_fitted(
    catalogue: tpmap.Catalogue,
) -> None:
    # Without a coverage floor, a small zone inside a wide guide area (trapezius in "head") is worth less than
    # `none`: its best match is no match. The guide still listed it, so it stays in that guide's choices, with the
    # probability the scorer gives the place (this used to be a KeyError in the fit).
    weights = tpmap.Weights(coverage_floor=0.0, none=0.3)
    assert scoring.place_probability(catalogue, "trapezius", None, "head", None, weights=weights) == 0.3
    guides = list(catalogue.pain_guides.values())
    fitted = scoring._guide_lists(scoring._tables(catalogue), weights, guides)
    head = next(fit for guide, fit in zip(guides, fitted, strict=True) if guide.region == "head")
    assert "trapezius" in head.order and head.offsets["trapezius"] == 0.3 and "trapezius" not in head.rest
    for query in (
        tpmap.build_query(catalogue, "head", "outside of the elbow", side="right"),
        tpmap.build_query(catalogue, "hand", conditions=["tennis elbow"]),
    ):
        assert_same(
            tpmap.score_query(catalogue, query, weights), oracle.oracle_rank(catalogue, query, weights), in_order
        )


# ------------------------------------------------------------------------------------------ the implicit tail


def test_muscles_no_finding_reaches_share_one_score_in_a_fixed_order(tiny: tpmap.Catalogue) -> None:
    # upper_arm (right) reaches delta alone (spillover, on both sides): alpha, beta, gamma and epsilon are the
    # tail. The tiny catalogue has no pain guides, so they share exactly one score and come by id, then side.
    query = tpmap.build_query(tiny, "upper_arm", side="right")
    ranking = tpmap.score_query(tiny, query)
    tail = [(c.muscle.id, c.side) for c in ranking if c.muscle.id != "delta"]
    assert tail == sorted(tail)
    assert len({c.score for c in ranking if c.muscle.id != "delta"}) == 1
    assert all(c.shared_rank == 2 for c in ranking[1:])
    assert [e.relation for e in ranking[1].evidence] == ["none"]
    # Made out of order, a tail candidate is the same and in the same place.
    again = tpmap.score_query(tiny, query)
    assert again[-1] == ranking[-1] and again[-1].rank == len(again) == 5


def test_the_tail_follows_the_frequency_prior(catalogue: tpmap.Catalogue) -> None:
    # A place few muscles reach: every other muscle's score is the shared one plus its own prior, so the tail
    # runs from the highest prior down, ties by id.
    query = tpmap.build_query(catalogue, "thumb", side="left")
    ranking = tpmap.score_query(catalogue, query)
    reached = {c.muscle.id for c in ranking if c.evidence[0].relation != "none"}
    tail = [c for c in ranking if c.muscle.id not in reached]
    assert len(tail) > 100
    priors = [c.evidence[-1].contribution for c in tail]
    assert priors == sorted(priors, reverse=True)
    shared = {round(c.score - c.evidence[-1].contribution, 12) for c in tail}
    assert len(shared) == 1
    keys = [(-c.score, c.muscle.id) for c in tail]
    assert keys == sorted(keys)


def test_a_ranking_travels_with_its_order_and_numbers(catalogue: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(catalogue, "outside of the elbow", "forearm", side="right", sensations=["tingling"])
    data = pickle.dumps(ranking)
    assert b"Candidate" not in data and b"Evidence" not in data  # numbers, not 286 candidates and their evidence
    again = pickle.loads(data)
    assert again == ranking and again[0].evidence == ranking[0].evidence
    assert pickle.loads(pickle.dumps(ranking[5])) == ranking[5]


@pytest.mark.parametrize("which", ["tiny", "catalogue"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1), ahead=st.integers(0, 12))
def test_a_ranking_made_again_from_its_numbers_is_not_scored_again(
    request: pytest.FixtureRequest,
    which: str,
    data: st.DataObject,
    seed: int,
    ahead: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalogue: tpmap.Catalogue = request.getfixturevalue(which)
    query = data.draw(reports(catalogue))
    parts = scoring.ranking_parts(tpmap.score_query(catalogue, query), ahead)
    assert parts is not None

    def shuffled(size: int) -> list[int]:
        order = list(range(size))
        random.Random(seed).shuffle(order)
        return order

    with monkeypatch.context() as patch:  # nothing is scored: the order comes from the numbers
        patch.setattr(scoring._Order, "_score", None)
        again = scoring.ranking_from_parts(catalogue, tpmap.Weights(), pickle.loads(pickle.dumps(parts)))
        assert_same(again, oracle.oracle_rank(catalogue, query), shuffled)


def test_a_ranking_made_again_is_placed_when_first_read(catalogue: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(catalogue, "temple", "jaw", side="left", absent=["forehead"])
    parts = scoring.ranking_parts(ranking)
    assert parts is not None
    again = scoring.ranking_from_parts(catalogue, tpmap.Weights(), parts)
    order = again.__dict__["_order"]
    assert "_numbers" in order.__dict__ and "report" not in order.__dict__  # not placed yet
    assert len(again) == len(ranking)  # its length needs no placing
    assert scoring.ranking_parts(again) == parts  # sent on unread: the same numbers, not placed to get them
    assert "_numbers" in order.__dict__
    with ThreadPoolExecutor(4) as pool:  # read from several threads at once: placed once, the same for each
        firsts = list(pool.map(lambda _: again[0], range(8)))
    assert "_numbers" not in order.__dict__ and all(first is firsts[0] for first in firsts)
    assert again == ranking and again[0].evidence == ranking[0].evidence


@pytest.mark.parametrize("side", ["right", None])
def test_a_place_reported_alone_is_scored_once_and_its_order_shared(
    catalogue: tpmap.Catalogue, side: Side | None
) -> None:
    first = tpmap.rank(catalogue, "outside of the elbow", side=side)
    assert [c.rank for c in first] == list(range(1, len(first) + 1))  # read through, and analysed
    first.cover(), first.satellites(), first.next_questions()
    again = tpmap.rank(catalogue, "outside of the elbow", side=side)
    assert again.__dict__["_order"].negs is first.__dict__["_order"].negs  # not scored again
    expected = oracle.oracle_rank(catalogue, again.query)
    assert_same(again, expected, lambda size: list(range(size - 1, -1, -1)))
    assert_same(first, expected, lambda size: list(range(size)))
    other = tpmap.rank(catalogue, "outside of the elbow", side="left" if side else "right")  # another side case
    assert_same(other, oracle.oracle_rank(catalogue, other.query), lambda size: list(range(size)))


def test_the_candidates_placed_before_a_ranking_is_sent_are_read_without_placing_it(
    catalogue: tpmap.Catalogue,
) -> None:
    ranking = tpmap.rank(catalogue, "temple", "jaw", absent=["forehead"])
    parts = scoring.ranking_parts(ranking, 4)
    assert parts is not None
    again = scoring.ranking_from_parts(catalogue, tpmap.Weights(), pickle.loads(pickle.dumps(parts)))
    order = again.__dict__["_order"]

    def seen(candidates: Sequence[tpmap.Candidate]) -> list[tuple[object, ...]]:  # all but the evidence
        return [(c.muscle.id, c.side, c.score, c.probability, c.rank, c.shared_rank) for c in candidates]

    first = again[0]
    assert seen(again[:4]) == seen(ranking[:4]) and seen([again[3]]) == seen([ranking[3]])
    assert again[-len(again)] is first
    assert again[4:2] == () and "_numbers" in order.__dict__  # none of it placed the order
    assert first.evidence == ranking[0].evidence  # its evidence needs the order: placed now
    assert "_numbers" not in order.__dict__ and again[0] is first and again[4] == ranking[4]
    assert again == ranking

    read = tpmap.rank(catalogue, "temple", "jaw", absent=["forehead"])
    shown = read[:6]
    copied = pickle.loads(pickle.dumps(read))  # a ranking travels with the candidates placed so far
    assert seen(copied[:6]) == seen(shown) and "_numbers" in copied.__dict__["_order"].__dict__
    assert copied[6] == read[6] and "_numbers" not in copied.__dict__["_order"].__dict__


# ------------------------------------------------------------------------------------------ the analyses


@pytest.mark.parametrize("which", ["tiny", "catalogue"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_analyses_read_the_index_as_they_read_the_evidence(
    request: pytest.FixtureRequest, which: str, data: st.DataObject
) -> None:
    catalogue: tpmap.Catalogue = request.getfixturevalue(which)
    query = data.draw(reports(catalogue))
    ranking = tpmap.score_query(catalogue, query)
    assert ranking.next_questions() == oracle.oracle_next_questions(tpmap.score_query(catalogue, query))
    assert ranking.satellites() == oracle.oracle_satellites(tpmap.score_query(catalogue, query))
    bits = tuple(1 << i for i in range(len(query.sites)))
    expected = []
    for candidate in tpmap.score_query(catalogue, query):  # every candidate's evidence, the way cover read it
        option = oracle.oracle_cover_option(candidate, bits)
        if option is not None:
            expected.append((candidate.muscle.id, candidate.side, candidate.probability, option))
    found = []  # in rank order, as expected is
    for row in scoring.explaining(ranking):
        masks = (sum(1 << i for i in set(row.sites)), sum(1 << i for i in set(row.essential)))
        found.append((row.muscle, row.side, row.probability, masks))
    assert found == expected


@pytest.mark.parametrize("which", ["tiny", "catalogue"])
def test_one_place_clicked_ranks_as_the_oracle(request: pytest.FixtureRequest, which: str) -> None:
    # The commonest report (one place, one side or none) takes the engine's shortest path.
    catalogue: tpmap.Catalogue = request.getfixturevalue(which)
    regions = sorted(catalogue.regions)
    for region in regions if which == "tiny" else random.Random(14).sample(regions, 12):
        for side in (None, "left", "right"):
            query = tpmap.Query(sites=(tpmap.Site(region=region, side=side),))
            assert_same(tpmap.score_query(catalogue, query), oracle.oracle_rank(catalogue, query), in_order)
    spot = tpmap.Query(tender=(Spot(region="forearm", side="left"),))  # one finding that is not a place
    assert_same(tpmap.score_query(catalogue, spot), oracle.oracle_rank(catalogue, spot), in_order)


def test_a_ranking_read_from_several_threads_is_the_same(catalogue: tpmap.Catalogue) -> None:
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    query = tpmap.build_query(catalogue, "temple", "jaw", "back of the neck", side="left")
    expected = [(c.muscle.id, c.side, c.rank, c.evidence) for c in tpmap.score_query(catalogue, query)]
    for _ in range(5):
        ranking = tpmap.score_query(catalogue, query)

        def read(start: int, ranking: tpmap.Ranking = ranking) -> list[tuple[object, ...]]:
            order = list(range(start, len(ranking))) + list(range(start))
            found = {i: ranking[i] for i in order}
            return [(c.muscle.id, c.side, c.rank, c.evidence) for _, c in sorted(found.items())]

        with ThreadPoolExecutor(8) as pool:
            assert all(got == expected for got in pool.map(read, range(0, 80, 10)))


def test_a_catalogue_no_longer_used_is_freed_whatever_was_asked_of_it() -> None:
    """The tables worked out from a catalogue (the scorer's index, the reader's words, the analyses' facts) live
    as long as the catalogue, not as long as the process: a program that loads catalogues again and again (an
    editor of overlay files, a server that reloads them) does not keep every one it ever ranked with."""
    cat = tpmap.load_files(shipped_paths())
    ranking = tpmap.rank(cat, "tingling down the outside of my forearm", "outside of the elbow", side="right")
    assert ranking[0].evidence
    assert ranking.next_questions() and ranking.satellites() is not None and ranking.cover()
    assert len(list(tpmap.rank_many(cat, [{"choir": "112,205"}, {"sites": ["jaw"]}]))) == 2
    alive = weakref.ref(cat)
    del cat, ranking
    gc.collect()
    assert alive() is None

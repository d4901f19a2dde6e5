"""Rank muscles (and sides) for a pain report, with every score traceable to readable evidence.

The model, in short (``docs/reasoning.md`` has the whole of it):

- Each finding (a painful place, a place that does not hurt, a sensation, a condition, a restricted
  movement, an aggravating factor) gets a log-likelihood ratio for each candidate muscle and side:
  ``ln P(finding | muscle) / P(finding | catalogue)``, where the denominator is the mean of the numerator over
  every muscle in the catalogue. A finding many muscles explain therefore counts little; a specific one
  counts a lot (information content).
- For a painful place, ``P(finding | muscle)`` comes from the best zone of any of the muscle's trigger points
  on a compatible side: the place *is* the zone (exact), lies *inside* a coarser zone, *contains* the zone
  (the report is coarser than the drawing), is *adjacent* to it, or none of these.
  Essential ≫ spillover ≫ adjacent ≫ none. A matched zone never counts against a muscle.
- A broad place that contains a muscle's zones counts by how much of it they cover. How often the references
  name each muscle as the source (pain-guide orders, and the prevalence studies of a named condition) is one
  more evidence item, fitted once per catalogue and applied once per report.
- The score is the sum of the contributions (exactly rounded, so the order of findings never matters);
  probabilities are a softmax of the scores over every candidate in the catalogue: they say how the
  candidates compare with each other, not how likely any trigger point is to be the cause.

How it is computed: a compiled index, built once per catalogue (and per set of weights where numbers enter) as
regions are asked for, holds per region and side case the muscles whose zones match it, with the match and its
contribution. A report scores only the muscles its places reach; every other muscle adds the report's
"nothing reaches here" contributions (and those of the conditions, movements … it lists) to its own frequency
prior, so these come in the prior's order, worked out once. Candidates and their evidence are made when first
read. ``tests/oracle_scoring.py`` keeps the straightforward scorer the engine is checked against.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> result = rank(cat, "outside of the elbow", side="right")
>>> top = [c.muscle.id for c in result[:6]]
>>> "supinator" in top and "brachioradialis" in top
True
>>> result[0].side
'right'
"""

from __future__ import annotations

import bisect
import heapq
import math
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, filterfalse, repeat
from operator import itemgetter, sub
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, Unpack, cast, get_args, overload

from ..catalogue.catalogue import Catalogue, Zone, kept_with
from ..catalogue.loader import cached_beside
from ..catalogue.overlay import overlay_note
from ..catalogue.records import URGENCIES, Aggravator, Condition, Movement, Muscle, PainGuide, Side, ZoneKind
from ..catalogue.text import close_matches
from ..errors import QueryError, UnknownNameError, wrong_type
from .query import Mode, Query, ReportFields, Site, build_query
from .results import (
    EXPLAINING,
    RED_FLAG_LIMIT,
    Candidate,
    Evidence,
    FindingKind,
    Ranking,
    RedFlag,
    RedFlagReason,
    Relation,
    place_text,
    rule_out,
)
from .weights import DEFAULT_WEIGHTS, Weights

__all__ = [
    "Explaining",
    "associated_with",
    "explaining",
    "place_probabilities",
    "place_probability",
    "rank",
    "rank_key",
    "rank_of",
    "ranking_from_parts",
    "ranking_parts",
    "score_query",
    "trigger_points_in",
    "within",
]

Named = Condition | Movement | Aggravator
T = TypeVar("T")


def rank(
    catalogue: Catalogue, *sites: str | Site, weights: Weights = DEFAULT_WEIGHTS, **report: Unpack[ReportFields]
) -> Ranking:
    """Rank every muscle (and side) of ``catalogue`` for a pain report given in plain words.

    ``sites`` and the keyword arguments are those of :func:`tpmap.build_query` (the report's fields are
    declared once, in ``ReportFields``); ``weights`` replaces the model's probabilities. Returns a
    :class:`~tpmap.Ranking`, best candidate first.
    """
    if not isinstance(weights, Weights):
        raise wrong_type("weights", "a Weights record", weights)
    return score_query(catalogue, build_query(catalogue, *sites, **report), weights)


def score_query(catalogue: Catalogue, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Ranking:
    """Rank every muscle (and side) of ``catalogue`` for an already-built :class:`~tpmap.Query`.

    Only the muscles that the report's findings reach (through the catalogue's compiled index) are scored one by
    one; every other muscle shares one "nothing reaches here" score plus its own frequency prior. Candidates,
    and each candidate's evidence, are made when they are first asked for.
    """
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    if not isinstance(query, Query):
        raise wrong_type("query", "a Query (see tpmap.build_query)", query)
    _check_ids(catalogue, query)
    if not isinstance(weights, Weights):
        raise wrong_type("weights", "a Weights record", weights)
    tables = _tables(catalogue)
    order = _Order(tables, query, weights)
    flags, more = _red_flags(tables, query)
    notes = _notes(tables, query, len(order), flags, more, order.report.sides[0] is not None)
    if tables.overlay_note is not None:  # overlays changed muscles: the ranking says so
        notes.append(tables.overlay_note)
    return _ranking(order, tuple(notes), flags, more)


def _ranking(order: _Order, notes: tuple[str, ...], flags: tuple[RedFlag, ...], more: int) -> Ranking:
    ranking: Ranking = _new(Ranking)
    ranking.__dict__.update(
        query=order.query,
        notes=notes,
        catalogue=order.tables.catalogue,
        weights=order.weights,
        red_flags=flags,
        red_flags_held_back=more,
        _order=order,
    )
    return ranking


RankingParts = tuple[Query, tuple[str, ...], tuple[RedFlag, ...], int, tuple[Any, ...]]
"""What a scored ranking is, but for its catalogue and weights: the query, notes, red flags, how many were held
back, and its order's numbers (see :func:`ranking_parts`)."""


def ranking_parts(ranking: Ranking, ahead: int = 0) -> RankingParts | None:
    """A ranking made by :func:`score_query` as plain data, without its catalogue and weights: its scored order and
    numbers, so that :func:`ranking_from_parts` makes the same ranking without scoring it again (a ranking sent
    between processes). None for a ranking built by hand.

    The candidates placed so far go with it, at least the first ``ahead``: the ranking made again reads them
    without placing its order (a batch's reader reads the first few candidates of each ranking).
    """
    order = ranking.__dict__.get("_order")
    if not isinstance(order, _Order):
        return None
    found = ranking.__dict__
    return (order.query, found["notes"], found["red_flags"], found["red_flags_held_back"], order.numbers(ahead))


def ranking_from_parts(catalogue: Catalogue, weights: Weights, parts: RankingParts) -> Ranking:
    """The ranking :func:`ranking_parts` took apart, in ``catalogue`` (the one it was scored in, or a copy of it)
    under the same ``weights``: equal to it, candidates and evidence made again when read."""
    query, notes, flags, more, numbers = parts
    return _ranking(_UnplacedOrder(_tables(catalogue), query, weights, numbers), notes, flags, more)


def _check_ids(catalogue: Catalogue, query: Query) -> None:
    """A query built by hand must hold ids of this catalogue and say something: a clear error, not a KeyError.

    (:func:`~tpmap.build_query` only ever builds such queries; this guards queries built from records.)
    """
    regions = catalogue.regions
    places_only = not (query.absent or query.tender or query.not_tender) and not (
        query.conditions or query.ruled_out or query.movements or query.aggravators
    )
    if not (places_only and all([site.region in regions for site in query.sites])):  # (the common report, at once)
        _check_each_id(catalogue, query)
    if not (query.sites or query.conditions or query.movements or query.aggravators or query.tender):
        raise QueryError("the report is empty: give at least one painful place, condition, movement or aggravator")


def _check_each_id(catalogue: Catalogue, query: Query) -> None:
    """The first id of ``query`` that ``catalogue`` does not know, as an error naming its field and close matches."""
    places = (
        ("sites", [s.region for s in query.sites]),
        ("absent", [a.region for a in query.absent]),
        ("tender", [t.region for t in query.tender]),
        ("not_tender", [t.region for t in query.not_tender]),
    )
    named: tuple[tuple[str, str, Mapping[str, object], tuple[str, ...]], ...] = (
        ("conditions", "condition", catalogue.conditions, query.conditions),
        ("ruled_out", "condition", catalogue.conditions, query.ruled_out),
        ("movements", "movement", catalogue.movements, query.movements),
        ("aggravators", "aggravating factor", catalogue.aggravators, query.aggravators),
    )
    for field, regions in places:
        for region in regions:
            if region not in catalogue.regions:
                raise UnknownNameError(f"region id in Query.{field}", region, close_matches(region, catalogue.regions))
    for field, kind, table, idents in named:
        for ident in idents:
            if ident not in table:
                raise UnknownNameError(f"{kind} id in Query.{field}", ident, close_matches(ident, table))


def place_probability(
    catalogue: Catalogue,
    muscle: str,
    muscle_side: Side | None,
    region: str,
    place_side: Side | None,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    mode: Mode = "active",
) -> float:
    """P(pain at ``region`` on ``place_side`` | a trigger point of ``muscle`` on ``muscle_side``), as the model
    weighs it: the probability of the best zone match (ids, not names: this is for callers inside the engine).

    >>> import tpmap
    >>> place_probability(tpmap.load_catalogue(), "infraspinatus", "right", "anterior_shoulder", "right")
    0.9
    """
    spillover = _spillover(weights, mode, None)
    tables = _tables(catalogue)
    case = _side_case(tables.paired[region], place_side, muscle_side)
    match = tables.background(weights).matches(region, spillover, case, True).get(tables.number[muscle])
    return weights.none if match is None else match.probability


def place_probabilities(
    catalogue: Catalogue,
    places: Iterable[tuple[str, Side | None]],
    muscles: Sequence[tuple[str, Side | None]],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    mode: Mode = "active",
) -> list[tuple[float, ...]]:
    """:func:`place_probability` for several (muscle id, muscle side) pairs at each of several places (region id,
    place side): one row per place, from the index tables.

    >>> import tpmap
    >>> place_probabilities(tpmap.load_catalogue(), [("anterior_shoulder", "right")], [("infraspinatus", "right")])
    [(0.9,)]
    """
    spillover = _spillover(weights, mode, None)
    tables = _tables(catalogue)
    numbers = [tables.number[muscle] for muscle, _ in muscles]
    unreached, paired = repeat(weights.none), tables.paired  # the probability of a muscle the place does not reach
    probabilities = tables.background(weights).probabilities
    rows = []
    for region, place_side in places:
        if place_side is None or not paired[region]:  # one side case for every muscle
            rows.append(tuple(map(probabilities(region, spillover, _FREE).get, numbers, unreached)))
        else:
            tables_by_muscle = [
                probabilities(region, spillover, _side_case(True, place_side, side)) for _, side in muscles
            ]
            rows.append(tuple(map(dict.get, tables_by_muscle, numbers, unreached)))
    return rows


def _notes(tables: _Tables, query: Query, count: int, flags: tuple[RedFlag, ...], more: int, sided: bool) -> list[str]:
    notes = [
        f"Probabilities are relative to the {count} candidates (muscle and side) in this catalogue; "
        "they are not the chance that a trigger point is the cause. tpmap is an educational aid, not a diagnosis."
    ]
    notes += query.readings
    if not sided:
        notes.append("No side was given: sides are not compared.")
    notes += [tables.flag_texts[flag.condition, flag.reason] for flag in flags]
    if more:
        notes.append(
            f"{more} more serious condition{'s' if more > 1 else ''} to rule out fit{'' if more > 1 else 's'} "
            "this report: ask for all red flags (all_flags=True, or --all-flags) to see them."
        )
    return notes


def _red_flags(tables: _Tables, query: Query) -> tuple[tuple[RedFlag, ...], int]:
    """The red flags that fit the report, most relevant first, and how many more were left out.

    Named or suspected conditions come first, in the report's order, then those reported ruled out. Then
    conditions whose red-flag places overlap a reported place: the place is one of them or lies inside one, or
    (a broad report) contains one. These come most urgent first (``emergency``, ``same_day``, ``soon``); among
    equally urgent ones, by fit: those overlapping more reported places first; then those where a place lies
    within a red-flag place before those where it only contains one, the nearest red-flag place first (pain in
    the upper teeth fits "teeth" better than "head"); then by id. The flag that fits best is not cut for less
    urgent ones: when no flag shown by default fits as well, it takes the last place shown, unless an emergency
    holds that place (a stroke warning over the whole head must not hide the ear's own warning, but nothing
    hides an emergency).
    """
    conditions, kept = tables.catalogue.conditions, tables.made_flags

    def flag(cid: str, reason: RedFlagReason, places: tuple[str, ...] = ()) -> RedFlag:
        made = kept.get((cid, reason, places))
        if made is not None:  # red flags are immutable: one per condition, reason and places, shared
            return made
        condition = conditions[cid]
        made = _new(RedFlag)  # the frozen dataclass's fields, without its field-by-field __init__
        _set(
            made,
            "__dict__",
            {
                "condition": cid,
                "name": condition.name,
                "note": condition.red_flag or "",
                "reason": reason,
                "places": places,
                "urgency": condition.urgency,
            },
        )
        if len(kept) >= _KEPT_ITEMS:
            kept.clear()
        kept[cid, reason, places] = made
        return made

    named = [flag(cid, "named") for cid in query.conditions if conditions[cid].red_flag]
    # Checked and ruled out: the note says so, and what to watch for (no place flag repeats it).
    named += [flag(cid, "ruled_out") for cid in query.ruled_out if conditions[cid].red_flag]
    # Each site's fitting conditions come from the index (per region, per sensation), in the sites' order.
    found: dict[str, list[Any]] = {}
    """Per fitting condition: the reported places it fits (in the report's order) and the best fit."""
    for site in query.sites:
        region = site.region
        fits = tables.flag_places[region]
        if site.sensations:
            sensed = [(cid, (1, 0)) for s in site.sensations for cid in tables.flag_sensations.get(s, ())]
            fits = (*sensed, *fits)
        for cid, fit in fits:
            entry = found.get(cid)
            if entry is None:
                found[cid] = [{region: None}, fit]
            else:
                entry[0][region] = None
                entry[1] = max(entry[1], fit)
    ranked: list[tuple[int, tuple[int, int, int], str, dict[str, None]]] = []
    urgencies = tables.urgencies
    for cid, (places, best) in found.items():
        if cid in query.conditions or cid in query.ruled_out:
            continue
        ranked.append((urgencies[cid], (-len(places), -best[0], -best[1]), cid, places))
    ranked.sort()  # by urgency, fit and id: ids differ, so the places are never compared
    slots = RED_FLAG_LIMIT - len(named)
    if 0 < slots < len(ranked) and ranked[slots - 1][0] > 0:  # the last place shown holds no emergency
        closest = min(row[1] for row in ranked)
        if all(row[1] != closest for row in ranked[:slots]):
            ranked.insert(slots - 1, ranked.pop(next(i for i, row in enumerate(ranked) if row[1] == closest)))
    count = len(named) + len(ranked)
    shown = count if query.all_flags or count <= RED_FLAG_LIMIT else RED_FLAG_LIMIT
    flags = (*named, *(flag(cid, "place", tuple(places)) for _, _, cid, places in ranked[: max(shown - len(named), 0)]))
    return flags[:shown], count - shown


# ------------------------------------------------------------------------------------------ tables


class _PerRegion(dict[str, T]):
    """A table by region id whose entries are worked out on first use."""

    def __init__(self, make: Callable[[str], T]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, region: str) -> T:
        value = self[region] = self._make(region)
        return value


class _Tables:
    """What the scorer needs from a catalogue, by id, built once per catalogue: nothing is looked up by name
    while scoring."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.regions = catalogue.regions
        self.paired = {rid: region.laterality == "paired" for rid, region in catalogue.regions.items()}
        # Filled on first use per region: only the regions that zones and reports name are ever asked for, and a
        # full table would grow with the square of the tree's depth.
        self.within = _PerRegion(lambda rid: frozenset((rid, *catalogue.ancestors(rid))))
        """Each region and every region containing it: ``a`` lies within ``b`` when ``b in within[a]``."""
        self.adjacent = {rid: catalogue.adjacent(rid) for rid in catalogue.regions}
        self.leaves = _PerRegion(
            lambda rid: frozenset(r for r in (rid, *catalogue.descendants(rid)) if not catalogue.children(r))
        )
        """The finest parts of each region (those with no parts of their own): the unit of coverage."""
        self.zones = {mid: catalogue.zones(mid) for mid in catalogue.muscles}
        # The index: muscles by number, and per region the muscles whose zones (or trigger points) reach it.
        # Numbered in id order, so that muscles with equal scores, kept in number order, are in id order too.
        self.ids: tuple[str, ...] = tuple(sorted(catalogue.muscles))
        self.muscles: tuple[Muscle, ...] = tuple(catalogue.muscles[mid] for mid in self.ids)
        self.number = {mid: mi for mi, mid in enumerate(self.ids)}
        zoned: dict[str, set[int]] = {}
        located: dict[str, set[int]] = {}
        for mi, muscle in enumerate(self.muscles):
            for zone in self.zones[muscle.id]:
                zoned.setdefault(zone.region, set()).add(mi)
            for tp in muscle.trigger_points:
                located.setdefault(tp.location.region, set()).add(mi)
        self._zoned = {rid: frozenset(found) for rid, found in zoned.items()}
        self._located = {rid: frozenset(found) for rid, found in located.items()}
        self.urgencies = {cid: URGENCIES.index(c.urgency or "soon") for cid, c in catalogue.conditions.items()}
        """Each condition's urgency as a number, most urgent first (red flags sort by it)."""
        self.flag_places = _PerRegion(self._flag_places)
        """Per region, the conditions whose red-flag places it overlaps, with the fit (see ``_red_flags``)."""
        flag_sensations: dict[str, list[str]] = {}
        for cid, condition in catalogue.conditions.items():
            if condition.red_flag:
                for sensation in condition.red_flag_sensations:
                    flag_sensations.setdefault(sensation, []).append(cid)
        self.flag_sensations = {sensation: tuple(cids) for sensation, cids in flag_sensations.items()}
        self.postings = _PerRegion(self._postings)
        """Muscle numbers with a zone that is the region, contains it, lies in it or is next to it (sorted)."""
        self.holders = _PerRegion(self._holders)
        """Muscle numbers with a trigger point lying in the region (or in a part of it)."""
        self.holder_ids = _PerRegion(lambda rid: frozenset(self.ids[mi] for mi in self.holders[rid]))
        linked: dict[str, set[str]] = {mid: set(muscle.associated) for mid, muscle in catalogue.muscles.items()}
        for mid, muscle in catalogue.muscles.items():
            for other in muscle.associated:
                linked[other].add(mid)
        self.associated = {mid: tuple(sorted(others)) for mid, others in linked.items()}
        self.reach = _PerRegion(self._reach)
        self._felt: dict[tuple[str, str], frozenset[int]] = {}
        """Per muscle whose zones are, contain or lie in the region: the sensations of those trigger points."""
        listing: dict[str, dict[str, set[int]]] = {kind: {} for kind in ("condition", "movement", "aggravator")}
        listing["sensation"] = {}
        for mi, muscle in enumerate(self.muscles):
            for kind, ids in (
                ("condition", muscle.conditions),
                ("movement", muscle.movements),
                ("aggravator", muscle.aggravators),
                ("sensation", tuple(s for tp in muscle.trigger_points for s in tp.sensations)),
            ):
                for ident in ids:
                    listing[kind].setdefault(ident, set()).add(mi)
        self.listing: dict[str, dict[str, frozenset[int]]] = {
            kind: {ident: frozenset(found) for ident, found in table.items()} for kind, table in listing.items()
        }
        """Muscle numbers that list each condition, movement, aggravator or sensation."""
        self.red_flags = {
            mid: tuple(
                (catalogue.conditions[c].name, catalogue.conditions[c].red_flag or "")
                for c in muscle.conditions
                if catalogue.conditions[c].red_flag
            )
            for mid, muscle in catalogue.muscles.items()
        }
        self.overlay_note = overlay_note(catalogue.changes)
        """The note every ranking carries when overlays changed muscles of this catalogue, else None."""
        self.made_flags: dict[tuple[str, RedFlagReason, tuple[str, ...]], RedFlag] = {}
        """Red flags made so far, by condition, reason and places (at most ``_KEPT_ITEMS``; see ``_red_flags``)."""
        self.flag_texts = {
            (cid, reason): rule_out(condition.name, condition.red_flag or "", ruled_out=reason == "ruled_out")
            for cid, condition in catalogue.conditions.items()
            for reason in get_args(RedFlagReason)
        }
        """Each red flag's note, in the one wording of :func:`rule_out`, by condition and reason."""
        self._backgrounds: dict[Weights, _Background] = {}
        self._priors: dict[Weights, _Prior] = {}
        self._last_background: _Background | None = None
        self._last_prior: _Prior | None = None

    def _flag_places(self, region: str) -> tuple[tuple[str, tuple[int, int]], ...]:
        """The conditions with a red flag whose places overlap ``region``, with how well (see ``_red_flags``)."""
        within = self.within
        found = []
        for cid, condition in self.catalogue.conditions.items():
            if not condition.red_flag:
                continue
            best = (-1, 0)
            for place in condition.red_flag_places:
                if place in within[region]:  # the site is the place or lies inside it: deeper is nearer
                    best = max(best, (1, len(within[place])))
                elif region in within[place]:  # a broad site containing the place: shallower is nearer
                    best = max(best, (0, -len(within[place])))
            if best[0] >= 0:
                found.append((cid, best))
        return tuple(found)

    def _postings(self, region: str) -> tuple[int, ...]:
        catalogue, zoned = self.catalogue, self._zoned
        places = (*self.within[region], *catalogue.descendants(region), *self.adjacent[region])
        return tuple(sorted({mi for place in places for mi in zoned.get(place, ())}))

    def _holders(self, region: str) -> frozenset[int]:
        located = self._located
        places = (region, *self.catalogue.descendants(region))
        return frozenset(mi for place in places for mi in located.get(place, ()))

    def _reach(self, region: str) -> dict[int, frozenset[str]]:
        within = self.within
        region_within = within[region]
        found: dict[int, frozenset[str]] = {}
        for mi in self.postings[region]:
            muscle = self.muscles[mi]
            reaching = {
                z.trigger_point
                for z in self.zones[muscle.id]
                if z.region in region_within or region in within[z.region]
            }
            if reaching:
                found[mi] = frozenset(s for tp in muscle.trigger_points if tp.id in reaching for s in tp.sensations)
        return found

    def felt(self, region: str, sensation: str) -> frozenset[int]:
        """The muscles whose trigger points that reach ``region`` refer ``sensation`` (see ``reach``), kept."""
        key = (region, sensation)
        found = self._felt.get(key)
        if found is None:
            found = self._felt[key] = frozenset(mi for mi, felt in self.reach[region].items() if sensation in felt)
        return found

    def background(self, weights: Weights) -> _Background:
        """P(finding | catalogue) under ``weights``, worked out lazily and kept (see ``_remember``)."""
        last = self._last_background
        if last is not None and last.weights is weights:  # the same record again: no need to hash its fields
            return last
        cached = self._backgrounds.get(weights)
        if cached is None:
            cached = _remember(self._backgrounds, weights, _Background(self, weights))
        self._last_background = cached
        return cached

    def prior(self, weights: Weights) -> _Prior:
        """The frequency prior under ``weights``, fitted on first use and kept (see ``_remember``)."""
        last = self._last_prior
        if last is not None and last.weights is weights:
            return last
        cached = self._priors.get(weights)
        if cached is None:
            cached = _remember(self._priors, weights, _Prior(self, weights))
        self._last_prior = cached
        return cached


_KEPT_ITEMS = 1024
"""Reported places whose evidence items a catalogue keeps per set of weights (see ``_Background.place_entry``)."""

_KEPT_WEIGHTS = 4
"""Sets of weights whose tables a catalogue keeps: enough for the defaults and a comparison, while a sweep over
thousands of weights does not grow memory without bound."""

V = TypeVar("V")


def _remember(cache: dict[Weights, V], weights: Weights, value: V) -> V:
    """Keep ``value`` for ``weights``, forgetting the oldest entry past :data:`_KEPT_WEIGHTS`."""
    if len(cache) >= _KEPT_WEIGHTS:
        cache.pop(next(iter(cache)), None)
    cache[weights] = value
    return value


def _tables(catalogue: Catalogue) -> _Tables:
    return kept_with(catalogue, "scoring", _Tables)


# ------------------------------------------------------------------------------------------ matching


_RELATION_ORDER: dict[str, int] = {"exact": 0, "contains": 1, "inside": 2, "adjacent": 3}


@dataclass(frozen=True)
class _Match:
    probability: float
    relation: Relation
    zone: Zone | None
    coverage: float | None = None


def _best_match(
    tables: _Tables,
    muscle_id: str,
    side: Side | None,
    region: str,
    place_side: Side | None,
    weights: Weights,
    spillover: float,
    *,
    coverage: bool = False,
) -> _Match:
    """How well any zone of the muscle (on ``side``) explains pain at ``region`` on ``place_side``.

    With ``coverage`` (painful places), zones lying inside the place count by how much of it they cover (see
    :func:`_covered`); without it (places that do not hurt), any zone inside the place would make it hurt.
    """
    best = _Match(weights.none, "none", None)
    best_key: tuple[float, int, int] = (weights.none, 9, 9)
    paired = tables.paired
    check_side = place_side is not None and paired[region]
    region_within = tables.within[region]
    near = tables.adjacent[region]
    inner: list[Zone] = []
    for index, zone in enumerate(tables.zones[muscle_id]):
        if check_side and paired[zone.region] and place_side not in zone.sides(side):
            continue
        base = weights.essential if zone.kind == "essential" else spillover
        if zone.region == region:
            relation: Relation = "exact"
            probability = base
        elif zone.region in region_within:
            relation, probability = "inside", base * weights.inside
        elif region in tables.within[zone.region]:
            if coverage:
                inner.append(zone)
                continue
            relation, probability = "contains", base
        elif zone.region in near:
            relation = "adjacent"
            probability = weights.adjacent_essential if zone.kind == "essential" else weights.adjacent_spillover
        else:
            continue
        key = (probability, -_RELATION_ORDER[relation], -index)
        if key > best_key:
            best, best_key = _Match(probability, relation, zone), key
    if inner:
        covered = _covered(tables, region, inner, weights, spillover)
        if (covered.probability, -_RELATION_ORDER["contains"]) > best_key[:2]:
            best = covered
    return best


def _covered(tables: _Tables, region: str, zones: list[Zone], weights: Weights, spillover: float) -> _Match:
    """P(pain reported at ``region`` | muscle) from the muscle's zones lying inside it, by how much they cover.

    The region's finest parts are counted: e = the share under an essential zone, s = the share under a
    spillover zone only. P = f × q + (1 − f) × (q(essential) × e + q(spillover) × s), where q is the best zone
    kind's probability and f is ``Weights.coverage_floor``: a zone filling the area earns what an exact match
    earns; one in a corner earns about f of it.
    """
    leaves = tables.leaves[region]
    essential = frozenset().union(*(tables.leaves[z.region] for z in zones if z.kind == "essential"))
    spilled = frozenset().union(*(tables.leaves[z.region] for z in zones if z.kind == "spillover")) - essential
    share_e, share_s = len(essential & leaves) / len(leaves), len(spilled & leaves) / len(leaves)
    top = weights.essential if essential else spillover
    probability = weights.coverage_floor * top + (1.0 - weights.coverage_floor) * (
        weights.essential * share_e + spillover * share_s
    )
    # The zone named in the evidence: the widest of the best kind (first in the catalogue on a tie).
    kind = "essential" if essential else "spillover"
    zone = max((z for z in zones if z.kind == kind), key=lambda z: len(tables.leaves[z.region]))
    return _Match(probability, "contains", zone, share_e + share_s)


def _spillover(weights: Weights, mode: Mode, intensity: int | None) -> float:
    """Spillover probability, lower for latent TPs and higher for more intense pain (0–10, 5 neutral)."""
    base = weights.latent_spillover if mode == "latent" else weights.spillover
    return base if intensity is None else base * (weights.intensity_base + weights.intensity_step * intensity)


# ------------------------------------------------------------------------------------------ the report, compiled


_FREE, _SAME, _OTHER = 0, 1, 2
"""How a place's side stands to a candidate's: not compared (no side on either, or a midline place), the same
side, or the other side. A zone's match depends on nothing else about the two sides."""
_CASE_SIDES: tuple[tuple[Side | None, Side | None], ...] = ((None, None), ("left", "left"), ("left", "right"))
"""(muscle side, place side) standing for each case."""


def _side_case(paired: bool, place_side: Side | None, side: Side | None) -> int:
    if place_side is None or side is None or not paired:
        return _FREE
    return _SAME if place_side == side else _OTHER


class _Report:
    """One query against the index: each finding's contribution for a muscle it does not reach (the defaults
    every unreached muscle shares), and the muscles it reaches, with their own contributions."""

    def __init__(self, tables: _Tables, query: Query, weights: Weights, codes: Sequence[int] | None = None) -> None:
        """``codes``: the reached candidates of a ranking made again from its numbers (see ``_Order.numbers``),
        whose rows need not be worked out."""
        self.tables, self.query, self.weights = tables, query, weights
        bg = self.bg = tables.background(weights)
        self.sides: tuple[Side | None, ...] = query.sides() or (None,)
        self.prior = tables.prior(weights).order(query.conditions, query.mode)
        count = len(self.sides)
        defaults: list[float] = []
        yes: dict[int, float] = {}
        """A listed finding's contribution for a muscle that lists it (sensations, conditions …, tender spots)."""
        # (position, side index or -1 for every side, contribution by muscle), applied once the defaults are known
        hits: list[tuple[int, int, Mapping[int, float]]] = []
        scoring = codes is None  # else the rows are not needed: only the defaults
        mode = query.mode
        self.spills: list[float] = []
        usual = _spillover(weights, mode, None)
        unreached = bg.unreached
        one_side = self.sides[0] if count == 1 else None
        for site in query.sites:
            spill = usual if site.intensity is None else _spillover(weights, mode, site.intensity)
            self.spills.append(spill)
            region = site.region
            position = len(defaults)
            default = unreached.get((region, spill))
            defaults.append(bg.unreached_site(region, spill) if default is None else default)
            if scoring and count == 1:  # one side case
                case = _side_case(tables.paired[region], site.side, one_side)
                hits.append((position, -1, bg.ratios(True, region, spill, case)))
            elif scoring:
                paired = tables.paired[region]
                cases = [_side_case(paired, site.side, side) for side in self.sides]
                for si, case in enumerate(cases) if len(set(cases)) > 1 else ((-1, cases[0]),):
                    hits.append((position, si, bg.ratios(True, region, spill, case)))
            if site.sensations:
                factor = weights.latent_sensation_factor if mode == "latent" else 1.0
                for sensation in site.sensations:
                    mean = bg.listed("sensation", sensation)
                    position = len(defaults)
                    felt_value = yes[position] = factor * math.log(weights.listed / mean)
                    defaults.append(factor * math.log(weights.not_listed / mean))
                    if scoring:
                        hits.append((position, -1, dict.fromkeys(tables.felt(region, sensation), felt_value)))
        spill = _spillover(weights, mode, None)
        self.absent_spill = spill
        for absent in query.absent:
            region = absent.region
            position = len(defaults)
            defaults.append(math.log(1.0 / (1.0 - bg.absent(region, spill))))
            if scoring:
                paired = tables.paired[region]
                cases = [_side_case(paired, absent.side, side) for side in self.sides]
                for si, case in enumerate(cases) if len(set(cases)) > 1 else ((-1, cases[0]),):
                    hits.append((position, si, bg.ratios(False, region, spill, case)))
        # Findings that a muscle's entry lists or not: their muscles need not be reached (see ``_PriorOrder.runs``).
        listed: list[tuple[int, frozenset[int], float]] = []
        """(position, muscles listing it, their contribution) of each condition, movement, aggravator, ruled out."""
        keys: list[tuple[str, str]] = []
        for kind, ids in (
            ("condition", query.conditions),
            ("movement", query.movements),
            ("aggravator", query.aggravators),
        ):
            not_listed = weights.condition_not_listed if kind == "condition" else weights.not_listed
            for ident in ids:
                mean = bg.listed(kind, ident)
                value = yes[len(defaults)] = math.log(weights.listed / mean)
                listed.append((len(defaults), tables.listing[kind].get(ident, frozenset()), value))
                keys.append((kind, ident))
                defaults.append(math.log(not_listed / mean))
        spots = [(True, spot) for spot in query.tender] + [(False, spot) for spot in query.not_tender]
        for tender, spot in spots:
            mean = bg.tender(spot.region)
            here_p, elsewhere_p = weights.tender_here, weights.tender_elsewhere
            if tender:
                here, elsewhere = math.log(here_p / mean), math.log(elsewhere_p / mean)
            else:
                here, elsewhere = math.log((1.0 - here_p) / (1.0 - mean)), math.log((1.0 - elsewhere_p) / (1.0 - mean))
            position = len(defaults)
            yes[position] = here
            defaults.append(elsewhere)
            holders = dict.fromkeys(sorted(tables.holders[spot.region]), here) if scoring else {}
            for si, side in enumerate(self.sides):
                if scoring and (spot.side is None or side is None or spot.side == side):
                    hits.append((position, si, holders))
        for ident in query.ruled_out:
            mean = bg.ruled_out(ident)
            value = yes[len(defaults)] = math.log(weights.ruled_out_listed / mean)
            listed.append((len(defaults), tables.listing["condition"].get(ident, frozenset()), value))
            keys.append(("ruled_out", ident))
            defaults.append(math.log(weights.condition_not_listed / mean))
        self.defaults = defaults
        self.yes = yes
        self.alone: Mapping[int, float] | None = None
        """For a report of one finding on one side (often: one place clicked), its contributions by muscle, which
        are then the rows (see ``_Order``)."""
        self.alone_place: _AlonePlace | None = None
        """For a report of one painful place alone: the place (region, spillover, side case) and the side, which
        are all its order depends on under one prior (see ``_PriorOrder.placed``)."""
        rows: dict[int, list[list[float]]] = {}
        if codes is not None:
            rows = dict.fromkeys(codes if count == 1 else [code // count for code in codes])  # type: ignore[assignment]
        elif len(defaults) == 1 and count == 1 and len(hits) == 1:
            self.alone = hits[0][2]
            hits = []
            if query.sites:
                site, side = query.sites[0], self.sides[0]
                case = _side_case(tables.paired[site.region], site.side, side)
                self.alone_place = (site.region, self.spills[0], case, side)
        # A row holds minus each finding's contribution, then minus the muscle's prior: its exactly rounded sum
        # is minus the score (rounding to nearest is symmetric), which is what the order sorts by.
        if hits:  # rows to make (not a ranking made again from its numbers, nor a report of one finding)
            blank = [-value for value in defaults]
            blank.append(0.0)
            minus_priors = self.prior.minus_values
        if count == 1 and codes is None:  # one row per muscle, itself the value: no loop over sides
            single: dict[int, list[float]] = {}
            for position, _, values in hits:
                for mi, value in values.items():
                    row = single.get(mi)
                    if row is None:
                        row = single[mi] = blank.copy()
                        row[-1] = minus_priors[mi]
                    row[position] = -value
            for position, members, value in listed:
                for mi in (
                    members & single.keys() if len(members) > len(single) else [m for m in members if m in single]
                ):
                    single[mi][position] = -value
            rows = single  # type: ignore[assignment]
        else:
            for position, si, values in hits:
                for mi, value in values.items():
                    found = rows.get(mi)
                    if found is None:
                        found = rows[mi] = [blank.copy() for _ in range(count)]
                        for each in found:
                            each[-1] = minus_priors[mi]
                    if si < 0:
                        for each in found:
                            each[position] = -value
                    else:
                        found[si][position] = -value
        for position, members, value in listed if codes is None and count > 1 else ():
            for mi in members & rows.keys() if len(members) > len(rows) else (mi for mi in members if mi in rows):
                for each in rows[mi]:
                    each[position] = -value
        self.rows: Mapping[int, object] = rows if self.alone is None else self.alone
        """Per muscle a place finding reaches, per side: minus every finding's contribution, in the report's order,
        and minus its prior (with one side or none, the muscle's one row)."""
        # The muscles no place finding reaches, in runs that share the listed findings they list.
        self.tails: list[tuple[_Run, list[float]]] = []
        for signature, run in self.prior.runs(tuple(keys), [members for _, members, _ in listed]):
            base = defaults.copy()
            for j in signature:
                position, _, value = listed[j]
                base[position] = value
            self.tails.append((run, base))
        self._plan: list[tuple[Any, ...]] | None = None

    # -------------------------------------------------------------------------------- evidence, when asked

    def evidence_of(self, mi: int, si: int) -> tuple[Evidence, ...]:
        """The evidence items of the candidate (muscle number, side index), in the report's order, built from the
        same numbers as its score."""
        side = self.sides[si]
        items: list[Evidence] = []
        append = items.append
        for entry in self._plan or self._make_plan():
            code = entry[0]
            if code == _PLACE:  # a muscle's item is made once per place and kept (see ``place_entry``)
                made = entry[1][si]
                item = made.get(mi)
                if item is None:
                    found = entry[3][si].get(mi)
                    # A muscle the place does not reach keeps the shared item, found at once the next time.
                    item = made.setdefault(mi, entry[2]) if found is None else _reached_item(entry[2], found, made, mi)
                append(item)
            elif code == _LISTED:
                append(entry[2] if mi in entry[1] else entry[3])
            else:  # a spot pressed: a trigger point there, on the same side
                here = (entry[4] is None or side is None or entry[4] == side) and mi in entry[1]
                append(entry[2] if here else entry[3])
        prior = self.prior.by_number[mi]
        if prior is not None:  # once per report, after the findings: how often the muscle is the source
            items.append(prior)
        return tuple(items)

    def _make_plan(self) -> list[tuple[Any, ...]]:
        """What every candidate's evidence is made of, worked out once per report: per finding, the item of a
        muscle it does not reach, shared, and what a reached muscle's item needs."""
        tables, query, bg, defaults, yes = self.tables, self.query, self.bg, self.defaults, self.yes
        regions = tables.regions
        known = bg.listed_items
        plan: list[tuple[Any, ...]] = []
        position = 0

        def listed(
            members: Container[int],
            kind: FindingKind,
            finding: str,
            subject: str,
            side: Side | None = None,
            site: int | None = None,
        ) -> None:
            """A finding a muscle lists or not; its two items kept in the index (see ``listed_items``)."""
            nonlocal position
            for_it, against = yes[position], defaults[position]
            key = (kind, subject, finding, side, site, for_it, against)
            items = known.get(key)
            if items is None:
                items = (
                    _item(kind, finding, subject, "listed", for_it, None, None, None, side, site),
                    _item(kind, finding, subject, "not_listed", against, None, None, None, side, site),
                )
                if len(known) >= _KEPT_ITEMS:
                    known.clear()
                known[key] = items
            plan.append((_LISTED, members, *items))
            position += 1

        sides = self.sides
        for index, site in enumerate(query.sites):
            region = site.region
            plan.append(bg.place_entry(True, region, site.side, index, self.spills[index], sides, defaults[position]))
            position += 1
            if site.sensations:
                text = place_text(regions[region].name, site.side)
                for sensation in site.sensations:
                    felt = tables.felt(region, sensation)
                    finding = f"{sensation.replace('_', ' ')} at {text}"
                    listed(felt, "sensation", finding, sensation, site.side, index)
        for index, absent in enumerate(query.absent):
            entry = bg.place_entry(
                False, absent.region, absent.side, index, self.absent_spill, sides, defaults[position]
            )
            plan.append(entry)
            position += 1
        catalogue = tables.catalogue
        named: tuple[tuple[FindingKind, str, tuple[str, ...], Mapping[str, Named]], ...] = (
            ("condition", "condition", query.conditions, catalogue.conditions),
            ("movement", "restricted", query.movements, catalogue.movements),
            ("aggravator", "worse with", query.aggravators, catalogue.aggravators),
        )
        for kind, label, ids, names in named:
            for ident in ids:
                members = tables.listing[kind].get(ident, frozenset())
                listed(members, kind, f"{label}: {names[ident].name.lower()}", ident)
        spots = [(True, spot) for spot in query.tender] + [(False, spot) for spot in query.not_tender]
        for index, (tender, spot) in enumerate(spots):
            text = place_text(regions[spot.region].name, spot.side)
            finding = f"{'tender' if tender else 'not tender'} when pressed at {text}"
            pressed: FindingKind = "tender" if tender else "not_tender"
            number = index if tender else index - len(query.tender)
            items = (
                _item(pressed, finding, spot.region, "listed", yes[position], None, None, None, spot.side, number),
                _item(
                    pressed, finding, spot.region, "not_listed", defaults[position], None, None, None, spot.side, number
                ),
            )
            plan.append((_SPOT, tables.holders[spot.region], *items, spot.side))
            position += 1
        for ident in query.ruled_out:
            members = tables.listing["condition"].get(ident, frozenset())
            listed(members, "ruled_out", f"ruled out: {catalogue.conditions[ident].name.lower()}", ident)
        self._plan = plan
        return plan

    def explained(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Per candidate (muscle number, side index) whose zones explain a painful place: bit masks of the places
        explained, and of those explained by an essential zone (bit i: ``query.sites[i]``)."""
        found: dict[tuple[int, int], tuple[int, int]] = {}
        bg, paired = self.bg, self.tables.paired
        for index, site in enumerate(self.query.sites):
            bit = 1 << index
            for si, side in enumerate(self.sides):
                case = _side_case(paired[site.region], site.side, side)
                for mi, (_, match) in bg.site_table(site.region, self.spills[index], case).items():
                    if match.relation in EXPLAINING:
                        mask, essential = found.get((mi, si), (0, 0))
                        zone = match.zone
                        strong = bit if zone is not None and zone.kind == "essential" else 0
                        found[mi, si] = (mask | bit, essential | strong)
        return found


class _Order(Sequence[Candidate]):
    """A ranking's candidates in order, made as they are reached.

    The muscles the report's places reach are scored and sorted. The others (the tails) share the report's
    defaults, but for the listed findings each lists (one tail per set of them), and differ only by their
    frequency prior: they come in the prior's order, worked out once per catalogue. The sorted runs are merged
    as far as anyone looks; a candidate's place can also be counted directly, without walking the order.
    """

    def __init__(self, tables: _Tables, query: Query, weights: Weights, numbers: tuple[Any, ...] | None = None) -> None:
        self.tables, self.query, self.weights = tables, query, weights
        self._lock = threading.Lock()
        self._made: dict[int, Candidate] = {}
        self._place(numbers)

    def _place(self, numbers: tuple[Any, ...] | None) -> None:
        """Score the reached candidates (or take them from ``numbers``, see :meth:`numbers`) and ready the walk."""
        tables, query, weights = self.tables, self.query, self.weights
        known = None  # the numbers of a place reported alone, placed before (see ``_Report.alone_place``)
        if numbers is not None:  # scored before (see ``numbers``): placed again as they were
            negs, codes, top, total = numbers[:4]
        report = self.report = _Report(tables, query, weights, None if numbers is None else codes)
        self.width = len(report.sides)
        self.labels = [side or "" for side in report.sides]
        if numbers is None:
            if report.alone_place is not None:
                known = report.prior.placed.get(report.alone_place)
            if known is not None:  # one place alone, placed before under this prior: the same order and numbers
                negs, codes, top, total = known
            else:
                negs, codes = self._score(report, self.width)
            if report.alone is None:  # summed: only which muscles they reach is kept (less for the garbage collector)
                report.rows = dict.fromkeys(report.rows)
        # The reached candidates, best first, in two lists (no tuple per candidate: a batch may keep many rankings):
        self.negs: Sequence[float] = negs
        """Minus each one's score."""
        self.codes: Sequence[int] = codes
        """Each one's muscle number × width + side index."""
        self.reached = report.rows.keys()
        self.tails = report.tails
        self._negs: list[dict[int, float]] = [{} for _ in self.tails]
        self._bases = [math.fsum(base) for _, base in self.tails]
        """Each tail's shared score without its prior (to find a score's place among its groups)."""
        self._reached_keys: list[list[tuple[float, str]]] | None = None
        self._entries: dict[int, int] = {}
        """Where each reached candidate stands among them, by code, once one is asked for (see :meth:`entry`)."""
        self._positions: dict[tuple[int, int], int] = {}
        """Places asked for (see :meth:`position`), and those of the walked candidates once one is asked for."""
        self._recorded = 0
        """How many walked candidates' places are in ``_positions``."""
        reached = self.reached
        if numbers is not None or known is not None:
            self.top, self.total = top, total
        else:
            heads = list(negs[:1])
            for tail, (run, _) in enumerate(self.tails):
                # The tail's best score: that of its first group with a muscle no place reaches.
                first = next(filterfalse(reached.__contains__, run.flat), None)
                if first is not None:
                    heads.append(self._neg(tail, run.group_of[first]))
            top = self.top = -min(heads) if heads else 0.0
            exp = math.exp
            terms = list(map(exp, map(sub, repeat(-top), negs)))  # exp(-top - neg) of each
            minus = report.prior.minus_exps
            for tail, (run, _) in enumerate(self.tails):
                inside = [mi for mi in reached if mi in run.group_of] if len(self.tails) > 1 else reached
                if run.size > len(inside):  # the run's muscles share its base: the sum of their priors' exponentials
                    rest = math.fsum([run.total_exp, *map(minus.__getitem__, inside)])
                    terms.append(self.width * exp(self._bases[tail] - top) * rest)
            self.total = math.fsum(terms)
            if report.alone_place is not None:
                report.prior.remember(report.alone_place, (negs, codes, self.top, self.total))
        self._merged: list[float] = []
        """The order as far as it has been walked: minus each candidate's score ..."""
        self._merged_codes: list[int] = []
        """... and its code (muscle number × width + side index)."""
        self._shared: list[int] = []
        """For each place walked, the first place with the same score."""
        self._next = 0
        """The next reached candidate to place."""
        self._heads: list[list[Any]] | None = None
        """Each tail's next candidate and the rest of it, once the walk has begun."""

    @staticmethod
    def _score(report: _Report, width: int) -> tuple[list[float], list[int]]:
        """The reached candidates, best first: minus each one's score, and its code (muscle number × width + side
        index)."""
        values = report.prior.values
        codes: list[int]
        # Each muscle's findings and prior add up exactly rounded (two terms as they are, more by fsum), so the
        # order of findings never matters. Made in code order (muscle id, then side, order), the candidates are
        # sorted by score alone: the stable sort keeps equal scores in id order, then side order.
        if report.alone is not None:
            alone = report.alone
            negs = [-(ratio + values[mi]) for mi, ratio in alone.items()]
            codes = list(alone)
        elif width == 1:  # the rows summed in C: each sum is minus the muscle's score (see ``_Report.rows``)
            single = cast(dict[int, list[float]], report.rows)
            codes = sorted(single)
            negs = list(map(math.fsum, map(single.__getitem__, codes)))
        else:
            rows = cast(dict[int, list[list[float]]], report.rows)
            numbers = sorted(rows)
            codes = [mi * width + si for mi in numbers for si in range(width)]
            negs = [math.fsum(row) for mi in numbers for row in rows[mi]]
        order = sorted(range(len(negs)), key=negs.__getitem__)
        return [negs[i] for i in order], [codes[i] for i in order]

    def numbers(self, ahead: int = 0) -> tuple[Any, ...]:
        """The scored candidates' numbers (minus the score; muscle number × width + side index), the two numbers
        behind the probabilities, and the candidates placed so far, at least the first ``ahead`` (their numbers and
        shared places): what makes this order again without scoring (``ranking_from_parts``)."""
        pending: tuple[Any, ...] | None = self.__dict__.get("_numbers")
        if pending is not None and len(pending[4][1]) >= min(ahead, len(self)):
            return pending  # made again from these numbers and not placed since (an _UnplacedOrder)
        if ahead:
            self.walk_to(min(ahead, len(self)) - 1)
        placed = (
            array("d", self._merged),
            array("l", self._merged_codes),
            array("l", self._shared),
        )
        return array("d", self.negs), array("l", self.codes), self.top, self.total, placed

    def evidence_of(self, mi: int, si: int) -> tuple[Evidence, ...]:
        """A candidate's evidence (see ``_Report.evidence_of``): for a candidate made before its order was placed."""
        return self.report.evidence_of(mi, si)

    def remake(self, ranking: Ranking) -> tuple[Callable[..., Ranking], tuple[Any, ...]]:
        parts = ranking_parts(ranking)
        return ranking_from_parts, (self.tables.catalogue, self.weights, parts)

    # ---------------------------------------------------------------------------- the tails, in order

    def _neg(self, tail: int, group: int) -> float:
        """Minus the score of a muscle of ``group`` in ``tail`` (they all share it)."""
        negs = self._negs[tail]
        found = negs.get(group)
        if found is None:
            run, base = self.tails[tail]
            found = negs[group] = -math.fsum((*base, run.groups[group]))
        return found

    def _tail_entries(self, tail: int) -> Iterator[tuple[float, str, str, int, int]]:
        """The tail's candidates in order: prior groups best first; groups whose scores round to the same
        number are merged by muscle id."""
        run = self.tails[tail][0]
        ids, reached, labels = self.tables.ids, self.reached, self.labels
        size = len(run.groups)
        group = 0
        contains = reached.__contains__
        while group < size:
            if all(map(contains, run.members[group])):
                # Every member placed already, among the reached muscles: nothing to yield, no score to work out.
                # (Scores never fall then rise along the groups, so a group of equal score after it still
                # starts its own run here, and one before it has taken it into its own.)
                group += 1
                continue
            neg = self._neg(tail, group)
            end = group + 1
            while end < size and self._neg(tail, end) == neg:
                end += 1
            members: Iterable[int] = (
                run.members[group]
                if end == group + 1
                else heapq.merge(*(run.members[g] for g in range(group, end)), key=ids.__getitem__)
            )
            for mi in members:
                if mi not in reached:
                    mid = ids[mi]
                    for si, label in enumerate(labels):
                        yield (neg, mid, label, mi, si)
            group = end

    def _tails_before(self, neg: float, mid: str) -> int:
        """How many tail muscles come before a candidate of score ``-neg`` and muscle id ``mid``."""
        if self._reached_keys is None:
            ids = self.tables.ids
            self._reached_keys = [
                sorted((self._neg(tail, run.group_of[mi]), ids[mi]) for mi in self.reached if mi in run.group_of)
                for tail, (run, _) in enumerate(self.tails)
            ]
        count = 0
        for tail, (run, _) in enumerate(self.tails):
            size = len(run.groups)
            negs = self._negs[tail]
            # Close to the first group not above the score (from the shared base), then exactly.
            at = min(bisect.bisect_left(run.negatives, neg + self._bases[tail]), size)
            while at > 0 and (negs.get(at - 1) or self._neg(tail, at - 1)) >= neg:
                at -= 1
            while at < size and (negs.get(at) or self._neg(tail, at)) < neg:
                at += 1
            count += run.before[at]
            while at < size and self._neg(tail, at) == neg:
                count += bisect.bisect_left(run.member_ids[at], mid)
                at += 1
            count -= bisect.bisect_left(self._reached_keys[tail], (neg, mid))
        return count

    # ---------------------------------------------------------------------------- the sequence

    def __len__(self) -> int:
        return len(self.tables.ids) * self.width

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Candidate]: ...
    def __getitem__(self, index: int | slice) -> Candidate | Sequence[Candidate]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1 and start < stop:
                self.walk_to(stop - 1)  # walks the order once
                known = self._made
                return tuple([known.get(i) or self._walked(i) for i in range(start, stop)])
            return tuple(self[i] for i in range(start, stop, step))
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("ranking index out of range")
        made = self._made.get(index)
        if made is None:
            if len(self._merged) <= index:
                self.walk_to(index)
            made = self._walked(index)
        return made

    def walk_to(self, index: int) -> None:
        """Place the candidates as far as ``index`` (without making them)."""
        if len(self._merged) <= index:
            with self._lock:  # a ranking read from several threads walks its order once
                if len(self._merged) <= index:
                    self._walk(index)

    def _walk(self, index: int) -> None:
        """Merge the reached candidates and the tails as far as ``index``."""
        merged, codes, shared, negs = self._merged, self._merged_codes, self._shared, self.negs
        heads = self._heads
        if heads is None:
            heads = self._heads = []
            for tail in range(len(self.tails)):
                rest = self._tail_entries(tail)
                first = next(rest, None)
                if first is not None:
                    heads.append([first, rest])
        at, count = self._next, len(negs)
        size = len(merged)
        last = merged[-1] if merged else None
        width = self.width
        while size <= index:
            if at < count:  # the reached candidates ahead of every tail's next one, placed in one go
                stop = min(count, at + index + 1 - size)
                if heads:
                    head = min(head[0] for head in heads)
                    stop = bisect.bisect_left(negs, head[0], at, stop)
                    if stop < count and negs[stop] == head[0]:  # equal scores: in id, then side, order
                        stop = self._reached_before(head, stop, min(count, at + index + 1 - size))
                chunk = negs[at:stop]
                for neg in chunk:
                    shared.append(shared[-1] if neg == last else size)
                    last = neg
                    size += 1
                merged += chunk
                codes += self.codes[at:stop]
                at = stop
                if size > index:
                    break
            entry = self._reached_entry(at) if at < count else None
            pick = -1
            for number, head in enumerate(heads):
                if entry is None or head[0] < entry:
                    entry, pick = head[0], number
            if entry is None:  # pragma: no cover - the index was checked against the length
                break
            if pick < 0:
                at += 1
            else:
                following = next(heads[pick][1], None)
                if following is None:
                    del heads[pick]
                else:
                    heads[pick][0] = following
            neg = entry[0]
            shared.append(shared[-1] if neg == last else size)
            last = neg
            merged.append(neg)
            codes.append(entry[3] * width + entry[4])
            size += 1
        self._next = at

    def _reached_entry(self, at: int) -> tuple[float, str, str, int, int]:
        """The order entry of the reached candidate at ``at``."""
        code, width = self.codes[at], self.width
        if width == 1:
            return (self.negs[at], self.tables.ids[code], self.labels[0], code, 0)
        mi, si = divmod(code, width)
        return (self.negs[at], self.tables.ids[mi], self.labels[si], mi, si)

    def _reached_before(self, key: tuple[Any, ...], start: int = 0, stop: int | None = None) -> int:
        """The first place from ``start`` to ``stop`` among the reached candidates whose entry is not below ``key``
        (an entry or its start): as ``bisect_left`` on their entries, from their scores and codes."""
        negs = self.negs
        stop = len(negs) if stop is None else stop
        at = bisect.bisect_left(negs, key[0], start, stop)
        if len(key) > 1:  # equal scores, in id then side order
            ids, labels, width, codes = self.tables.ids, self.labels, self.width, self.codes
            while at < stop and negs[at] == key[0]:
                mi, si = divmod(codes[at], width)
                if (ids[mi], labels[si], mi, si) >= key[1:]:
                    break
                at += 1
        return at

    def __iter__(self) -> Iterator[Candidate]:
        return (self[i] for i in range(len(self)))

    def resolve(self) -> tuple[Candidate, ...]:
        return tuple(self)

    def _walked(self, index: int) -> Candidate:
        """The candidate at ``index``, a place the walk has passed."""
        mi, si = divmod(self._merged_codes[index], self.width)
        return self._candidate(index, self._merged[index], mi, si, self._shared[index])

    def _candidate(self, index: int, neg: float, mi: int, si: int, shared: int) -> Candidate:
        report = self.report
        candidate = _new_candidate(
            self.tables, report.sides, (self.top, self.total), index, neg, mi, si, shared, report
        )
        self._made[index] = candidate
        return candidate

    def _reached_at(self, mi: int, si: int) -> int:
        """Where the reached candidate (muscle number, side index) stands among the reached ones."""
        if not self._entries:  # (the analyses ask for many)
            self._entries = dict(zip(self.codes, range(len(self.codes)), strict=True))
        return self._entries[mi * self.width + si]

    def entry(self, mi: int, si: int) -> tuple[float, str, str, int, int]:
        """The candidate's sort key (minus its score, muscle id, side) and numbers."""
        if mi in self.reached:
            return self._reached_entry(self._reached_at(mi, si))
        tail = next(t for t, (run, _) in enumerate(self.tails) if mi in run.group_of)
        neg = self._neg(tail, self.tails[tail][0].group_of[mi])
        return (neg, self.tables.ids[mi], self.labels[si], mi, si)

    def position(self, mi: int, si: int) -> int:
        """Where the candidate (muscle number, side index) stands: known if the walk has passed it, else counted
        without walking the order."""
        positions = self._positions
        known = positions.get((mi, si))
        if known is not None:
            return known
        codes, recorded = self._merged_codes, self._recorded
        if recorded < len(codes):  # the walked candidates' places, kept once one is asked for
            walked = map(divmod, codes[recorded:], repeat(self.width))
            positions.update(zip(walked, range(recorded, len(codes)), strict=True))
            self._recorded = len(codes)
            known = positions.get((mi, si))
            if known is not None:
                return known
        entry = self.entry(mi, si)
        neg, mid = entry[0], entry[1]
        if mi not in self.reached and len(self.tails) == 1:
            # Alone in its tail: the muscles before it are those of the groups before its own, and those of its
            # group before it by id (unless a neighbouring group's score rounds to the same number).
            run = self.tails[0][0]
            group = run.group_of[mi]
            if (group == 0 or self._neg(0, group - 1) != neg) and (
                group + 1 == len(run.groups) or self._neg(0, group + 1) != neg
            ):
                if self._reached_keys is None:
                    self._tails_before(neg, mid)  # makes the reached muscles' keys
                keys = self._reached_keys or [[]]
                before = run.before[group] + bisect.bisect_left(run.member_ids[group], mid)
                before -= bisect.bisect_left(keys[0], (neg, mid))
                found = self._reached_before(entry[:3]) + self.width * before + si
                self._positions[mi, si] = found
                return found
        if mi in self.reached:  # the reached candidates before it are those before it in their order
            found = self._reached_at(mi, si) + self.width * self._tails_before(neg, mid)
        else:  # a tail muscle's sides come one after the other
            found = self._reached_before(entry[:3]) + self.width * self._tails_before(neg, mid) + si
        self._positions[mi, si] = found
        return found

    def candidate(self, mi: int, si: int) -> Candidate:
        """The candidate (muscle number, side index), made in its place."""
        index = self.position(mi, si)
        made = self._made.get(index)
        if made is not None:
            return made
        if index < len(self._merged):
            return self[index]
        entry = self.entry(mi, si)
        higher = self._reached_before((entry[0],)) + self.width * self._tails_before(entry[0], "")
        return self._candidate(index, entry[0], mi, si, higher)


_FIRST = itemgetter(0)


class _UnplacedOrder(_Order):
    """An order made again from its numbers (a ranking sent back by a worker, or unpickled), placed when first
    read beyond the candidates placed before it was sent: a batch's rankings may never all be read, and are mostly
    read from the top. Placing turns it into an :class:`_Order`, whose attributes are then read the ordinary
    (fast) way."""

    def __init__(self, tables: _Tables, query: Query, weights: Weights, numbers: tuple[Any, ...]) -> None:
        self.tables, self.query, self.weights = tables, query, weights
        self._lock = threading.Lock()
        self._made = {}
        self._sides = query.sides() or (None,)
        self.width = len(self._sides)
        self._numbers = numbers

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Candidate]: ...
    def __getitem__(self, index: int | slice) -> Candidate | Sequence[Candidate]:
        """A candidate placed before the order was sent is made from its numbers; any other, once placed."""
        numbers = self.__dict__.get("_numbers")
        if numbers is not None:
            count, size = len(numbers[4][1]), len(self)
            if isinstance(index, slice):
                start, stop, step = index.indices(size)
                if stop <= count or start >= stop:
                    return tuple([self[i] for i in range(start, stop, step)])
            elif -size <= index < count - size or 0 <= index < count:
                index %= size
                return self._made.get(index) or self._sent(index, numbers)
        self._placed()
        return self[index]

    def _sent(self, index: int, numbers: tuple[Any, ...]) -> Candidate:
        """The candidate at ``index`` among those placed before the order was sent (its evidence is made once the
        order is placed, see ``_Order.evidence_of``)."""
        negs, codes, shared = numbers[4]
        mi, si = divmod(codes[index], self.width)
        candidate = _new_candidate(
            self.tables, self._sides, numbers[2:4], index, negs[index], mi, si, shared[index], self
        )
        return self._made.setdefault(index, candidate)

    def _placed(self) -> None:
        with self._lock:
            if type(self) is _UnplacedOrder:  # (another thread may have placed it meanwhile)
                self._place(self.__dict__.pop("_numbers"))
                _set(self, "__class__", _Order)  # from now on an ordinary order

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            """Any attribute of the placed order: placed now."""
            if name.startswith("__"):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            self._placed()
            return getattr(self, name)


def _new_candidate(
    tables: _Tables,
    sides: tuple[Side | None, ...],
    probabilities: tuple[float, float],
    index: int,
    neg: float,
    mi: int,
    si: int,
    shared: int,
    source: _Report | _Order,
) -> Candidate:
    """The candidate at ``index`` of an order (minus its score, its muscle and side numbers, the first place of its
    score), its probability from the order's two numbers (the best score, the sum behind the probabilities); its
    evidence is made on first access by ``source`` (see ``_Report.evidence_of``)."""
    top, total = probabilities
    candidate: Candidate = _new(Candidate)  # the frozen dataclass's fields, without its field-by-field __init__
    _set(
        candidate,
        "__dict__",
        {
            "muscle": tables.muscles[mi],
            "side": sides[si],
            "score": 0.0 - neg,  # never minus zero
            "probability": math.exp(-neg - top) / total,
            "rank": index + 1,
            "catalogue": tables.catalogue,
            "red_flags": tables.red_flags[tables.ids[mi]],
            "shared_rank": shared + 1,
            "_evidence_of": (source, mi, si),
        },
    )
    return candidate


_AlonePlace = tuple[str, float, int, Side | None]
"""A painful place reported alone: its region, spillover and side case, and the side (see ``_Report.alone_place``)."""
_PlacedNumbers = tuple[Sequence[float], Sequence[int], float, float]
"""A place's scored candidates, best first (minus their scores, their codes), and the two numbers behind the
probabilities (``_PriorOrder.placed``)."""

_PLACE, _LISTED, _SPOT = 0, 1, 2
"""The kinds of entry in a report's evidence plan (see ``_Report._make_plan``)."""
_PlaceEntry = tuple[int, list[dict[int, Evidence]], Evidence, list[dict[int, tuple[float, _Match]]]]
"""A place's entry in an evidence plan: the code, the items made per side, the unreached item, the tables."""
_new = object.__new__
_set = object.__setattr__


def _reached_item(unreached: Evidence, found: tuple[float, _Match], made: dict[int, Evidence], mi: int) -> Evidence:
    """The item of muscle ``mi`` reached by a place whose unreached item is ``unreached``, kept in ``made``
    (two threads may both make it: equal items)."""
    ratio, match = found
    zone = match.zone
    item = made[mi] = _item(
        unreached.kind,
        unreached.finding,
        unreached.subject,
        match.relation,
        ratio,
        zone.kind if zone else None,
        zone.region if zone else None,
        zone.trigger_point if zone else None,
        unreached.side,
        unreached.site,
        match.coverage,
    )
    return item


def _item(
    kind: FindingKind,
    finding: str,
    subject: str,
    relation: Relation,
    contribution: float,
    zone: ZoneKind | None,
    zone_region: str | None,
    trigger_point: str | None,
    side: Side | None = None,
    site: int | None = None,
    coverage: float | None = None,
) -> Evidence:
    """An :class:`Evidence` item, made without the frozen dataclass's field-by-field ``__init__`` (a third of the
    time; the fields are the same)."""
    item: Evidence = _new(Evidence)
    _set(
        item,
        "__dict__",
        {
            "kind": kind,
            "finding": finding,
            "subject": subject,
            "relation": relation,
            "contribution": contribution,
            "zone": zone,
            "zone_region": zone_region,
            "trigger_point": trigger_point,
            "side": side,
            "site": site,
            "coverage": coverage,
        },
    )
    return item


# ------------------------------------------------------------------------------------------ background


class _Background:
    """P(finding | catalogue): each finding's probability averaged over every muscle of the catalogue.

    Worked out lazily, per place and spillover probability, and kept for the catalogue's lifetime, so that a
    query pays only for the places it names.
    """

    def __init__(self, tables: _Tables, weights: Weights) -> None:
        self.tables = tables
        self.weights = weights
        self.muscles = tuple(tables.catalogue.muscles.values())
        self.count = max(len(self.muscles), 1)
        self._places: dict[tuple[str, float], tuple[float, float]] = {}
        self._listed: dict[tuple[str, str], float] = {}
        self._matches: dict[tuple[str, float, int, bool], dict[int, _Match]] = {}
        self._probabilities: dict[tuple[str, float, int], dict[int, float]] = {}
        self._sites: dict[tuple[str, float, int], dict[int, tuple[float, _Match]]] = {}
        self._absent: dict[tuple[str, float, int], dict[int, tuple[float, _Match]]] = {}
        self._ratios: dict[tuple[bool, str, float, int], dict[int, float]] = {}
        self.unreached: dict[tuple[str, float], float] = {}
        self._items: dict[tuple[Any, ...], _PlaceEntry] = {}
        self.listed_items: dict[tuple[Any, ...], tuple[Evidence, Evidence]] = {}
        """A listed finding's two items (the muscle lists it, or not), shared as ``place_entry`` shares a place's;
        kept for up to :data:`_KEPT_ITEMS` findings."""

    def place_entry(
        self,
        site: bool,
        region: str,
        side: Side | None,
        index: int,
        spillover: float,
        sides: tuple[Side | None, ...],
        default: float,
    ) -> _PlaceEntry:
        """A reported place's entry in an evidence plan (``site``: painful, else absent; see
        ``_Report._make_plan``): the item of a muscle it does not reach (contributing ``default``) and, per
        candidate side, the item of each muscle asked about (made on first need, see ``_Report.evidence_of``) with
        the table they are made from. Each item depends on nothing else (the place's words come from its region
        and side), and items are immutable, so every ranking that reports this place shares them; kept for up to
        :data:`_KEPT_ITEMS` places."""
        key = (site, region, side, index, spillover, sides)
        cached = self._items.get(key)
        if cached is None:
            text = place_text(self.tables.regions[region].name, side)
            if site:
                unreached = _item("site", f"pain at {text}", region, "none", default, None, None, None, side, index)
            else:
                unreached = _item(
                    "absent", f"no pain at {text}", region, "none", default, None, None, None, side, index
                )
            paired = self.tables.paired[region]
            by_case: dict[int, tuple[dict[int, Evidence], dict[int, tuple[float, _Match]]]] = {}
            for case in {_side_case(paired, side, each) for each in sides}:
                table = self.site_table(region, spillover, case) if site else self.absent_table(region, spillover, case)
                by_case[case] = ({}, table)
            by_side = [by_case[_side_case(paired, side, each)] for each in sides]
            if len(self._items) >= _KEPT_ITEMS:  # a long run of varied reports does not grow memory without bound
                self._items.clear()
            cached = self._items[key] = (_PLACE, [made for made, _ in by_side], unreached, [t for _, t in by_side])
        return cached

    def matches(self, region: str, spillover: float, case: int, coverage: bool) -> dict[int, _Match]:
        """The best zone match of every muscle the region's postings hold, for one side case (see
        :func:`_side_case`), kept: with ``coverage`` for painful places, without it for places that do not hurt."""
        key = (region, spillover, case, coverage)
        cached = self._matches.get(key)
        if cached is None:
            tables, weights = self.tables, self.weights
            side, place_side = _CASE_SIDES[case]
            ids = tables.ids
            cached = self._matches[key] = {
                mi: _best_match(tables, ids[mi], side, region, place_side, weights, spillover, coverage=coverage)
                for mi in tables.postings[region]
            }
        return cached

    def probabilities(self, region: str, spillover: float, case: int) -> dict[int, float]:
        """P(pain at ``region`` | muscle) of every muscle the region's postings hold (:meth:`matches` with
        coverage, the probabilities alone), kept."""
        key = (region, spillover, case)
        cached = self._probabilities.get(key)
        if cached is None:
            found = self.matches(region, spillover, case, True)
            cached = self._probabilities[key] = {mi: match.probability for mi, match in found.items()}
        return cached

    def site_table(self, region: str, spillover: float, case: int) -> dict[int, tuple[float, _Match]]:
        """Each reached muscle's contribution for pain at ``region``, with the match it comes from."""
        key = (region, spillover, case)
        cached = self._sites.get(key)
        if cached is None:
            mean = self.site(region, spillover)
            cached = {}
            for mi, match in self.matches(region, spillover, case, True).items():
                ratio = math.log(match.probability / mean)
                if match.relation in EXPLAINING:
                    ratio = max(ratio, 0.0)  # a zone that covers the place never counts against the muscle
                cached[mi] = (ratio, match)
            self._sites[key] = cached
        return cached

    def ratios(self, site: bool, region: str, spillover: float, case: int) -> dict[int, float]:
        """The contributions alone of :meth:`site_table` (``site``) or :meth:`absent_table`, kept."""
        key = (site, region, spillover, case)
        cached = self._ratios.get(key)
        if cached is None:
            table = (self.site_table if site else self.absent_table)(region, spillover, case)
            # A muscle whose zones miss the place here (on this side) adds what an unreached one adds: left out.
            # In muscle number order, so that a report of this one place need not sort them (see ``_Order._score``).
            cached = self._ratios[key] = {
                mi: ratio for mi, (ratio, match) in sorted(table.items()) if match.relation != "none"
            }
        return cached

    def absent_table(self, region: str, spillover: float, case: int) -> dict[int, tuple[float, _Match]]:
        """Each reached muscle's contribution for no pain at ``region``, with the match it comes from."""
        key = (region, spillover, case)
        cached = self._absent.get(key)
        if cached is None:
            mean = self.absent(region, spillover)
            cached = {}
            for mi, match in self.matches(region, spillover, case, False).items():
                present = match.probability if match.relation != "none" else 0.0
                cached[mi] = (math.log((1.0 - present) / (1.0 - mean)), match)
            self._absent[key] = cached
        return cached

    def _place(self, region: str, spillover: float) -> tuple[float, float]:
        key = (region, spillover)
        cached = self._places.get(key)
        if cached is None:
            weights = self.weights
            sites = self.matches(region, spillover, _FREE, True)
            matches = self.matches(region, spillover, _FREE, False)
            unreached = [weights.none] * (len(self.muscles) - len(sites))
            present = math.fsum([*(m.probability for m in sites.values()), *unreached]) / self.count
            covered = math.fsum(m.probability for m in matches.values() if m.relation != "none") / self.count
            cached = self._places[key] = (present if self.muscles else weights.none, covered)
        return cached

    def site(self, region: str, spillover: float) -> float:
        """Mean P(pain at region | muscle), unmatched muscles counting ``Weights.none``."""
        return self._place(region, spillover)[0]

    def unreached_site(self, region: str, spillover: float) -> float:
        """The contribution of pain at ``region`` for a muscle no zone of which reaches it, kept in
        :attr:`unreached` (read there first: a query asks for it once per place)."""
        value = self.unreached[region, spillover] = math.log(self.weights.none / self.site(region, spillover))
        return value

    def absent(self, region: str, spillover: float) -> float:
        """Mean P(pain at region | muscle) from zones alone: one minus it is the chance of no pain there."""
        return self._place(region, spillover)[1]

    def listed(self, kind: str, ident: str) -> float:
        """Mean P(finding | muscle) for a sensation, condition, movement or aggravator."""
        not_listed = self.weights.condition_not_listed if kind == "condition" else self.weights.not_listed
        hits = len(self.tables.listing[kind].get(ident, ()))
        return self._mean((kind, ident), hits, self.weights.listed, not_listed)

    def tender(self, region: str) -> float:
        """Mean P(a spot in ``region`` is tender and reproduces the pain | muscle)."""
        weights = self.weights
        hits = len(self.tables.holders[region])
        return self._mean(("tender", region), hits, weights.tender_here, weights.tender_elsewhere)

    def ruled_out(self, ident: str) -> float:
        """Mean P(the condition ``ident`` was suspected, then ruled out | muscle)."""
        weights = self.weights
        hits = len(self.tables.listing["condition"].get(ident, ()))
        return self._mean(("ruled_out", ident), hits, weights.ruled_out_listed, weights.condition_not_listed)

    def _mean(self, key: tuple[str, str], hits: int, p_yes: float, p_no: float) -> float:
        """P(finding | muscle) averaged over the catalogue's muscles, ``p_yes`` for ``hits`` of them; kept by
        ``key``."""
        cached = self._listed.get(key)
        if cached is None:
            misses = len(self.muscles) - hits
            cached = (hits * p_yes + misses * p_no) / self.count if self.muscles else p_no
            self._listed[key] = cached
        return cached


# ------------------------------------------------------------------------------------------ frequency prior


class _Prior:
    """How often each muscle is the source, as the references rank it: one worth per muscle, applied once per
    report as an evidence item (``docs/reasoning.md``, "How often each muscle is the source").

    The pain guides' orders are fitted together, once per catalogue, by a Plackett–Luce model whose item worth
    for a guide of region A is ``worth(m) × P(A | m)``: the zones' own likelihood is a known offset, so the
    fitted worth keeps only what the order says beyond "refers here". A Gamma(1 + s, s) prior on each worth
    (``Weights.prior_pseudo_count``) shrinks it toward 1, the worth of a muscle in no guide's area. When the report
    names a condition with prevalence studies, the studied muscles' worths move toward their prevalence.
    """

    def __init__(self, tables: _Tables, weights: Weights) -> None:
        self.tables = tables
        self.weights = weights
        self.guides, self.worth = _fitted(tables, weights)
        cited: dict[str, dict[str, None]] = {}
        self.areas: Counter[str] = Counter()
        """How many guides' areas each muscle refers to (it could have been listed in each)."""
        self.named: Counter[str] = Counter()
        """How many guides list it."""
        for guide in self.guides:
            for mid in guide.offsets:
                cited.setdefault(mid, {}).update(dict.fromkeys(guide.sources))
                self.areas[mid] += 1
            self.named.update(guide.order)
        self.cited = {mid: tuple(sources) for mid, sources in cited.items()}
        self._cache: dict[tuple[tuple[str, ...], Mode], Mapping[str, Evidence]] = {}
        self._orders: dict[tuple[tuple[str, ...], Mode], _PriorOrder] = {}

    def evidence(self, conditions: tuple[str, ...], mode: Mode) -> Mapping[str, Evidence]:
        """The prior's evidence item for each muscle (none when no guide or study informs it)."""
        key = (conditions, mode)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._evidence(conditions, mode)
        return cached

    def order(self, conditions: tuple[str, ...], mode: Mode) -> _PriorOrder:
        """The prior's items and the muscles in the prior's order, for a report naming ``conditions``."""
        key = (conditions, mode)
        cached = self._orders.get(key)
        if cached is None:
            cached = self._orders[key] = _PriorOrder(self.tables, self.evidence(conditions, mode))
        return cached

    def _evidence(self, conditions: tuple[str, ...], mode: Mode) -> Mapping[str, Evidence]:
        catalogue = self.tables.catalogue
        worth = dict(self.worth)
        studied = _prevalence(catalogue, conditions, mode)
        if studied:
            weight = self.weights.prevalence_pseudo_n
            shares = {mid: share for mid, (share, _, _) in studied.items()}
            mean_share = math.fsum(shares.values()) / len(shares)
            mean_worth = math.fsum(worth[mid] for mid in shares) / len(shares)
            for mid, (share, patients, _) in studied.items():
                target = mean_worth * share / mean_share if mean_share > 0 else worth[mid]
                worth[mid] = (weight * worth[mid] + patients * target) / (weight + patients)
        if not self.guides and not studied:
            return {}
        mean = math.fsum(worth.values()) / len(worth)
        names = ", ".join(catalogue.conditions[c].name.lower() for c in conditions)
        items: dict[str, Evidence] = {}
        for mid, value in worth.items():
            relation: Relation
            if mid in studied:
                share, patients, sources = studied[mid]
                relation = "prevalence"
                what = (
                    f"{mode} trigger points in {share:.0%} of {patients} patients with {names} ({', '.join(sources)})"
                )
            elif mid in self.cited:
                relation = "guides"
                named, areas = self.named[mid] or "none", self.areas[mid]
                guides = f"{areas} pain guide{'s' if areas > 1 else ''}"
                what = f"named in {named} of {guides} for places it refers to ({', '.join(self.cited[mid])})"
            else:
                relation, what = "average", ""
            finding = f"how often it is the source: {what}" if what else "how often it is the source"
            items[mid] = Evidence("prior", finding, mid, relation, math.log(value / mean))
        return items


class _PriorOrder:
    """Each muscle's prior item and contribution for a report naming some conditions, and the muscles in runs
    sorted by their prior: the order of every muscle a report's places do not reach."""

    def __init__(self, tables: _Tables, items: Mapping[str, Evidence]) -> None:
        self.tables = tables
        self.items = items
        # Without pain guides or studies there is no prior item: every muscle's prior counts 0.
        self.values = [items[mid].contribution if items else 0.0 for mid in tables.ids]
        self.minus_values = [-value for value in self.values]
        self.by_number: tuple[Evidence | None, ...] = tuple(items.get(mid) for mid in tables.ids)
        """Each muscle's prior item by muscle number (None without one)."""
        self.exps = [math.exp(value) for value in self.values]
        self.minus_exps = [-value for value in self.exps]
        self.everyone = _Run(self, range(len(tables.ids)))
        self._runs: dict[tuple[tuple[str, str], ...], tuple[tuple[tuple[int, ...], _Run], ...]] = {}
        self.placed: dict[_AlonePlace, _PlacedNumbers] = {}
        """Per painful place reported alone (see ``_Report.alone_place``): its scored candidates, best first, and
        the two numbers behind the probabilities, shared by every ranking of it (never changed), at most
        ``_KEPT_ITEMS``: a report of one place is the commonest, and the places are few."""

    def remember(self, place: _AlonePlace, numbers: _PlacedNumbers) -> None:
        if len(self.placed) >= _KEPT_ITEMS:
            self.placed.clear()
        self.placed[place] = numbers

    def runs(
        self, keys: tuple[tuple[str, str], ...], members: Sequence[frozenset[int]]
    ) -> tuple[tuple[tuple[int, ...], _Run], ...]:
        """The muscles split by which of a report's listed findings (conditions, movements, aggravators, ruled
        out: ``keys``, listed by ``members``) they list, each part sorted by prior; kept per ``keys``."""
        cached = self._runs.get(keys)
        if cached is None:
            if not keys:
                cached = (((), self.everyone),)
            else:
                lists: dict[int, list[int]] = {}
                for j, listing in enumerate(members):
                    for mi in listing:
                        lists.setdefault(mi, []).append(j)
                parts: dict[tuple[int, ...], list[int]] = {}
                for mi in range(len(self.values)):
                    parts.setdefault(tuple(lists.get(mi, ())), []).append(mi)
                cached = tuple((signature, _Run(self, found)) for signature, found in sorted(parts.items()))
            if len(self._runs) >= _KEPT_RUNS:
                self._runs.pop(next(iter(self._runs)))
            self._runs[keys] = cached
        return cached


_KEPT_RUNS = 64
"""Sets of listed findings whose runs a prior keeps (the runs of a report without any are always kept)."""


class _Run:
    """Some muscles sorted by prior (highest first, then by id), grouped by equal prior."""

    def __init__(self, prior: _PriorOrder, members: Iterable[int]) -> None:
        ids, values = prior.tables.ids, prior.values
        grouped: dict[float, list[int]] = {}
        for mi in members:
            grouped.setdefault(values[mi], []).append(mi)
        self.groups = sorted(grouped, reverse=True)
        """Each distinct prior, highest first."""
        self.members = [tuple(sorted(grouped[value], key=ids.__getitem__)) for value in self.groups]
        self.member_ids = [[ids[mi] for mi in found] for found in self.members]
        self.flat = tuple(mi for found in self.members for mi in found)
        """Every member, in order."""
        self.negatives = [-value for value in self.groups]
        self.before = [0, *accumulate(len(found) for found in self.members)]
        """How many muscles the groups before each hold."""
        self.group_of = {mi: group for group, found in enumerate(self.members) for mi in found}
        self.size = self.before[-1]
        self.total_exp = math.fsum(prior.exps[mi] for found in self.members for mi in found)


@dataclass(frozen=True)
class _GuideList:
    """One pain guide as the fit reads it: a top-L list over the muscles that refer to its region."""

    blocks: tuple[tuple[str, ...], ...]
    """The muscles it lists, most frequent first; members of one catalogue group listed next to each other, and
    muscles listed ``with_previous``, form one block, chosen together (the reference names the group, or does not
    order them, so the order inside it means nothing)."""
    stages: int
    """How many blocks were chosen among others (not the last one when nothing is left unlisted)."""
    rest: tuple[str, ...]
    """The muscles that refer to its region but that it does not list."""
    offsets: Mapping[str, float]
    """P(region | muscle) from the zones, for every muscle listed or not."""
    sources: tuple[str, ...]

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(mid for block in self.blocks for mid in block)


def _guide_lists(tables: _Tables, weights: Weights, guides: list[PainGuide]) -> list[_GuideList]:
    """Each guide with the muscles that could have been listed: those it lists and those whose zones explain its
    region."""
    groups = [frozenset(group.members) for group in tables.catalogue.groups.values()]
    lists = []
    for guide in guides:
        listed = {entry.muscle for entry in guide.muscles}
        # Any other muscle has no zone in, around or next to the region (the index's postings): it matches nothing.
        reaching = listed.union(tables.ids[mi] for mi in tables.postings[guide.region])
        offsets = {}
        for mid in tables.catalogue.muscles:
            if mid not in reaching:
                continue
            match = _best_match(tables, mid, None, guide.region, None, weights, weights.spillover, coverage=True)
            # A listed muscle was chosen here even when weights make its zones explain the area no better than
            # nothing or an adjacent zone (coverage_floor 0 and a small zone in a wide area): its offset is then
            # the probability the scorer gives that place.
            if match.relation in EXPLAINING or mid in listed:
                offsets[mid] = match.probability
        blocks: list[list[str]] = []
        for entry in guide.muscles:
            if blocks and (entry.with_previous or any({*blocks[-1], entry.muscle} <= group for group in groups)):
                blocks[-1].append(entry.muscle)
            else:
                blocks.append([entry.muscle])
        rest = tuple(sorted(set(offsets) - listed))
        sources = tuple(dict.fromkeys(ref.source for ref in guide.sources))
        # With nothing left unlisted, the last block is "chosen" among itself alone: that stage says nothing.
        stages = len(blocks) if rest else len(blocks) - 1
        lists.append(_GuideList(tuple(tuple(b) for b in blocks), stages, rest, offsets, sources))
    return lists


def _fit_guides(lists: list[_GuideList], muscles: Iterable[str], strength: float) -> dict[str, float]:
    """Each muscle's worth: the Plackett–Luce fit of every guide's order, by Hunter's MM algorithm.

    A guide for region A is a top-L list: at stage t its t-th muscle is chosen among those not yet chosen, the
    muscles it does not list among them (every muscle with a zone in or around A could have been listed); the
    members of a block are chosen at one stage, each as if alone among the same muscles (Breslow's handling of
    ties). Muscle m's worth in a guide is γ(m) × c(m), with c(m) = P(A | m) from the zones. With a
    Gamma(1 + s, s) prior on each γ (s = ``strength``), each step sets γ(m) = (s + w(m)) / (s + Σ b(t) c(m) /
    R(t)), where w(m) counts the stages m is chosen at, and the sum runs over every stage t (of every guide) at
    which m was still unchosen, b(t) being how many muscles that stage chooses and R(t) the worth left then. It
    converges to the posterior mode; a muscle in no guide's area keeps γ = 1.
    """
    worth = dict.fromkeys(muscles, 1.0)
    lists = [guide for guide in lists if guide.stages > 0]
    if not lists:
        return worth
    wins = Counter(mid for guide in lists for block in guide.blocks[: guide.stages] for mid in block)
    involved = sorted({mid for guide in lists for mid in guide.offsets})
    for _ in range(_FIT_STEPS):
        spent = dict.fromkeys(involved, 0.0)
        for guide in lists:
            offsets = guide.offsets
            unlisted = math.fsum(worth[mid] * offsets[mid] for mid in guide.rest)
            items = [math.fsum(worth[mid] * offsets[mid] for mid in block) for block in guide.blocks]
            listed = list(accumulate(reversed(items)))
            listed.reverse()  # listed[t]: the worth of the listed muscles still unchosen at stage t
            running = 0.0
            for t, block in enumerate(guide.blocks):
                if t < guide.stages:
                    running += len(block) / (listed[t] + unlisted)
                for mid in block:
                    spent[mid] += offsets[mid] * running
            for mid in guide.rest:  # never chosen: still there at every stage
                spent[mid] += offsets[mid] * running
        step = 0.0
        for mid in involved:
            new = (strength + wins[mid]) / (strength + spent[mid])
            step = max(step, abs(math.log(new / worth[mid])))
            worth[mid] = new
        if step < _FIT_TOLERANCE:
            break
    return worth


_FIT_STEPS = 10_000
_FIT_TOLERANCE = 1e-12
"""Iterations and the largest change of a log-worth that ends the fit (far below any printed digit)."""


class _Fit(NamedTuple):
    guides: list[_GuideList]
    worth: dict[str, float]


def _fitted(tables: _Tables, weights: Weights) -> _Fit:
    """The guides as the fit reads them and the fitted worths. Under the default weights, a new process reads
    them back from the cache folder beside the shipped catalogue (see ``cached_beside``): the fit is most of a
    first ranking. Other weights are fitted each time, so that a sweep over weights leaves no files behind."""
    catalogue = tables.catalogue

    def fit() -> _Fit:
        guides = _guide_lists(tables, weights, list(catalogue.pain_guides.values()))
        return _Fit(guides, _fit_guides(guides, catalogue.muscles, weights.prior_pseudo_count))

    if weights != DEFAULT_WEIGHTS:
        return fit()
    return cached_beside(catalogue, "prior", _Fit, fit, parts=(repr(weights),), code=_PRIOR_CODE)


_PRIOR_CODE = tuple(Path(__file__).with_name(name) for name in ("scoring.py", "results.py", "weights.py"))
"""The modules the fit is worked out by: a change to any of them fits it anew."""


def _prevalence(
    catalogue: Catalogue, conditions: tuple[str, ...], mode: Mode
) -> dict[str, tuple[float, int, tuple[str, ...]]]:
    """(share, patients, sources) of each muscle the named conditions' studies give a share for.

    Shares are those of ``mode`` (active or latent trigger points), averaged over the studies weighted by their
    number of patients; a muscle a study did not examine, or examined without reporting a share, is left out.
    """
    totals: dict[str, list[float]] = {}
    patients: Counter[str] = Counter()
    sources: dict[str, dict[str, None]] = {}
    for study in catalogue.prevalence.values():
        if study.condition not in conditions:
            continue
        for mid, share in (study.latent if mode == "latent" else study.active).items():
            totals.setdefault(mid, []).append(study.n * share)
            patients[mid] += study.n
            sources.setdefault(mid, {}).update(dict.fromkeys(ref.source for ref in study.sources))
    return {
        mid: (math.fsum(parts) / patients[mid], patients[mid], tuple(sources[mid])) for mid, parts in totals.items()
    }


# ------------------------------------------------------------------------------------------ for the analyses


def rank_of(ranking: Ranking, muscle: str, side: Side | None) -> int | None:
    """The rank of the candidate ``muscle`` (an id) on ``side`` in ``ranking``; None when it is not a candidate.

    Counted from the index, without making the candidates before it.

    >>> import tpmap
    >>> result = tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right")
    >>> rank_of(result, result[3].muscle.id, "right"), rank_of(result, "supinator", "left")
    (4, None)
    """
    order = ranking.__dict__.get("_order")
    if isinstance(order, _Order):
        mi = order.tables.number.get(muscle)
        if mi is None or side not in order.report.sides:
            return None
        return order.position(mi, order.report.sides.index(side)) + 1
    return next((c.rank for c in ranking if c.muscle.id == muscle and c.side == side), None)


def rank_key(ranking: Ranking, muscle: str, side: Side | None) -> tuple[float | str, ...] | None:
    """A key that sorts candidates of ``ranking`` in rank order (None when ``muscle`` on ``side`` is not one),
    found without counting the rank: (minus the score, muscle id, side), or the rank itself.

    >>> import tpmap
    >>> result = tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right")
    >>> rank_key(result, result[0].muscle.id, "right") < rank_key(result, result[1].muscle.id, "right")
    True
    """
    order = ranking.__dict__.get("_order")
    if isinstance(order, _Order):
        mi = order.tables.number.get(muscle)
        if mi is None or side not in order.report.sides:
            return None
        return order.entry(mi, order.report.sides.index(side))[:3]
    rank = rank_of(ranking, muscle, side)
    return None if rank is None else (rank,)


class Explaining(NamedTuple):
    """A candidate whose zones explain a painful place: who it is, how probable, and which places it explains."""

    muscle: str
    """The muscle's id."""
    side: Side | None
    probability: float
    """The candidate's probability (:attr:`Candidate.probability`)."""
    sites: tuple[int, ...]
    """The indices in ``query.sites`` of the places it explains."""
    essential: tuple[int, ...]
    """Those of them it explains through an essential zone."""


def explaining(ranking: Ranking) -> tuple[Explaining, ...]:
    """Every candidate of ``ranking`` whose zones explain a painful place (an exact, inside or contains match),
    in rank order. Read from the index: no candidate or evidence is made.

    >>> import tpmap
    >>> result = tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right")
    >>> first = explaining(result)[0]
    >>> (first.muscle, first.side, first.probability) == (result[0].muscle.id, "right", result[0].probability)
    True
    >>> first.sites, first.essential
    ((0,), (0,))
    """
    order = ranking.__dict__.get("_order")
    if not isinstance(order, _Order):  # a ranking built by hand: read from its candidates' evidence
        found: list[Explaining] = []
        for candidate in ranking:
            sites = [
                e for e in candidate.evidence if e.kind == "site" and e.site is not None and e.relation in EXPLAINING
            ]
            if sites:
                essential = tuple(e.site for e in sites if e.zone == "essential" and e.site is not None)
                places = tuple(e.site for e in sites if e.site is not None)
                found.append(Explaining(candidate.muscle.id, candidate.side, candidate.probability, places, essential))
        return tuple(found)
    count = len(ranking.query.sites)
    exp, top, total, sides = math.exp, order.top, order.total, order.report.sides
    rows = []
    for (mi, si), (mask, strong) in order.report.explained().items():
        entry = order.entry(mi, si)
        places = tuple(i for i in range(count) if mask >> i & 1)
        essential = tuple(i for i in range(count) if strong >> i & 1)
        # The probability as the candidate computes it (``_Order._candidate``), and its place by its sort key.
        rows.append((entry[:3], Explaining(entry[1], sides[si], exp(-entry[0] - top) / total, places, essential)))
    rows.sort(key=_FIRST)
    return tuple(row for _, row in rows)


def trigger_points_in(catalogue: Catalogue, region: str) -> frozenset[str]:
    """The ids of the muscles with a trigger point lying in ``region`` (or in a part of it), from the index.

    >>> import tpmap
    >>> "supinator" in trigger_points_in(tpmap.load_catalogue(), "forearm")
    True
    """
    tables = _tables(catalogue)
    return tables.holder_ids[region]


def within(catalogue: Catalogue, region: str) -> frozenset[str]:
    """``region`` (an id) and every region containing it, from the index.

    >>> import tpmap
    >>> sorted(within(tpmap.load_catalogue(), "lateral_elbow"))
    ['body', 'elbow', 'lateral_elbow', 'upper_limb']
    """
    return _tables(catalogue).within[region]


def associated_with(catalogue: Catalogue, muscle: str) -> tuple[str, ...]:
    """The ids of the muscles linked to ``muscle`` (an id) as satellites or functional partners, in either
    direction, sorted: :meth:`Catalogue.associated` from the index."""
    return _tables(catalogue).associated[muscle]

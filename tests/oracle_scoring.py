"""The straightforward scorer, kept as the oracle the compiled engine is checked against (tests only).

This is the scorer as it was before the compiled index: every muscle tests every zone for every finding, and
every candidate carries its evidence. It reads the catalogue only through its public methods and tables, and
builds the public result records (:class:`tpmap.Evidence`, red flags), so that ``tests/test_engine.py`` can ask
the engine for exactly the same scores, order, probabilities, evidence, red flags and notes. It also keeps the
analyses' original ways of reading a ranking (next questions, satellites, the cover's options).

Do not make it faster: its worth is in being obviously the model of ``docs/reasoning.md``.
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal, TypeVar

from tpmap import Candidate, Catalogue, Evidence, NextQuestion, Query, Ranking, Weights, Zone
from tpmap.catalogue.overlay import overlay_note
from tpmap.catalogue.records import SENSATIONS, URGENCIES, Aggravator, Condition, Movement, Muscle, PainGuide, Side
from tpmap.ranking.questions import QuestionKind
from tpmap.ranking.results import EXPLAINING, RED_FLAG_LIMIT, FindingKind, RedFlag, RedFlagReason, Relation
from tpmap.ranking.satellites import KeyCandidate, Satellite, Satellites

Named = Condition | Movement | Aggravator
Mode = Literal["active", "latent"]
DEFAULT_WEIGHTS = Weights()


def _place_text(name: str, side: Side | None) -> str:
    return f"{name.lower()} ({side})" if side else name.lower()


@dataclass(frozen=True)
class OracleCandidate:
    muscle: str
    side: Side | None
    score: float
    probability: float
    evidence: tuple[Evidence, ...]
    rank: int
    shared_rank: int


@dataclass(frozen=True)
class OracleRanking:
    candidates: tuple[OracleCandidate, ...]
    notes: tuple[str, ...]
    red_flags: tuple[RedFlag, ...]
    red_flags_held_back: int


def oracle_rank(catalogue: Catalogue, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> OracleRanking:
    """Every muscle (and side) of ``catalogue`` scored for ``query`` the straightforward way."""
    tables = _tables(catalogue)
    background = tables.background(weights)
    priors = tables.prior(weights).evidence(query.conditions, query.mode)
    sides: tuple[Side | None, ...] = query.sides() or (None,)
    scored: list[tuple[float, str, str, Side | None, tuple[Evidence, ...]]] = []
    for muscle in catalogue.muscles.values():
        prior = priors.get(muscle.id)
        for side in sides:
            evidence = tuple(_evidence(tables, muscle, side, query, weights, background))
            if prior is not None:
                evidence = (*evidence, prior)
            score = math.fsum(e.contribution for e in evidence)
            scored.append((-score, muscle.id, side or "", side, evidence))
    scored.sort(key=lambda row: row[:3])
    first_with_score: dict[float, int] = {}
    for position, row in enumerate(scored, 1):
        first_with_score.setdefault(row[0], position)
    top = -scored[0][0] if scored else 0.0
    weights_ = [math.exp(-row[0] - top) for row in scored]
    total = math.fsum(weights_)
    candidates = tuple(
        OracleCandidate(mid, side, -neg, w / total, evidence, position, first_with_score[neg])
        for position, ((neg, mid, _, side, evidence), w) in enumerate(zip(scored, weights_, strict=True), 1)
    )
    flags, more = _red_flags(tables, query)
    notes = _notes(query, len(candidates), flags, more)
    if (changed := overlay_note(catalogue.changes)) is not None:  # overlays changed muscles: the ranking says so
        notes.append(changed)
    return OracleRanking(candidates, tuple(notes), flags, more)


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
    """P(pain at ``region`` on ``place_side`` | a trigger point of ``muscle`` on ``muscle_side``)."""
    spillover = _spillover(weights, mode, None)
    tables = _tables(catalogue)
    return _best_match(tables, muscle, muscle_side, region, place_side, weights, spillover, coverage=True).probability


def _notes(query: Query, count: int, flags: tuple[RedFlag, ...], more: int) -> list[str]:
    notes = [
        f"Probabilities are relative to the {count} candidates (muscle and side) in this catalogue; "
        "they are not the chance that a trigger point is the cause. tpmap is an educational aid, not a diagnosis."
    ]
    notes += list(query.readings)
    if not query.sides():
        notes.append("No side was given: sides are not compared.")
    notes += [flag.text() for flag in flags]
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
    conditions = tables.catalogue.conditions

    def flag(cid: str, reason: RedFlagReason, places: tuple[str, ...] = ()) -> RedFlag:
        condition = conditions[cid]
        return RedFlag(cid, condition.name, condition.red_flag or "", reason, places, condition.urgency)

    named = [flag(cid, "named") for cid in query.conditions if conditions[cid].red_flag]
    # Checked and ruled out: the note says so, and what to watch for (no place flag repeats it).
    named += [flag(cid, "ruled_out") for cid in query.ruled_out if conditions[cid].red_flag]
    within = tables.within
    ranked: list[tuple[int, tuple[int, int, int], str, RedFlag]] = []
    for cid, condition in conditions.items():
        if cid in query.conditions or cid in query.ruled_out or not condition.red_flag:
            continue
        if not (condition.red_flag_places or condition.red_flag_sensations):
            continue
        places: dict[str, None] = {}
        best = (-1, 0)
        for site in query.sites:
            if any(sensation in condition.red_flag_sensations for sensation in site.sensations):
                places[site.region] = None  # a warning that goes with a symptom, wherever it is felt
                best = max(best, (1, 0))
            for place in condition.red_flag_places:
                if place in within[site.region]:  # the site is the place or lies inside it: deeper is nearer
                    fit = (1, len(within[place]))
                elif site.region in within[place]:  # a broad site containing the place: shallower is nearer
                    fit = (0, -len(within[place]))
                else:
                    continue
                places[site.region] = None
                best = max(best, fit)
        if places:
            urgency = URGENCIES.index(condition.urgency or "soon")
            fit_key = (-len(places), -best[0], -best[1])
            ranked.append((urgency, fit_key, cid, flag(cid, "place", tuple(places))))
    ranked.sort(key=lambda row: row[:3])
    slots = RED_FLAG_LIMIT - len(named)
    if 0 < slots < len(ranked) and ranked[slots - 1][0] > 0:  # the last place shown holds no emergency
        closest = min(row[1] for row in ranked)
        if all(row[1] != closest for row in ranked[:slots]):
            ranked.insert(slots - 1, ranked.pop(next(i for i, row in enumerate(ranked) if row[1] == closest)))
    flags = (*named, *(row[3] for row in ranked))
    if query.all_flags or len(flags) <= RED_FLAG_LIMIT:
        return flags, 0
    return flags[:RED_FLAG_LIMIT], len(flags) - RED_FLAG_LIMIT


# ------------------------------------------------------------------------------------------ tables


class _PerRegion(dict[str, frozenset[str]]):
    """A table by region id whose entries are worked out on first use."""

    def __init__(self, make: Callable[[str], frozenset[str]]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, region: str) -> frozenset[str]:
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
        self.red_flags = {
            mid: tuple(
                (catalogue.conditions[c].name, catalogue.conditions[c].red_flag or "")
                for c in muscle.conditions
                if catalogue.conditions[c].red_flag
            )
            for mid, muscle in catalogue.muscles.items()
        }
        self._backgrounds: dict[Weights, _Background] = {}
        self._priors: dict[Weights, _Prior] = {}

    def background(self, weights: Weights) -> _Background:
        """P(finding | catalogue) under ``weights``, worked out lazily and kept (see ``_remember``)."""
        cached = self._backgrounds.get(weights)
        if cached is None:
            cached = _remember(self._backgrounds, weights, _Background(self, weights))
        return cached

    def prior(self, weights: Weights) -> _Prior:
        """The frequency prior under ``weights``, fitted on first use and kept (see ``_remember``)."""
        cached = self._priors.get(weights)
        if cached is None:
            cached = _remember(self._priors, weights, _Prior(self, weights))
        return cached


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


_TABLES: weakref.WeakKeyDictionary[Catalogue, _Tables] = weakref.WeakKeyDictionary()


def _tables(catalogue: Catalogue) -> _Tables:
    cached = _TABLES.get(catalogue)
    if cached is None:
        cached = _TABLES[catalogue] = _Tables(catalogue)
    return cached


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


def _evidence(
    tables: _Tables,
    muscle: Muscle,
    side: Side | None,
    query: Query,
    weights: Weights,
    bg: _Background,
) -> Iterator[Evidence]:
    regions = tables.regions
    for index, site in enumerate(query.sites):
        spill = _spillover(weights, query.mode, site.intensity)
        match = _best_match(tables, muscle.id, side, site.region, site.side, weights, spill, coverage=True)
        ratio = math.log(match.probability / bg.site(site.region, spill))
        if match.relation in ("exact", "inside", "contains"):
            ratio = max(ratio, 0.0)  # a zone that covers the place never counts against the muscle
        place = _place_text(regions[site.region].name, site.side)
        yield _zone_evidence("site", f"pain at {place}", site.region, site.side, index, match, ratio)
        if not site.sensations:
            continue
        within = tables.within[site.region]
        reaching = {
            z.trigger_point
            for z in tables.zones[muscle.id]
            if z.region in within or site.region in tables.within[z.region]
        }
        factor = weights.latent_sensation_factor if query.mode == "latent" else 1.0
        for sensation in site.sensations:
            listed = any(sensation in tp.sensations for tp in muscle.trigger_points if tp.id in reaching)
            p = weights.listed if listed else weights.not_listed
            yield Evidence(
                "sensation",
                f"{sensation.replace('_', ' ')} at {place}",
                sensation,
                "listed" if listed else "not_listed",
                factor * math.log(p / bg.listed("sensation", sensation)),
                side=site.side,
                site=index,
            )
    for index, absent in enumerate(query.absent):
        spill = _spillover(weights, query.mode, None)
        match = _best_match(tables, muscle.id, side, absent.region, absent.side, weights, spill)
        present = match.probability if match.relation != "none" else 0.0
        ratio = math.log((1.0 - present) / (1.0 - bg.absent(absent.region, spill)))
        finding = f"no pain at {_place_text(regions[absent.region].name, absent.side)}"
        yield _zone_evidence("absent", finding, absent.region, absent.side, index, match, ratio)
    catalogue = tables.catalogue
    listed_kinds: tuple[tuple[FindingKind, str, tuple[str, ...], tuple[str, ...], Mapping[str, Named], float], ...] = (
        (
            "condition",
            "condition",
            query.conditions,
            muscle.conditions,
            catalogue.conditions,
            weights.condition_not_listed,
        ),
        ("movement", "restricted", query.movements, muscle.movements, catalogue.movements, weights.not_listed),
        ("aggravator", "worse with", query.aggravators, muscle.aggravators, catalogue.aggravators, weights.not_listed),
    )
    for kind, label, ids, own, names, not_listed in listed_kinds:
        for ident in ids:
            listed = ident in own
            p = weights.listed if listed else not_listed
            yield Evidence(
                kind,
                f"{label}: {names[ident].name.lower()}",
                ident,
                "listed" if listed else "not_listed",
                math.log(p / bg.listed(kind, ident)),
            )
    yield from _examination(tables, muscle, side, query, weights, bg)


def _examination(
    tables: _Tables, muscle: Muscle, side: Side | None, query: Query, weights: Weights, bg: _Background
) -> Iterator[Evidence]:
    """Answers to the examination: spots tender (or not) when pressed, and conditions ruled out.

    A spot is tender with ``Weights.tender_here`` when a trigger point of the muscle (on the same side) lies in
    it and ``Weights.tender_elsewhere`` otherwise; a ruled-out condition has ``Weights.ruled_out_listed`` for the
    muscles that mimic it and ``Weights.condition_not_listed`` for the others. Each is a log ratio against the
    mean over the catalogue's muscles (:class:`_Background`), like every other finding.
    """
    catalogue = tables.catalogue
    spots = [(True, spot) for spot in query.tender] + [(False, spot) for spot in query.not_tender]
    for index, (tender, spot) in enumerate(spots):
        here = (spot.side is None or side is None or spot.side == side) and _holds_trigger_point(
            catalogue, muscle, spot.region
        )
        p = weights.tender_here if here else weights.tender_elsewhere
        mean = bg.tender(spot.region)
        place = _place_text(catalogue.regions[spot.region].name, spot.side)
        yield Evidence(
            "tender" if tender else "not_tender",
            f"{'tender' if tender else 'not tender'} when pressed at {place}",
            spot.region,
            "listed" if here else "not_listed",
            math.log(p / mean) if tender else math.log((1.0 - p) / (1.0 - mean)),
            side=spot.side,
            site=index if tender else index - len(query.tender),
        )
    for ident in query.ruled_out:
        listed = ident in muscle.conditions
        p = weights.ruled_out_listed if listed else weights.condition_not_listed
        yield Evidence(
            "ruled_out",
            f"ruled out: {catalogue.conditions[ident].name.lower()}",
            ident,
            "listed" if listed else "not_listed",
            math.log(p / bg.ruled_out(ident)),
        )


def _holds_trigger_point(catalogue: Catalogue, muscle: Muscle, region: str) -> bool:
    """Whether a trigger point of ``muscle`` lies in ``region`` (or in a part of it)."""
    return any(catalogue.is_within(tp.location.region, region) for tp in muscle.trigger_points)


def _zone_evidence(
    kind: FindingKind, finding: str, region: str, side: Side | None, index: int, match: _Match, ratio: float
) -> Evidence:
    """Evidence about a place, naming the zone that matched it (if any)."""
    zone = match.zone
    return Evidence(
        kind,
        finding,
        region,
        match.relation,
        ratio,
        zone.kind if zone else None,
        zone.region if zone else None,
        zone.trigger_point if zone else None,
        side=side,
        site=index,
        coverage=match.coverage,
    )


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

    def _place(self, region: str, spillover: float) -> tuple[float, float]:
        key = (region, spillover)
        cached = self._places.get(key)
        if cached is None:
            tables, weights = self.tables, self.weights
            sites = [
                _best_match(tables, m.id, None, region, None, weights, spillover, coverage=True) for m in self.muscles
            ]
            matches = [_best_match(tables, m.id, None, region, None, weights, spillover) for m in self.muscles]
            present = math.fsum(m.probability for m in sites) / self.count if sites else weights.none
            covered = math.fsum(m.probability for m in matches if m.relation != "none") / self.count
            cached = self._places[key] = (present, covered)
        return cached

    def site(self, region: str, spillover: float) -> float:
        """Mean P(pain at region | muscle), unmatched muscles counting ``Weights.none``."""
        return self._place(region, spillover)[0]

    def absent(self, region: str, spillover: float) -> float:
        """Mean P(pain at region | muscle) from zones alone: one minus it is the chance of no pain there."""
        return self._place(region, spillover)[1]

    def listed(self, kind: str, ident: str) -> float:
        """Mean P(finding | muscle) for a sensation, condition, movement or aggravator."""
        not_listed = self.weights.condition_not_listed if kind == "condition" else self.weights.not_listed
        return self._mean((kind, ident), lambda m: _lists(m, kind, ident), self.weights.listed, not_listed)

    def tender(self, region: str) -> float:
        """Mean P(a spot in ``region`` is tender and reproduces the pain | muscle)."""
        catalogue, weights = self.tables.catalogue, self.weights
        return self._mean(
            ("tender", region),
            lambda m: _holds_trigger_point(catalogue, m, region),
            weights.tender_here,
            weights.tender_elsewhere,
        )

    def ruled_out(self, ident: str) -> float:
        """Mean P(the condition ``ident`` was suspected, then ruled out | muscle)."""
        weights = self.weights
        return self._mean(
            ("ruled_out", ident),
            lambda m: ident in m.conditions,
            weights.ruled_out_listed,
            weights.condition_not_listed,
        )

    def _mean(self, key: tuple[str, str], holds: Callable[[Muscle], bool], p_yes: float, p_no: float) -> float:
        """P(finding | muscle) averaged over the catalogue's muscles, ``p_yes`` where ``holds``; kept by ``key``."""
        cached = self._listed.get(key)
        if cached is None:
            hits = sum(1 for m in self.muscles if holds(m))
            misses = len(self.muscles) - hits
            cached = (hits * p_yes + misses * p_no) / self.count if self.muscles else p_no
            self._listed[key] = cached
        return cached


def _lists(muscle: Muscle, kind: str, ident: str) -> bool:
    if kind == "sensation":
        return any(ident in tp.sensations for tp in muscle.trigger_points)
    return (
        ident in {"condition": muscle.conditions, "movement": muscle.movements, "aggravator": muscle.aggravators}[kind]
    )


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
        catalogue = tables.catalogue
        self.guides = _guide_lists(tables, weights, list(catalogue.pain_guides.values()))
        self.worth = _fit_guides(self.guides, catalogue.muscles, weights.prior_pseudo_count)
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

    def evidence(self, conditions: tuple[str, ...], mode: Mode) -> Mapping[str, Evidence]:
        """The prior's evidence item for each muscle (none when no guide or study informs it)."""
        key = (conditions, mode)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._evidence(conditions, mode)
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
        offsets = {}
        for mid in tables.catalogue.muscles:
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


# ------------------------------------------------------------------------------------------ the analyses as they were

_KIND_ORDER: dict[str, int] = {"region": 0, "sensation": 1, "movement": 2, "press": 3}
PER_KIND = 2
_PREPOSITIONS = frozenset(("above", "around", "behind", "below", "beneath", "beside", "between", "over", "under"))
MAX_PER_CANDIDATE = 6


def oracle_next_questions(ranking: Ranking, *, top: int = 8, limit: int = 5) -> tuple[NextQuestion, ...]:
    """The ``limit`` questions that would best separate the first ``top`` candidates of ``ranking``."""
    leading = _leading(ranking, top)
    if len(leading) < 2 or limit < 1:
        return ()
    total = math.fsum(c.probability for c in leading)
    prior = [c.probability / total for c in leading]
    scored = []
    for kind, subject, side, ask, likelihood in _questions(ranking, leading):
        p_yes = [likelihood(c) for c in leading]
        question = _score(kind, subject, side, ask, leading, prior, p_yes)
        if question is not None:
            scored.append(question)
    scored.sort(key=lambda q: (-round(q.gain, 12), _KIND_ORDER[q.kind], q.subject))
    chosen: list[NextQuestion] = []
    per_kind: dict[str, int] = {}
    for question in scored:
        if per_kind.get(question.kind, 0) < PER_KIND:
            chosen.append(question)
            per_kind[question.kind] = per_kind.get(question.kind, 0) + 1
        if len(chosen) == limit:
            break
    return tuple(chosen)


Likelihood = Callable[[Candidate], float]


def _questions(
    ranking: Ranking, leading: Sequence[Candidate]
) -> Iterator[tuple[QuestionKind, str, Side | None, str, Likelihood]]:
    catalogue, query, weights = ranking.catalogue, ranking.query, ranking.weights
    sides = query.sides()
    side: Side | None = sides[0] if len(sides) == 1 else None
    asked = [s.region for s in query.sites] + [a.region for a in query.absent]

    def settled(region: str) -> bool:
        return any(catalogue.is_within(region, r) or catalogue.is_within(r, region) for r in asked)

    regions = sorted({z.region for c in leading for z in catalogue.zones(c.muscle.id) if not settled(z.region)})
    for region in regions:
        place_side = side if catalogue.regions[region].laterality == "paired" else None
        where = catalogue.regions[region].name.lower() + (f" ({place_side})" if place_side else "")

        def hurts(c: Candidate, region: str = region, place_side: Side | None = place_side) -> float:
            return place_probability(
                catalogue, c.muscle.id, c.side, region, place_side, weights=weights, mode=query.mode
            )

        yield "region", region, place_side, f"Does it also hurt here: {where}?", hurts

    reported = {s for site in query.sites for s in site.sensations}
    for sensation in SENSATIONS:
        if sensation in reported or not any(
            sensation in tp.sensations for c in leading for tp in c.muscle.trigger_points
        ):
            continue

        def feels(c: Candidate, sensation: str = sensation) -> float:
            listed = any(sensation in tp.sensations for tp in c.muscle.trigger_points)
            return weights.listed if listed else weights.not_listed

        yield "sensation", sensation, None, f"Is there any {sensation.replace('_', ' ')}?", feels

    for movement in sorted({m for c in leading for m in c.muscle.movements} - set(query.movements)):

        def restricted(c: Candidate, movement: str = movement) -> float:
            return weights.listed if movement in c.muscle.movements else weights.not_listed

        name = catalogue.movements[movement].name.lower()
        yield "movement", movement, None, f"Is {name} restricted or painful?", restricted

    spots = sorted({(tp.location.region, c.muscle.id, tp.id) for c in leading for tp in c.muscle.trigger_points})
    seen: set[str] = set()
    for region, muscle_id, tp_id in spots:
        if region in seen:
            continue  # one question per spot: every trigger point located there answers it
        seen.add(region)
        place_side = side if catalogue.regions[region].laterality == "paired" else None
        description = catalogue.trigger_point(muscle_id, tp_id).location.description.rstrip(".")
        where = catalogue.regions[region].name.lower() + (f", {place_side} side" if place_side else "")

        def tender(c: Candidate, region: str = region) -> float:
            here = any(
                tp.location.region == region or catalogue.is_within(tp.location.region, region)
                for tp in c.muscle.trigger_points
            )
            return weights.tender_here if here else weights.tender_elsewhere

        # "the" only before a noun ("the shoulder top", not "the between the shoulder blades"); the description keeps
        # its abbreviations ("C2", "SCM"), only its first letter lowered.
        article = "" if where.split(" ", 1)[0] in _PREPOSITIONS else "the "
        spot = description[:1].lower() + description[1:]
        ask = f"Pressing {article}{where} ({spot}): is it tender, and does it reproduce the pain?"
        yield "press", f"{muscle_id}.{tp_id}", place_side, ask, tender


def _entropy(distribution: Sequence[float]) -> float:
    return -math.fsum(p * math.log2(p) for p in distribution if p > 0)


def _score(
    kind: QuestionKind,
    subject: str,
    side: Side | None,
    ask: str,
    leading: Sequence[Candidate],
    prior: Sequence[float],
    p_yes: Sequence[float],
) -> NextQuestion | None:
    yes = math.fsum(p * q for p, q in zip(prior, p_yes, strict=True))
    no = 1.0 - yes
    if yes <= 0 or no <= 0:
        return None
    after_yes = [p * q / yes for p, q in zip(prior, p_yes, strict=True)]
    after_no = [p * (1 - q) / no for p, q in zip(prior, p_yes, strict=True)]
    gain = _entropy(prior) - (yes * _entropy(after_yes) + no * _entropy(after_no))
    if gain <= 1e-9:
        return None
    return NextQuestion(
        kind, subject, side, ask, gain, _favoured(leading, prior, after_yes), _favoured(leading, prior, after_no)
    )


def _leading(ranking: Ranking, top: int) -> list[Candidate]:
    """The first ``top`` candidates, less a tie that runs past the cut.

    Equal scores are ordered alphabetically, so the members of a tie that the cut splits would be an arbitrary
    pick (often muscles that explain nothing). They are left out unless fewer than two candidates would remain.
    """
    leading = list(ranking[:top])
    if len(ranking) > top and leading and ranking[top].score == leading[-1].score:
        untied = [c for c in leading if c.score != leading[-1].score]
        if len(untied) >= 2:
            return untied
    return leading


def _favoured(leading: Sequence[Candidate], prior: Sequence[float], after: Sequence[float]) -> tuple[str, ...]:
    raised = [(-a, c.rank, c.muscle.id) for c, p, a in zip(leading, prior, after, strict=True) if a > p * (1 + 1e-9)]
    return tuple(dict.fromkeys(muscle for _, _, muscle in sorted(raised)))[:3]


def oracle_satellites(ranking: Ranking, *, top: int = 5) -> Satellites:
    """Likely satellites of the first ``top`` candidates of ``ranking`` (see the module notes)."""
    catalogue = ranking.catalogue
    leading = list(ranking[:top])
    ranks = {(c.muscle.id, c.side): c.rank for c in ranking}
    keys: list[KeyCandidate] = []
    for c in leading:
        found = _satellites_of(catalogue, c, ranks)
        induced_by = tuple(
            other.muscle.id
            for other in leading
            if other.muscle.id != c.muscle.id
            and other.zone in ("essential", "spillover")
            and _overlies(catalogue, other.muscle.id, c.muscle.id)
        )
        keys.append(KeyCandidate(c.muscle.id, c.side, found, induced_by))
    return Satellites(tuple(keys), _examine_order(keys))


def _overlies(catalogue: Catalogue, key: str, other: str) -> bool:
    """Whether a zone of ``key`` covers the location of a trigger point of ``other``."""
    zones = {z.region for z in catalogue.zones(key)}
    return any(
        catalogue.is_within(tp.location.region, zone)
        for tp in catalogue.muscles[other].trigger_points
        for zone in zones
    )


def _satellites_of(
    catalogue: Catalogue, key: Candidate, ranks: dict[tuple[str, Side | None], int]
) -> tuple[Satellite, ...]:
    zone_weight: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    # Essential zones first, so a region that is both essential and spillover is named once, as essential.
    for zone in sorted(catalogue.zones(key.muscle.id), key=lambda z: z.kind != "essential"):
        zone_name = catalogue.regions[zone.region].name.lower()
        for other in catalogue.muscles.values():
            if other.id == key.muscle.id or not any(
                catalogue.is_within(tp.location.region, zone.region) for tp in other.trigger_points
            ):
                continue
            if (other.id, zone.region) not in seen:
                seen.add((other.id, zone.region))
                reasons.setdefault(other.id, []).append(f"a trigger point lies in its {zone.kind} zone ({zone_name})")
            # The strongest zone overlying a muscle counts, once.
            zone_weight[other.id] = max(zone_weight.get(other.id, 0), 2 if zone.kind == "essential" else 1)
    weights = dict(zone_weight)
    for partner in catalogue.associated(key.muscle.id):
        weights[partner.id] = weights.get(partner.id, 0) + 1
        reasons.setdefault(partner.id, []).append("associated with it in the references")
    rows = sorted(weights, key=lambda m: (-weights[m], ranks.get((m, key.side), 10**9), m))[:MAX_PER_CANDIDATE]
    return tuple(Satellite(m, tuple(reasons[m]), weights[m], ranks.get((m, key.side))) for m in rows)


def _examine_order(keys: list[KeyCandidate]) -> tuple[str, ...]:
    """Ranking order, except that the leading candidates that may have induced one come just before it."""
    induced_by = {k.muscle: k.may_be_satellite_of for k in keys}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(muscle: str) -> None:
        if muscle in order or muscle in visiting:
            return  # already placed, or a mutual overlap: keep ranking order
        visiting.add(muscle)
        for inducer in induced_by.get(muscle, ()):
            visit(inducer)
        order.append(muscle)

    for key in keys:
        visit(key.muscle)
    return tuple(order)


def oracle_cover_option(candidate: Candidate, site_bits: Sequence[int]) -> tuple[int, int] | None:
    """The places (as bits) a candidate explains, and those it explains through an essential zone."""
    mask = essential = 0
    for evidence in candidate.evidence:
        if evidence.kind == "site" and evidence.site is not None and evidence.relation in EXPLAINING:
            bit = site_bits[evidence.site]
            mask |= bit
            if evidence.zone == "essential":
                essential |= bit
    return (mask, essential) if mask else None

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
- The score is the sum of the contributions (exactly rounded, so the order of findings never matters);
  probabilities are a softmax of the scores over every candidate in the catalogue: they say how the
  candidates compare with each other, not how likely any trigger point is to be the cause.

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

import math
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Unpack

from ..catalogue.catalogue import Catalogue, Zone
from ..catalogue.records import Aggravator, Condition, Movement, Muscle, Side
from ..errors import wrong_type
from .query import Mode, Query, ReportFields, Site, build_query
from .results import Candidate, Evidence, FindingKind, Ranking, Relation, place_text, rule_out
from .weights import DEFAULT_WEIGHTS, Weights

__all__ = ["place_probability", "rank", "score_query"]

Named = Condition | Movement | Aggravator


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
    """Rank every muscle (and side) of ``catalogue`` for an already-built :class:`~tpmap.Query`."""
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    if not isinstance(query, Query):
        raise wrong_type("query", "a Query (see tpmap.build_query)", query)
    if not isinstance(weights, Weights):
        raise wrong_type("weights", "a Weights record", weights)
    tables = _tables(catalogue)
    background = tables.background(weights)
    sides: tuple[Side | None, ...] = query.sides() or (None,)
    scored: list[tuple[float, str, str, Muscle, Side | None, tuple[Evidence, ...]]] = []
    for muscle in catalogue.muscles.values():
        for side in sides:
            evidence = tuple(_evidence(tables, muscle, side, query, weights, background))
            score = math.fsum(e.contribution for e in evidence)
            scored.append((-score, muscle.id, side or "", muscle, side, evidence))
    scored.sort(key=lambda row: row[:3])
    first_with_score: dict[float, int] = {}
    for position, row in enumerate(scored, 1):
        first_with_score.setdefault(row[0], position)
    top = -scored[0][0] if scored else 0.0
    weights_ = [math.exp(-row[0] - top) for row in scored]
    total = math.fsum(weights_)
    candidates = tuple(
        Candidate(
            muscle=muscle,
            side=side,
            score=-neg_score,
            probability=w / total,
            evidence=evidence,
            rank=position,
            red_flags=tables.red_flags[muscle.id],
            catalogue=catalogue,
            shared_rank=first_with_score[neg_score],
        )
        for position, ((neg_score, _, _, muscle, side, evidence), w) in enumerate(zip(scored, weights_, strict=True), 1)
    )
    return Ranking(query, candidates, tuple(_notes(catalogue, query, len(candidates))), catalogue, weights)


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
    return _best_match(_tables(catalogue), muscle, muscle_side, region, place_side, weights, spillover).probability


def _notes(catalogue: Catalogue, query: Query, count: int) -> list[str]:
    notes = [
        f"Probabilities are relative to the {count} candidates (muscle and side) in this catalogue; "
        "they are not the chance that a trigger point is the cause. tpmap is an educational aid, not a diagnosis."
    ]
    notes += list(query.readings)
    if not query.sides():
        notes.append("No side was given: sides are not compared.")
    for cid in query.conditions:
        condition = catalogue.conditions[cid]
        if condition.red_flag:
            notes.append(rule_out(condition.name, condition.red_flag))
    return notes


# ------------------------------------------------------------------------------------------ tables


class _Tables:
    """What the scorer needs from a catalogue, by id, built once per catalogue: nothing is looked up by name
    while scoring."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.regions = catalogue.regions
        self.paired = {rid: region.laterality == "paired" for rid, region in catalogue.regions.items()}
        self.within = {rid: frozenset((rid, *catalogue.ancestors(rid))) for rid in catalogue.regions}
        """Each region and every region containing it: ``a`` lies within ``b`` when ``b in within[a]``."""
        self.adjacent = {rid: catalogue.adjacent(rid) for rid in catalogue.regions}
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

    def background(self, weights: Weights) -> _Background:
        cached = self._backgrounds.get(weights)
        if cached is None:
            cached = self._backgrounds[weights] = _Background(self, weights)
        return cached


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


def _best_match(
    tables: _Tables,
    muscle_id: str,
    side: Side | None,
    region: str,
    place_side: Side | None,
    weights: Weights,
    spillover: float,
) -> _Match:
    """How well any zone of the muscle (on ``side``) explains pain at ``region`` on ``place_side``."""
    best = _Match(weights.none, "none", None)
    best_key: tuple[float, int, int] = (weights.none, 9, 9)
    paired = tables.paired
    check_side = place_side is not None and paired[region]
    region_within = tables.within[region]
    near = tables.adjacent[region]
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
            relation, probability = "contains", base
        elif zone.region in near:
            relation = "adjacent"
            probability = weights.adjacent_essential if zone.kind == "essential" else weights.adjacent_spillover
        else:
            continue
        key = (probability, -_RELATION_ORDER[relation], -index)
        if key > best_key:
            best, best_key = _Match(probability, relation, zone), key
    return best


def _spillover(weights: Weights, mode: Mode, intensity: int | None) -> float:
    """Spillover probability, lower for latent TPs and higher for more intense pain (0–10, 5 neutral)."""
    base = weights.latent_spillover if mode == "latent" else weights.spillover
    return base if intensity is None else base * (0.75 + 0.05 * intensity)


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
        match = _best_match(tables, muscle.id, side, site.region, site.side, weights, spill)
        ratio = math.log(match.probability / bg.site(site.region, spill))
        if match.relation in ("exact", "inside", "contains"):
            ratio = max(ratio, 0.0)  # a zone that covers the place never counts against the muscle
        place = place_text(regions[site.region].name, site.side)
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
        finding = f"no pain at {place_text(regions[absent.region].name, absent.side)}"
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
            matches = [
                _best_match(self.tables, m.id, None, region, None, self.weights, spillover) for m in self.muscles
            ]
            present = math.fsum(m.probability for m in matches) / self.count if matches else self.weights.none
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
        key = (kind, ident)
        cached = self._listed.get(key)
        if cached is None:
            not_listed = self.weights.condition_not_listed if kind == "condition" else self.weights.not_listed
            hits = sum(1 for m in self.muscles if _lists(m, kind, ident))
            misses = len(self.muscles) - hits
            cached = (hits * self.weights.listed + misses * not_listed) / self.count if self.muscles else not_listed
            self._listed[key] = cached
        return cached


def _lists(muscle: Muscle, kind: str, ident: str) -> bool:
    if kind == "sensation":
        return any(ident in tp.sensations for tp in muscle.trigger_points)
    return (
        ident in {"condition": muscle.conditions, "movement": muscle.movements, "aggravator": muscle.aggravators}[kind]
    )

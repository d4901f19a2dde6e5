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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from .catalogue import Catalogue, Zone
from .chart import Chart, muscle_chart, ranking_chart
from .cover import Cover, smallest_cover
from .model import Aggravator, Condition, Movement, Muscle, ZoneKind
from .query import Absent, Mode, Query, Side, Site, build_query
from .questions import NextQuestion, next_questions
from .satellites import Satellites, satellites

__all__ = ["Candidate", "Evidence", "Ranking", "Weights", "rank", "score_query"]

Relation = Literal["exact", "inside", "contains", "adjacent", "none", "listed", "not_listed"]
FindingKind = Literal["site", "absent", "sensation", "condition", "movement", "aggravator"]
ZoneMatch = Literal["essential", "spillover", "adjacent", "none"]
Named = Condition | Movement | Aggravator


@dataclass(frozen=True)
class Weights:
    """The model's probabilities. Each is P(finding | muscle) for one kind of match.

    The defaults are round numbers chosen to keep essential ≫ spillover ≫ adjacent ≫ none; see
    ``docs/reasoning.md`` for why each is what it is.
    """

    essential: float = 0.9
    """A place in an essential zone hurts: nearly every patient with the active TP feels it."""
    spillover: float = 0.35
    """A place in a spillover zone hurts: some patients feel it, more when the TP is irritable."""
    latent_spillover: float = 0.15
    """Spillover when the pain appears only on pressure (latent TPs refer mostly their essential zone)."""
    inside: float = 0.6
    """Factor when the place lies inside a coarser zone: the pattern covers it but does not single it out."""
    adjacent_essential: float = 0.12
    adjacent_spillover: float = 0.06
    """A place next to a zone: drawings and reports are imprecise at the edges."""
    none: float = 0.02
    """A place no zone reaches: the pain has another source, or the pattern is atypical."""
    listed: float = 0.6
    """A sensation, condition, movement or aggravator that the muscle's entry lists."""
    not_listed: float = 0.1
    """One that it does not list (entries are incomplete, so this is not near zero)."""
    condition_not_listed: float = 0.05
    latent_sensation_factor: float = 0.5
    """Sensations weigh half as much for latent TPs, which rarely refer more than pain."""
    tender_here: float = 0.8
    """A spot is tender and reproduces the pain when the muscle has a trigger point there (next questions)."""
    tender_elsewhere: float = 0.1
    """It is tender anyway: tender spots are common, and examination is imprecise."""


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Evidence:
    """One finding's contribution to one candidate's score."""

    kind: FindingKind
    finding: str
    """The finding in plain words, e.g. ``"pain at the outside of the elbow (right)"``."""
    subject: str
    """The id it is about: a region, sensation, condition, movement or aggravator."""
    relation: Relation
    contribution: float
    """Natural-log likelihood ratio added to the score (positive: for the muscle; negative: against)."""
    zone: ZoneKind | None = None
    zone_region: str | None = None
    trigger_point: str | None = None

    def describe(self, catalogue: Catalogue) -> str:
        """This evidence in plain words."""
        sign = "+" if self.contribution >= 0 else "-"
        head = f"{sign}{abs(self.contribution):5.2f}  {self.finding}"
        return f"{head}: {self._reason(catalogue)}"

    def _reason(self, catalogue: Catalogue) -> str:
        zone_name = catalogue.regions[self.zone_region].name.lower() if self.zone_region else ""
        tp = f" of trigger point '{self.trigger_point}'" if self.trigger_point else ""
        if self.kind == "site":
            return {
                "exact": f"exactly in the {self.zone} zone{tp}",
                "inside": f"inside the {self.zone} zone{tp} ({zone_name})",
                "contains": f"the {self.zone} zone{tp} ({zone_name}) lies in this area",
                "adjacent": f"next to the {self.zone} zone{tp} ({zone_name})",
            }.get(self.relation, "no zone of this muscle reaches here")
        if self.kind == "absent":
            if self.relation == "none":
                return "fits: no zone of this muscle reaches here"
            return f"against: the {self.zone} zone{tp} ({zone_name}) would hurt here"
        listed = self.relation == "listed"
        return {
            "sensation": "the matching trigger point refers this sensation"
            if listed
            else "not recorded for the trigger points that reach this place",
            "condition": "this muscle's pattern is known to mimic it" if listed else "not known to mimic it",
            "movement": "this muscle is known to restrict it" if listed else "not known to restrict it",
            "aggravator": "known to aggravate this muscle" if listed else "not listed for this muscle",
        }[self.kind]


@dataclass(frozen=True)
class Candidate:
    """One muscle on one side, with its score, probability and the evidence behind them."""

    muscle: Muscle
    side: Side | None
    """``"left"``/``"right"``; None when the report names no side."""
    score: float
    probability: float
    evidence: tuple[Evidence, ...]
    rank: int
    catalogue: Catalogue = field(repr=False, compare=False)
    """The catalogue the candidate was ranked in (for region names in explanations)."""
    red_flags: tuple[tuple[str, str], ...] = ()
    """(condition name, what to rule out first) for each serious condition this muscle's pattern mimics."""
    shared_rank: int = 0
    """1 + the number of candidates scored strictly higher: candidates with equal scores share it, since the
    order among them (by muscle id) says nothing."""

    @property
    def zone(self) -> ZoneMatch:
        """The strongest kind of zone match among the painful places."""
        order: tuple[ZoneMatch, ...] = ("essential", "spillover", "adjacent")
        matched = {
            ("adjacent" if e.relation == "adjacent" else e.zone)
            for e in self.evidence
            if e.kind == "site" and e.relation != "none"
        }
        return next((kind for kind in order if kind in matched), "none")

    def summary(self) -> str:
        """One line in plain words: which places its zones explain."""
        parts: list[str] = []
        for kind, label in (("essential", "essential zone covers"), ("spillover", "spillover reaches")):
            places = [
                e.finding.removeprefix("pain at ")
                for e in self.evidence
                if e.kind == "site" and e.zone == kind and e.relation in ("exact", "inside", "contains")
            ]
            if places:
                parts.append(f"{label} {', '.join(places)}")
        near = [e.finding.removeprefix("pain at ") for e in self.evidence if e.relation == "adjacent"]
        if near:
            parts.append(f"zone next to {', '.join(near)}")
        missed = [
            e.finding.removeprefix("pain at ") for e in self.evidence if e.kind == "site" and e.relation == "none"
        ]
        if missed:
            parts.append(f"does not explain {', '.join(missed)}")
        against = [e.finding for e in self.evidence if e.kind == "absent" and e.relation != "none"]
        if against:
            parts.append(f"against: {', '.join(against)}")
        others = [
            e.subject.replace("_", " ")
            for e in self.evidence
            if e.kind not in ("site", "absent") and e.relation == "listed"
        ]
        if others:
            parts.append(f"fits {', '.join(others)}")
        return "; ".join(parts) if parts else "no finding points to this muscle"

    def explain(self) -> str:
        """Every evidence item in plain words, with the score and probability it adds up to."""
        side = f" ({self.side})" if self.side else ""
        lines = [
            f"#{self.rank} {self.muscle.name}{side}: score {self.score:.2f}, "
            f"probability {self.probability:.1%} (relative to the other muscles in the catalogue)"
        ]
        lines += [f"  {e.describe(self.catalogue)}" for e in self.evidence]
        lines += [f"  Rule out first ({name}): {note}" for name, note in self.red_flags]
        return "\n".join(lines)

    def chart(self) -> Chart:
        """This muscle's referral pattern drawn on the body chart, on the candidate's side (right if none)."""
        return muscle_chart(self.catalogue, self.muscle.id, self.side or "right")

    def _repr_svg_(self) -> str:
        """Jupyter shows a candidate as its body chart."""
        return self.chart().svg

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of this candidate."""
        return {
            "rank": self.rank,
            "shared_rank": self.shared_rank,
            "muscle": self.muscle.id,
            "name": self.muscle.name,
            "side": self.side,
            "score": round(self.score, 4),
            "probability": round(self.probability, 6),
            "zone": self.zone,
            "summary": self.summary(),
            "evidence": [
                {
                    "kind": e.kind,
                    "finding": e.finding,
                    "subject": e.subject,
                    "relation": e.relation,
                    "zone": e.zone,
                    "zone_region": e.zone_region,
                    "trigger_point": e.trigger_point,
                    "contribution": round(e.contribution, 4),
                }
                for e in self.evidence
            ],
            "red_flags": [{"condition": name, "note": note} for name, note in self.red_flags],
            "notes": [f"Rule out first ({name}): {note}" for name, note in self.red_flags],
        }


class Ranking(Sequence[Candidate]):
    """The candidates for one query, best first; indexable like a list.

    Beyond the list: :meth:`cover` (the smallest set of muscles explaining every place), :meth:`next_questions`
    (what to ask or examine next) and :meth:`satellites` (which other muscles to examine).
    """

    def __init__(
        self,
        query: Query,
        candidates: Sequence[Candidate],
        notes: Sequence[str],
        catalogue: Catalogue,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> None:
        self.query = query
        self.candidates: tuple[Candidate, ...] = tuple(candidates)
        self.notes: tuple[str, ...] = tuple(notes)
        self.catalogue = catalogue
        self.weights = weights

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Candidate]: ...
    def __getitem__(self, index: int | slice) -> Candidate | Sequence[Candidate]:
        return self.candidates[index]

    def __len__(self) -> int:
        return len(self.candidates)

    def __repr__(self) -> str:
        top = ", ".join(f"{c.muscle.id}" + (f"/{c.side}" if c.side else "") for c in self.candidates[:3])
        return f"<Ranking of {len(self)} candidates: {top}{', ...' if len(self) > 3 else ''}>"

    def cover(self) -> Cover:
        """The smallest set of candidates that together explain every painful place (see :mod:`tpmap.cover`)."""
        return smallest_cover(self)

    def next_questions(self, *, top: int = 8, limit: int = 5) -> tuple[NextQuestion, ...]:
        """The findings that would best separate the first ``top`` candidates (see :mod:`tpmap.questions`)."""
        return next_questions(self, top=top, limit=limit)

    def satellites(self, *, top: int = 5) -> Satellites:
        """Muscles likely to carry satellite trigger points of the leading candidates (:mod:`tpmap.satellites`)."""
        return satellites(self, top=top)

    def chart(self, top: int = 5) -> Chart:
        """The reported places outlined and the first ``top`` candidates' zones as a heat map."""
        return ranking_chart(self, top=top)

    def _repr_svg_(self) -> str:
        """Jupyter shows a ranking as its body chart."""
        return self.chart().svg

    def pain_probability(self, candidate: Candidate, region: str, side: Side | None) -> float:
        """P(pain at ``region`` on ``side`` | the candidate), as this ranking's model weighs it."""
        spillover = _spillover(self.weights, self.query.mode, None)
        match = _best_match(self.catalogue, candidate.muscle.id, candidate.side, region, side, self.weights, spillover)
        return match.probability

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """A JSON-ready view: the query, the first ``limit`` candidates, the notes, the smallest explaining
        set (``cover``), the next questions and the satellites of the leading candidates."""
        return {
            "query": self.query.model_dump(mode="json"),
            "candidates": [c.to_dict() for c in self.candidates[:limit]],
            "notes": list(self.notes),
            "cover": self.cover().to_dict(),
            "next_questions": [q.to_dict() for q in self.next_questions()],
            "satellites": self.satellites().to_dict(),
        }


def rank(
    catalogue: Catalogue,
    *sites: str | Site,
    side: Side | None = None,
    sensations: Sequence[str] = (),
    intensity: int | None = None,
    absent: Sequence[str | Absent] = (),
    conditions: Sequence[str] = (),
    movements: Sequence[str] = (),
    aggravators: Sequence[str] = (),
    mode: Mode = "active",
    weights: Weights = DEFAULT_WEIGHTS,
) -> Ranking:
    """Rank every muscle (and side) of ``catalogue`` for a pain report given in plain words.

    The arguments are those of :func:`tpmap.query.build_query`; ``weights`` replaces the model's
    probabilities. Returns a :class:`Ranking`, best candidate first.
    """
    query = build_query(
        catalogue,
        *sites,
        side=side,
        sensations=sensations,
        intensity=intensity,
        absent=absent,
        conditions=conditions,
        movements=movements,
        aggravators=aggravators,
        mode=mode,
    )
    return score_query(catalogue, query, weights)


def score_query(catalogue: Catalogue, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Ranking:
    """Rank every muscle (and side) of ``catalogue`` for an already-built :class:`Query`."""
    background = _background(catalogue, weights)
    sides: tuple[Side | None, ...] = query.sides() or (None,)
    scored: list[tuple[float, str, str, Muscle, Side | None, tuple[Evidence, ...]]] = []
    for muscle in catalogue.muscles.values():
        for side in sides:
            evidence = tuple(_evidence(catalogue, muscle, side, query, weights, background))
            score = math.fsum(e.contribution for e in evidence)
            scored.append((-score, muscle.id, side or "", muscle, side, evidence))
    scored.sort(key=lambda row: row[:3])
    first_with_score: dict[float, int] = {}
    for position, row in enumerate(scored, 1):
        first_with_score.setdefault(row[0], position)
    top = -scored[0][0] if scored else 0.0
    weights_ = [math.exp(-row[0] - top) for row in scored]
    total = math.fsum(weights_)
    candidates = [
        Candidate(
            muscle=muscle,
            side=side,
            score=-neg_score,
            probability=w / total,
            evidence=evidence,
            rank=position,
            red_flags=tuple(
                (catalogue.conditions[c].name, catalogue.conditions[c].red_flag or "")
                for c in muscle.conditions
                if catalogue.conditions[c].red_flag
            ),
            catalogue=catalogue,
            shared_rank=first_with_score[neg_score],
        )
        for position, ((neg_score, _, _, muscle, side, evidence), w) in enumerate(zip(scored, weights_, strict=True), 1)
    ]
    return Ranking(query, candidates, _notes(catalogue, query, len(candidates)), catalogue, weights)


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
            notes.append(f"Rule out first ({condition.name}): {condition.red_flag}")
    return notes


# ------------------------------------------------------------------------------------------ matching


_RELATION_ORDER: dict[str, int] = {"exact": 0, "contains": 1, "inside": 2, "adjacent": 3}


@dataclass(frozen=True)
class _Match:
    probability: float
    relation: Relation
    zone: Zone | None


def _zone_sides(zone: Zone, side: Side | None) -> frozenset[str]:
    if side is None or zone.side == "both":
        return frozenset(("left", "right"))
    if zone.side == "opposite":
        return frozenset(("right",)) if side == "left" else frozenset(("left",))
    return frozenset((side,))


def _best_match(
    catalogue: Catalogue,
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
    regions = catalogue.regions
    for index, zone in enumerate(catalogue.zones(muscle_id)):
        if (
            place_side is not None
            and regions[region].laterality == "paired"
            and regions[zone.region].laterality == "paired"
            and place_side not in _zone_sides(zone, side)
        ):
            continue
        base = weights.essential if zone.kind == "essential" else spillover
        if zone.region == region:
            relation: Relation = "exact"
            probability = base
        elif catalogue.is_within(region, zone.region):
            relation, probability = "inside", base * weights.inside
        elif catalogue.is_within(zone.region, region):
            relation, probability = "contains", base
        elif zone.region in catalogue.adjacent(region):
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
    catalogue: Catalogue,
    muscle: Muscle,
    side: Side | None,
    query: Query,
    weights: Weights,
    bg: _Background,
) -> Iterator[Evidence]:
    regions = catalogue.regions
    for site in query.sites:
        spill = _spillover(weights, query.mode, site.intensity)
        match = _best_match(catalogue, muscle.id, side, site.region, site.side, weights, spill)
        ratio = math.log(match.probability / bg.site(site.region, spill))
        if match.relation in ("exact", "inside", "contains"):
            ratio = max(ratio, 0.0)  # a zone that covers the place never counts against the muscle
        yield _zone_evidence(
            "site", f"pain at {_place(regions[site.region].name, site.side)}", site.region, match, ratio
        )
        if not site.sensations:
            continue
        reaching = {
            z.trigger_point
            for z in catalogue.zones(muscle.id)
            if catalogue.is_within(site.region, z.region) or catalogue.is_within(z.region, site.region)
        }
        factor = weights.latent_sensation_factor if query.mode == "latent" else 1.0
        for sensation in site.sensations:
            listed = any(sensation in tp.sensations for tp in muscle.trigger_points if tp.id in reaching)
            p = weights.listed if listed else weights.not_listed
            yield Evidence(
                "sensation",
                f"{sensation.replace('_', ' ')} at {_place(regions[site.region].name, site.side)}",
                sensation,
                "listed" if listed else "not_listed",
                factor * math.log(p / bg.listed("sensation", sensation)),
            )
    for place in query.absent:
        spill = _spillover(weights, query.mode, None)
        match = _best_match(catalogue, muscle.id, side, place.region, place.side, weights, spill)
        present = match.probability if match.relation != "none" else 0.0
        ratio = math.log((1.0 - present) / (1.0 - bg.absent(place.region, spill)))
        finding = f"no pain at {_place(regions[place.region].name, place.side)}"
        yield _zone_evidence("absent", finding, place.region, match, ratio)
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


def _zone_evidence(kind: FindingKind, finding: str, region: str, match: _Match, ratio: float) -> Evidence:
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
    )


def _place(name: str, side: Side | None) -> str:
    return f"{name.lower()} ({side})" if side else name.lower()


# ------------------------------------------------------------------------------------------ background


class _Background:
    """P(finding | catalogue): each finding's probability averaged over every muscle of the catalogue.

    Worked out lazily, per place and spillover probability, and kept for the catalogue's lifetime, so that a
    query pays only for the places it names.
    """

    def __init__(self, catalogue: Catalogue, weights: Weights) -> None:
        self.catalogue = catalogue
        self.weights = weights
        self.muscles = tuple(catalogue.muscles.values())
        self.count = max(len(self.muscles), 1)
        self._places: dict[tuple[str, float], tuple[float, float]] = {}
        self._listed: dict[tuple[str, str], float] = {}

    def _place(self, region: str, spillover: float) -> tuple[float, float]:
        key = (region, spillover)
        cached = self._places.get(key)
        if cached is None:
            matches = [
                _best_match(self.catalogue, m.id, None, region, None, self.weights, spillover) for m in self.muscles
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


_BACKGROUNDS: weakref.WeakKeyDictionary[Catalogue, dict[Weights, _Background]] = weakref.WeakKeyDictionary()


def _background(catalogue: Catalogue, weights: Weights) -> _Background:
    per_catalogue = _BACKGROUNDS.setdefault(catalogue, {})
    cached = per_catalogue.get(weights)
    if cached is None:
        cached = per_catalogue[weights] = _Background(catalogue, weights)
    return cached

"""Satellite trigger points: which other muscles to examine alongside each leading candidate.

A key trigger point can induce *satellite* trigger points in muscles that lie in its referral zone, and in
the muscles that work with it. For each leading candidate (by default the first five) tpmap lists:

- muscles with a trigger point located in one of the candidate's **essential** zones (weight 2) or
  **spillover** zones (weight 1): the zone overlies them;
- muscles the catalogue **associates** with it, in either direction (weight 1): satellites and the
  functional unit named by the references.

Satellites are ordered by that weight, then by their own probability in the ranking (a satellite that also
explains the report is the likelier to be active), then by id. Among the leading candidates themselves, one
whose trigger point lies in the zone of another leading candidate that explains a reported place may be that
candidate's satellite rather than a key trigger point: :attr:`Satellites.examine_first` keeps ranking order
but puts the candidates that may have induced one just before it (where two may have induced each other,
ranking order decides).

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> result = tpmap.rank(cat, "front of the shoulder", "outside of the upper arm", side="right")
>>> sat = result.satellites()
>>> sat.examine_first[0] in {c.muscle.id for c in result[:5]}
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..catalogue.catalogue import Catalogue, kept_with
from ..catalogue.records import Side
from ..errors import whole_number, wrong_type
from .results import Candidate, Ranking
from .scoring import associated_with, rank_key, rank_of, trigger_points_in

__all__ = ["KeyCandidate", "Satellite", "Satellites", "satellites"]

MAX_PER_CANDIDATE = 6


@dataclass(frozen=True)
class Satellite:
    """A muscle likely to carry satellite trigger points of a key candidate, and why."""

    muscle: str
    reasons: tuple[str, ...]
    weight: int
    rank: int | None
    """Its own rank in the ranking (same side as the key), if ranked."""

    def to_dict(self) -> dict[str, Any]:
        return {"muscle": self.muscle, "reasons": list(self.reasons), "rank": self.rank}


@dataclass(frozen=True)
class KeyCandidate:
    """One leading candidate, its likely satellites and the leading candidates it may itself be a satellite of."""

    muscle: str
    side: Side | None
    satellites: tuple[Satellite, ...]
    may_be_satellite_of: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "muscle": self.muscle,
            "side": self.side,
            "satellites": [s.to_dict() for s in self.satellites],
            "may_be_satellite_of": list(self.may_be_satellite_of),
        }


@dataclass(frozen=True)
class Satellites:
    """Satellites for each leading candidate, and the order in which to examine the candidates."""

    candidates: tuple[KeyCandidate, ...]
    examine_first: tuple[str, ...]
    """Leading candidates' muscle ids, each before any leading candidate it may have induced."""

    def to_dict(self) -> dict[str, Any]:
        return {"examine_first": list(self.examine_first), "candidates": [k.to_dict() for k in self.candidates]}

    def __str__(self) -> str:
        from .display import satellites_text  # noqa: PLC0415

        return satellites_text(self)

    def __repr__(self) -> str:
        from .display import satellites_repr  # noqa: PLC0415

        return satellites_repr(self)


def satellites(ranking: Ranking, *, top: int = 5) -> Satellites:
    """Likely satellites of the first ``top`` candidates of ``ranking`` (see the module notes)."""
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    whole_number("top", top)
    catalogue = ranking.catalogue
    leading = list(ranking[:top])
    keys: list[KeyCandidate] = []
    known = _known(catalogue)
    # What each leading candidate's zones overlie: the muscles with a trigger point in one of them.
    overlies = {c.muscle.id: _found(known, catalogue, c.muscle.id)[2] for c in leading}
    # The leading candidates whose zones explain a painful place: only they may have induced another.
    inducing = [other for other in leading if other.zone in ("essential", "spillover")]
    ranks = _Ranks(ranking)
    for c in leading:
        found = _satellites_of(ranks, c, _found(known, catalogue, c.muscle.id))
        induced_by = tuple(
            other.muscle.id
            for other in inducing
            if other.muscle.id != c.muscle.id and c.muscle.id in overlies[other.muscle.id]
        )
        keys.append(KeyCandidate(c.muscle.id, c.side, found, induced_by))
    return Satellites(tuple(keys), _examine_order(keys))


_Found = tuple[dict[str, int], dict[str, tuple[str, ...]], frozenset[str]]
"""For one muscle: the weight of each possible satellite, the reasons for it, and the muscles its zones overlie."""


def _known(catalogue: Catalogue) -> dict[str, _Found]:
    """Per catalogue, what each muscle asked about so far may induce: it depends on the catalogue alone."""
    return kept_with(catalogue, "satellites", _new_table)


def _new_table(_: Catalogue) -> dict[str, _Found]:
    return {}


def _found(known: dict[str, _Found], catalogue: Catalogue, muscle: str) -> _Found:
    """The possible satellites of ``muscle``, worked out once per catalogue."""
    found = known.get(muscle)
    if found is not None:
        return found
    zone_weight: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    zones = catalogue.zones(muscle)
    # Essential zones first, so a region that is both essential and spillover is named once, as essential.
    for zone in sorted(zones, key=lambda z: z.kind != "essential"):
        zone_name = catalogue.regions[zone.region].name.lower()
        for other in trigger_points_in(catalogue, zone.region) - {muscle}:
            if (other, zone.region) not in seen:
                seen.add((other, zone.region))
                reasons.setdefault(other, []).append(f"a trigger point lies in its {zone.kind} zone ({zone_name})")
            # The strongest zone overlying a muscle counts, once.
            zone_weight[other] = max(zone_weight.get(other, 0), 2 if zone.kind == "essential" else 1)
    weights = dict(zone_weight)
    for partner in associated_with(catalogue, muscle):
        weights[partner] = weights.get(partner, 0) + 1
        reasons.setdefault(partner, []).append("associated with it in the references")
    overlies = frozenset().union(*(trigger_points_in(catalogue, z.region) for z in zones))
    found = known[muscle] = (weights, {m: tuple(found) for m, found in reasons.items()}, overlies)
    return found


def _satellites_of(ranks: _Ranks, key: Candidate, found: _Found) -> tuple[Satellite, ...]:
    weights, reasons, _ = found
    # By weight, then rank order: the muscles of a weight below the first MAX_PER_CANDIDATE are never kept, so
    # their rank order is not needed.
    rows: list[str] = []
    for weight in sorted(set(weights.values()), reverse=True):
        rows += sorted((m for m in weights if weights[m] == weight), key=lambda m: (ranks.key(m, key.side), m))
        if len(rows) >= MAX_PER_CANDIDATE:
            break
    return tuple(Satellite(m, reasons[m], weights[m], ranks.rank(m, key.side)) for m in rows[:MAX_PER_CANDIDATE])


_RankKey = tuple[float | str, ...]


class _Ranks:
    """The rank order and the ranks of muscles in one ranking, each muscle and side looked up once for all the
    leading candidates (they share many satellites). Rank order is found without counting ranks: only the
    satellites kept need theirs."""

    def __init__(self, ranking: Ranking) -> None:
        self.ranking = ranking
        self._keys: dict[tuple[str, Side | None], _RankKey] = {}
        self._ranks: dict[tuple[str, Side | None], int | None] = {}

    def key(self, muscle: str, side: Side | None) -> _RankKey:
        found = self._keys.get((muscle, side))
        if found is None:
            found = self._keys[muscle, side] = rank_key(self.ranking, muscle, side) or _UNRANKED
        return found

    def rank(self, muscle: str, side: Side | None) -> int | None:
        if (muscle, side) not in self._ranks:
            self._ranks[muscle, side] = rank_of(self.ranking, muscle, side)
        return self._ranks[muscle, side]


_UNRANKED: _RankKey = (math.inf,)


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

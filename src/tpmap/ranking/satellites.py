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

from dataclasses import dataclass
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import Side
from ..errors import whole_number, wrong_type
from .results import Candidate, Ranking

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


def satellites(ranking: Ranking, *, top: int = 5) -> Satellites:
    """Likely satellites of the first ``top`` candidates of ``ranking`` (see the module notes)."""
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    whole_number("top", top)
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

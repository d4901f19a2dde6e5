"""The smallest set of muscles that together explain every painful place of a report.

A patient with pain in three places rarely has three sources. A muscle (on one side) *explains* a place
when one of its essential or spillover zones is the place, lies inside it or contains it (an adjacent zone
does not count). The smallest explaining set is a minimum set cover over the reported places.

How it is found:

1. Candidates that explain the same places with the same kind of zone are grouped; only the groups enter
   the search, so it grows with the number of distinct patterns, not with the number of muscles.
2. **Exact**: iterative deepening on the size of the set, always branching on the first place not yet
   explained, so every set is built once per order of its places. It is exact and stops at the smallest size.
3. **Greedy** when the exact search would visit more than :data:`EXACT_NODE_BUDGET` nodes: repeatedly take the
   group that explains the most places still unexplained. Its size is at most H(n) = 1 + 1/2 + … + 1/n
   times the smallest (about ln n + 1; 2.45× for 6 places), the classic bound for greedy set cover.
   :attr:`Cover.method` says which search was used.

Among sets of the smallest size, the one preferred explains the most places through an *essential* zone,
then has the higher product of probabilities, then the smaller muscle ids. Alternatives are the other
smallest sets in the same order (the best instance of every other group combination, then single swaps).

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> cover = tpmap.rank(cat, "outside of the elbow", "back of the hand", side="right").cover()
>>> len(cover.members), cover.method, cover.unexplained
(1, 'exact', ())
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from ..catalogue.records import Side
from ..errors import wrong_type
from .query import Site
from .results import Ranking
from .scoring import Explaining, explaining

__all__ = ["EXACT_NODE_BUDGET", "Cover", "CoverMember", "site_label", "smallest_cover"]

EXACT_NODE_BUDGET = 50_000
"""Search nodes the exact cover may visit before the greedy bound is used instead."""

MAX_ALTERNATIVES = 5


def site_label(site: Site) -> str:
    """How a reported place is named in covers: its region id, with ``/left`` or ``/right`` when sided."""
    return f"{site.region}/{site.side}" if site.side else site.region


@dataclass(frozen=True)
class CoverMember:
    """One muscle (on one side) of an explaining set, and the places it explains."""

    muscle: str
    side: Side | None
    sites: tuple[str, ...]
    """Labels (see :func:`site_label`) of the places this muscle explains."""
    essential: tuple[str, ...]
    """Those of :attr:`sites` it explains through an essential zone."""
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return {"muscle": self.muscle, "side": self.side}


@dataclass(frozen=True)
class Cover:
    """The smallest set of muscles explaining every place that any muscle explains."""

    members: tuple[CoverMember, ...]
    explains: Mapping[str, tuple[str, ...]]
    """For every reported place: the ids of the members that explain it (empty when none does)."""
    unexplained: tuple[str, ...]
    """Places no muscle in the catalogue explains through an essential or spillover zone."""
    alternatives: tuple[tuple[CoverMember, ...], ...]
    """Other sets of the same size, best first (at most five)."""
    method: Literal["exact", "greedy"]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: ``muscles``, ``explains``, ``unexplained``, ``alternatives`` and ``method``."""
        return {
            "muscles": [m.to_dict() for m in self.members],
            "explains": {label: list(ids) for label, ids in self.explains.items()},
            "unexplained": list(self.unexplained),
            "alternatives": [[m.to_dict() for m in alternative] for alternative in self.alternatives],
            "method": self.method,
        }

    def __str__(self) -> str:
        if not self.members:
            return "no muscle explains any reported place"
        names = " + ".join(m.muscle + (f" ({m.side})" if m.side else "") for m in self.members)
        rest = f"; unexplained: {', '.join(self.unexplained)}" if self.unexplained else ""
        return f"{names}{rest}"

    def __repr__(self) -> str:
        from .display import cover_repr  # noqa: PLC0415

        return cover_repr(self)


class _Options(NamedTuple):
    """The candidates that explain a place, in rank order: an option is a number into these, so that a set of them
    is a tuple of numbers (cheap to hash and to sort, and sorted numbers are in rank order)."""

    rows: tuple[Explaining, ...]
    masks: tuple[int, ...]
    """The places each explains (bit i: the i-th label)."""
    essential: tuple[int, ...]
    """Those it explains through an essential zone."""


class _Group(NamedTuple):
    mask: int
    essential: int
    options: tuple[int, ...]
    """Best first: highest probability, then rank."""


def smallest_cover(ranking: Ranking) -> Cover:
    """The smallest set of candidates of ``ranking`` that together explain all its painful places."""
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    labels = tuple(dict.fromkeys(site_label(site) for site in ranking.query.sites))
    index = {label: i for i, label in enumerate(labels)}
    site_bits = tuple(1 << index[site_label(site)] for site in ranking.query.sites)
    options = _options(explaining(ranking), site_bits)
    coverable = 0
    for mask in options.masks:
        coverable |= mask
    groups = _groups(options)
    found = _exact(groups, coverable)
    method: Literal["exact", "greedy"] = "exact"
    if found is None:
        found, method = [_greedy(groups, coverable, options)], "greedy"

    def preference(cover: tuple[int, ...]) -> tuple[float, ...]:
        return _preference(options, cover)

    # A swap is never preferred to its combination's best instance, so only the leading combinations matter.
    leading = sorted(found, key=lambda combo: preference(_best_instance(groups, combo)))[: MAX_ALTERNATIVES + 1]
    covers = sorted({cover for combo in leading for cover in _instances(groups, combo)}, key=preference)
    best = covers[0] if covers else ()
    made: dict[int, CoverMember] = {}  # an option is often in several of the sets shown

    def member(i: int) -> CoverMember:
        found = made.get(i)
        if found is None:
            found = made[i] = _member(options, i, labels)
        return found

    members = tuple(member(i) for i in best)
    explains = {label: tuple(m.muscle for m in members if label in m.sites) for label in labels}
    unexplained = tuple(label for label in labels if not coverable & (1 << index[label]))
    alternatives = tuple(tuple(member(i) for i in cover) for cover in covers[1 : 1 + MAX_ALTERNATIVES])
    return Cover(members, MappingProxyType(explains), unexplained, alternatives, method)


def _options(explained: Sequence[Explaining], site_bits: Sequence[int]) -> _Options:
    masks = []
    essentials = []
    for row in explained:
        mask = essential_mask = 0
        for site in row.sites:
            mask |= site_bits[site]
        for site in row.essential:
            essential_mask |= site_bits[site]
        masks.append(mask)
        essentials.append(essential_mask)
    return _Options(tuple(explained), tuple(masks), tuple(essentials))


def _groups(options: _Options) -> tuple[_Group, ...]:
    grouped: dict[tuple[int, int], list[int]] = {}
    for i, key in enumerate(zip(options.masks, options.essential, strict=True)):
        grouped.setdefault(key, []).append(i)
    rows = options.rows

    def less_probable(i: int) -> float:
        return -rows[i].probability

    # Options are numbered in rank order: a stable sort by probability alone keeps rank order among equals.
    return tuple(
        _Group(mask, essential, tuple(sorted(members, key=less_probable)))
        for (mask, essential), members in sorted(grouped.items())
    )


def _exact(groups: Sequence[_Group], coverable: int) -> list[tuple[int, ...]] | None:
    """Every smallest combination of groups covering ``coverable``; None when over the node budget."""
    if not coverable:
        return [()]
    budget = [EXACT_NODE_BUDGET]
    widest = max(g.mask.bit_count() for g in groups)
    # Per place (its bit), the groups that explain it, with their masks: the search branches on one place at a time.
    by_place = {
        1 << bit: tuple((i, g.mask) for i, g in enumerate(groups) if g.mask >> bit & 1)
        for bit in range(coverable.bit_length())
    }
    for size in range(1, coverable.bit_count() + 1):
        found: set[tuple[int, ...]] = set()
        if not _search(by_place, coverable, size, (), found, budget, widest):
            return None
        if found:
            return sorted(found)
    return None  # pragma: no cover - a cover of size n always exists


def _search(
    by_place: Mapping[int, tuple[tuple[int, int], ...]],
    uncovered: int,
    size: int,
    chosen: tuple[int, ...],
    found: set[tuple[int, ...]],
    budget: list[int],
    widest: int,
) -> bool:
    """Depth-first search for covers of exactly ``size`` groups; False when the budget ran out."""
    budget[0] -= 1
    if budget[0] < 0:
        return False
    if not uncovered:
        found.add(tuple(sorted(chosen)))
        return True
    left = size - len(chosen)
    if left == 0 or uncovered.bit_count() > left * widest:
        return True
    for i, mask in by_place[uncovered & -uncovered]:
        if not _search(by_place, uncovered & ~mask, size, (*chosen, i), found, budget, widest):
            return False
    return True


def _greedy(groups: Sequence[_Group], coverable: int, options: _Options) -> tuple[int, ...]:
    chosen: list[int] = []
    uncovered = coverable
    rows = options.rows
    while uncovered:
        best = max(
            range(len(groups)),
            key=lambda i: (
                (groups[i].mask & uncovered).bit_count(),
                (groups[i].essential & uncovered).bit_count(),
                rows[groups[i].options[0]].probability,
                -i,
            ),
        )
        chosen.append(best)
        uncovered &= ~groups[best].mask
    return tuple(sorted(chosen))


def _best_instance(groups: Sequence[_Group], combo: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted([groups[i].options[0] for i in combo]))


def _instances(groups: Sequence[_Group], combo: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    """The best instance of a group combination, and every single swap with a next option of a group (each in
    rank order, as sorted option numbers are)."""
    best = [groups[i].options[0] for i in combo]
    yield tuple(sorted(best))
    for position, i in enumerate(combo):
        for option in groups[i].options[1 : MAX_ALTERNATIVES + 1]:
            yield tuple(sorted([*best[:position], option, *best[position + 1 :]]))


def _preference(options: _Options, cover: tuple[int, ...]) -> tuple[float, ...]:
    essential = 0
    for i in cover:
        essential |= options.essential[i]
    rows = options.rows
    log_probability = math.fsum(math.log(max(rows[i].probability, 1e-300)) for i in cover)
    # Options are numbered in rank order, so the numbers compare as the members' ranks would.
    return (len(cover), -essential.bit_count(), -log_probability, *cover)


def _member(options: _Options, i: int, labels: Sequence[str]) -> CoverMember:
    def named(mask: int) -> tuple[str, ...]:
        return tuple(label for j, label in enumerate(labels) if mask & (1 << j))

    row = options.rows[i]
    return CoverMember(row.muscle, row.side, named(options.masks[i]), named(options.essential[i]), row.probability)

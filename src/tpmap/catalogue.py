"""The loaded catalogue: records by id, the region hierarchy, name look-ups and the graph.

Hierarchy and look-up questions are named methods, so nobody needs to know which way an edge points.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> cat.ancestors("lateral_elbow")
('elbow', 'upper_limb', 'body')
>>> cat.is_within("thumb", "hand"), cat.is_within("hand", "thumb")
(True, False)
>>> cat.muscle("SCM").id
'sternocleidomastoid'
>>> cat.graph.nodes["muscle:supinator"]["kind"]
'muscle'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

from .errors import UnknownNameError
from .graph import build_graph
from .model import (
    Aggravator,
    Condition,
    Movement,
    Muscle,
    Region,
    SidePattern,
    Source,
    TriggerPoint,
    ZoneKind,
)

__all__ = ["Catalogue", "Zone", "normalise"]

R = TypeVar("R", Source, Region, Muscle, Condition, Movement, Aggravator)


def normalise(text: str) -> str:
    """Fold case, apostrophes, hyphens and spacing so that names compare as people mean them.

    >>> normalise("  Golfer’s-Elbow ")
    "golfer's elbow"
    """
    text = text.casefold().replace("\u2019", "'").replace("-", " ").replace("_", " ")
    return " ".join(text.split())


@dataclass(frozen=True, order=True)
class Zone:
    """One region of one trigger point's referral pattern."""

    muscle: str
    trigger_point: str
    region: str
    kind: ZoneKind
    side: SidePattern


class Catalogue:
    """Muscles, trigger points, regions and conditions, with the region hierarchy and a graph.

    Build one with :func:`tpmap.load_catalogue`; the records it holds are frozen and it never changes.
    """

    def __init__(
        self,
        *,
        sources: Iterable[Source] = (),
        regions: Iterable[Region] = (),
        conditions: Iterable[Condition] = (),
        movements: Iterable[Movement] = (),
        aggravators: Iterable[Aggravator] = (),
        muscles: Iterable[Muscle] = (),
    ) -> None:
        self.sources: Mapping[str, Source] = _by_id(sources)
        self.regions: Mapping[str, Region] = _by_id(regions)
        self.conditions: Mapping[str, Condition] = _by_id(conditions)
        self.movements: Mapping[str, Movement] = _by_id(movements)
        self.aggravators: Mapping[str, Aggravator] = _by_id(aggravators)
        self.muscles: Mapping[str, Muscle] = _by_id(muscles)

        children: dict[str, list[str]] = {rid: [] for rid in self.regions}
        for region in self.regions.values():
            if region.parent is not None:
                children[region.parent].append(region.id)
        self._children = {rid: tuple(sorted(kids)) for rid, kids in children.items()}
        self._ancestors = {rid: self._walk_up(rid) for rid in self.regions}
        self._descendants: dict[str, frozenset[str]] = {rid: frozenset() for rid in self.regions}
        for rid, ups in self._ancestors.items():
            for up in ups:
                self._descendants[up] = self._descendants[up] | {rid}
        adjacent: dict[str, set[str]] = {rid: set() for rid in self.regions}
        for region in self.regions.values():
            for other in region.adjacent:
                adjacent[region.id].add(other)
                adjacent[other].add(region.id)
        self._adjacent = {rid: frozenset(others) for rid, others in adjacent.items()}
        self._zones = {
            muscle.id: tuple(
                zone
                for tp in muscle.trigger_points
                for zone in (
                    *(Zone(muscle.id, tp.id, region, "essential", tp.side) for region in tp.essential),
                    *(Zone(muscle.id, tp.id, region, "spillover", tp.side) for region in tp.spillover),
                )
            )
            for muscle in self.muscles.values()
        }
        self._muscle_names = _name_index((m.id, (m.name, *m.aliases)) for m in self.muscles.values())
        self._condition_names = _name_index((c.id, (c.name, *c.aliases)) for c in self.conditions.values())
        self._region_names = _name_index((r.id, (r.name, *r.terms)) for r in self.regions.values())

    def __repr__(self) -> str:
        return (
            f"<Catalogue: {len(self.muscles)} muscles, {sum(len(m.trigger_points) for m in self.muscles.values())}"
            f" trigger points, {len(self.regions)} regions, {len(self.conditions)} conditions>"
        )

    # ------------------------------------------------------------------------------------------ graph

    @cached_property
    def graph(self) -> Any:
        """The catalogue as a frozen ``networkx.MultiDiGraph`` (see :mod:`tpmap.graph`)."""
        return build_graph(self.regions.values(), self.muscles.values(), self.conditions.values())

    # ------------------------------------------------------------------------------------ region tree

    def _walk_up(self, region_id: str) -> tuple[str, ...]:
        chain: list[str] = []
        parent = self.regions[region_id].parent
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.regions[parent].parent
        return tuple(chain)

    def ancestors(self, region_id: str) -> tuple[str, ...]:
        """The regions that contain ``region_id``, nearest first, ending at the root."""
        return self._ancestors[self.region(region_id).id]

    def descendants(self, region_id: str) -> frozenset[str]:
        """Every region inside ``region_id`` (not including itself)."""
        return self._descendants[self.region(region_id).id]

    def children(self, region_id: str) -> tuple[str, ...]:
        """The regions directly inside ``region_id``, sorted by id."""
        return self._children[self.region(region_id).id]

    def adjacent(self, region_id: str) -> frozenset[str]:
        """The regions declared next to ``region_id``."""
        return self._adjacent[self.region(region_id).id]

    def is_within(self, region_id: str, area_id: str) -> bool:
        """True if ``region_id`` is ``area_id`` or lies inside it (pain in the thumb is pain in the hand)."""
        return region_id == area_id or area_id in self._ancestors[region_id]

    def choir_codes(self, region_id: str) -> tuple[int, ...]:
        """The CHOIR body-map segments of a region: its own, or else its nearest coded ancestor's on its views.

        A small region (the thumb) lies inside one coarse CHOIR segment (the hand); the segments of the
        ancestor that are drawn on a view the region is not drawn on are left out. Containers that span several
        segments (the trunk, a whole limb) have none: their parts carry the codes.
        """
        region = self.region(region_id)
        if region.choir:
            return region.choir
        views = set(region.views)
        for ancestor in self._ancestors[region.id]:
            codes = self.regions[ancestor].choir
            if codes:
                return tuple(c for c in codes if ("front" if c < 200 else "back") in views)
        return ()

    def depth(self, region_id: str) -> int:
        """How many levels below the root ``region_id`` lies (the root is 0)."""
        return len(self._ancestors[region_id])

    # ------------------------------------------------------------------------------------ muscles

    def zones(self, muscle: str) -> tuple[Zone, ...]:
        """Every zone of every trigger point of ``muscle`` (an id, name or alias)."""
        return self._zones[self.muscle(muscle).id]

    def trigger_point(self, muscle: str, tp_id: str) -> TriggerPoint:
        """One trigger point of a muscle, by its id within the muscle."""
        record = self.muscle(muscle)
        for tp in record.trigger_points:
            if tp.id == tp_id:
                return tp
        raise UnknownNameError(
            f"trigger point of {record.id}", tp_id, _close(tp_id, [tp.id for tp in record.trigger_points])
        )

    def muscles_referring_to(self, region_id: str, zone: ZoneKind | None = None) -> tuple[Muscle, ...]:
        """Muscles with a zone that overlaps ``region_id``: the zone is it, lies inside it, or contains it.

        >>> import tpmap
        >>> [m.id for m in tpmap.load_catalogue().muscles_referring_to("lateral_epicondyle_x")]
        Traceback (most recent call last):
        tpmap.errors.UnknownNameError: unknown region 'lateral_epicondyle_x'; did you mean: ...
        """
        rid = self.region(region_id).id
        found = {
            z.muscle
            for zones in self._zones.values()
            for z in zones
            if (zone is None or z.kind == zone) and (self.is_within(z.region, rid) or self.is_within(rid, z.region))
        }
        return tuple(self.muscles[mid] for mid in sorted(found))

    def muscles_mimicking(self, condition: str) -> tuple[Muscle, ...]:
        """Muscles whose referral can mimic ``condition`` (an id, name or alias), sorted by id."""
        cid = self.condition(condition).id
        return tuple(m for _, m in sorted(self.muscles.items()) if cid in m.conditions)

    def associated(self, muscle: str) -> tuple[Muscle, ...]:
        """Muscles linked to ``muscle`` as satellites or functional partners, in either direction."""
        mid = self.muscle(muscle).id
        linked = set(self.muscles[mid].associated)
        linked.update(other.id for other in self.muscles.values() if mid in other.associated)
        return tuple(self.muscles[o] for o in sorted(linked))

    # ------------------------------------------------------------------------------------ look-ups

    def muscle(self, name: str) -> Muscle:
        """A muscle by id, name or alias (any case); unknown names suggest close matches."""
        return _lookup(self.muscles, self._muscle_names, name, "muscle")

    def region(self, name: str) -> Region:
        """A region by id, name or lay term (any case); unknown names suggest close matches."""
        return _lookup(self.regions, self._region_names, name, "region")

    def condition(self, name: str) -> Condition:
        """A condition by id, name or alias (any case); unknown names suggest close matches."""
        return _lookup(self.conditions, self._condition_names, name, "condition")

    def region_names(self) -> Mapping[str, str]:
        """Every normalised region name and lay term, mapped to its region id."""
        return self._region_names

    def condition_names(self) -> Mapping[str, str]:
        """Every normalised condition name and alias, mapped to its condition id."""
        return self._condition_names


def _by_id(records: Iterable[R]) -> Mapping[str, R]:
    return MappingProxyType({record.id: record for record in records})


def _name_index(entries: Iterable[tuple[str, tuple[str, ...]]]) -> Mapping[str, str]:
    """Normalised id, name and every other name of each entry, mapped to its id (first one wins)."""
    index: dict[str, str] = {}
    for ident, names in entries:
        for name in (ident, *names):
            index.setdefault(normalise(name), ident)
    return MappingProxyType(index)


def _close(name: str, known: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(normalise(name), sorted(known), n=5, cutoff=0.6)


def _lookup(table: Mapping[str, R], names: Mapping[str, str], name: str, kind: str) -> R:
    record = table.get(name)
    if record is not None:
        return record
    ident = names.get(normalise(name))
    if ident is not None:
        return table[ident]
    suggestions = dict.fromkeys(names[n] for n in _close(name, names))
    raise UnknownNameError(kind, name, list(suggestions))

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

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast

from ..errors import AmbiguousNameError, CatalogueError, UnknownNameError, wrong_type
from ._checks import SECTIONS, Locator, consistency_problems, entry_name, unlocated
from ._graph import build_graph
from .export import catalogue_yaml, write_catalogue_files
from .overlay import Change
from .records import (
    Aggravator,
    Condition,
    Movement,
    Muscle,
    MuscleGroup,
    PainGuide,
    PrevalenceStudy,
    Region,
    Side,
    SidePattern,
    Source,
    TriggerPoint,
    ZoneKind,
    referred_sides,
)
from .tables import Table, table_frame
from .text import close_matches, normalise

__all__ = ["Catalogue", "Zone"]

R = TypeVar("R", Source, Region, Muscle, Condition, Movement, Aggravator)
T = TypeVar("T")


def kept_with(catalogue: Catalogue, key: str, make: Callable[[Catalogue], T]) -> T:
    """What ``make`` works out from ``catalogue`` alone, made on first use and kept on the catalogue itself.

    It lives exactly as long as the catalogue. (Kept in a cache keyed weakly by the catalogue instead, a table
    that refers back to its catalogue would keep the catalogue alive for good.) Not pickled with it.
    """
    kept: dict[str, Any] | None = catalogue.__dict__.get("_kept")
    if kept is None:
        kept = catalogue.__dict__.setdefault("_kept", {})
    found = kept.get(key)
    if found is None:  # two threads may both make it: the first kept is the one used
        found = kept.setdefault(key, make(catalogue))
    return cast(T, found)


_Entry = Source | Region | Condition | Movement | Aggravator | Muscle | PainGuide | PrevalenceStudy | MuscleGroup


@dataclass(frozen=True, order=True)
class Zone:
    """One region of one trigger point's referral pattern."""

    muscle: str
    trigger_point: str
    region: str
    kind: ZoneKind
    side: SidePattern

    def sides(self, muscle_side: Side | None) -> frozenset[Side]:
        """The sides this zone hurts on when the muscle's trigger point is on ``muscle_side``."""
        return referred_sides(self.side, muscle_side)


class Catalogue:
    """Muscles, trigger points, regions and conditions, with the region hierarchy and a graph.

    Build one with :func:`tpmap.load_catalogue`, or directly from records: either way the same consistency
    checks run (every id points at a record, the regions form one tree, names are unique), and an
    inconsistent catalogue raises :class:`~tpmap.errors.CatalogueError` listing every problem. A catalogue
    never changes once built: its attributes cannot be reassigned and its tables are read-only.

    >>> from tpmap.catalogue.records import Region
    >>> Catalogue(regions=[Region(id="body", name="Body"), Region(id="arm", name="Arm", parent="limb")])
    Traceback (most recent call last):
    tpmap.errors.CatalogueError: 1 problem in the catalogue:
      <catalogue>: regions[arm].parent: unknown region 'limb'
    """

    sources: Mapping[str, Source]
    regions: Mapping[str, Region]
    conditions: Mapping[str, Condition]
    movements: Mapping[str, Movement]
    aggravators: Mapping[str, Aggravator]
    muscles: Mapping[str, Muscle]
    pain_guides: Mapping[str, PainGuide]
    """Per pain area, the muscles a reference lists, most frequent cause first."""
    prevalence: Mapping[str, PrevalenceStudy]
    """Per study, the share of a condition's patients with trigger points in each muscle examined."""
    groups: Mapping[str, MuscleGroup]
    """Muscles named together ("hamstrings"): see :meth:`muscles_named`."""
    changes: tuple[Change, ...] = ()
    """What overlay files and plug-ins did to entries, in load order: each entry added, replaced as a whole (with
    the fields that are gone), or edited (with each edit); empty for the shipped catalogue."""
    plugins: tuple[str, ...] = ()
    """The catalogue plug-ins merged in, in load order (``load_catalogue(plugins=True)``)."""
    _children: Mapping[str, tuple[str, ...]]
    _preorder: tuple[str, ...]
    _enter: Mapping[str, int]
    _exit: Mapping[str, int]
    _depth: Mapping[str, int]
    _adjacent: Mapping[str, frozenset[str]]
    _zones: Mapping[str, tuple[Zone, ...]]
    _muscle_names: Mapping[str, str]
    _group_names: Mapping[str, str]
    _condition_names: Mapping[str, str]
    _region_names: Mapping[str, str]

    def __init__(
        self,
        *,
        sources: Iterable[Source] = (),
        regions: Iterable[Region] = (),
        conditions: Iterable[Condition] = (),
        movements: Iterable[Movement] = (),
        aggravators: Iterable[Aggravator] = (),
        muscles: Iterable[Muscle] = (),
        pain_guides: Iterable[PainGuide] = (),
        prevalence: Iterable[PrevalenceStudy] = (),
        groups: Iterable[MuscleGroup] = (),
        locate: Locator = unlocated,
        changes: Iterable[Change] = (),
        plugins: Iterable[str] = (),
    ) -> None:
        """Build a catalogue from records; ``locate`` says where a problem lies (the loader gives positions), and
        ``changes`` and ``plugins`` what overlays and plug-ins did (the loader records them)."""
        made, merged = _overlay_origin(changes, plugins)
        given: tuple[tuple[str, type[_Entry], Iterable[_Entry]], ...] = (
            ("sources", Source, sources),
            ("regions", Region, regions),
            ("conditions", Condition, conditions),
            ("movements", Movement, movements),
            ("aggravators", Aggravator, aggravators),
            ("muscles", Muscle, muscles),
            ("pain_guides", PainGuide, pain_guides),
            ("prevalence", PrevalenceStudy, prevalence),
            ("groups", MuscleGroup, groups),
        )
        tables: dict[str, dict[str, Any]] = {}
        problems = []
        for section, kind, records in given:
            if isinstance(records, str | bytes) or not isinstance(records, Iterable):
                raise wrong_type(section, f"a list of {kind.__name__} records", records)
            table: dict[str, Any] = {}
            for index, record in enumerate(records):
                if not isinstance(record, kind):
                    raise wrong_type(f"{section}[{index}]", f"a {kind.__name__} record", record)
                if record.id in table:
                    problems.append(
                        locate(section, record.id, ("id",), f"duplicate {entry_name(section)} id {record.id!r}")
                    )
                table[record.id] = record
            tables[section] = table
        problems += consistency_problems(tables, locate)
        if problems:
            raise CatalogueError(problems)
        for section, table in tables.items():
            object.__setattr__(self, section, MappingProxyType(table))
        self._index()
        self._set("changes", made)
        self._set("plugins", merged)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Catalogue cannot be changed (tried to set {name!r}); build a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Catalogue cannot be changed (tried to delete {name!r})")

    def _set(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)

    def __getstate__(self) -> dict[str, dict[str, Any]]:
        """The records, section by section: what a pickle of a catalogue holds (worker processes, the cache of
        the shipped catalogue). Tables built from them (the hierarchy, the names, the graph) are rebuilt."""
        state = {section: dict(getattr(self, section)) for section in SECTIONS}
        return {**state, "_origin": {"changes": self.changes, "plugins": self.plugins}}

    def __setstate__(self, state: dict[str, dict[str, Any]]) -> None:
        # The records were consistent when pickled, so only the tables built from them are rebuilt.
        for section in SECTIONS:
            self._set(section, MappingProxyType(dict(state[section])))
        self._index()
        origin = state.get("_origin", {})  # what overlays and plug-ins did travels with the records
        self._set("changes", tuple(origin.get("changes", ())))
        self._set("plugins", tuple(origin.get("plugins", ())))

    def _index(self) -> None:
        """The hierarchy, adjacency, zone and name tables, each built once in time linear in its size."""
        children: dict[str, list[str]] = {rid: [] for rid in self.regions}
        for region in self.regions.values():
            if region.parent is not None:
                children[region.parent].append(region.id)
        self._set("_children", {rid: tuple(sorted(kids)) for rid, kids in children.items()})
        self._number_the_tree()
        adjacent: dict[str, set[str]] = {rid: set() for rid in self.regions}
        for region in self.regions.values():
            for other in region.adjacent:
                adjacent[region.id].add(other)
                adjacent[other].add(region.id)
        self._set("_adjacent", {rid: frozenset(others) for rid, others in adjacent.items()})
        self._set(
            "_zones",
            {
                muscle.id: tuple(
                    zone
                    for tp in muscle.trigger_points
                    for zone in (
                        *(Zone(muscle.id, tp.id, region, "essential", tp.side) for region in tp.essential),
                        *(Zone(muscle.id, tp.id, region, "spillover", tp.side) for region in tp.spillover),
                    )
                )
                for muscle in self.muscles.values()
            },
        )
        self._set("_muscle_names", _name_index((m.id, (m.name, *m.aliases)) for m in self.muscles.values()))
        self._set("_group_names", _name_index((g.id, (g.name, *g.aliases)) for g in self.groups.values()))
        self._set("_condition_names", _name_index((c.id, (c.name, *c.aliases)) for c in self.conditions.values()))
        self._set("_region_names", _name_index((r.id, (r.name, *r.terms)) for r in self.regions.values()))

    def _number_the_tree(self) -> None:
        """Number the regions in depth-first order, so that a region's descendants are the numbers between its
        own and its exit: containment is two comparisons, and the tables stay linear in the number of regions
        however deep the tree (a chain of thousands of regions included)."""
        preorder: list[str] = []
        enter: dict[str, int] = {}
        exit_: dict[str, int] = {}
        depth: dict[str, int] = {}
        stack: list[tuple[str, int, bool]] = [
            (rid, 0, False) for rid in sorted(self.regions, reverse=True) if self.regions[rid].parent is None
        ]
        while stack:
            rid, level, done = stack.pop()
            if done:
                exit_[rid] = len(preorder) - 1
                continue
            enter[rid] = len(preorder)
            depth[rid] = level
            preorder.append(rid)
            stack.append((rid, level, True))
            stack.extend((child, level + 1, False) for child in reversed(self._children[rid]))
        self._set("_preorder", tuple(preorder))
        self._set("_enter", enter)
        self._set("_exit", exit_)
        self._set("_depth", depth)

    def __repr__(self) -> str:
        return (
            f"<Catalogue: {len(self.muscles)} muscles, {sum(len(m.trigger_points) for m in self.muscles.values())}"
            f" trigger points, {len(self.regions)} regions, {len(self.conditions)} conditions>"
        )

    # ------------------------------------------------------------------------------------------ export

    def to_yaml(self, *, ascii_only: bool = False) -> str:
        """This catalogue (shipped entries and overlays alike) as the text of one catalogue file, sources
        included; the same text every time, and :func:`tpmap.load_files` reads it back to equal records.

        ``ascii_only`` writes non-ASCII characters as YAML escapes.
        """
        return catalogue_yaml(self, ascii_only=ascii_only)

    def to_files(self, folder: str | os.PathLike[str], *, force: bool = False) -> tuple[Path, ...]:
        """Write this catalogue to ``folder``, one ``<section>.yaml`` file per non-empty section; return the
        paths in load order (``tpmap.load_files(paths)`` reads them back). Existing files are replaced only
        with ``force``.

        Raises:
            CatalogueError: a file exists (without ``force``) or cannot be written.
        """
        return write_catalogue_files(self, folder, force=force)

    def to_dataframe(self, table: Table = "muscles") -> Any:
        """A pandas DataFrame of ``table`` (needs the ``pandas`` extra): ``muscles`` (one row per muscle),
        ``zones`` (one row per zone of each trigger point) or ``regions``; the columns are listed in
        ``catalogue.tables``. Raises ``MissingExtraError`` without pandas, saying how to install it."""
        return table_frame(table, self.muscles, self.regions)

    # ------------------------------------------------------------------------------------------ graph

    @cached_property
    def graph(self) -> Any:
        """The catalogue as a frozen ``networkx.MultiDiGraph``, built (and networkx imported) on first use.

        Node keys are ``"<kind>:<id>"`` (``"region:lateral_elbow"``, ``"muscle:supinator"``,
        ``"tp:supinator.lateral"``, ``"condition:lateral_epicondylalgia"``); each node has ``kind``, ``id`` and
        ``record`` attributes, and each edge a ``relation``: ``part_of``, ``adjacent_to``, ``has_trigger_point``,
        ``located_in``, ``refers_to`` (with ``zone``), ``mimics`` or ``associated_with``.
        """
        return build_graph(self.regions.values(), self.muscles.values(), self.conditions.values())

    # ------------------------------------------------------------------------------------ region tree

    def ancestors(self, region_id: str) -> tuple[str, ...]:
        """The regions that contain ``region_id``, nearest first, ending at the root."""
        chain: list[str] = []
        parent = self.region(region_id).parent
        while parent is not None:
            chain.append(parent)
            parent = self.regions[parent].parent
        return tuple(chain)

    def descendants(self, region_id: str) -> frozenset[str]:
        """Every region inside ``region_id`` (not including itself)."""
        rid = self.region(region_id).id
        return frozenset(self._preorder[self._enter[rid] + 1 : self._exit[rid] + 1])

    def children(self, region_id: str) -> tuple[str, ...]:
        """The regions directly inside ``region_id``, sorted by id."""
        return self._children[self.region(region_id).id]

    def adjacent(self, region_id: str) -> frozenset[str]:
        """The regions declared next to ``region_id``."""
        return self._adjacent[self.region(region_id).id]

    def is_within(self, region_id: str, area_id: str) -> bool:
        """True if ``region_id`` is ``area_id`` or lies inside it (pain in the thumb is pain in the hand)."""
        if not (isinstance(region_id, str) and region_id in self.regions):  # a name, or an error naming it
            region_id = self.region(region_id).id
        if not (isinstance(area_id, str) and area_id in self.regions):
            area_id = self.region(area_id).id
        return self._enter[area_id] <= self._enter[region_id] <= self._exit[area_id]

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
        for ancestor in self.ancestors(region.id):
            codes = self.regions[ancestor].choir
            if codes:
                return tuple(c for c in codes if ("front" if c < 200 else "back") in views)
        return ()

    def depth(self, region_id: str) -> int:
        """How many levels below the root ``region_id`` lies (the root is 0)."""
        return self._depth[self.region(region_id).id]

    # ------------------------------------------------------------------------------------ muscles

    def zones(self, muscle: str) -> tuple[Zone, ...]:
        """Every zone of every trigger point of ``muscle`` (an id, name or alias)."""
        return self._zones[self.muscle(muscle).id]

    def trigger_point(self, muscle: str, tp_id: str) -> TriggerPoint:
        """One trigger point of a muscle, by its id within the muscle."""
        record = self.muscle(muscle)
        if not isinstance(tp_id, str):
            raise wrong_type("tp_id", "a trigger point id as a string", tp_id)
        for tp in record.trigger_points:
            if tp.id == tp_id:
                return tp
        raise UnknownNameError(
            f"trigger point of {record.id}", tp_id, close_matches(tp_id, [tp.id for tp in record.trigger_points])
        )

    def muscles_referring_to(self, region_id: str, zone: ZoneKind | None = None) -> tuple[Muscle, ...]:
        """Muscles with a zone that overlaps ``region_id``: the zone is it, lies inside it, or contains it.

        >>> import tpmap
        >>> [m.id for m in tpmap.load_catalogue().muscles_referring_to("lateral_epicondyle_x")]
        Traceback (most recent call last):
        tpmap.errors.UnknownNameError: unknown region 'lateral_epicondyle_x'; did you mean: ...
        """
        rid = self.region(region_id).id
        if zone not in (None, "essential", "spillover"):
            raise wrong_type("zone", "'essential', 'spillover' or None", zone)
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
        """A muscle by id, name or alias (any case); unknown names suggest close matches.

        A group's name ("hamstrings") is several muscles, not one: it raises
        :class:`~tpmap.errors.AmbiguousNameError` listing the members (:meth:`muscles_named` returns them).

        >>> import tpmap
        >>> tpmap.load_catalogue().muscle("hamstrings")
        Traceback (most recent call last):
        tpmap.errors.AmbiguousNameError: muscle 'hamstrings' is ambiguous; it could be: biceps_femoris, ...
        """
        if isinstance(name, str) and name not in self.muscles and normalise(name) not in self._muscle_names:
            group = self._group_names.get(normalise(name))
            if group is not None:
                raise AmbiguousNameError("muscle", name, self.groups[group].members)
        return _lookup(self.muscles, self._muscle_names, name, "muscle")

    def muscles_named(self, name: str) -> tuple[Muscle, ...]:
        """The muscles a name stands for: one for a muscle's id, name or alias, the members for a group's.

        >>> import tpmap
        >>> [m.id for m in tpmap.load_catalogue().muscles_named("quads")]
        ['rectus_femoris', 'vastus_medialis', 'vastus_lateralis', 'vastus_intermedius']
        """
        group = self._group_names.get(normalise(name)) if isinstance(name, str) else None
        if group is not None and name not in self.muscles and normalise(name) not in self._muscle_names:
            return tuple(self.muscles[m] for m in self.groups[group].members)
        return (self.muscle(name),)

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


def _overlay_origin(changes: object, plugins: object) -> tuple[tuple[Change, ...], tuple[str, ...]]:
    """The changes and plug-in names a catalogue is built with, checked before any work is done."""
    if isinstance(changes, str | bytes) or not isinstance(changes, Iterable):
        raise wrong_type("changes", "a list of Change records", changes)
    if isinstance(plugins, str | bytes) or not isinstance(plugins, Iterable):
        raise wrong_type("plugins", "a list of plug-in names", plugins)
    made, merged = tuple(changes), tuple(plugins)
    for change in made:
        if not isinstance(change, Change):
            raise wrong_type("changes", "a list of Change records", change)
    for name in merged:
        if not isinstance(name, str):
            raise wrong_type("plugins", "a list of plug-in names", name)
    return made, merged


def _name_index(entries: Iterable[tuple[str, tuple[str, ...]]]) -> Mapping[str, str]:
    """Normalised id, name and every other name of each entry, mapped to its id (first one wins)."""
    index: dict[str, str] = {}
    for ident, names in entries:
        for name in (ident, *names):
            index.setdefault(normalise(name), ident)
    return MappingProxyType(index)


def _lookup(table: Mapping[str, R], names: Mapping[str, str], name: str, kind: str) -> R:
    if not isinstance(name, str):
        raise wrong_type(kind, f"the {kind}'s id or name as a string", name)
    record = table.get(name)
    if record is not None:
        return record
    ident = names.get(normalise(name))
    if ident is not None:
        return table[ident]
    suggestions = dict.fromkeys(names[n] for n in close_matches(name, names))
    raise UnknownNameError(kind, name, list(suggestions))

"""The catalogue as tables: rows of muscles, zones and regions (and DataFrames of them), and a muscle's
HTML table for notebooks.

``Catalogue.to_dataframe("muscles" | "zones" | "regions")`` and ``Muscle._repr_html_`` call the functions
here. Rows are plain tuples in the order of the ``*_COLUMNS`` names; a field with several values is a tuple.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> rows = zone_rows(cat.muscles.values(), cat.regions)
>>> [row for row in rows if row[0] == "infraspinatus"][0][:5]
('infraspinatus', 'upper_medial', 'shoulder_joint', 'Shoulder joint', 'essential')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from .._extras import dataframe
from .._html import items, table
from ..errors import wrong_type
from .records import Muscle, Region

__all__ = ["MUSCLE_COLUMNS", "REGION_COLUMNS", "ZONE_COLUMNS", "Table", "muscle_html", "table_frame"]

Table = Literal["muscles", "zones", "regions"]
"""The tables of a catalogue."""

MUSCLE_COLUMNS = (
    "muscle",
    "name",
    "area",
    "aliases",
    "trigger_points",
    "essential",
    "spillover",
    "conditions",
    "movements",
    "aggravators",
    "nerves",
    "roots",
    "sources",
)
"""One row per muscle: its id, name, area and aliases, its trigger points' ids, the regions of their essential
and spillover zones (each once, in order), what it mimics, restricts and is aggravated by (ids), its nerves
and roots, and the ids of its sources."""

ZONE_COLUMNS = ("muscle", "trigger_point", "region", "region_name", "kind", "side")
"""One row per zone of each trigger point: ``kind`` is essential or spillover, ``side`` the side pattern
(``same``, ``both`` or ``opposite``)."""

REGION_COLUMNS = ("region", "name", "parent", "laterality", "views", "terms", "choir", "uberon")
"""One row per region, in catalogue order."""


def _each(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def muscle_rows(muscles: Iterable[Muscle]) -> tuple[tuple[Any, ...], ...]:
    """A row per muscle, in the order of :data:`MUSCLE_COLUMNS`."""
    return tuple(
        (
            m.id,
            m.name,
            m.area,
            m.aliases,
            tuple(tp.id for tp in m.trigger_points),
            _each(r for tp in m.trigger_points for r in tp.essential),
            _each(r for tp in m.trigger_points for r in tp.spillover),
            m.conditions,
            m.movements,
            m.aggravators,
            m.innervation.nerves if m.innervation else (),
            m.innervation.roots if m.innervation else (),
            _each(ref.source for ref in m.sources),
        )
        for m in muscles
    )


def zone_rows(muscles: Iterable[Muscle], regions: Mapping[str, Region]) -> tuple[tuple[Any, ...], ...]:
    """A row per zone of each trigger point of ``muscles``, in the order of :data:`ZONE_COLUMNS`."""
    return tuple(
        (m.id, tp.id, region, regions[region].name, kind, tp.side)
        for m in muscles
        for tp in m.trigger_points
        for kind, zone in (("essential", tp.essential), ("spillover", tp.spillover))
        for region in zone
    )


def region_rows(regions: Iterable[Region]) -> tuple[tuple[Any, ...], ...]:
    """A row per region, in the order of :data:`REGION_COLUMNS`."""
    return tuple((r.id, r.name, r.parent, r.laterality, r.views, r.terms, r.choir, r.uberon) for r in regions)


def table_frame(which: Table, muscles: Mapping[str, Muscle], regions: Mapping[str, Region]) -> Any:
    """The DataFrame of one table of a catalogue (its muscles and regions); needs the ``pandas`` extra.

    Raises:
        ArgumentTypeError: ``which`` is not one of ``muscles``, ``zones`` or ``regions``.
        MissingExtraError: pandas is not installed; the message gives the command that installs it.
    """
    if which == "muscles":
        return dataframe(MUSCLE_COLUMNS, muscle_rows(muscles.values()))
    if which == "zones":
        return dataframe(ZONE_COLUMNS, zone_rows(muscles.values(), regions))
    if which == "regions":
        return dataframe(REGION_COLUMNS, region_rows(regions.values()))
    raise wrong_type("table", "'muscles', 'zones' or 'regions'", which)


def muscle_html(muscle: Muscle) -> str:
    """A muscle as an HTML table of its trigger points (where each lies, its essential and spillover zones,
    sensations, side pattern), with what it mimics, restricts and is aggravated by below; every value escaped.

    >>> import tpmap
    >>> text = muscle_html(tpmap.load_catalogue().muscle("infraspinatus"))
    >>> text.splitlines()[1]
    '<caption>Infraspinatus (infraspinatus): shoulder upper arm</caption>'
    """
    rows = [
        (
            tp.id,
            f"{tp.location.region}: {tp.location.description}",
            ", ".join(tp.essential),
            ", ".join(tp.spillover) or "-",
            ", ".join(s.replace("_", " ") for s in tp.sensations) or "-",
            tp.side,
        )
        for tp in muscle.trigger_points
    ]
    caption = f"{muscle.name} ({muscle.id}): {muscle.area.replace('_', ' ')}"
    header = ("trigger point", "lies in", "essential zone", "spillover zone", "sensations", "side")
    facts = [
        f"{label}: {', '.join(values)}"
        for label, values in (
            ("also called", muscle.aliases),
            ("mimics", muscle.conditions),
            ("restricts", muscle.movements),
            ("worse with", muscle.aggravators),
            ("associated", muscle.associated),
            ("sources", _each(ref.source for ref in muscle.sources)),
        )
        if values
    ]
    return "\n".join(part for part in (table(header, rows, caption=caption), items(facts)) if part)

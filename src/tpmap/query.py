"""A pain report: where it hurts (and how), where it does not, and what else the person says.

Build one from plain words with :func:`build_query`, or from records directly. Every place and name is
resolved against a catalogue when the query is built, so a query always holds ids; how each phrase was
read is kept in ``Query.readings`` so a person can check it.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> q = build_query(cat, "outside of the elbow", side="right", sensations=["tingling"], absent=["shoulder"])
>>> q.sites[0].region, q.sites[0].side, q.sites[0].sensations, q.absent[0].region
('lateral_elbow', 'right', ('tingling',), 'shoulder')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .catalogue import Catalogue, normalise
from .errors import QueryError, UnknownNameError
from .lexicon import resolve, resolve_term
from .model import SENSATIONS, Sensation

__all__ = ["Absent", "Mode", "Query", "Side", "Site", "build_query"]

Side = Literal["left", "right"]
Mode = Literal["active", "latent"]
"""``active``: the pain comes on its own (spontaneous); ``latent``: it appears only when a spot is pressed."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Site(_Record):
    """One place that hurts. ``side`` None means not said (or a midline place)."""

    region: str
    side: Side | None = None
    sensations: tuple[Sensation, ...] = ()
    intensity: Annotated[int, Field(ge=0, le=10)] | None = None
    phrase: str | None = Field(default=None, description="What the person wrote, if it was free text.")


class Absent(_Record):
    """A place the person says does *not* hurt."""

    region: str
    side: Side | None = None
    phrase: str | None = None


class Query(_Record):
    """A whole pain report, with every name already resolved to catalogue ids."""

    sites: tuple[Site, ...] = ()
    absent: tuple[Absent, ...] = ()
    conditions: tuple[str, ...] = ()
    movements: tuple[str, ...] = ()
    aggravators: tuple[str, ...] = ()
    mode: Mode = "active"
    readings: tuple[str, ...] = Field(default=(), description="How free-text phrases were read.")

    def sides(self) -> tuple[Side, ...]:
        """The sides the report names, sorted; empty if it names none."""
        named = {s.side for s in self.sites if s.side} | {a.side for a in self.absent if a.side}
        return tuple(sorted(named))


def build_query(
    catalogue: Catalogue,
    *sites: str | Site,
    side: Side | None = None,
    sensations: Iterable[str] = (),
    intensity: int | None = None,
    absent: Iterable[str | Absent] = (),
    conditions: Iterable[str] = (),
    movements: Iterable[str] = (),
    aggravators: Iterable[str] = (),
    mode: Mode = "active",
) -> Query:
    """Resolve a report written in plain words (or ids) into a :class:`Query`.

    Args:
        catalogue: whose regions, conditions and vocabularies the names are resolved against.
        *sites: places that hurt: free text ("outside of the elbow"), region ids, or :class:`Site` records.
            A phrase that names a condition ("tennis elbow") is taken as a condition.
        side: the side for every site and absent place that does not name its own.
        sensations: sensations felt at every free-text site (tingling, numbness, burning …).
        intensity: 0–10, for every free-text site.
        absent: places that do not hurt.
        conditions: conditions the person has been told they have, or that are suspected.
        movements: movements that are restricted or painful (ids, names or the words people use).
        aggravators: what makes it worse (ids, names or the words people use).
        mode: ``"active"`` (pain comes on its own) or ``"latent"`` (only when pressed).

    Raises:
        UnknownNameError: a phrase or name matches nothing; the message lists close matches.
        AmbiguousNameError: a phrase has several readings; the message lists them.
        QueryError: the report is empty, or a side, sensation, intensity or mode is not valid.
    """
    if side not in (None, "left", "right"):
        raise QueryError(f"side must be 'left' or 'right', not {side!r}")
    if mode not in ("active", "latent"):
        raise QueryError(f"mode must be 'active' or 'latent', not {mode!r}")
    if intensity is not None and not (isinstance(intensity, int) and 0 <= intensity <= 10):
        raise QueryError(f"intensity must be a whole number from 0 to 10, not {intensity!r}")
    feelings = tuple(dict.fromkeys(_sensation(s) for s in sensations))
    readings: list[str] = []
    condition_ids = [catalogue.condition(name).id for name in conditions]

    resolved_sites: dict[tuple[str, Side | None], Site] = {}
    for item in sites:
        site = _site(catalogue, item, side, feelings, intensity, readings, condition_ids)
        if site is None:
            continue
        key = (site.region, site.side)
        if key in resolved_sites:  # the same place twice: one site with both sets of sensations
            earlier = resolved_sites[key]
            merged = tuple(dict.fromkeys((*earlier.sensations, *site.sensations)))
            site = earlier.model_copy(update={"sensations": merged})
        resolved_sites[key] = site

    resolved_absent: dict[tuple[str, Side | None], Absent] = {}
    for absent_item in absent:
        place = _absent(catalogue, absent_item, side, readings)
        resolved_absent.setdefault((place.region, place.side), place)
    for key, place in resolved_absent.items():
        for site in resolved_sites.values():
            if catalogue.is_within(site.region, place.region) and _same_side(site.side, place.side):
                raise QueryError(
                    f"{catalogue.regions[site.region].name!r} is reported as painful, but it lies inside "
                    f"{catalogue.regions[key[0]].name!r}, which is reported as not painful"
                )

    query = Query(
        sites=tuple(resolved_sites.values()),
        absent=tuple(resolved_absent.values()),
        conditions=tuple(dict.fromkeys(condition_ids)),
        movements=tuple(dict.fromkeys(resolve_term(catalogue.movements, m, "movement") for m in movements)),
        aggravators=tuple(
            dict.fromkeys(resolve_term(catalogue.aggravators, a, "aggravating factor") for a in aggravators)
        ),
        mode=mode,
        readings=tuple(readings),
    )
    if not (query.sites or query.conditions or query.movements or query.aggravators):
        raise QueryError("the report is empty: give at least one painful place, condition, movement or aggravator")
    return query


def _same_side(a: Side | None, b: Side | None) -> bool:
    return a is None or b is None or a == b


def _sensation(name: str) -> Sensation:
    word = normalise(name).replace(" ", "_")
    if word not in SENSATIONS:
        close = [s for s in SENSATIONS if s.startswith(word[:3])] if word else []
        raise UnknownNameError("sensation", name, close or SENSATIONS)
    return word  # type: ignore[return-value]


def _site(
    catalogue: Catalogue,
    item: str | Site,
    side: Side | None,
    sensations: tuple[Sensation, ...],
    intensity: int | None,
    readings: list[str],
    condition_ids: list[str],
) -> Site | None:
    if isinstance(item, Site):
        region = catalogue.region(item.region)
        return item.model_copy(update={"region": region.id, "side": _side_for(catalogue, region.id, item.side or side)})
    if item in catalogue.regions:
        return Site(region=item, side=_side_for(catalogue, item, side), sensations=sensations, intensity=intensity)
    reading = resolve(catalogue, item)
    if reading.kind == "condition":
        condition_ids.append(reading.target)
        readings.append(f"read {item!r} as the condition {catalogue.conditions[reading.target].name!r}")
        return None
    side_note = f", {reading.side} side" if reading.side else ""
    readings.append(
        f"read {item!r} as the region {catalogue.regions[reading.target].name!r} ({reading.target}{side_note})"
    )
    return Site(
        region=reading.target,
        side=_side_for(catalogue, reading.target, reading.side or side),
        sensations=sensations,
        intensity=intensity,
        phrase=item,
    )


def _absent(catalogue: Catalogue, item: str | Absent, side: Side | None, readings: list[str]) -> Absent:
    if isinstance(item, Absent):
        region = catalogue.region(item.region)
        return item.model_copy(update={"region": region.id, "side": _side_for(catalogue, region.id, item.side or side)})
    if item in catalogue.regions:
        return Absent(region=item, side=_side_for(catalogue, item, side))
    reading = resolve(catalogue, item)
    if reading.kind != "region":
        raise QueryError(f"{item!r} names a condition, not a place; an absent finding must be a place")
    readings.append(f"read 'no pain: {item}' as the region {catalogue.regions[reading.target].name!r}")
    return Absent(region=reading.target, side=_side_for(catalogue, reading.target, reading.side or side), phrase=item)


def _side_for(catalogue: Catalogue, region_id: str, side: Side | None) -> Side | None:
    """Midline regions have no side; paired ones keep the side they were given."""
    return None if catalogue.regions[region_id].laterality == "midline" else side

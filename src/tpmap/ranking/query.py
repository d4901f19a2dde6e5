"""A pain report: where it hurts (and how), where it does not, and what else the person says.

Build one from plain words with :func:`build_query`, or from records directly. Every place and name is
resolved against a catalogue when the query is built, so a query always holds ids; how each phrase was
read is kept in ``Query.readings`` so a person can check it. The report's fields are declared once, in
:class:`ReportFields`; :func:`build_query`, :func:`tpmap.rank` and the command line all take them.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> q = build_query(cat, "outside of the elbow", side="right", sensations=["tingling"], absent=["shoulder"])
>>> q.sites[0].region, q.sites[0].side, q.sites[0].sensations, q.absent[0].region
('lateral_elbow', 'right', ('tingling',), 'shoulder')
>>> build_query(cat, Site(region="back of my head")).sites[0].region   # a Site may name its place in words
'occiput'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Literal, TypedDict, Unpack

from pydantic import BaseModel, ConfigDict, Field

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import SENSATIONS, Sensation, Side
from ..catalogue.text import close_matches, normalise
from ..errors import ArgumentTypeError, QueryError, UnknownNameError, wrong_type
from .lexicon import resolve, resolve_term

__all__ = ["Absent", "Mode", "Query", "ReportFields", "Site", "build_query"]

Mode = Literal["active", "latent"]
"""``active``: the pain comes on its own (spontaneous); ``latent``: it appears only when a spot is pressed."""


class ReportFields(TypedDict, total=False):
    """The fields of a pain report besides its painful places, as keyword arguments.

    Declared once here; :func:`build_query`, :func:`tpmap.rank` and the command line take exactly these.
    """

    side: Side | None
    """The side for every place that does not name its own."""
    sensations: Iterable[str]
    """Sensations felt at every free-text site (tingling, numbness, burning …)."""
    intensity: int | None
    """0–10, for every free-text site."""
    absent: Iterable[str | Absent]
    """Places that do not hurt."""
    conditions: Iterable[str]
    """Conditions the person has been told they have, or that are suspected."""
    movements: Iterable[str]
    """Movements that are restricted or painful (ids, names or the words people use)."""
    aggravators: Iterable[str]
    """What makes it worse (ids, names or the words people use)."""
    mode: Mode
    """``"active"`` (pain comes on its own) or ``"latent"`` (only when pressed)."""


REPORT_FIELDS: tuple[str, ...] = tuple(ReportFields.__annotations__)


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


def build_query(catalogue: Catalogue, *sites: str | Site, **report: Unpack[ReportFields]) -> Query:
    """Resolve a report written in plain words (or ids) into a :class:`Query`.

    Args:
        catalogue: whose regions, conditions and vocabularies the names are resolved against.
        *sites: places that hurt: free text ("outside of the elbow"), region ids, or :class:`Site` records
            (whose ``region`` may also be written in words). A phrase that names a condition ("tennis elbow")
            is taken as a condition.
        **report: the other fields of the report, :class:`ReportFields`: ``side``, ``sensations``,
            ``intensity``, ``absent``, ``conditions``, ``movements``, ``aggravators`` and ``mode``.

    Raises:
        UnknownNameError: a phrase or name matches nothing; the message lists close matches.
        AmbiguousNameError: a phrase has several readings; the message lists them.
        QueryError: the report is empty, or a side, sensation, intensity or mode is not valid.
        ArgumentTypeError: an argument has the wrong type, or a keyword is not a report field.
    """
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    for name in report:
        if name not in REPORT_FIELDS:
            hint = close_matches(name, REPORT_FIELDS, limit=1)
            raise ArgumentTypeError(
                name,
                f"unexpected keyword argument {name!r}"
                + (f"; did you mean {hint[0]!r}?" if hint else f"; the report fields are {', '.join(REPORT_FIELDS)}"),
            )
    side = report.get("side")
    mode = report.get("mode", "active")
    intensity = report.get("intensity")
    if side is not None and not isinstance(side, str):
        raise wrong_type("side", "'left', 'right' or None", side)
    if side not in (None, "left", "right"):
        raise QueryError(f"side must be 'left' or 'right', not {side!r}")
    if not isinstance(mode, str):
        raise wrong_type("mode", "'active' or 'latent'", mode)
    if mode not in ("active", "latent"):
        raise QueryError(f"mode must be 'active' or 'latent', not {mode!r}")
    if intensity is not None and (isinstance(intensity, bool) or not isinstance(intensity, int)):
        raise wrong_type("intensity", "a whole number from 0 to 10, or None", intensity)
    if intensity is not None and not 0 <= intensity <= 10:
        raise QueryError(f"intensity must be a whole number from 0 to 10, not {intensity!r}")
    for index, item in enumerate(sites):
        if not isinstance(item, str | Site):
            raise wrong_type(f"sites[{index}]", "a string or a Site", item)
    sensations = _strings(report.get("sensations", ()), "sensations")
    absent = _strings(report.get("absent", ()), "absent", Absent)
    conditions = _strings(report.get("conditions", ()), "conditions")
    movements = _strings(report.get("movements", ()), "movements")
    aggravators = _strings(report.get("aggravators", ()), "aggravators")

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


def _strings(value: object, argument: str, record: type[Absent] | None = None) -> tuple[str, ...]:
    """A list argument's items, checked: a list of strings (or of ``record``), never a lone string."""
    expected = "a list of strings" + (f" or {record.__name__} records" if record else "")
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise wrong_type(argument, expected, value)
    items = tuple(value)
    for index, item in enumerate(items):
        if not (isinstance(item, str) or (record is not None and isinstance(item, record))):
            raise wrong_type(f"{argument}[{index}]", "a string" + (f" or {record.__name__}" if record else ""), item)
    return items


def _same_side(a: Side | None, b: Side | None) -> bool:
    return a is None or b is None or a == b


def _sensation(name: str) -> Sensation:
    word = normalise(name).replace(" ", "_")
    if word not in SENSATIONS:
        raise UnknownNameError("sensation", name, close_matches(word, SENSATIONS, cutoff=0.5) or SENSATIONS)
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
    phrase = item.region if isinstance(item, Site) else item
    if phrase in catalogue.regions:
        region, named_side = phrase, None
    else:
        reading = resolve(catalogue, phrase)
        if reading.kind == "condition":
            if isinstance(item, Site):
                raise QueryError(f"{phrase!r} names a condition, not a place; give it as a condition")
            condition_ids.append(reading.target)
            readings.append(f"read {phrase!r} as the condition {catalogue.conditions[reading.target].name!r}")
            return None
        region, named_side = reading.target, reading.side
        side_note = f", {named_side} side" if named_side else ""
        readings.append(f"read {phrase!r} as the region {catalogue.regions[region].name!r} ({region}{side_note})")
    if isinstance(item, Site):
        return item.model_copy(
            update={"region": region, "side": _side_for(catalogue, region, item.side or named_side or side)}
        )
    return Site(
        region=region,
        side=_side_for(catalogue, region, named_side or side),
        sensations=sensations,
        intensity=intensity,
        phrase=None if named_side is None and phrase == region else phrase,
    )


def _absent(catalogue: Catalogue, item: str | Absent, side: Side | None, readings: list[str]) -> Absent:
    phrase = item.region if isinstance(item, Absent) else item
    if phrase in catalogue.regions:
        region, named_side = phrase, None
    else:
        reading = resolve(catalogue, phrase)
        if reading.kind != "region":
            raise QueryError(f"{phrase!r} names a condition, not a place; an absent finding must be a place")
        region, named_side = reading.target, reading.side
        readings.append(f"read 'no pain: {phrase}' as the region {catalogue.regions[region].name!r}")
    if isinstance(item, Absent):
        return item.model_copy(
            update={"region": region, "side": _side_for(catalogue, region, item.side or named_side or side)}
        )
    return Absent(
        region=region,
        side=_side_for(catalogue, region, named_side or side),
        phrase=None if phrase == region else phrase,
    )


def _side_for(catalogue: Catalogue, region_id: str, side: Side | None) -> Side | None:
    """Midline regions have no side; paired ones keep the side they were given."""
    return None if catalogue.regions[region_id].laterality == "midline" else side

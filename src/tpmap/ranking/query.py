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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict, TypeVar, Unpack

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import SENSATIONS, Sensation, Side
from ..catalogue.text import close_matches, normalise
from ..errors import AmbiguousNameError, ArgumentTypeError, QueryError, UnknownNameError, shown, wrong_type
from .lexicon import resolve, resolve_term
from .reader import Reading, read_report, sensation_named

__all__ = ["Absent", "Mode", "Query", "ReportFields", "Site", "Spot", "build_query"]

Mode = Literal["active", "latent"]
"""``active``: the pain comes on its own (spontaneous); ``latent``: it appears only when a spot is pressed."""


class ReportFields(TypedDict, total=False):
    """The fields of a pain report besides its painful places, as keyword arguments.

    Declared once here; :func:`build_query`, :func:`tpmap.rank` and the command line take exactly these.
    """

    side: Side | None
    """The side for every place that does not name its own; in a description it beats the side the reader would
    infer from other places (a place whose words name another side keeps it, with a note)."""
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
    all_flags: bool
    """Show every "Rule out first" note that fits the report, not only the most relevant three."""
    strict: bool
    """Refuse a description that can be read more than one way (:class:`~tpmap.errors.AmbiguousNameError`),
    instead of choosing the best reading and saying so in a note."""
    tender: Iterable[str]
    """Places where pressing finds a tender spot that reproduces the pain (examination)."""
    not_tender: Iterable[str]
    """Places pressed during examination that were not tender."""
    ruled_out: Iterable[str]
    """Conditions that have been checked and ruled out: not evidence for them (see ``docs/reasoning.md``)."""


REPORT_FIELDS: tuple[str, ...] = tuple(ReportFields.__annotations__)


class _Record(BaseModel):
    """A report record: frozen, strict, and built with a :class:`~tpmap.QueryError` naming each bad field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    if not TYPE_CHECKING:  # type checkers keep the fields' own constructor signature

        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(part) for part in error['loc']) or 'record'}: {error['msg']} "
                    f"(got {shown(error['input'])})"
                    for error in exc.errors(include_url=False)
                )
                raise QueryError(f"invalid {type(self).__name__}: {problems}") from None


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


class Spot(_Record):
    """A place pressed during examination (tender or not)."""

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
    all_flags: bool = Field(default=False, description="Show every fitting red flag, not only the first three.")
    readings: tuple[str, ...] = Field(default=(), description="How free-text phrases were read.")
    tender: tuple[Spot, ...] = Field(default=(), description="Tender spots that reproduce the pain.")
    not_tender: tuple[Spot, ...] = Field(default=(), description="Places pressed and not tender.")
    ruled_out: tuple[str, ...] = Field(default=(), description="Conditions checked and ruled out.")
    descriptions: tuple[Reading, ...] = Field(
        default=(), description="Each free-text description as read, with the spans of its findings."
    )

    def sides(self) -> tuple[Side, ...]:
        """The sides the report names, sorted; empty if it names none."""
        named = {s.side for s in self.sites if s.side} | {a.side for a in self.absent if a.side}
        return tuple(sorted(named))


def build_query(catalogue: Catalogue, *sites: str | Site, **report: Unpack[ReportFields]) -> Query:
    """Resolve a report written in plain words (or ids) into a :class:`Query`.

    Args:
        catalogue: whose regions, conditions and vocabularies the names are resolved against.
        *sites: places that hurt: region ids, :class:`Site` records (whose ``region`` may also be written in
            words; the report's sensations and intensity apply to them too), or whole descriptions in plain
            words ("numb and tingling little finger, worse when I grip, not in my wrist"). A description is read
            by :func:`tpmap.read_report`: what it says (places, places that do not hurt, sensations, conditions
            named or ruled out, movements, aggravators, intensity) joins the report, and the reading, with the
            spans of its words, is kept in ``Query.descriptions``.
        **report: the other fields of the report, :class:`ReportFields`: ``side``, ``sensations``,
            ``intensity``, ``absent``, ``conditions``, ``movements``, ``aggravators``, ``mode``, ``all_flags``,
            ``strict``, ``tender``, ``not_tender`` and ``ruled_out``.

    Raises:
        UnknownNameError: a phrase or name matches nothing; the message lists close matches.
        AmbiguousNameError: a phrase has several readings, or (with ``strict=True``) a description was read one
            way of several; the message lists them.
        QueryError: the report is empty; a side, sensation, intensity or mode is not valid; a place given as a
            place names a condition; or the report contradicts itself (a painful place inside one reported not
            painful, a tender spot inside one reported not tender, a condition both named and ruled out).
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
    all_flags = report.get("all_flags", False)
    if not isinstance(all_flags, bool):
        raise wrong_type("all_flags", "True or False", all_flags)
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

    strict = report.get("strict", False)
    if not isinstance(strict, bool):
        raise wrong_type("strict", "True or False", strict)
    tender = _strings(report.get("tender", ()), "tender")
    not_tender = _strings(report.get("not_tender", ()), "not_tender")
    ruled_out = _strings(report.get("ruled_out", ()), "ruled_out")

    feelings = tuple(dict.fromkeys(_sensation(s) for s in sensations))
    readings: list[str] = []
    condition_ids = [catalogue.condition(name).id for name in conditions]
    ruled_out_ids = [catalogue.condition(name).id for name in ruled_out]

    # Whole descriptions are read first; what they say joins the report's other fields.
    described: list[Reading] = []
    items: list[str | Site] = []
    absent_items: list[str | Absent] = list(absent)
    for item in sites:
        if isinstance(item, str) and item not in catalogue.regions:
            reading = read_report(catalogue, item, side=side)
            if strict and reading.ambiguous:
                raise AmbiguousNameError("description", item, reading.ambiguous)
            described.append(reading)
            found = _described(catalogue, reading, feelings, intensity, readings)
            items += found.sites
            absent_items += found.absent
            condition_ids += found.conditions
            ruled_out_ids += found.ruled_out
            movements += found.movements
            aggravators += found.aggravators
        else:
            items.append(item)

    both = [c for c in dict.fromkeys(condition_ids) if c in ruled_out_ids]
    if both:  # within one description "… ruled out" wins, with a note; across fields it is a contradiction
        raise QueryError(
            f"{catalogue.conditions[both[0]].name!r} is named as a condition, but it is also reported as ruled out: "
            "give it as one or the other"
        )

    resolved_sites: dict[tuple[str, Side | None], Site] = {}
    for item in items:
        site = _with_report(_locate(catalogue, item, Site, side, readings), feelings, intensity, readings)
        key = (site.region, site.side)
        if key in resolved_sites:  # the same place twice: one site with both sets of sensations
            earlier = resolved_sites[key]
            merged = tuple(dict.fromkeys((*earlier.sensations, *site.sensations)))
            site = earlier.model_copy(update={"sensations": merged})
        resolved_sites[key] = site

    resolved_absent: dict[tuple[str, Side | None], Absent] = {}
    for absent_item in absent_items:
        place = _locate(catalogue, absent_item, Absent, side, readings)
        resolved_absent.setdefault((place.region, place.side), place)
    _refuse_overlap(catalogue, resolved_sites.values(), resolved_absent.values(), ("painful", "not painful"))
    tender_spots, untender_spots = (
        tuple(dict.fromkeys(_locate(catalogue, p, Spot, side, readings) for p in spots))
        for spots in (tender, not_tender)
    )
    _refuse_overlap(catalogue, tender_spots, untender_spots, ("tender when pressed", "not tender when pressed"))

    query = Query(
        sites=tuple(resolved_sites.values()),
        absent=tuple(resolved_absent.values()),
        conditions=tuple(dict.fromkeys(condition_ids)),
        movements=tuple(dict.fromkeys(resolve_term(catalogue.movements, m, "movement") for m in movements)),
        aggravators=tuple(
            dict.fromkeys(resolve_term(catalogue.aggravators, a, "aggravating factor") for a in aggravators)
        ),
        mode=mode,
        all_flags=all_flags,
        readings=tuple(readings),
        tender=tender_spots,
        not_tender=untender_spots,
        ruled_out=tuple(dict.fromkeys(ruled_out_ids)),
        descriptions=tuple(described),
    )
    if not (query.sites or query.conditions or query.movements or query.aggravators or query.tender):
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
    found = sensation_named(name)  # an id or a lay word ("pins and needles")
    if found is None:
        word = normalise(name).replace(" ", "_")
        raise UnknownNameError("sensation", name, close_matches(word, SENSATIONS, cutoff=0.5) or SENSATIONS)
    return found


@dataclass
class _Found:
    sites: list[Site] = field(default_factory=list)
    absent: list[Absent] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    ruled_out: list[str] = field(default_factory=list)
    movements: tuple[str, ...] = ()
    aggravators: tuple[str, ...] = ()


def _described(
    catalogue: Catalogue,
    reading: Reading,
    feelings: tuple[Sensation, ...],
    intensity: int | None,
    notes: list[str],
) -> _Found:
    """What a description read as, as report fields (ids), with a note on how each part was read."""
    found = _Found()
    strength = intensity if intensity is not None else (int(reading.intensity.subject) if reading.intensity else None)
    if intensity is not None and reading.intensity is not None and int(reading.intensity.subject) != intensity:
        notes.append(f"the intensity given ({intensity}/10) is used, not the {reading.intensity.words!r} of the text")
    for place in reading.places:
        name = catalogue.regions[place.region].name
        for side in _sides(place.side):
            found.sites.append(
                Site(
                    region=place.region,
                    side=side,
                    sensations=tuple(dict.fromkeys((*place.sensations, *feelings))),
                    intensity=strength,
                    phrase=place.words,
                )
            )
        side_note = f", {_side_words(place.side)}" if place.side else ""
        notes.append(f"read {place.words!r} as the region {name!r} ({place.region}{side_note})")
    for place in reading.absent:
        found.absent += [Absent(region=place.region, side=side, phrase=place.words) for side in _sides(place.side)]
        notes.append(f"read 'no pain: {place.words}' as the region {catalogue.regions[place.region].name!r}")
    for condition in reading.conditions:
        found.conditions.append(condition.subject)
        how = " (suspected)" if condition.status == "suspected" else ""
        notes.append(f"read {condition.words!r} as the condition {catalogue.conditions[condition.subject].name!r}{how}")
    for condition in reading.ruled_out:
        found.ruled_out.append(condition.subject)
        notes.append(f"read {condition.words!r} as ruled out: {catalogue.conditions[condition.subject].name!r}")
    found.movements = tuple(m.subject for m in reading.movements)
    found.aggravators = tuple(a.subject for a in reading.aggravators)
    notes += reading.notes
    if reading.unused:
        notes.append("not used: " + ", ".join(repr(u.words) for u in reading.unused))
    return found


def _sides(side: str | None) -> tuple[Side | None, ...]:
    """The sides a read side stands for. A place on both sides is one place on either side: a candidate is a
    muscle on one side, and two sited places would let a midline zone count twice where a paired zone counts
    once, and would count every one-sided pattern against the other side (the model has no bilateral
    candidate; see ``docs/reasoning.md``)."""
    return (None,) if side == "both" else (side,)  # type: ignore[return-value]


_Place = TypeVar("_Place", Site, Absent, Spot)


def _locate(
    catalogue: Catalogue, item: str | _Place, record: type[_Place], side: Side | None, readings: list[str]
) -> _Place:
    """The one place resolver: a region id, one place in words, or a record whose ``region`` may be in words,
    as a ``record`` (a painful site, an absent place or a pressed spot) with its side.

    A side the phrase names ("left wrist") or the record holds beats ``side``, the report's; a clash gets a note.
    """
    phrase = item if isinstance(item, str) else item.region
    what = {Site: "a painful place", Absent: "a place that does not hurt", Spot: "a place pressed"}[record]
    named: Side | None = None
    if phrase in catalogue.regions:
        region = phrase
    else:
        reading = resolve(catalogue, phrase)
        if reading.kind != "region":
            raise QueryError(f"{phrase!r} names a condition, not a place; {what} must be a place")
        region, named = reading.target, reading.side
        side_note = f", {_side_words(named)}" if named else ""
        how = "" if record is Site else ("'no pain: " if record is Absent else "'pressed: ")
        words = f"{how}{phrase}'" if how else repr(phrase)
        readings.append(f"read {words} as the region {catalogue.regions[region].name!r} ({region}{side_note})")
    own = named if isinstance(item, str) else item.side or named
    if named is not None and side is not None and named != side and catalogue.regions[region].laterality != "midline":
        readings.append(
            f"{phrase!r} names the {_side_words(own)}; the side given for the report ({side}) is not used for it"
        )
    chosen = _side_for(catalogue, region, own or side)
    if isinstance(item, str):
        return record(region=region, side=chosen, phrase=None if phrase == region else phrase)
    return item.model_copy(update={"region": region, "side": chosen})


def _side_words(side: str | None) -> str:
    """A side in words: "left side", "both sides"."""
    return "both sides" if side == "both" else f"{side} side"


def _with_report(site: Site, sensations: tuple[Sensation, ...], intensity: int | None, readings: list[str]) -> Site:
    """A site with the report's sensations and intensity, which hold for every place the report names."""
    strength = site.intensity if site.intensity is not None else intensity
    if site.intensity is not None and intensity is not None and site.intensity != intensity:
        readings.append(
            f"{site.region!r} has its own intensity ({site.intensity}/10): the report's ({intensity}/10) is not "
            "used there"
        )
    felt = tuple(dict.fromkeys((*site.sensations, *sensations)))
    return site.model_copy(update={"sensations": felt, "intensity": strength})


def _refuse_overlap(
    catalogue: Catalogue,
    found: Iterable[Site | Spot],
    denied: Iterable[Absent | Spot],
    how: tuple[str, str],
) -> None:
    """Refuse a report that says a place is so and that a place containing it is not."""
    for place in denied:
        for item in found:
            if catalogue.is_within(item.region, place.region) and _same_side(item.side, place.side):
                inside = (
                    "is"
                    if item.region == place.region
                    else f"lies inside {catalogue.regions[place.region].name!r}, which is"
                )
                raise QueryError(
                    f"{catalogue.regions[item.region].name!r} is reported as {how[0]}, but it {inside} "
                    f"reported as {how[1]}"
                )


def _side_for(catalogue: Catalogue, region_id: str, side: Side | None) -> Side | None:
    """Midline regions have no side; paired ones keep the side they were given."""
    return None if catalogue.regions[region_id].laterality == "midline" else side

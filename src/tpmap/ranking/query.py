"""A pain report: where it hurts (and how), where it does not, and what else the person says.

Build one from plain words with :func:`build_query`, or from records directly. Every place and name is
resolved against a catalogue when the query is built, so a query always holds ids; how each phrase was
read is kept in ``Query.readings`` so a person can check it. The report's fields are declared once, in
:class:`ReportFields`; :func:`build_query`, :func:`tpmap.rank` and the command line all take them.

Building a query is quick enough to do for every report of a registry: user input is checked once, the words a
catalogue's reports repeat are read once per catalogue, and the records built from checked values and
catalogue ids are not validated a second time.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> q = build_query(cat, "outside of the elbow", side="right", sensations=["tingling"], absent=["shoulder"])
>>> q.sites[0].region, q.sites[0].side, q.sites[0].sensations, q.absent[0].region
('lateral_elbow', 'right', ('tingling',), 'shoulder')
>>> build_query(cat, Site(region="back of my head")).sites[0].region   # a Site may name its place in words
'occiput'
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, TypedDict, TypeVar, Unpack, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..catalogue.catalogue import Catalogue, kept_with
from ..catalogue.records import SENSATIONS, Sensation, Side
from ..catalogue.text import close_matches, normalise
from ..errors import AmbiguousNameError, ArgumentTypeError, QueryError, TpmapError, UnknownNameError, shown, wrong_type
from .choir import CHOIR_MAPS, ChoirMap, choir_code_in, choir_codes, choir_places
from .lexicon import Named, Resolution, resolve, resolve_term
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
    choir: Iterable[int | str] | str
    """CHOIR body-map codes of the segments that hurt (``[112, 205]``, or ``"112,205"`` as CHOIR exports write
    them): each is read as the regions drawn in its segment, on its side (a place may also be written
    ``"choir:112"``). See ``docs/howto/batch.md``."""
    choir_map: ChoirMap
    """Which figure numbers the CHOIR codes: ``"male"`` (the default, the numbering of the published code
    table) or ``"female"`` (whose segments 112–117 are numbered differently)."""


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
        named: set[Side | None] = {s.side for s in self.sites}
        if self.absent:
            named.update([a.side for a in self.absent])
        named.discard(None)
        return tuple(sorted(cast(set[Side], named)))


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
    return _build_query(catalogue, sites, report)


def _build_query(
    catalogue: Catalogue, sites: tuple[str | Site, ...], report: ReportFields, *, lean: bool = True
) -> Query:
    """:func:`build_query` itself. ``lean=False`` validates every record it builds and remembers nothing: the
    straightforward path, which the tests compare with the lean one (``tests/test_batch.py``)."""
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
        if not isinstance(item, (str, Site)):  # a tuple: checked faster than a union
            raise wrong_type(f"sites[{index}]", "a string or a Site", item)
    # A field not given is empty: most reports give few, and each check costs a call.
    sensations = _strings(report["sensations"], "sensations") if "sensations" in report else ()
    absent = _strings(report["absent"], "absent", Absent) if "absent" in report else ()
    conditions = _strings(report["conditions"], "conditions") if "conditions" in report else ()
    movements = _strings(report["movements"], "movements") if "movements" in report else ()
    aggravators = _strings(report["aggravators"], "aggravators") if "aggravators" in report else ()

    strict = report.get("strict", False)
    if not isinstance(strict, bool):
        raise wrong_type("strict", "True or False", strict)
    tender = _strings(report["tender"], "tender") if "tender" in report else ()
    not_tender = _strings(report["not_tender"], "not_tender") if "not_tender" in report else ()
    ruled_out = _strings(report["ruled_out"], "ruled_out") if "ruled_out" in report else ()

    make: _Maker = _made if lean else _validated
    memo = _memo(catalogue) if lean else None
    feelings = tuple(dict.fromkeys(_sensation(s) for s in sensations)) if sensations else ()
    readings: list[str] = []
    choir_map = report.get("choir_map", "male")
    if not isinstance(choir_map, str) or choir_map not in CHOIR_MAPS:
        raise QueryError(f"choir_map must be 'male' or 'female', not {shown(choir_map)}")
    coded = (
        _choir_sites(catalogue, report["choir"], None, choir_map, side, readings, make, memo)
        if "choir" in report
        else []
    )
    condition_ids = [catalogue.condition(name).id for name in conditions] if conditions else []
    ruled_out_ids = [catalogue.condition(name).id for name in ruled_out] if ruled_out else []

    # Whole descriptions are read first; what they say joins the report's other fields.
    described: list[Reading] = []
    items: list[str | Site] = list(coded)
    absent_items: list[str | Absent] = list(absent)
    regions = catalogue.regions
    for item in sites:
        if isinstance(item, str) and item in regions:  # the common case first (an id never holds a CHOIR code)
            items.append(item)
            continue
        code = choir_code_in(item if isinstance(item, str) else item.region)
        if code is not None:  # a CHOIR code is its segment's places, on its side
            found_sites = _choir_sites(
                catalogue, code, None if isinstance(item, str) else item, choir_map, side, readings, make, memo
            )
            coded += found_sites
            items += found_sites
        elif isinstance(item, str):
            found = _description(catalogue, item, side, feelings, intensity, make, memo)
            if strict and found.reading.ambiguous:
                raise AmbiguousNameError("description", item, found.reading.ambiguous)
            described.append(found.reading)
            readings += found.notes
            items += found.sites
            absent_items += found.absent
            condition_ids += found.conditions
            ruled_out_ids += found.ruled_out
            movements += found.movements
            aggravators += found.aggravators
        else:
            items.append(item)

    both = [c for c in dict.fromkeys(condition_ids) if c in ruled_out_ids] if ruled_out_ids else []
    if both:  # within one description "… ruled out" wins, with a note; across fields it is a contradiction
        raise QueryError(
            f"{catalogue.conditions[both[0]].name!r} is named as a condition, but it is also reported as ruled out: "
            "give it as one or the other"
        )

    resolved_sites: dict[tuple[str, Side | None], Site] = {}
    for item in _both_sides(catalogue, items, coded, readings, make):
        site = _site(catalogue, item, feelings, intensity, side, readings, make, memo)
        key = (site.region, site.side)
        if key in resolved_sites:  # the same place twice: one site with both sets of sensations
            earlier = resolved_sites[key]
            merged = tuple(dict.fromkeys((*earlier.sensations, *site.sensations)))
            site = make(
                Site,
                region=earlier.region,
                side=earlier.side,
                sensations=merged,
                intensity=earlier.intensity,
                phrase=earlier.phrase,
            )
        resolved_sites[key] = site

    resolved_absent: dict[tuple[str, Side | None], Absent] = {}
    for absent_item in absent_items:
        place = _place(catalogue, absent_item, Absent, side, readings, make, memo)
        resolved_absent.setdefault((place.region, place.side), place)
    _refuse_overlap(catalogue, resolved_sites.values(), resolved_absent.values(), ("painful", "not painful"))
    tender_spots, untender_spots = (
        (
            tuple(dict.fromkeys(_place(catalogue, p, Spot, side, readings, make, memo) for p in spots)) if spots else ()
            for spots in (tender, not_tender)
        )
        if tender or not_tender
        else ((), ())
    )
    _refuse_overlap(catalogue, tender_spots, untender_spots, ("tender when pressed", "not tender when pressed"))

    query = make(
        Query,
        sites=tuple(resolved_sites.values()),
        absent=tuple(resolved_absent.values()),
        conditions=tuple(dict.fromkeys(condition_ids)),
        movements=_terms(catalogue.movements, movements, "movement"),
        aggravators=_terms(catalogue.aggravators, aggravators, "aggravating factor"),
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


# ------------------------------------------------------------------------------------- building records

_R = TypeVar("_R", bound=_Record)


class _Maker(Protocol):
    """How a query's records are built: :func:`_made` (the lean path) or :func:`_validated`."""

    def __call__(self, record: type[_R], /, **values: Any) -> _R: ...


def _validated(record: type[_R], /, **values: Any) -> _R:
    """A record built the ordinary way, every value validated."""
    return record(**values)


_set_attribute = object.__setattr__


def _made(record: type[_R], /, **values: Any) -> _R:
    """A record built from values that are valid by construction, without validating them again.

    Safe because :func:`build_query` produces every value itself, from input it has checked or from the
    catalogue: region ids taken from ``catalogue.regions``, sides checked to be ``"left"``, ``"right"`` or None,
    sensations read by ``sensation_named``, an intensity checked to be a whole number from 0 to 10, a mode
    checked, condition, movement and aggravator ids found in the catalogue, tuples of records built the same way.
    Validating them again was most of the time of a query of region ids. This sets what pydantic's
    ``model_construct`` sets for a frozen model without extras or private attributes; ``model_construct``
    itself fills in defaults field by field and costs more than validating. Every field must be given, in the
    order the record declares them: the tests build random queries both ways and compare them.
    """
    made = object.__new__(record)
    _set_attribute(made, "__dict__", values)
    _set_attribute(made, "__pydantic_fields_set__", set(values))
    _set_attribute(made, "__pydantic_extra__", None)
    _set_attribute(made, "__pydantic_private__", None)
    return made


# ------------------------------------------------------------------------------------- remembered readings

_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass
class _Memo:
    """What one catalogue's queries read again and again: a batch, or a user interface re-ranking at every
    click, gives the same words many times. A reading is frozen and depends only on the catalogue (immutable),
    the words and the side; so does an error, which is kept as well (and raised as a new copy each time)."""

    descriptions: dict[tuple[str, Side | None], Reading | TpmapError] = field(default_factory=dict)
    """Whole descriptions, as :func:`read_report` read them, by their words and the report's side."""
    found: dict[tuple[str, Side | None, tuple[Sensation, ...], int | None], _Found | TpmapError] = field(
        default_factory=dict
    )
    """What each description says as report fields, by its words and the report's side, sensations and intensity."""
    places: dict[str, Resolution | TpmapError] = field(default_factory=dict)
    """One place in words (``Site(region="back of my head")``, a place that does not hurt …), as
    :func:`~tpmap.ranking.lexicon.resolve` read it."""
    codes: dict[tuple[int, ChoirMap, Side | None], tuple[tuple[Site, ...], tuple[str, ...]] | TpmapError] = field(
        default_factory=dict
    )
    """A CHOIR code given alone, by the code, the map and the report's side: its sites and the notes on them."""
    sites: dict[tuple[str, Side | None, tuple[Sensation, ...], int | None], Site | TpmapError] = field(
        default_factory=dict
    )
    """A painful place given as a region id, by the id and the report's side, sensations and intensity (all
    that makes its site; a record is frozen, so queries can share it)."""


_KEPT = 4096
"""Readings kept per table and catalogue; a full table starts again (a registry repeats a few thousand drawings,
not millions)."""


def _memo(catalogue: Catalogue) -> _Memo:
    return kept_with(catalogue, "query memo", _new_memo)


def _new_memo(_: Catalogue) -> _Memo:
    return _Memo()


def _kept(table: dict[_K, _V | TpmapError], key: _K, read: Callable[[], _V]) -> _V:
    """``table[key]``, or what ``read`` gives, kept in ``table``; an error is kept too, and a copy of it raised
    each time (the same words fail the same way, and finding suggestions for them takes milliseconds)."""
    found = table.get(key)
    if found is None:
        try:
            found = read()
        except TpmapError as error:
            found = error.with_traceback(None)
        if len(table) >= _KEPT:
            table.clear()
        table[key] = found
    if isinstance(found, TpmapError):
        raise copy.copy(found)
    return found


def _read(catalogue: Catalogue, text: str, side: Side | None, memo: _Memo | None) -> Reading:
    """:func:`read_report`, remembered in ``memo`` (None: read afresh)."""
    if memo is None:
        return read_report(catalogue, text, side=side)
    return _kept(memo.descriptions, (text, side), lambda: read_report(catalogue, text, side=side))


def _resolved(catalogue: Catalogue, phrase: str, memo: _Memo | None) -> Resolution:
    """:func:`~tpmap.ranking.lexicon.resolve`, remembered in ``memo`` (None: read afresh)."""
    if memo is None:
        return resolve(catalogue, phrase)
    return _kept(memo.places, phrase, lambda: resolve(catalogue, phrase))


def _strings(value: object, argument: str, record: type[Absent] | None = None) -> tuple[str, ...]:
    """A list argument's items, checked: a list of strings (or of ``record``), never a lone string."""
    if (value.__class__ is not tuple and value.__class__ is not list) and (  # these two need no slow ABC checks
        isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable)
    ):
        raise wrong_type(argument, "a list of strings" + (f" or {record.__name__} records" if record else ""), value)
    items = tuple(value)
    for index, item in enumerate(items):
        if not (isinstance(item, str) or (record is not None and isinstance(item, record))):
            raise wrong_type(f"{argument}[{index}]", "a string" + (f" or {record.__name__}" if record else ""), item)
    return items


def _choir_sites(
    catalogue: Catalogue,
    codes: object,
    record: Site | None,
    choir_map: ChoirMap,
    side: Side | None,
    readings: list[str],
    make: _Maker,
    memo: _Memo | None,
) -> list[Site]:
    """The painful places CHOIR ``codes`` stand for, each on its segment's side, with a note on how each code
    was read; ``record`` (a ``Site(region="choir:112", ...)``) gives its sensations and intensity to them all."""
    sites: list[Site] = []
    for code in choir_codes(codes):
        if record is None and memo is not None:  # a code alone: its places and notes depend only on these, so kept
            read = partial(_choir_code, catalogue, code, None, choir_map, side, make)
            found, notes = _kept(memo.codes, (code, choir_map, side), read)
        else:
            found, notes = _choir_code(catalogue, code, record, choir_map, side, make)
        sites += found
        readings += notes
    return sites


def _choir_code(
    catalogue: Catalogue, code: int, record: Site | None, choir_map: ChoirMap, side: Side | None, make: _Maker
) -> tuple[tuple[Site, ...], tuple[str, ...]]:
    """The painful places one CHOIR code stands for (see :func:`_choir_sites`), and the notes on its reading."""
    places = choir_places(catalogue, (code,), choir_map=choir_map)
    segment_side = places[0].side or next((p.side for p in places if p.side), None)
    if record is not None and record.side is not None and segment_side not in (None, record.side):
        raise QueryError(f"{record.region!r} is on the {segment_side} side, but the Site says {record.side}")
    names = ", ".join(repr(catalogue.regions[p.region].name) for p in places)
    where = f", {_side_words(segment_side)}" if segment_side else ""
    notes = [f"read {places[0].describe(choir_map)} as {names}{where}"]
    if side is not None and segment_side is not None and side != segment_side:
        notes.append(
            f"CHOIR {code} is on the {segment_side} side; the side given for the report ({side}) is not used for it"
        )
    phrase = f"choir:{code}"
    felt, strength = ((), None) if record is None else (record.sensations, record.intensity)
    if record is not None and record.phrase:
        phrase = record.phrase
    sites = tuple(
        make(Site, region=p.region, side=p.side, sensations=felt, intensity=strength, phrase=phrase) for p in places
    )
    return sites, tuple(notes)


def _both_sides(
    catalogue: Catalogue, items: list[str | Site], coded: list[Site], readings: list[str], make: _Maker
) -> list[str | Site]:
    """``items`` with the places that CHOIR codes name on both sides made one place on either side, where the
    first of them was, with the sensations of both: as a place said to hurt on both sides is read (see
    ``_sides``), so that its zones are not counted twice."""
    if not coded:
        return items
    sides: dict[str, set[Side | None]] = {}
    for site in coded:
        sides.setdefault(site.region, set()).add(site.side)
    both = {region for region, found in sides.items() if {"left", "right"} <= found}
    if not both:
        return items
    ids = {id(site) for site in coded}
    felt: dict[str, tuple[Sensation, ...]] = {}
    for site in coded:
        if site.region in both:
            felt[site.region] = tuple(dict.fromkeys((*felt.get(site.region, ()), *site.sensations)))
    kept: list[str | Site] = []
    for item in items:
        if isinstance(item, Site) and id(item) in ids and item.region in both:
            if item.region in felt:  # the first of the region's sites stands for all of them
                kept.append(
                    make(
                        Site,
                        region=item.region,
                        side=None,
                        sensations=felt.pop(item.region),
                        intensity=item.intensity,
                        phrase=item.phrase,
                    )
                )
                name = catalogue.regions[item.region].name
                readings.append(f"CHOIR codes name {name!r} on both sides: one place, on either side")
            continue
        kept.append(item)
    return kept


def _terms(table: Mapping[str, Named], names: tuple[str, ...], kind: str) -> tuple[str, ...]:
    """The ids of movements or aggravators named by their ids, names or the words people use, each once."""
    return tuple(dict.fromkeys(resolve_term(table, name, kind) for name in names)) if names else ()


def _same_side(a: Side | None, b: Side | None) -> bool:
    return a is None or b is None or a == b


def _sensation(name: str) -> Sensation:
    found = sensation_named(name)  # an id or a lay word ("pins and needles")
    if found is None:
        word = normalise(name).replace(" ", "_")
        raise UnknownNameError("sensation", name, close_matches(word, SENSATIONS, cutoff=0.5) or SENSATIONS)
    return found


@dataclass(frozen=True)
class _Found:
    """What a description says, as report fields (ids and records), and the notes on how it was read."""

    reading: Reading
    sites: tuple[Site, ...]
    absent: tuple[Absent, ...]
    conditions: tuple[str, ...]
    ruled_out: tuple[str, ...]
    movements: tuple[str, ...]
    aggravators: tuple[str, ...]
    notes: tuple[str, ...]


def _description(
    catalogue: Catalogue,
    text: str,
    side: Side | None,
    feelings: tuple[Sensation, ...],
    intensity: int | None,
    make: _Maker,
    memo: _Memo | None,
) -> _Found:
    """A description read (:func:`read_report`) as report fields, remembered in ``memo`` (None: read afresh)."""
    if memo is None:
        return _described(catalogue, read_report(catalogue, text, side=side), feelings, intensity, make)
    return _kept(
        memo.found,
        (text, side, feelings, intensity),
        lambda: _described(catalogue, _read(catalogue, text, side, memo), feelings, intensity, make),
    )


def _described(
    catalogue: Catalogue, reading: Reading, feelings: tuple[Sensation, ...], intensity: int | None, make: _Maker
) -> _Found:
    """What a description read as, as report fields (ids), with a note on how each part was read."""
    sites: list[Site] = []
    absent: list[Absent] = []
    notes: list[str] = []
    strength = intensity if intensity is not None else (int(reading.intensity.subject) if reading.intensity else None)
    if intensity is not None and reading.intensity is not None and int(reading.intensity.subject) != intensity:
        notes.append(f"the intensity given ({intensity}/10) is used, not the {reading.intensity.words!r} of the text")
    for place in reading.places:
        name = catalogue.regions[place.region].name
        felt = tuple(dict.fromkeys((*place.sensations, *feelings)))
        for side in _sides(place.side):
            sites.append(
                make(Site, region=place.region, side=side, sensations=felt, intensity=strength, phrase=place.words)
            )
        side_note = f", {_side_words(place.side)}" if place.side else ""
        notes.append(f"read {place.words!r} as the region {name!r} ({place.region}{side_note})")
    for place in reading.absent:
        absent += [make(Absent, region=place.region, side=side, phrase=place.words) for side in _sides(place.side)]
        notes.append(f"read 'no pain: {place.words}' as the region {catalogue.regions[place.region].name!r}")
    for condition in reading.conditions:
        how = " (suspected)" if condition.status == "suspected" else ""
        notes.append(f"read {condition.words!r} as the condition {catalogue.conditions[condition.subject].name!r}{how}")
    for condition in reading.ruled_out:
        notes.append(f"read {condition.words!r} as ruled out: {catalogue.conditions[condition.subject].name!r}")
    notes += reading.notes
    if reading.unused:
        notes.append("not used: " + ", ".join(repr(u.words) for u in reading.unused))
    return _Found(
        reading=reading,
        sites=tuple(sites),
        absent=tuple(absent),
        conditions=tuple(c.subject for c in reading.conditions),
        ruled_out=tuple(c.subject for c in reading.ruled_out),
        movements=tuple(m.subject for m in reading.movements),
        aggravators=tuple(a.subject for a in reading.aggravators),
        notes=tuple(notes),
    )


def _sides(side: str | None) -> tuple[Side | None, ...]:
    """The sides a read side stands for. A place on both sides is one place on either side: a candidate is a
    muscle on one side, and two sited places would let a midline zone count twice where a paired zone counts
    once, and would count every one-sided pattern against the other side (the model has no bilateral
    candidate; see ``docs/reasoning.md``)."""
    return (None,) if side == "both" else (side,)  # type: ignore[return-value]


_Place = TypeVar("_Place", Site, Absent, Spot)


def _locate(
    catalogue: Catalogue,
    item: str | Site | Absent | Spot,
    record: type[Site | Absent | Spot],
    side: Side | None,
    readings: list[str],
    memo: _Memo | None,
) -> tuple[str, Side | None]:
    """The one place resolver: a region id, one place in words, or a record whose ``region`` may be in words,
    as the region id and side of a ``record`` (a painful site, an absent place or a pressed spot).

    A side the phrase names ("left wrist") or the record holds beats ``side``, the report's; a clash gets a note.
    """
    phrase = item if isinstance(item, str) else item.region
    named: Side | None = None
    if phrase in catalogue.regions:
        region = phrase
    else:
        what = {Site: "a painful place", Absent: "a place that does not hurt", Spot: "a place pressed"}[record]
        if choir_code_in(phrase) is not None:  # "no pain in segment 115" would also deny the back of the forearm
            raise QueryError(f"{phrase!r}: a CHOIR code is taken only as a painful place, not as {what}")
        reading = _resolved(catalogue, phrase, memo)
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
    return region, _side_for(catalogue, region, own or side)


def _place(
    catalogue: Catalogue,
    item: str | _Place,
    record: type[_Place],
    side: Side | None,
    readings: list[str],
    make: _Maker,
    memo: _Memo | None,
) -> _Place:
    """A place that does not hurt, or a pressed spot, located (:func:`_locate`) as a ``record``."""
    region, chosen = _locate(catalogue, item, record, side, readings, memo)
    phrase = (None if item == region else item) if isinstance(item, str) else item.phrase
    return make(record, region=region, side=chosen, phrase=phrase)


def _site(
    catalogue: Catalogue,
    item: str | Site,
    sensations: tuple[Sensation, ...],
    intensity: int | None,
    side: Side | None,
    readings: list[str],
    make: _Maker,
    memo: _Memo | None,
) -> Site:
    """A painful place located (:func:`_locate`), with the report's sensations and intensity, which hold for
    every place the report names."""
    if isinstance(item, str) and memo is not None:  # a region id (nothing to note): kept
        read = partial(_site, catalogue, item, sensations, intensity, side, [], make, None)
        return _kept(memo.sites, (item, side, sensations, intensity), read)
    region, chosen = _locate(catalogue, item, Site, side, readings, memo)
    if isinstance(item, str):
        phrase = None if item == region else item
        return make(Site, region=region, side=chosen, sensations=sensations, intensity=intensity, phrase=phrase)
    strength = item.intensity if item.intensity is not None else intensity
    if item.intensity is not None and intensity is not None and item.intensity != intensity:
        readings.append(
            f"{region!r} has its own intensity ({item.intensity}/10): the report's ({intensity}/10) is not used there"
        )
    felt = tuple(dict.fromkeys((*item.sensations, *sensations))) if sensations else item.sensations
    if region == item.region and chosen == item.side and felt == item.sensations and strength == item.intensity:
        return item  # nothing changes: a record is frozen, so the query can hold this one
    return make(Site, region=region, side=chosen, sensations=felt, intensity=strength, phrase=item.phrase)


def _side_words(side: str | None) -> str:
    """A side in words: "left side", "both sides"."""
    return "both sides" if side == "both" else f"{side} side"


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

"""The catalogue's records: what a catalogue file may say, checked field by field.

Records are frozen pydantic models that forbid unknown fields and hold tuples, never lists. They carry
ids, not links: a :class:`~tpmap.Catalogue` checks that every id points at a record and turns the links into
look-up tables (and, when asked, a networkx graph).

>>> tp = TriggerPoint(id="upper", location=Location(region="infrascapular", description="below the spine"),
...                   essential=("anterior_shoulder",))
>>> tp.side, tp.spillover
('same', ())
>>> TriggerPoint(id="Upper", location=tp.location, essential=())  # doctest: +ELLIPSIS
Traceback (most recent call last):
pydantic_core._pydantic_core.ValidationError: 2 validation errors for TriggerPoint
...
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_serializer, field_validator

__all__ = [
    "AREAS",
    "CATALOGUE_SCHEMA_ID",
    "EDIT_TARGETS",
    "SENSATIONS",
    "URGENCIES",
    "Aggravator",
    "Area",
    "CatalogueFile",
    "Condition",
    "Edit",
    "EditTarget",
    "GuideEntry",
    "GuideZone",
    "Innervation",
    "Location",
    "Movement",
    "Muscle",
    "MuscleGroup",
    "PainGuide",
    "Position",
    "PrevalenceStudy",
    "Region",
    "Sensation",
    "Side",
    "SidePattern",
    "Source",
    "SourceRef",
    "TriggerPoint",
    "Urgency",
    "View",
    "Xrefs",
    "ZoneKind",
    "catalogue_schema",
]

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
Term = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]

View = Literal["front", "back"]
Laterality = Literal["paired", "midline"]
ZoneKind = Literal["essential", "spillover"]
SidePattern = Literal["same", "both", "opposite"]
Side = Literal["left", "right"]
"""A side of the body, as the patient has it."""
Sensation = Literal[
    "tingling",
    "numbness",
    "burning",
    "itching",
    "electric",
    "coldness",
    "tearing",
    "reddening",
    "blurred_vision",
    "runny_nose",
    "dizziness",
    "imbalance",
    "tinnitus",
    "ear_fullness",
    "nausea",
    "sweating",
    "goosebumps",
]
Area = Literal[
    "head_face", "neck", "shoulder_upper_arm", "forearm_hand", "trunk", "pelvis_hip", "thigh_knee", "leg_foot"
]
SENSATIONS: tuple[str, ...] = get_args(Sensation)
AREAS: tuple[str, ...] = get_args(Area)

Urgency = Literal["emergency", "same_day", "soon"]
"""How soon a red flag's condition must be ruled out: emergency care now, assessment the same day, or
assessment before the muscles are treated."""
URGENCIES: tuple[Urgency, ...] = get_args(Urgency)
"""The urgencies, most urgent first."""

ChoirCode = Annotated[int, Field(ge=101, le=238)]


def referred_sides(pattern: SidePattern, side: Side | None) -> frozenset[Side]:
    """The sides on which a trigger point on ``side`` refers, given its pattern (None: either side).

    >>> sorted(referred_sides("opposite", "left")), sorted(referred_sides("same", None))
    (['right'], ['left', 'right'])
    """
    if side is None or pattern == "both":
        return frozenset(("left", "right"))
    if pattern == "opposite":
        return frozenset(("right",)) if side == "left" else frozenset(("left",))
    return frozenset((side,))


class Record(BaseModel):
    """Base of every record: frozen, and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


SourceKind = Literal["book", "journal", "web"]
CranialNerve = Literal["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class Source(Record):
    """A published work or public page that catalogue entries cite."""

    id: Id = Field(description="Unique id that entries cite the source by.")
    citation: Text = Field(description="The full citation: authors, title, edition, publisher or journal, year.")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = Field(
        default=None, description="A link to the work or page (http or https), if it has one."
    )
    kind: SourceKind = Field(
        default="web",
        description="book (a reference text), journal (a peer-reviewed article) or web (a public page).",
    )


class SourceRef(Record):
    """A citation on an entry: which source, and where in it."""

    source: Id = Field(description="The id of a source in the sources section.")
    locator: Text | None = Field(default=None, description="Where in the source: a chapter, page, figure or section.")


class Region(Record):
    """An area of the body, in a part-of tree rooted at ``body``."""

    id: Id = Field(description="Unique id of the region.")
    name: Text = Field(description="The region's name in plain words, as shown in results.")
    parent: Id | None = Field(
        default=None, description="The region that contains this one; only the root (body) has none."
    )
    laterality: Laterality = Field(
        default="paired", description="paired (a left and a right one) or midline (one, across the middle of the body)."
    )
    views: tuple[View, ...] = Field(default=(), description="The body-chart views it is drawn in: front, back or both.")
    terms: tuple[Term, ...] = Field(
        default=(), description='Other words people use for it, read in reports ("outer elbow").'
    )
    adjacent: tuple[Id, ...] = Field(
        default=(), description="Regions next to it; a zone next to a painful place counts as weak evidence."
    )
    choir: tuple[ChoirCode, ...] = Field(default=(), description="Its codes on the CHOIR body map (101-238).")
    choir_none: Text | None = Field(default=None, description="Why a drawn region has no CHOIR code.")
    uberon: Annotated[str, StringConstraints(pattern=r"^UBERON:\d{7}$")] | None = Field(
        default=None, description="Its UBERON anatomy ontology id."
    )


class Location(Record):
    """Where a trigger point lies: a region and a short description in our own words."""

    region: Id = Field(description="The region the trigger point lies in.")
    description: Text = Field(description="Where in that region, in a short phrase of our own words.")


Fraction = Annotated[float, Field(ge=0, le=1)]


class Position(Record):
    """Where a trigger point lies inside its region, as its description puts it, for drawing it there.

    Both numbers are fractions of the region's extent, in the anatomical position (palms forward):
    ``across`` runs from the edge nearest the body's midline (0) to the outer edge (1), so one position serves
    the left and the right side (for a midline region, from the midline out to the edge on the muscle's side);
    ``along`` runs from the upper end (0; on a limb the end nearer the trunk) to the lower end (1). The middle is
    ``0.5, 0.5``. ``view`` names the view to mark it in when its region is drawn in both and the description
    says which face it is on ("back of the thigh").
    """

    across: Fraction = Field(description="0 at the edge nearest the body's midline, 1 at the outer edge.")
    along: Fraction = Field(description="0 at the upper (proximal) end, 1 at the lower (distal) end.")
    view: View | None = Field(default=None, description="The one view to mark it in (default: every view).")


class TriggerPoint(Record):
    """One trigger point (or a cluster the references treat as one) and its referral pattern."""

    id: Id = Field(description="Id of the trigger point, unique within its muscle.")
    name: Text | None = Field(
        default=None, description='A short name ("TP1 below the spine of the shoulder blade"); the id is shown if none.'
    )
    location: Location = Field(description="Where the trigger point lies.")
    position: Position | None = Field(
        default=None,
        description="Where it lies inside its location's region, read from the description (default: the middle).",
    )
    essential: tuple[Id, ...] = Field(min_length=1, description="Regions of the essential (solid) zone.")
    spillover: tuple[Id, ...] = Field(default=(), description="Regions of the spillover (stippled) zone.")
    sensations: tuple[Sensation, ...] = Field(default=(), description="Referred sensations besides pain.")
    side: SidePattern = Field(default="same", description="Which side the pattern appears on.")
    notes: Text | None = Field(default=None, description="Anything else about the pattern, in our own words.")


class Innervation(Record):
    """The nerve(s) that supply a muscle, and where they leave the central nervous system.

    ``roots`` are spinal roots (C1–S5); ``cranial_nerves`` are cranial nerves by Roman numeral. A face muscle
    has cranial nerves and no roots; the trapezius has both (XI and C3, C4).
    """

    nerves: tuple[Term, ...] = Field(default=(), description="The nerves that supply the muscle, by name.")
    roots: tuple[Annotated[str, StringConstraints(pattern=r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5])$")], ...] = Field(
        default=(), description="The spinal roots, C1 to S5 (e.g. [C5, C6])."
    )
    cranial_nerves: tuple[CranialNerve, ...] = Field(default=(), description="Cranial nerves, e.g. [V] or [XI].")


class Xrefs(Record):
    """Identifiers of the muscle in public anatomy ontologies."""

    uberon: Annotated[str, StringConstraints(pattern=r"^UBERON:\d{7}$")] | None = Field(
        default=None, description="The muscle's UBERON id (UBERON:0001477)."
    )
    fma: Annotated[str, StringConstraints(pattern=r"^FMA:\d+$")] | None = Field(
        default=None, description="The muscle's Foundational Model of Anatomy id (FMA:32546)."
    )


class Muscle(Record):
    """A muscle, its trigger points, and what its referral is known to mimic, restrict and worsen with."""

    id: Id = Field(description="Unique id of the muscle.")
    name: Text = Field(description="The muscle's name, as shown in results.")
    aliases: tuple[Term, ...] = Field(
        default=(), description='Other names people use for it ("SCM"), read in look-ups.'
    )
    area: Area = Field(description="The body area it belongs to, for grouping in listings.")
    innervation: Innervation | None = Field(default=None, description="The nerves and roots that supply it.")
    trigger_points: tuple[TriggerPoint, ...] = Field(
        min_length=1, description="Its trigger points and their referral patterns."
    )
    conditions: tuple[Id, ...] = Field(default=(), description="Conditions its referral pattern can mimic, by id.")
    movements: tuple[Id, ...] = Field(default=(), description="Movements its trigger points restrict, by id.")
    aggravators: tuple[Id, ...] = Field(
        default=(), description="What aggravates or perpetuates its trigger points, by id."
    )
    associated: tuple[Id, ...] = Field(
        default=(), description="Muscles that develop satellite trigger points with it or work with it, by id."
    )
    xrefs: Xrefs | None = Field(default=None, description="Its ids in public anatomy ontologies.")
    sources: tuple[SourceRef, ...] = Field(min_length=1, description="Where its facts come from; at least one.")
    notes: Text | None = Field(
        default=None, description="Anything else, such as where the references disagree, in our own words."
    )

    def _repr_html_(self) -> str:
        """Jupyter shows a muscle as a table of its trigger points (see ``catalogue.tables``)."""
        from .tables import muscle_html  # noqa: PLC0415 - the table view consumes records

        return muscle_html(self)


class Condition(Record):
    """A condition that trigger-point referral can mimic."""

    id: Id = Field(description="Unique id of the condition.")
    name: Text = Field(description="The condition's name, as shown in results.")
    aliases: tuple[Term, ...] = Field(
        default=(), description='Other names people use for it ("tennis elbow"), read in reports.'
    )
    red_flag: Text | None = Field(default=None, description="What to rule out first, if it can be serious.")
    urgency: Urgency | None = Field(
        default=None,
        description="How soon the red flag must be ruled out: 'emergency' (emergency care now), 'same_day' "
        "(assessment the same day) or 'soon' (assessment before the muscles are treated). Red flags that fit a "
        "report are shown most urgent first; a red flag without an urgency is sorted with 'soon'.",
    )
    red_flag_places: tuple[Id, ...] = Field(
        default=(),
        description="Regions where the red flag matters: a report with a place inside or around one raises it.",
    )
    red_flag_sensations: tuple[Sensation, ...] = Field(
        default=(),
        description="Sensations that raise the red flag wherever they are felt (dizziness for a stroke warning), "
        "for a warning that belongs to a symptom rather than a place.",
    )
    sources: tuple[SourceRef, ...] = Field(default=(), description="Where the red flag and its places come from.")


class Movement(Record):
    """A movement that a trigger point can restrict, in the words people use."""

    id: Id = Field(description="Unique id of the movement.")
    name: Text = Field(description="The movement in plain words, as shown in results.")
    terms: tuple[Term, ...] = Field(
        default=(), description='Other words people use for it ("reach behind my back"), read in reports.'
    )


class Aggravator(Record):
    """Something that aggravates or perpetuates trigger points."""

    id: Id = Field(description="Unique id of the aggravating factor.")
    name: Text = Field(description="The factor in plain words, as shown in results.")
    terms: tuple[Term, ...] = Field(
        default=(), description='Other words people use for it ("worse in the cold"), read in reports.'
    )


GuideZone = Literal["essential", "spillover", "unmarked"]
"""How a pain guide marks a muscle: an essential or spillover pattern there, or no mark."""


class GuideEntry(Record):
    """One muscle of a pain guide, with how the reference marks it."""

    muscle: Id = Field(description="The muscle's id.")
    zone: GuideZone = Field(default="unmarked", description="essential, spillover, or unmarked by the reference.")
    with_previous: bool = Field(
        default=False,
        description="True when the reference does not order this muscle against the one before it ('X and Y are "
        "the most common'): the two are ranked together, as one step of the list.",
    )


class PainGuide(Record):
    """The muscles a reference lists for pain in one area, most frequent cause first."""

    id: Id = Field(description="Unique id: <region>_<source short name>.")
    region: Id = Field(description="The pain area the guide is for.")
    muscles: tuple[GuideEntry, ...] = Field(min_length=1, description="In the reference's order, most frequent first.")
    sources: tuple[SourceRef, ...] = Field(
        min_length=1, description="The reference the list comes from, and where in it."
    )
    notes: Text | None = Field(
        default=None, description="Muscles of the reference left out and why, and how names were matched."
    )


Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A share of patients, from 0 to 1."""


class PrevalenceStudy(Record):
    """A study of one condition: the share of its patients with trigger points in each muscle examined.

    A muscle the study did not examine is unknown, never 0; ``active`` and ``latent`` hold only the shares the
    study reports (a muscle examined with no share given is unknown too).

    >>> study = PrevalenceStudy(id="demo", condition="neck_pain", sources=[{"source": "x"}], n=10,
    ...                         examined=["trapezius"], active={"trapezius": 0.8})
    >>> study.active["trapezius"], dict(study.latent)
    (0.8, {})
    """

    id: Id = Field(description="Unique id of the study.")
    condition: Id = Field(description="The condition studied, by id.")
    sources: tuple[SourceRef, ...] = Field(min_length=1, description="The study, and where in it.")
    n: Annotated[int, Field(ge=1, description="Patients with the condition.")]
    examined: tuple[Id, ...] = Field(min_length=1, description="Every muscle the study examined.")
    active: Mapping[Id, Share] = Field(
        default_factory=dict,
        validate_default=True,
        description="Share of patients with an active trigger point, by muscle (0 to 1).",
    )
    latent: Mapping[Id, Share] = Field(
        default_factory=dict,
        validate_default=True,
        description="Share of patients with a latent trigger point, by muscle (0 to 1).",
    )
    notes: Text | None = Field(default=None, description="How the study's figures were recorded.")

    @field_validator("active", "latent", mode="after")
    @classmethod
    def _read_only(cls, shares: Mapping[str, float]) -> Mapping[str, float]:
        return MappingProxyType(dict(shares))  # a frozen record's table must not change either

    @field_serializer("active", "latent")
    def _plain(self, shares: Mapping[str, float]) -> dict[str, float]:
        return dict(shares)

    def __hash__(self) -> int:
        return hash((self.id, self.condition, self.n, self.examined, *self.active.items(), *self.latent.items()))

    def __getstate__(self) -> dict[Any, Any]:
        # A read-only table cannot be pickled: it travels as a plain dict and is made read-only again on arrival.
        state = super().__getstate__()
        state["__dict__"] = {**state["__dict__"], "active": dict(self.active), "latent": dict(self.latent)}
        return state

    def __setstate__(self, state: dict[Any, Any]) -> None:
        values = state["__dict__"]
        state = {**state, "__dict__": {**values, **{k: MappingProxyType(values[k]) for k in ("active", "latent")}}}
        super().__setstate__(state)


class MuscleGroup(Record):
    """Muscles that people and the references name together ("the hamstrings", "the rotator cuff")."""

    id: Id = Field(description="Unique id of the group.")
    name: Text = Field(description='The group\'s name ("Hamstrings").')
    aliases: tuple[Term, ...] = Field(default=(), description='Other names people use for it ("hammies").')
    members: tuple[Id, ...] = Field(min_length=2, description="The muscles of the group, by id.")
    sources: tuple[SourceRef, ...] = Field(min_length=1, description="Where the grouping comes from.")


EditTarget = Literal[
    "source", "region", "condition", "movement", "aggravator", "muscle", "pain_guide", "prevalence", "group"
]
"""The key that names an edit's entry: one entry of the section of that name (``muscle`` for ``muscles``)."""
EDIT_TARGETS: tuple[EditTarget, ...] = get_args(EditTarget)


class Edit(Record):
    """A change to one entry already in the catalogue that keeps every field it does not name.

    One key names the entry (``muscle: infraspinatus``; with ``trigger_point`` too, one trigger point of the
    muscle); ``add`` appends items to its list fields (trigger points, zones, aliases, conditions, sources …)
    and ``set`` gives fields a new value. The edited entry is checked like any other.
    """

    source: Id | None = Field(default=None, description="Edit the source with this id.")
    region: Id | None = Field(default=None, description="Edit the region with this id.")
    condition: Id | None = Field(default=None, description="Edit the condition with this id.")
    movement: Id | None = Field(default=None, description="Edit the movement with this id.")
    aggravator: Id | None = Field(default=None, description="Edit the aggravating factor with this id.")
    muscle: Id | None = Field(default=None, description="Edit the muscle with this id.")
    pain_guide: Id | None = Field(default=None, description="Edit the pain guide with this id.")
    prevalence: Id | None = Field(default=None, description="Edit the prevalence study with this id.")
    group: Id | None = Field(default=None, description="Edit the muscle group with this id.")
    trigger_point: Id | None = Field(default=None, description="With muscle: edit this trigger point of the muscle.")
    add: Mapping[str, tuple[Any, ...]] = Field(
        default_factory=dict,
        validate_default=True,
        description="Items to append to list fields, by field name: trigger_points, essential, spillover, aliases, "
        "terms, conditions, sources …; an item already in the list is a problem.",
    )
    set: Mapping[str, Any] = Field(
        default_factory=dict,
        validate_default=True,
        description="Fields to replace, by name, keeping every other field of the entry (not its id).",
    )
    sources: tuple[SourceRef, ...] = Field(
        default=(),
        description="Where the change comes from, added to the entry's sources (a trigger point's: its muscle's). "
        "An edit that changes more than names and notes must cite one.",
    )
    notes: Text | None = Field(default=None, description="Why the entry is changed.")

    @field_validator("add", "set", mode="after")
    @classmethod
    def _read_only(cls, table: Mapping[str, Any]) -> Mapping[str, Any]:
        return MappingProxyType(dict(table))

    @field_serializer("add", "set")
    def _plain(self, table: Mapping[str, Any]) -> dict[str, Any]:
        return dict(table)


class CatalogueFile(Record):
    """One catalogue file. Every section is optional; a catalogue is the union of its files."""

    sources: tuple[Source, ...] = Field(default=(), description="The works and pages that entries cite.")
    regions: tuple[Region, ...] = Field(default=(), description="Areas of the body, in one part-of tree.")
    conditions: tuple[Condition, ...] = Field(default=(), description="Conditions that referral patterns mimic.")
    movements: tuple[Movement, ...] = Field(default=(), description="Movements that trigger points restrict.")
    aggravators: tuple[Aggravator, ...] = Field(default=(), description="What aggravates trigger points.")
    muscles: tuple[Muscle, ...] = Field(default=(), description="Muscles, their trigger points and patterns.")
    pain_guides: tuple[PainGuide, ...] = Field(
        default=(), description="Per pain area, the muscles a reference lists, most frequent first."
    )
    prevalence: tuple[PrevalenceStudy, ...] = Field(
        default=(), description="Per study, the share of a condition's patients with trigger points in each muscle."
    )
    groups: tuple[MuscleGroup, ...] = Field(default=(), description="Muscles named together (the hamstrings).")
    edits: tuple[Edit, ...] = Field(
        default=(), description="Changes to entries already in the catalogue that keep the fields they do not name."
    )


CATALOGUE_SCHEMA_ID = "https://tpmap.readthedocs.io/en/latest/_static/schema/catalogue-1.schema.json"
"""The ``$id`` of the catalogue file's JSON Schema (one per major version of the file format)."""


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a catalogue file, as ``tpmap schema`` prints it and editors read it.

    >>> schema = catalogue_schema()
    >>> schema["$id"] == CATALOGUE_SCHEMA_ID, sorted(schema["properties"])[:3]
    (True, ['aggravators', 'conditions', 'edits'])
    """
    schema = CatalogueFile.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": CATALOGUE_SCHEMA_ID,
        **schema,
        "title": "tpmap catalogue file",
    }

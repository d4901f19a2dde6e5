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
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_serializer, field_validator

__all__ = [
    "AREAS",
    "SENSATIONS",
    "URGENCIES",
    "Aggravator",
    "Area",
    "CatalogueFile",
    "Condition",
    "GuideEntry",
    "GuideZone",
    "Innervation",
    "Location",
    "Movement",
    "Muscle",
    "MuscleGroup",
    "PainGuide",
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

    model_config = ConfigDict(frozen=True, extra="forbid")


SourceKind = Literal["book", "journal", "web"]
CranialNerve = Literal["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class Source(Record):
    """A published work or public page that catalogue entries cite."""

    id: Id
    citation: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    kind: SourceKind = Field(
        default="web",
        description="book (a reference text), journal (a peer-reviewed article) or web (a public page).",
    )


class SourceRef(Record):
    """A citation on an entry: which source, and where in it."""

    source: Id
    locator: Text | None = None


class Region(Record):
    """An area of the body, in a part-of tree rooted at ``body``."""

    id: Id
    name: Text
    parent: Id | None = None
    laterality: Laterality = "paired"
    views: tuple[View, ...] = ()
    terms: tuple[Term, ...] = ()
    adjacent: tuple[Id, ...] = ()
    choir: tuple[ChoirCode, ...] = ()
    choir_none: Text | None = Field(default=None, description="Why a drawn region has no CHOIR code.")
    uberon: Annotated[str, StringConstraints(pattern=r"^UBERON:\d{7}$")] | None = None


class Location(Record):
    """Where a trigger point lies: a region and a short description in our own words."""

    region: Id
    description: Text


class TriggerPoint(Record):
    """One trigger point (or a cluster the references treat as one) and its referral pattern."""

    id: Id
    name: Text | None = None
    location: Location
    essential: tuple[Id, ...] = Field(min_length=1, description="Regions of the essential (solid) zone.")
    spillover: tuple[Id, ...] = Field(default=(), description="Regions of the spillover (stippled) zone.")
    sensations: tuple[Sensation, ...] = Field(default=(), description="Referred sensations besides pain.")
    side: SidePattern = Field(default="same", description="Which side the pattern appears on.")
    notes: Text | None = None


class Innervation(Record):
    """The nerve(s) that supply a muscle, and where they leave the central nervous system.

    ``roots`` are spinal roots (C1–S5); ``cranial_nerves`` are cranial nerves by Roman numeral. A face muscle
    has cranial nerves and no roots; the trapezius has both (XI and C3, C4).
    """

    nerves: tuple[Term, ...] = ()
    roots: tuple[Annotated[str, StringConstraints(pattern=r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5])$")], ...] = ()
    cranial_nerves: tuple[CranialNerve, ...] = Field(default=(), description="Cranial nerves, e.g. [V] or [XI].")


class Xrefs(Record):
    """Identifiers of the muscle in public anatomy ontologies."""

    uberon: Annotated[str, StringConstraints(pattern=r"^UBERON:\d{7}$")] | None = None
    fma: Annotated[str, StringConstraints(pattern=r"^FMA:\d+$")] | None = None


class Muscle(Record):
    """A muscle, its trigger points, and what its referral is known to mimic, restrict and worsen with."""

    id: Id
    name: Text
    aliases: tuple[Term, ...] = ()
    area: Area
    innervation: Innervation | None = None
    trigger_points: tuple[TriggerPoint, ...] = Field(min_length=1)
    conditions: tuple[Id, ...] = ()
    movements: tuple[Id, ...] = ()
    aggravators: tuple[Id, ...] = ()
    associated: tuple[Id, ...] = ()
    xrefs: Xrefs | None = None
    sources: tuple[SourceRef, ...] = Field(min_length=1)
    notes: Text | None = None


class Condition(Record):
    """A condition that trigger-point referral can mimic."""

    id: Id
    name: Text
    aliases: tuple[Term, ...] = ()
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

    id: Id
    name: Text
    terms: tuple[Term, ...] = ()


class Aggravator(Record):
    """Something that aggravates or perpetuates trigger points."""

    id: Id
    name: Text
    terms: tuple[Term, ...] = ()


GuideZone = Literal["essential", "spillover", "unmarked"]
"""How a pain guide marks a muscle: an essential or spillover pattern there, or no mark."""


class GuideEntry(Record):
    """One muscle of a pain guide, with how the reference marks it."""

    muscle: Id
    zone: GuideZone = Field(default="unmarked", description="essential, spillover, or unmarked by the reference.")


class PainGuide(Record):
    """The muscles a reference lists for pain in one area, most frequent cause first."""

    id: Id = Field(description="Unique id: <region>_<source short name>.")
    region: Id
    muscles: tuple[GuideEntry, ...] = Field(min_length=1, description="In the reference's order, most frequent first.")
    sources: tuple[SourceRef, ...] = Field(min_length=1)
    notes: Text | None = None


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

    id: Id
    condition: Id
    sources: tuple[SourceRef, ...] = Field(min_length=1)
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
    notes: Text | None = None

    @field_validator("active", "latent", mode="after")
    @classmethod
    def _read_only(cls, shares: Mapping[str, float]) -> Mapping[str, float]:
        return MappingProxyType(dict(shares))  # a frozen record's table must not change either

    @field_serializer("active", "latent")
    def _plain(self, shares: Mapping[str, float]) -> dict[str, float]:
        return dict(shares)

    def __hash__(self) -> int:
        return hash((self.id, self.condition, self.n, self.examined, *self.active.items(), *self.latent.items()))


class MuscleGroup(Record):
    """Muscles that people and the references name together ("the hamstrings", "the rotator cuff")."""

    id: Id
    name: Text
    aliases: tuple[Term, ...] = ()
    members: tuple[Id, ...] = Field(min_length=2, description="The muscles of the group, by id.")
    sources: tuple[SourceRef, ...] = Field(min_length=1)


class CatalogueFile(Record):
    """One catalogue file. Every section is optional; a catalogue is the union of its files."""

    sources: tuple[Source, ...] = ()
    regions: tuple[Region, ...] = ()
    conditions: tuple[Condition, ...] = ()
    movements: tuple[Movement, ...] = ()
    aggravators: tuple[Aggravator, ...] = ()
    muscles: tuple[Muscle, ...] = ()
    pain_guides: tuple[PainGuide, ...] = ()
    prevalence: tuple[PrevalenceStudy, ...] = ()
    groups: tuple[MuscleGroup, ...] = ()

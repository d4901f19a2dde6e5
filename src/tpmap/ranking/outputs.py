"""The shape of every JSON output, declared once: the models here, and the JSON Schema generated from them.

Every JSON object tpmap prints or returns (``tpmap rank --json`` and :func:`tpmap.ranking_report`, ``read``,
``muscle``, ``muscles``, ``regions``, ``conditions``, ``sensations``, ``movements``, ``aggravators`` and ``stats``
with ``--json``, and each line of ``tpmap rank-batch`` in JSON Lines) starts with the same three keys:

- ``tpmap_version``: the version of tpmap that wrote it;
- ``schema_version``: the version of this schema, ``MAJOR.MINOR``. A new optional field raises the minor
  number; a field removed, renamed or given another type raises the major number, so a reader that knows
  major version 1 can read every ``1.x`` output;
- ``output``: which output it is (``ranking``, ``reading``, ``muscle`` …), the key that picks its schema.

:func:`output_schema` is the published JSON Schema (draft 2020-12) of all of them (``tpmap schema --output``
prints it); the models below are its source, and can also read an output back into typed objects
(``RankingOutput.model_validate(data)``). The builders live in :mod:`tpmap.ranking.report`.

>>> schema = output_schema()
>>> schema["$id"] == SCHEMA_ID and schema["schema_version"] == SCHEMA_VERSION
True
>>> sorted(schema["discriminator"]["mapping"])[:4]
['aggravators', 'batch_row', 'conditions', 'movements']
"""

from __future__ import annotations

import copy
import functools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from .._version import __version__
from ..catalogue.records import Area, Condition, Muscle, Region, Sensation, Side, SourceRef, Urgency, ZoneKind
from .query import Query
from .reader import Depth, FindingKind, Status
from .results import FindingKind as EvidenceKind
from .results import RedFlagReason, Relation, ZoneMatch

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "BatchRowOutput",
    "ConditionsOutput",
    "MuscleGroupOutput",
    "MuscleOutput",
    "MusclesOutput",
    "OutputKind",
    "RankingOutput",
    "ReadingOutput",
    "RegionsOutput",
    "StatsOutput",
    "envelope",
    "output_schema",
]

SCHEMA_VERSION = "1.0"
"""The version of the output schema, ``MAJOR.MINOR`` (see the module notes for when each part changes)."""

SCHEMA_ID = "https://tpmap.readthedocs.io/en/latest/_static/schema/output-1.schema.json"
"""The schema's ``$id``: one per major version."""

OutputKind = Literal[
    "ranking",
    "reading",
    "muscle",
    "muscle_group",
    "muscles",
    "regions",
    "conditions",
    "sensations",
    "movements",
    "aggravators",
    "stats",
    "batch_row",
]
"""The ``output`` key of every JSON output: which output it is."""


def envelope(output: OutputKind) -> dict[str, str]:
    """The keys every JSON output starts with: ``tpmap_version``, ``schema_version`` and ``output``.

    >>> envelope("ranking")["output"], envelope("ranking")["schema_version"] == SCHEMA_VERSION
    ('ranking', True)
    """
    return {"tpmap_version": __version__, "schema_version": SCHEMA_VERSION, "output": output}


_OUTPUT = "Which output this is: the key that picks its definition in the schema."


class _Shape(BaseModel):
    """A part of an output: frozen, and no key beyond those declared (so the schema is exact)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _Envelope(_Shape):
    """The keys every output starts with."""

    tpmap_version: str = Field(description="The version of tpmap that wrote this output.")
    schema_version: str = Field(
        pattern=r"^\d+\.\d+$", description="The version of the output schema (MAJOR.MINOR) this output follows."
    )


# ------------------------------------------------------------------------------------------ reading


class FindingShape(_Shape):
    """One thing read from a description, with the character spans of its words."""

    kind: FindingKind
    subject: str = Field(description="The id it names: a region, sensation, condition, movement, aggravator ….")
    words: str = Field(description="The words it came from, as written.")
    spans: tuple[tuple[int, int], ...] = Field(description="[start, end) character offsets of those words.")
    side: Literal["left", "right", "both"] | None = Field(default=None, description="Present when a side was read.")
    depth: Depth | None = Field(default=None, description="Present when a depth was read.")
    status: Status | None = Field(default=None, description="For a condition: named, suspected, ruled out, denied.")
    spread: bool = Field(default=False, description="Present (true) for a place reached by spread.")
    sensations: tuple[Sensation, ...] = Field(default=(), description="Present for a place with sensations felt.")


class UnusedShape(_Shape):
    """Words a description's reading did not use."""

    words: str
    span: tuple[int, int]


class ReadingShape(_Shape):
    """How one description in plain words was read."""

    text: str
    places: tuple[FindingShape, ...]
    absent: tuple[FindingShape, ...]
    sensations: tuple[FindingShape, ...]
    conditions: tuple[FindingShape, ...]
    ruled_out: tuple[FindingShape, ...]
    denied: tuple[FindingShape, ...]
    movements: tuple[FindingShape, ...]
    aggravators: tuple[FindingShape, ...]
    timing: tuple[FindingShape, ...]
    intensity: FindingShape | None = Field(description="How strong the pain was said to be, if said.")
    side: Side | None = Field(description="The side the description names for places without one.")
    notes: tuple[str, ...] = Field(description="How the description was read (spellings, assumptions).")
    unused: tuple[UnusedShape, ...] = Field(description="The words not used, with their spans.")


class ReadingOutput(ReadingShape, _Envelope):
    """``tpmap read --json``: one description as read."""

    output: Literal["reading"] = Field(description=_OUTPUT)


# ------------------------------------------------------------------------------------------ ranking


class EvidenceShape(_Shape):
    """One finding's contribution to one candidate's score."""

    kind: EvidenceKind
    finding: str = Field(description="The finding in plain words.")
    subject: str = Field(description="The id it is about.")
    relation: Relation
    zone: ZoneKind | None = Field(description="The kind of zone matched, if any.")
    zone_region: str | None = Field(description="The region of the zone matched, if any.")
    trigger_point: str | None = Field(description="The trigger point whose zone matched, if any.")
    side: Side | None = Field(description="The side of the place; null for a midline place.")
    site: int | None = Field(description="Index of the place in the query's sites (or absent places).")
    coverage: float | None = Field(description="Share of the place's finest parts the muscle's zones cover.")
    contribution: float = Field(description="Natural-log likelihood ratio added to the score.")


class MimickedFlagShape(_Shape):
    """A serious condition the candidate's pattern can mimic."""

    condition: str = Field(description="The condition's id.")
    name: str
    note: str


class CandidateShape(_Shape):
    """One muscle on one side, with its score, probability and evidence."""

    rank: int = Field(ge=1)
    shared_rank: int = Field(ge=1, description="1 + the number of candidates scored strictly higher.")
    muscle: str = Field(description="The muscle's id.")
    name: str
    side: Side | None
    score: float
    probability: float = Field(ge=0, le=1, description="Relative to the other muscles in the catalogue.")
    zone: ZoneMatch = Field(description="The strongest kind of zone match among the painful places.")
    summary: str = Field(description="Which places its zones explain, in one line of plain words.")
    evidence: tuple[EvidenceShape, ...] = Field(description="One item per finding, with its contribution.")
    red_flags: tuple[MimickedFlagShape, ...] = Field(
        description="Every serious condition its pattern can mimic, whether or not it fits the report."
    )


class RedFlagShape(_Shape):
    """A serious condition to rule out first, and why it fits the report."""

    condition: str
    name: str
    note: str
    urgency: Urgency | None = Field(description="How soon it must be ruled out, if the catalogue says.")
    reason: RedFlagReason = Field(description="Named in the report, a reported place, or reported ruled out.")
    places: tuple[str, ...] = Field(description="The reported regions that overlap its places.")


class CoverMemberShape(_Shape):
    """A muscle (on a side) of an explaining set."""

    muscle: str
    side: Side | None


class CoverShape(_Shape):
    """The smallest set of muscles explaining every reported place."""

    muscles: tuple[CoverMemberShape, ...]
    explains: dict[str, tuple[str, ...]] = Field(description="For every reported place: the members explaining it.")
    unexplained: tuple[str, ...] = Field(description="Places no muscle explains.")
    alternatives: tuple[tuple[CoverMemberShape, ...], ...] = Field(description="Other sets of the same size.")
    method: Literal["exact", "greedy"] = Field(description="Which search found it.")


class QuestionShape(_Shape):
    """A finding worth asking about next."""

    kind: Literal["region", "sensation", "movement", "press"]
    subject: str
    side: Side | None
    ask: str
    gain_bits: float = Field(description="Expected information gain over the leading candidates, in bits.")
    if_yes: tuple[str, ...] = Field(description="Muscles a yes would favour, most probable first.")
    if_no: tuple[str, ...] = Field(description="Muscles a no would favour, most probable first.")


class SatelliteShape(_Shape):
    """A muscle likely to carry satellite trigger points of a key candidate."""

    muscle: str
    reasons: tuple[str, ...]
    rank: int | None


class KeyCandidateShape(_Shape):
    """A leading candidate and its likely satellites."""

    muscle: str
    side: Side | None
    satellites: tuple[SatelliteShape, ...]
    may_be_satellite_of: tuple[str, ...]


class SatellitesShape(_Shape):
    """Satellites of the leading candidates, and the order to examine them."""

    examine_first: tuple[str, ...] = Field(description="The leading candidates in the order to examine them.")
    candidates: tuple[KeyCandidateShape, ...]


class RankingOutput(_Envelope):
    """``tpmap rank --json`` and :func:`tpmap.ranking_report`: a whole ranking and its analyses."""

    output: Literal["ranking"] = Field(description=_OUTPUT)
    query: Query = Field(description="The report with every name resolved to catalogue ids.")
    reading: tuple[ReadingShape, ...] = Field(description="How each description in plain words was read.")
    candidates: tuple[CandidateShape, ...] = Field(description="The first candidates, best first.")
    notes: tuple[str, ...] = Field(description="What to keep in mind, the 'Rule out first' notes among them.")
    red_flags: tuple[RedFlagShape, ...] = Field(description="The serious conditions that fit the report.")
    red_flags_held_back: int = Field(ge=0, description="How many more fit than are shown (see --all-flags).")
    cover: CoverShape = Field(description="The smallest set of muscles explaining every place.")
    next_questions: tuple[QuestionShape, ...] = Field(description="What to ask or examine next.")
    satellites: SatellitesShape = Field(description="Other muscles to examine with the leading candidates.")


# ------------------------------------------------------------------------------------------ catalogue views


class CitedSourceRef(SourceRef):
    """A citation in a view for reading: the source's id and locator, expanded with its citation and URL."""

    citation: str
    url: str | None = None


class MuscleShape(Muscle):
    """A muscle record as a view for reading: its sources expanded into citations."""

    sources: tuple[CitedSourceRef, ...] = Field(min_length=1)


class MuscleOutput(MuscleShape, _Envelope):
    """``tpmap muscle NAME --json`` for one muscle: the envelope, then the muscle's fields."""

    output: Literal["muscle"] = Field(description=_OUTPUT)


class MuscleGroupOutput(_Envelope):
    """``tpmap muscle NAME --json`` for a group's name (such as ``hamstrings``): its members."""

    output: Literal["muscle_group"] = Field(description=_OUTPUT)
    group: str = Field(description="The name asked for.")
    members: tuple[MuscleShape, ...]


class MusclesOutput(_Envelope):
    """``tpmap muscles --json``: every muscle, by id."""

    output: Literal["muscles"] = Field(description=_OUTPUT)
    muscles: tuple[MuscleShape, ...]


class RegionsOutput(_Envelope):
    """``tpmap regions --json``: every region, in catalogue order."""

    output: Literal["regions"] = Field(description=_OUTPUT)
    regions: tuple[Region, ...]


class ConditionShape(Condition):
    """A condition record, with the ids of the muscles whose pattern can mimic it."""

    muscles: tuple[str, ...]


class ConditionsOutput(_Envelope):
    """``tpmap conditions --json``: every condition, by id."""

    output: Literal["conditions"] = Field(description=_OUTPUT)
    conditions: tuple[ConditionShape, ...]


class VocabularyShape(_Shape):
    """A sensation, movement or aggravator, and the words people use for it."""

    id: str
    name: str
    words: tuple[str, ...]


class SensationsOutput(_Envelope):
    """``tpmap sensations --json``."""

    output: Literal["sensations"] = Field(description=_OUTPUT)
    sensations: tuple[VocabularyShape, ...]


class MovementsOutput(_Envelope):
    """``tpmap movements --json``."""

    output: Literal["movements"] = Field(description=_OUTPUT)
    movements: tuple[VocabularyShape, ...]


class AggravatorsOutput(_Envelope):
    """``tpmap aggravators --json``."""

    output: Literal["aggravators"] = Field(description=_OUTPUT)
    aggravators: tuple[VocabularyShape, ...]


class AreaCountShape(_Shape):
    """The muscles and trigger points of one body area."""

    muscles: int = Field(ge=0)
    trigger_points: int = Field(ge=0)


class UnusedEntriesShape(_Shape):
    """Entries nothing in the catalogue refers to."""

    regions: tuple[str, ...]
    conditions: tuple[str, ...]
    movements: tuple[str, ...]
    aggravators: tuple[str, ...]
    sources: tuple[str, ...]


class StatsOutput(_Envelope):
    """``tpmap stats --json``: what the catalogue holds, and its gaps."""

    output: Literal["stats"] = Field(description=_OUTPUT)
    counts: dict[str, int]
    by_area: dict[Area, AreaCountShape]
    sensations: dict[Sensation, int] = Field(description="How many trigger points refer each sensation.")
    trigger_points_without_spillover: int = Field(ge=0)
    muscles_lacking: dict[str, tuple[str, ...]] = Field(description="Optional field → muscles that leave it empty.")
    unused: UnusedEntriesShape


class BatchCandidateShape(_Shape):
    """One of the first candidates of a report ranked in a batch."""

    rank: int = Field(ge=1)
    shared_rank: int = Field(ge=1)
    muscle: str
    name: str
    side: Side | None
    score: float
    probability: float = Field(ge=0, le=1)


class BatchRowOutput(_Envelope):
    """One line of ``tpmap rank-batch`` in JSON Lines: a report's id and line, its first candidates, and the
    ids of the serious conditions to rule out first that fit it."""

    output: Literal["batch_row"] = Field(description=_OUTPUT)
    id: str | int = Field(description="The report's id, or its line number when the file gives none.")
    line: int = Field(ge=1, description="The line of the report in the input file.")
    candidates: tuple[BatchCandidateShape, ...]
    red_flags: tuple[str, ...]


# What a ranking's query leaves out of its JSON: the readings are given whole under ``reading``.
_QUERY_LEFT_OUT = ("descriptions",)


@functools.cache
def _schema() -> dict[str, Any]:
    union = Annotated[
        RankingOutput
        | ReadingOutput
        | MuscleOutput
        | MuscleGroupOutput
        | MusclesOutput
        | RegionsOutput
        | ConditionsOutput
        | SensationsOutput
        | MovementsOutput
        | AggravatorsOutput
        | StatsOutput
        | BatchRowOutput,
        Field(discriminator="output"),
    ]
    body = TypeAdapter(union).json_schema(mode="serialization")
    definitions = body["$defs"]
    query = definitions["Query"]
    for name in _QUERY_LEFT_OUT:
        query["properties"].pop(name)
        if name in query.get("required", ()):
            query["required"].remove(name)
    _prune(body)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "tpmap JSON outputs",
        "description": (
            "Every JSON output of tpmap: an object whose 'output' key names which one it is, with "
            "'tpmap_version' and 'schema_version'."
        ),
        "schema_version": SCHEMA_VERSION,
        **body,
    }


def _prune(schema: dict[str, Any]) -> None:
    """Drop the definitions nothing refers to any more (those only the query's left-out fields used)."""
    definitions: dict[str, Any] = schema["$defs"]
    reached: set[str] = set()
    stack: list[Any] = [{key: value for key, value in schema.items() if key != "$defs"}]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name not in reached:
                    reached.add(name)
                    stack.append(definitions[name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    for name in set(definitions) - reached:
        del definitions[name]


def output_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of every JSON output, with ``$id`` and ``schema_version``.

    Each output is an object whose ``output`` key names it; the schema's ``oneOf`` picks the matching
    definition by that key. A fresh copy each call, safe to change.

    >>> schema = output_schema()
    >>> schema["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    >>> schema["$defs"]["RankingOutput"]["required"][:3]
    ['tpmap_version', 'schema_version', 'output']
    >>> "descriptions" in schema["$defs"]["Query"]["properties"]
    False
    """
    return copy.deepcopy(_schema())

"""What a ranking gives back: evidence items, candidates and the ranking itself, as plain frozen data.

Each :class:`Evidence` item says which finding it is about (the place's region and side, and the index of the
reported place), so nothing downstream parses prose or pairs lists by position. Text is made from these fields
at the edge: :meth:`Candidate.explain`, :meth:`Candidate.summary`, the JSON report and the command line.

The analyses of a ranking (:meth:`Ranking.cover`, :meth:`Ranking.next_questions`, :meth:`Ranking.satellites`),
its chart and its JSON form live in the modules that consume a ranking; the methods here are thin conveniences
that import them when called.

>>> import tpmap
>>> result = tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right")
>>> first = result[0].evidence[0]
>>> first.kind, first.subject, first.side, first.site
('site', 'lateral_elbow', 'right', 0)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, SupportsIndex, overload

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import Muscle, Side, Urgency, ZoneKind
from .query import Query
from .weights import DEFAULT_WEIGHTS, Weights

if TYPE_CHECKING:
    from ..render.chart import Chart
    from .cover import Cover
    from .questions import NextQuestion
    from .satellites import Satellites

__all__ = [
    "RED_FLAG_LIMIT",
    "Candidate",
    "Evidence",
    "FindingKind",
    "Ranking",
    "RedFlag",
    "Relation",
    "ZoneMatch",
    "rule_out",
]

Relation = Literal[
    "exact", "inside", "contains", "adjacent", "none", "listed", "not_listed", "guides", "prevalence", "average"
]
"""How a finding relates to the muscle. For the frequency prior: ``guides`` (fitted from the pain guides' orders),
``prevalence`` (the named condition's prevalence studies, shrunk toward the guides' prior) or ``average`` (no
guide or study names the muscle)."""
FindingKind = Literal[
    "site", "absent", "sensation", "condition", "movement", "aggravator", "prior", "tender", "not_tender", "ruled_out"
]
"""What a finding is about; ``prior`` is how often the references name the muscle as the source, applied once."""
ZoneMatch = Literal["essential", "spillover", "adjacent", "none"]
EXPLAINING: tuple[Relation, ...] = ("exact", "inside", "contains")
"""The relations by which a zone explains a painful place (an adjacent zone does not)."""


RED_FLAG_LIMIT = 3
"""How many "Rule out first" notes a ranking shows unless every fitting one is asked for (``all_flags``)."""

RedFlagReason = Literal["named", "place", "ruled_out"]


@dataclass(frozen=True)
class RedFlag:
    """A serious condition to rule out first, and why it fits this report."""

    condition: str
    """The condition's id."""
    name: str
    note: str
    reason: RedFlagReason
    """``named``: the report names or suspects the condition; ``place``: a reported place overlaps its places;
    ``ruled_out``: the report says it was checked and ruled out (the note says so)."""
    places: tuple[str, ...] = ()
    """The reported regions that overlap the condition's red-flag places (for ``place``)."""
    urgency: Urgency | None = None
    """How soon the condition must be ruled out (the condition's ``urgency``); None when the catalogue gives none."""

    def text(self) -> str:
        """The note in the one wording of a red flag (see :func:`rule_out`)."""
        return rule_out(self.name, self.note, ruled_out=self.reason == "ruled_out")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of this red flag.

        >>> RedFlag("angina", "Angina", "Call emergency services.", "place", ("chest",), "emergency").to_dict()
        ... # doctest: +NORMALIZE_WHITESPACE
        {'condition': 'angina', 'name': 'Angina', 'note': 'Call emergency services.', 'urgency': 'emergency',
         'reason': 'place', 'places': ['chest']}
        """
        return {
            "condition": self.condition,
            "name": self.name,
            "note": self.note,
            "urgency": self.urgency,
            "reason": self.reason,
            "places": list(self.places),
        }


def rule_out(condition: str, note: str, *, ruled_out: bool = False) -> str:
    """The one wording of a red flag: what to rule out first, and why (or that it was reported ruled out).

    >>> rule_out("Angina", "chest pain on exertion needs a cardiac work-up")
    'Rule out first (Angina): chest pain on exertion needs a cardiac work-up'
    >>> rule_out("Angina", "Exertional chest pain needs a cardiac work-up", ruled_out=True)
    'Reported as ruled out (Angina): not evidence for it; if the pain changes, exertional chest pain needs a ...'
    """
    if ruled_out:
        watch = note[:1].lower() + note[1:]
        return f"Reported as ruled out ({condition}): not evidence for it; if the pain changes, {watch}"
    return f"Rule out first ({condition}): {note}"


def place_text(name: str, side: Side | None) -> str:
    """A place in plain words: its name in lower case, with its side when it has one."""
    return f"{name.lower()} ({side})" if side else name.lower()


@dataclass(frozen=True)
class Evidence:
    """One finding's contribution to one candidate's score."""

    kind: FindingKind
    finding: str
    """The finding in plain words, e.g. ``"pain at outside of the elbow (right)"``."""
    subject: str
    """The id it is about: a region, sensation, condition, movement or aggravator."""
    relation: Relation
    contribution: float
    """Natural-log likelihood ratio added to the score (positive: for the muscle; negative: against)."""
    zone: ZoneKind | None = None
    zone_region: str | None = None
    trigger_point: str | None = None
    side: Side | None = None
    """The side of the place (sites, absent places and sensations at a site); None for a midline place."""
    site: int | None = None
    """Index of the place in ``Query.sites`` (site and sensation evidence) or ``Query.absent`` (absent)."""
    coverage: float | None = None
    """For a place that contains the muscle's zones: the share of the place's finest parts they cover (0–1)."""

    def describe(self, catalogue: Catalogue) -> str:
        """This evidence in plain words."""
        sign = "+" if self.contribution >= 0 else "-"
        head = f"{sign}{abs(self.contribution):5.2f}  {self.finding}"
        return f"{head}: {self._reason(catalogue)}"

    def _reason(self, catalogue: Catalogue) -> str:
        zone_name = catalogue.regions[self.zone_region].name.lower() if self.zone_region else ""
        tp = f" of trigger point '{self.trigger_point}'" if self.trigger_point else ""
        if self.kind == "prior":
            return {
                "guides": "its worth fitted once from every pain guide's order",
                "prevalence": "its prevalence in the condition's studies, shrunk toward the pain guides' prior",
            }.get(self.relation, "no pain guide or study names it: the catalogue's baseline")
        if self.kind == "site":
            share = f", covering {self.coverage:.0%} of it" if self.coverage is not None else ""
            return {
                "exact": f"exactly in the {self.zone} zone{tp}",
                "inside": f"inside the {self.zone} zone{tp} ({zone_name})",
                "contains": f"the {self.zone} zone{tp} ({zone_name}) lies in this area{share}",
                "adjacent": f"next to the {self.zone} zone{tp} ({zone_name})",
            }.get(self.relation, "no zone of this muscle reaches here")
        if self.kind == "absent":
            if self.relation == "none":
                return "fits: no zone of this muscle reaches here"
            return f"against: the {self.zone} zone{tp} ({zone_name}) would hurt here"
        listed = self.relation == "listed"
        return {
            "sensation": "the matching trigger point refers this sensation"
            if listed
            else "not recorded for the trigger points that reach this place",
            "condition": "this muscle's pattern is known to mimic it" if listed else "not known to mimic it",
            "movement": "this muscle is known to restrict it" if listed else "not known to restrict it",
            "aggravator": "known to aggravate this muscle" if listed else "not listed for this muscle",
            "tender": "a trigger point of this muscle lies here" if listed else "no trigger point of this muscle here",
            "not_tender": "against: a trigger point of this muscle lies here"
            if listed
            else "fits: no trigger point of this muscle here",
            "ruled_out": "its pattern mimics it: checked and ruled out, so the muscle may be the cause"
            if listed
            else "not known to mimic it",
        }[self.kind]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of this item."""
        return {
            "kind": self.kind,
            "finding": self.finding,
            "subject": self.subject,
            "relation": self.relation,
            "zone": self.zone,
            "zone_region": self.zone_region,
            "trigger_point": self.trigger_point,
            "side": self.side,
            "site": self.site,
            "coverage": None if self.coverage is None else round(self.coverage, 4),
            "contribution": round(self.contribution, 4),
        }


@dataclass(frozen=True)
class Candidate:
    """One muscle on one side, with its score, probability and the evidence behind them."""

    muscle: Muscle
    side: Side | None
    """``"left"``/``"right"``; None when the report names no side."""
    score: float
    probability: float
    evidence: tuple[Evidence, ...]
    rank: int
    catalogue: Catalogue = field(repr=False, compare=False)
    """The catalogue the candidate was ranked in (for region names in explanations)."""
    red_flags: tuple[tuple[str, str], ...] = ()
    """(condition name, what to rule out first) for each serious condition this muscle's pattern mimics. The
    ranking shows the ones that fit the report, once (:attr:`Ranking.red_flags`)."""
    shared_rank: int = 0
    """1 + the number of candidates scored strictly higher: candidates with equal scores share it, since the
    order among them (by muscle id) says nothing."""

    def __getstate__(self) -> dict[str, Any]:
        """A candidate travels (pickle, copy) with its evidence built."""
        state = {key: value for key, value in self.__dict__.items() if key != "_evidence_of"}
        state["evidence"] = self.evidence
        return state

    @property
    def zone(self) -> ZoneMatch:
        """The strongest kind of zone match among the painful places."""
        order: tuple[ZoneMatch, ...] = ("essential", "spillover", "adjacent")
        matched = {
            ("adjacent" if e.relation == "adjacent" else e.zone)
            for e in self.evidence
            if e.kind == "site" and e.relation != "none"
        }
        return next((kind for kind in order if kind in matched), "none")

    def _place(self, evidence: Evidence) -> str:
        return place_text(self.catalogue.regions[evidence.subject].name, evidence.side)

    def summary(self) -> str:
        """One line in plain words: which places its zones explain."""
        sites = [e for e in self.evidence if e.kind == "site"]
        parts: list[str] = []
        for kind, label in (("essential", "essential zone covers"), ("spillover", "spillover reaches")):
            places = [self._place(e) for e in sites if e.zone == kind and e.relation in EXPLAINING]
            if places:
                parts.append(f"{label} {', '.join(places)}")
        near = [self._place(e) for e in sites if e.relation == "adjacent"]
        if near:
            parts.append(f"zone next to {', '.join(near)}")
        missed = [self._place(e) for e in sites if e.relation == "none"]
        if missed:
            parts.append(f"does not explain {', '.join(missed)}")
        listed = [e for e in self.evidence if e.relation == "listed"]
        against = [e.finding for e in self.evidence if e.kind == "absent" and e.relation != "none"]
        against += [e.finding for e in listed if e.kind == "not_tender"]  # a trigger point here, yet not tender
        if against:
            parts.append(f"against: {', '.join(against)}")
        fits = [self._named(e) for e in listed if e.kind in ("sensation", "condition", "movement", "aggravator")]
        fits += [f"tender at {self._place(e)}" for e in listed if e.kind == "tender"]
        if fits:  # a sensation felt at several places is named once
            parts.append(f"fits {', '.join(dict.fromkeys(fits))}")
        ruled_out = [self._named(e) for e in listed if e.kind == "ruled_out"]  # mimicked, and checked: not a fit
        if ruled_out:
            parts.append(f"ruled out: {', '.join(ruled_out)}")
        return "; ".join(parts) if parts else "no finding points to this muscle"

    def _named(self, evidence: Evidence) -> str:
        """The name of what a finding is about: a condition, movement or aggravator by its name, a sensation
        by its words."""
        cat = self.catalogue
        tables: dict[str, Any] = {
            "condition": cat.conditions,
            "ruled_out": cat.conditions,
            "movement": cat.movements,
            "aggravator": cat.aggravators,
        }
        table = tables.get(evidence.kind, {})
        entry = table.get(evidence.subject)
        return entry.name.lower() if entry is not None else evidence.subject.replace("_", " ")

    def _condition_ids(self) -> dict[str, str]:
        return {self.catalogue.conditions[cid].name: cid for cid in self.muscle.conditions}

    def notes(self) -> tuple[str, ...]:
        """The red flags of every condition this muscle's pattern can mimic, in plain words (whether or not they
        fit the report: the ranking's notes hold those that do)."""
        return tuple(rule_out(name, note) for name, note in self.red_flags)

    def explain(self) -> str:
        """Every evidence item in plain words, with the score and probability it adds up to."""
        side = f" ({self.side})" if self.side else ""
        lines = [
            f"#{self.rank} {self.muscle.name}{side}: score {self.score:.2f}, "
            f"probability {self.probability:.1%} (relative to the other muscles in the catalogue)"
        ]
        lines += [f"  {e.describe(self.catalogue)}" for e in self.evidence]
        return "\n".join(lines)

    def chart(self) -> Chart:
        """This muscle's referral pattern drawn on the body chart, on the candidate's side (right if none)."""
        from ..render.chart import muscle_chart  # noqa: PLC0415 - the renderer consumes results

        return muscle_chart(self.catalogue, self.muscle.id, self.side or "right")

    def _repr_svg_(self) -> str:
        """Jupyter shows a candidate as its body chart."""
        return self.chart().svg

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of this candidate."""
        return {
            "rank": self.rank,
            "shared_rank": self.shared_rank,
            "muscle": self.muscle.id,
            "name": self.muscle.name,
            "side": self.side,
            "score": round(self.score, 4),
            "probability": round(self.probability, 6),
            "zone": self.zone,
            "summary": self.summary(),
            "evidence": [e.to_dict() for e in self.evidence],
            # The same keys as the report's red flags: ``condition`` is the id, ``name`` the condition's name.
            "red_flags": [
                {"condition": self._condition_ids().get(name, name), "name": name, "note": note}
                for name, note in self.red_flags
            ],
        }


class _BuiltOnFirstUse:
    """``Candidate.evidence``: the value given, or (for a candidate made by the scorer) the evidence built on first
    access by the scorer's report, kept under ``_evidence_of`` with the candidate's muscle and side numbers, since a
    ranking of every muscle does not need every explanation. A data descriptor, so that reading it costs no failed
    look-up; the frozen dataclass still refuses assignment."""

    def __get__(self, instance: Candidate | None, owner: type[Candidate]) -> tuple[Evidence, ...]:
        if instance is None:
            raise AttributeError("evidence")  # a field without a default
        found = instance.__dict__
        value = found.get("evidence")
        if value is None:  # (two threads may both build it: the same items)
            source, muscle, side = found["_evidence_of"]
            value = found["evidence"] = source.evidence_of(muscle, side)
        return value  # type: ignore[no-any-return]

    def __set__(self, instance: Candidate, value: tuple[Evidence, ...]) -> None:
        instance.__dict__["evidence"] = value


setattr(Candidate, "evidence", _BuiltOnFirstUse())  # noqa: B010 - after the dataclass has made its __init__


@dataclass(frozen=True)
class Ranking(Sequence[Candidate]):
    """The candidates for one query, best first; indexable like a list, and immutable.

    Beyond the list: :meth:`cover` (the smallest set of muscles explaining every place), :meth:`next_questions`
    (what to ask or examine next), :meth:`satellites` (which other muscles to examine), :meth:`chart` and
    :meth:`to_dict` (the JSON report).
    """

    query: Query
    candidates: tuple[Candidate, ...]
    notes: tuple[str, ...]
    catalogue: Catalogue = field(repr=False, compare=False)
    weights: Weights = DEFAULT_WEIGHTS
    red_flags: tuple[RedFlag, ...] = ()
    """The serious conditions to rule out first that fit this report, most relevant first (also in ``notes``):
    those named or suspected, then those whose places overlap the report's, most urgent first; at most
    :data:`RED_FLAG_LIMIT` unless the report asks for all (``all_flags``)."""
    red_flags_held_back: int = 0
    """How many more red flags fit the report than :attr:`red_flags` shows (0 when all are shown)."""

    # A ranking made by the scorer holds its order lazily (``_order``): candidates are made as they are reached,
    # and ``candidates`` (every one of them) only when asked for (see ``_EveryCandidate``).

    def _sequence(self) -> Sequence[Candidate]:
        return self.__dict__.get("_order") or self.candidates

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Candidate]: ...
    def __getitem__(self, index: int | slice) -> Candidate | Sequence[Candidate]:
        return self._sequence()[index]

    def __len__(self) -> int:
        return len(self._sequence())

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._sequence())

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        """A lazy ranking travels (pickle, copy) with its scored order and numbers; its candidates and evidence
        are made again when read."""
        order = self.__dict__.get("_order")
        if order is not None:
            return order.remake(self)  # type: ignore[no-any-return]
        return super().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        top = ", ".join(f"{c.muscle.id}" + (f"/{c.side}" if c.side else "") for c in self[:3])
        return f"<Ranking of {len(self)} candidates: {top}{', ...' if len(self) > 3 else ''}>"

    # Thin conveniences: each imports the module that consumes a ranking only when called.

    def cover(self) -> Cover:
        """The smallest set of candidates that together explain every painful place (see ``smallest_cover``)."""
        from .cover import smallest_cover  # noqa: PLC0415

        return smallest_cover(self)

    def next_questions(self, *, top: int = 8, limit: int = 5) -> tuple[NextQuestion, ...]:
        """The findings that would best separate the first ``top`` candidates (see ``next_questions``)."""
        from .questions import next_questions  # noqa: PLC0415

        return next_questions(self, top=top, limit=limit)

    def satellites(self, *, top: int = 5) -> Satellites:
        """Muscles likely to carry satellite trigger points of the leading candidates (see ``satellites``)."""
        from .satellites import satellites  # noqa: PLC0415

        return satellites(self, top=top)

    def chart(self, top: int = 5) -> Chart:
        """The reported places outlined and the first ``top`` candidates' zones as a heat map."""
        from ..render.chart import ranking_chart  # noqa: PLC0415

        return ranking_chart(self, top=top)

    def _repr_html_(self) -> str:
        """Jupyter shows a ranking as a table of its leading candidates and its notes (``.chart()`` draws it)."""
        from .display import ranking_html  # noqa: PLC0415

        return ranking_html(self)

    def to_dataframe(self, limit: int | None = None) -> Any:
        """A pandas DataFrame, one row per candidate: rank, muscle, name, side, score, probability, zone, why
        (needs the ``pandas`` extra; see ``display.ranking_dataframe``)."""
        from .display import ranking_dataframe  # noqa: PLC0415

        return ranking_dataframe(self, limit)

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The JSON report (see ``ranking_report``): query, candidates, notes and the three analyses."""
        from .report import ranking_report  # noqa: PLC0415

        return ranking_report(self, limit=limit)


class _EveryCandidate:
    """``Ranking.candidates``: the value given, or (for a ranking made by the scorer) every candidate, made from its
    order on first access. A data descriptor rather than ``__getattr__``, which would slow every attribute read of
    a ranking; the frozen dataclass still refuses assignment."""

    def __get__(self, instance: Ranking | None, owner: type[Ranking]) -> tuple[Candidate, ...]:
        if instance is None:
            raise AttributeError("candidates")  # a field without a default
        found = instance.__dict__
        value = found.get("candidates")
        if value is None:
            order = found.get("_order")
            if order is None:
                raise AttributeError(f"{type(instance).__name__!r} object has no attribute 'candidates'")
            value = found["candidates"] = order.resolve()
        return value  # type: ignore[no-any-return]

    def __set__(self, instance: Ranking, value: tuple[Candidate, ...]) -> None:
        instance.__dict__["candidates"] = value


setattr(Ranking, "candidates", _EveryCandidate())  # noqa: B010 - after the dataclass has made its __init__

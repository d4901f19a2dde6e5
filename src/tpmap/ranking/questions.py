"""The next question: which finding would best tell the top candidates apart.

The leading candidates of a ranking (by default the first eight, less any tie the cut would split) are
taken as the hypotheses, with their probabilities renormalised among themselves. Every finding the report has
not settled yet is a possible question:

- a **region**: "does it also hurt at …?" — any region in a leading candidate's essential or spillover zones
  that is not (inside or around) a place already reported as painful or pain-free;
- a **sensation**: "any tingling?" — a sensation some leading candidate's trigger points refer;
- a **movement**: "is … restricted or painful?" — a restricted movement some leading candidate lists;
- a **trigger point to press**: "is there a tender spot at … that reproduces the pain?" — the location of
  a leading candidate's trigger point.

P(yes | candidate) uses the ranking model's own probabilities (:class:`tpmap.Weights`): a region is as likely
to hurt as its best zone match makes it, a listed sensation or movement has ``Weights.listed`` and an
unlisted one ``Weights.not_listed``, and a spot is tender with ``Weights.tender_here`` when the candidate has
a trigger point there and ``Weights.tender_elsewhere`` otherwise. Each question is scored by its expected
information gain, in bits::

    gain = H(candidates) − [P(yes)·H(candidates | yes) + P(no)·H(candidates | no)]

The questions with the highest gain come first (at most two of one kind, so the list offers a mix); ties go
to the kind order region, sensation, movement, press, then the id. Each lists the candidates a *yes* and a
*no* would favour: those whose probability the answer raises, most probable first.

Every gain is first estimated in plain floating point, as H(answer) − Σ P(candidate)·H(answer | candidate) (the
same quantity); only the questions that may be among the first two of their kind are then scored exactly, with
exactly rounded sums, so the gains shown and their order are those of the exact sums.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> questions = tpmap.rank(cat, "front of the shoulder", side="right").next_questions()
>>> 0 < len(questions) <= 5 and all(q.gain > 0 for q in questions)
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter, mul
from typing import Any, Literal, NamedTuple

from ..catalogue.catalogue import Catalogue, kept_with
from ..catalogue.records import SENSATIONS, Side
from ..errors import whole_number, wrong_type
from .results import Candidate, Ranking
from .scoring import place_probabilities, within

__all__ = ["NextQuestion", "next_questions"]

QuestionKind = Literal["region", "sensation", "movement", "press"]
_KINDS: tuple[QuestionKind, ...] = ("region", "sensation", "movement", "press")
_KIND_ORDER: dict[str, int] = {kind: order for order, kind in enumerate(_KINDS)}
PER_KIND = 2
_PREPOSITIONS = frozenset(("above", "around", "behind", "below", "beneath", "beside", "between", "over", "under"))


@dataclass(frozen=True)
class NextQuestion:
    """A finding worth asking about, and what each answer would do to the leading candidates."""

    kind: QuestionKind
    subject: str
    """A region id, a sensation, a movement id, or ``muscle.trigger_point`` for a spot to press."""
    side: Side | None
    ask: str
    """The question in plain words."""
    gain: float
    """Expected information gain over the leading candidates, in bits."""
    if_yes: tuple[str, ...]
    """Muscle ids a *yes* would favour, most probable after the answer first."""
    if_no: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "side": self.side,
            "ask": self.ask,
            "gain_bits": round(self.gain, 4),
            "if_yes": list(self.if_yes),
            "if_no": list(self.if_no),
        }

    def __str__(self) -> str:
        from .display import question_text  # noqa: PLC0415

        return question_text(self)

    def __repr__(self) -> str:
        from .display import question_repr  # noqa: PLC0415

        return question_repr(self)


def next_questions(ranking: Ranking, *, top: int = 8, limit: int = 5) -> tuple[NextQuestion, ...]:
    """The ``limit`` questions that would best separate the first ``top`` candidates of ``ranking``."""
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    leading = _leading(ranking, whole_number("top", top))
    whole_number("limit", limit)
    if len(leading) < 2 or limit < 1:
        return ()
    total = math.fsum(c.probability for c in leading)
    prior = [c.probability / total for c in leading]
    before = _entropy(prior)
    # Questions with the same P(yes) for every leading candidate are worth the same (often: regions several of
    # them refer to): each P(yes) is estimated, and at most scored exactly, once.
    estimates: dict[tuple[float, ...], float | None] = {}
    worth: dict[tuple[float, ...], _Gain | None] = {}
    scored = []
    for kind_order, questions in enumerate(_questions(ranking, leading)):
        estimated = []
        for question in questions:
            p_yes = question[2]
            estimate = estimates.get(p_yes, _UNSCORED)
            if estimate is _UNSCORED:
                # A question every leading candidate would answer alike is worth nothing.
                alike = p_yes.count(p_yes[0]) == len(p_yes)
                estimate = estimates[p_yes] = None if alike else _estimate(prior, p_yes)
            if estimate is not None:
                estimated.append((estimate, question))
        for question in _contenders(estimated, prior, before, worth):
            found = worth[question[2]]
            if found is not None:
                scored.append((-round(found[0], 12), kind_order, question[0], question, found))
    scored.sort(key=lambda row: row[:3])
    muscles = [c.muscle.id for c in leading]
    raised_above = [p * (1 + 1e-9) for p in prior]
    chosen: list[NextQuestion] = []
    per_kind: dict[int, int] = {}
    for _, kind_order, subject, (_, side, _, spot), (gain, after_yes, after_no) in scored:
        if per_kind.get(kind_order, 0) < PER_KIND:
            kind = _KINDS[kind_order]
            chosen.append(
                NextQuestion(
                    kind,
                    subject,
                    side,
                    _ask(ranking.catalogue, kind, subject, side, spot),
                    gain,
                    _favoured(muscles, raised_above, after_yes),
                    _favoured(muscles, raised_above, after_no),
                )
            )
            per_kind[kind_order] = per_kind.get(kind_order, 0) + 1
        if len(chosen) == limit:
            break
    return tuple(chosen)


_Question = tuple[str, Side | None, tuple[float, ...], tuple[str, str, str] | None]
"""A possible question: its subject, its side, P(yes) for each leading candidate, and for a spot to press its
region, muscle and trigger point (its words are made only if it is chosen)."""

_Gain = tuple[float, list[float], list[float]]
"""A question's exact gain, and the distributions after a yes and after a no."""

_UNSCORED: Any = object()
_FIRST = itemgetter(0)

_MARGIN = 1e-9
"""An estimate this far below the PER_KIND-th best exact gain of its kind rules its question out: far above the
rounding error of either way of working out a gain (about 1e-15 bits), far below any gain worth asking."""


def _contenders(
    estimated: list[tuple[float, _Question]],
    prior: Sequence[float],
    before: float,
    worth: dict[tuple[float, ...], _Gain | None],
) -> list[_Question]:
    """The questions of one kind that may be among its first :data:`PER_KIND`, their exact gains put in ``worth``.

    Only the first PER_KIND questions of a kind can be chosen, and the exact gain (sums of logarithms, exactly
    rounded) is the costly part: questions are scored exactly in order of their estimated gain, and once PER_KIND
    of them have an exact gain, those whose estimate lies clearly below the PER_KIND-th best cannot make the cut.
    """
    estimated.sort(key=_FIRST, reverse=True)
    kept: list[float] = []
    found: list[_Question] = []
    for estimate, question in estimated:
        if len(kept) >= PER_KIND and estimate < kept[PER_KIND - 1] - _MARGIN:
            break
        p_yes = question[2]
        gain = worth.get(p_yes, _UNSCORED)
        if gain is _UNSCORED:
            gain = worth[p_yes] = _score(prior, before, p_yes)
        if gain is not None:
            kept.append(gain[0])
            kept.sort(reverse=True)
        found.append(question)
    return found


def _questions(ranking: Ranking, leading: Sequence[Candidate]) -> tuple[list[_Question], ...]:
    """Every question worth asking, by kind (in :data:`_KINDS` order), with P(yes) for each leading candidate."""
    catalogue, query, weights = ranking.catalogue, ranking.query, ranking.weights
    regions_of = catalogue.regions
    sides = query.sides()
    side: Side | None = sides[0] if len(sides) == 1 else None
    facts = _facts(catalogue, leading)
    asked = {s.region for s in query.sites} | {a.region for a in query.absent}
    # A region is settled when it is a reported place, lies inside one, or contains one.
    around_asked = {r for place in asked for r in within(catalogue, place)}
    muscles = [(c.muscle.id, c.side) for c in leading]
    zoned: dict[str, frozenset[str]] = {}
    for f in facts:
        zoned.update(f.zoned)
    places = [
        (region, side if regions_of[region].laterality == "paired" else None)
        for region in sorted(r for r, around in zoned.items() if r not in around_asked and asked.isdisjoint(around))
    ]
    hurts = place_probabilities(catalogue, places, muscles, weights=weights, mode=query.mode)
    regions: list[_Question] = [
        (region, place_side, row, None) for (region, place_side), row in zip(places, hurts, strict=True)
    ]

    listed, not_listed = weights.listed, weights.not_listed
    reported = {s for site in query.sites for s in site.sensations}
    sensations: list[_Question] = [
        (sensation, None, tuple([listed if sensation in f.felt else not_listed for f in facts]), None)
        for sensation in sorted(frozenset().union(*(f.felt for f in facts)) - reported, key=SENSATIONS.index)
    ]
    movements: list[_Question] = [
        (movement, None, tuple([listed if movement in f.movements else not_listed for f in facts]), None)
        for movement in sorted(frozenset().union(*(f.movements for f in facts)) - set(query.movements))
    ]

    here, elsewhere = weights.tender_here, weights.tender_elsewhere
    presses: list[_Question] = []
    seen: set[str] = set()
    for spot in sorted([spot for f in facts for spot in f.spots]):
        region, muscle_id, tp_id = spot
        if region in seen:
            continue  # one question per spot: every trigger point located there answers it
        seen.add(region)
        place_side = side if regions_of[region].laterality == "paired" else None
        tender = tuple([here if region in f.tender else elsewhere for f in facts])
        presses.append((f"{muscle_id}.{tp_id}", place_side, tender, spot))
    return regions, sensations, movements, presses


class _Facts(NamedTuple):
    """What the questions read of one muscle."""

    zoned: Mapping[str, frozenset[str]]
    """The regions of its zones, each with the regions it lies within (itself included)."""
    felt: frozenset[str]
    """The sensations its trigger points refer."""
    movements: frozenset[str]
    spots: tuple[tuple[str, str, str], ...]
    """Where its trigger points lie: (region, muscle id, trigger point id)."""
    tender: frozenset[str]
    """The regions where pressing would find one of its trigger points: each spot's region and those containing it."""


def _facts(catalogue: Catalogue, leading: Sequence[Candidate]) -> list[_Facts]:
    """The facts of each leading candidate's muscle, worked out once per catalogue (they depend on it alone)."""
    known = kept_with(catalogue, "question facts", _no_facts)
    found = []
    for c in leading:
        muscle = c.muscle
        facts = known.get(muscle.id)
        if facts is None:
            spots = tuple((tp.location.region, muscle.id, tp.id) for tp in muscle.trigger_points)
            facts = known[muscle.id] = _Facts(
                {z.region: within(catalogue, z.region) for z in catalogue.zones(muscle.id)},
                frozenset(s for tp in muscle.trigger_points for s in tp.sensations),
                frozenset(muscle.movements),
                spots,
                frozenset(r for region, _, _ in spots for r in within(catalogue, region)),
            )
        found.append(facts)
    return found


def _no_facts(_: Catalogue) -> dict[str, _Facts]:
    return {}


def _ask(
    catalogue: Catalogue, kind: QuestionKind, subject: str, side: Side | None, spot: tuple[str, str, str] | None
) -> str:
    """A question in plain words."""
    if spot is not None:  # a spot to press
        return _press(catalogue, *spot, side)
    if kind == "region":
        name = catalogue.regions[subject].name.lower() + (f" ({side})" if side else "")
        return f"Does it also hurt here: {name}?"
    if kind == "sensation":
        return f"Is there any {subject.replace('_', ' ')}?"
    return f"Is {catalogue.movements[subject].name.lower()} restricted or painful?"


def _press(catalogue: Catalogue, region: str, muscle_id: str, tp_id: str, place_side: Side | None) -> str:
    description = catalogue.trigger_point(muscle_id, tp_id).location.description.rstrip(".")
    where = catalogue.regions[region].name.lower() + (f", {place_side} side" if place_side else "")
    # "the" only before a noun ("the shoulder top", not "the between the shoulder blades"); the description keeps
    # its abbreviations ("C2", "SCM"), only its first letter lowered.
    article = "" if where.split(" ", 1)[0] in _PREPOSITIONS else "the "
    spot = description[:1].lower() + description[1:]
    return f"Pressing {article}{where} ({spot}): is it tender, and does it reproduce the pain?"


def _entropy(distribution: Sequence[float]) -> float:
    return -math.fsum([p * math.log2(p) for p in distribution if p > 0])


def _estimate(prior: Sequence[float], p_yes: Sequence[float]) -> float:
    """The expected information gain of a question, in plain floating point: the mutual information between the
    candidates and the answer, H(answer) − Σ p·H(answer | candidate), which needs no distribution after the
    answer (the exact gain is :func:`_score`'s)."""
    yes: float = sum(map(mul, prior, p_yes))
    given: float = sum(map(mul, prior, map(_ENTROPIES.__getitem__, p_yes)))
    return _binary_entropy(yes) - given


class _Entropies(dict[float, float]):
    """The binary entropy of each P(yes), worked out once: the probabilities asked about are the model's few
    numbers (zone, listed, tender), so the table stays small; it is emptied if it ever grows large."""

    def __missing__(self, p: float) -> float:
        if len(self) >= 4096:
            self.clear()
        found = self[p] = _binary_entropy(p)
        return found


_ENTROPIES = _Entropies()


def _binary_entropy(p: float) -> float:
    if p <= 0 or p >= 1:
        return 0.0
    return -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def _score(prior: Sequence[float], before: float, p_yes: Sequence[float]) -> _Gain | None:
    """The expected information gain of a question, and the distributions after a yes and after a no."""
    joint = list(map(mul, prior, p_yes))
    yes = math.fsum(joint)
    no = 1.0 - yes
    if yes <= 0 or no <= 0:
        return None
    after_yes = [x / yes for x in joint]
    after_no = [p * (1 - q) / no for p, q in zip(prior, p_yes, strict=True)]
    log2 = math.log2
    gain = before - (
        yes * -math.fsum([a * log2(a) for a in after_yes if a > 0])
        + no * -math.fsum([a * log2(a) for a in after_no if a > 0])
    )
    if gain <= 1e-9:
        return None
    return gain, after_yes, after_no


def _leading(ranking: Ranking, top: int) -> list[Candidate]:
    """The first ``top`` candidates, less a tie that runs past the cut.

    Equal scores are ordered alphabetically, so the members of a tie that the cut splits would be an arbitrary
    pick (often muscles that explain nothing). They are left out unless fewer than two candidates would remain.
    """
    leading = list(ranking[:top])
    if len(ranking) > top and leading and ranking[top].score == leading[-1].score:
        untied = [c for c in leading if c.score != leading[-1].score]
        if len(untied) >= 2:
            return untied
    return leading


def _favoured(muscles: Sequence[str], raised_above: Sequence[float], after: Sequence[float]) -> tuple[str, ...]:
    """The muscle ids (at most three) of the leading candidates (``muscles``, in rank order) whose probability
    ``after`` an answer is above ``raised_above`` (just above the probability before it), most probable first."""
    raised = [i for i, (a, above) in enumerate(zip(after, raised_above, strict=True)) if a > above]
    raised.sort(key=after.__getitem__, reverse=True)  # a stable sort: equal probabilities stay in rank order
    return tuple(dict.fromkeys([muscles[i] for i in raised]))[:3]

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

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> questions = tpmap.rank(cat, "front of the shoulder", side="right").next_questions()
>>> 0 < len(questions) <= 5 and all(q.gain > 0 for q in questions)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..catalogue.records import SENSATIONS, Side
from ..errors import whole_number, wrong_type
from .results import Candidate, Ranking
from .scoring import place_probability

__all__ = ["NextQuestion", "next_questions"]

QuestionKind = Literal["region", "sensation", "movement", "press"]
_KIND_ORDER: dict[str, int] = {"region": 0, "sensation": 1, "movement": 2, "press": 3}
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
    scored = []
    for kind, subject, side, ask, likelihood in _questions(ranking, leading):
        p_yes = [likelihood(c) for c in leading]
        question = _score(kind, subject, side, ask, leading, prior, p_yes)
        if question is not None:
            scored.append(question)
    scored.sort(key=lambda q: (-round(q.gain, 12), _KIND_ORDER[q.kind], q.subject))
    chosen: list[NextQuestion] = []
    per_kind: dict[str, int] = {}
    for question in scored:
        if per_kind.get(question.kind, 0) < PER_KIND:
            chosen.append(question)
            per_kind[question.kind] = per_kind.get(question.kind, 0) + 1
        if len(chosen) == limit:
            break
    return tuple(chosen)


Likelihood = Callable[[Candidate], float]


def _questions(
    ranking: Ranking, leading: Sequence[Candidate]
) -> Iterator[tuple[QuestionKind, str, Side | None, str, Likelihood]]:
    catalogue, query, weights = ranking.catalogue, ranking.query, ranking.weights
    sides = query.sides()
    side: Side | None = sides[0] if len(sides) == 1 else None
    asked = [s.region for s in query.sites] + [a.region for a in query.absent]

    def settled(region: str) -> bool:
        return any(catalogue.is_within(region, r) or catalogue.is_within(r, region) for r in asked)

    regions = sorted({z.region for c in leading for z in catalogue.zones(c.muscle.id) if not settled(z.region)})
    for region in regions:
        place_side = side if catalogue.regions[region].laterality == "paired" else None
        where = catalogue.regions[region].name.lower() + (f" ({place_side})" if place_side else "")

        def hurts(c: Candidate, region: str = region, place_side: Side | None = place_side) -> float:
            return place_probability(
                catalogue, c.muscle.id, c.side, region, place_side, weights=weights, mode=query.mode
            )

        yield "region", region, place_side, f"Does it also hurt here: {where}?", hurts

    reported = {s for site in query.sites for s in site.sensations}
    for sensation in SENSATIONS:
        if sensation in reported or not any(
            sensation in tp.sensations for c in leading for tp in c.muscle.trigger_points
        ):
            continue

        def feels(c: Candidate, sensation: str = sensation) -> float:
            listed = any(sensation in tp.sensations for tp in c.muscle.trigger_points)
            return weights.listed if listed else weights.not_listed

        yield "sensation", sensation, None, f"Is there any {sensation.replace('_', ' ')}?", feels

    for movement in sorted({m for c in leading for m in c.muscle.movements} - set(query.movements)):

        def restricted(c: Candidate, movement: str = movement) -> float:
            return weights.listed if movement in c.muscle.movements else weights.not_listed

        name = catalogue.movements[movement].name.lower()
        yield "movement", movement, None, f"Is {name} restricted or painful?", restricted

    spots = sorted({(tp.location.region, c.muscle.id, tp.id) for c in leading for tp in c.muscle.trigger_points})
    seen: set[str] = set()
    for region, muscle_id, tp_id in spots:
        if region in seen:
            continue  # one question per spot: every trigger point located there answers it
        seen.add(region)
        place_side = side if catalogue.regions[region].laterality == "paired" else None
        description = catalogue.trigger_point(muscle_id, tp_id).location.description.rstrip(".")
        where = catalogue.regions[region].name.lower() + (f", {place_side} side" if place_side else "")

        def tender(c: Candidate, region: str = region) -> float:
            here = any(
                tp.location.region == region or catalogue.is_within(tp.location.region, region)
                for tp in c.muscle.trigger_points
            )
            return weights.tender_here if here else weights.tender_elsewhere

        # "the" only before a noun ("the shoulder top", not "the between the shoulder blades"); the description keeps
        # its abbreviations ("C2", "SCM"), only its first letter lowered.
        article = "" if where.split(" ", 1)[0] in _PREPOSITIONS else "the "
        spot = description[:1].lower() + description[1:]
        ask = f"Pressing {article}{where} ({spot}): is it tender, and does it reproduce the pain?"
        yield "press", f"{muscle_id}.{tp_id}", place_side, ask, tender


def _entropy(distribution: Sequence[float]) -> float:
    return -math.fsum(p * math.log2(p) for p in distribution if p > 0)


def _score(
    kind: QuestionKind,
    subject: str,
    side: Side | None,
    ask: str,
    leading: Sequence[Candidate],
    prior: Sequence[float],
    p_yes: Sequence[float],
) -> NextQuestion | None:
    yes = math.fsum(p * q for p, q in zip(prior, p_yes, strict=True))
    no = 1.0 - yes
    if yes <= 0 or no <= 0:
        return None
    after_yes = [p * q / yes for p, q in zip(prior, p_yes, strict=True)]
    after_no = [p * (1 - q) / no for p, q in zip(prior, p_yes, strict=True)]
    gain = _entropy(prior) - (yes * _entropy(after_yes) + no * _entropy(after_no))
    if gain <= 1e-9:
        return None
    return NextQuestion(
        kind, subject, side, ask, gain, _favoured(leading, prior, after_yes), _favoured(leading, prior, after_no)
    )


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


def _favoured(leading: Sequence[Candidate], prior: Sequence[float], after: Sequence[float]) -> tuple[str, ...]:
    raised = [(-a, c.rank, c.muscle.id) for c, p, a in zip(leading, prior, after, strict=True) if a > p * (1 + 1e-9)]
    return tuple(dict.fromkeys(muscle for _, _, muscle in sorted(raised)))[:3]

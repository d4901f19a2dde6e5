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
from functools import partial
from typing import Any, Literal

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import SENSATIONS, Side
from ..errors import whole_number, wrong_type
from .results import Candidate, Ranking
from .scoring import place_probabilities, trigger_points_in, within

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
    scored = []
    # Questions that the leading candidates would answer alike are worth the same (often: a region several of
    # them refer to); one answered alike by all of them is worth nothing.
    worth: dict[tuple[float, ...], tuple[float, list[float], list[float]] | None] = {}
    for kind, subject, side, ask, p_yes in _questions(ranking, leading):
        key = tuple(p_yes)
        found = worth.get(key, _UNSCORED)
        if found is _UNSCORED:
            found = worth[key] = None if min(key) == max(key) else _score(prior, before, p_yes)
        if found is not None:
            scored.append((-round(found[0], 12), _KIND_ORDER[kind], subject, side, ask, found))
    scored.sort(key=lambda row: row[:3])
    chosen: list[NextQuestion] = []
    per_kind: dict[int, int] = {}
    for _, kind_order, subject, side, ask, (gain, after_yes, after_no) in scored:
        if per_kind.get(kind_order, 0) < PER_KIND:
            chosen.append(
                NextQuestion(
                    _KINDS[kind_order],
                    subject,
                    side,
                    ask(),
                    gain,
                    _favoured(leading, prior, after_yes),
                    _favoured(leading, prior, after_no),
                )
            )
            per_kind[kind_order] = per_kind.get(kind_order, 0) + 1
        if len(chosen) == limit:
            break
    return tuple(chosen)


_UNSCORED: Any = object()


def _questions(
    ranking: Ranking, leading: Sequence[Candidate]
) -> Iterator[tuple[QuestionKind, str, Side | None, Callable[[], str], list[float]]]:
    """Every question worth asking, with its words (made when it is chosen) and P(yes) for each leading
    candidate."""
    catalogue, query, weights = ranking.catalogue, ranking.query, ranking.weights
    sides = query.sides()
    side: Side | None = sides[0] if len(sides) == 1 else None
    asked = {s.region for s in query.sites} | {a.region for a in query.absent}
    # A region is settled when it is a reported place, lies inside one, or contains one.
    around_asked = {r for place in asked for r in within(catalogue, place)}

    def settled(region: str) -> bool:
        return region in around_asked or not asked.isdisjoint(within(catalogue, region))

    muscles = [(c.muscle.id, c.side) for c in leading]
    zoned = {z.region for c in leading for z in catalogue.zones(c.muscle.id)}
    regions = sorted(region for region in zoned if not settled(region))
    for region in regions:
        place_side = side if catalogue.regions[region].laterality == "paired" else None

        def where(region: str = region, place_side: Side | None = place_side) -> str:
            name = catalogue.regions[region].name.lower() + (f" ({place_side})" if place_side else "")
            return f"Does it also hurt here: {name}?"

        hurts = place_probabilities(catalogue, region, place_side, muscles, weights=weights, mode=query.mode)
        yield "region", region, place_side, where, hurts

    reported = {s for site in query.sites for s in site.sensations}
    felt = [{s for tp in c.muscle.trigger_points for s in tp.sensations} for c in leading]
    for sensation in SENSATIONS:
        if sensation in reported or not any(sensation in each for each in felt):
            continue
        feels = [weights.listed if sensation in each else weights.not_listed for each in felt]
        yield "sensation", sensation, None, partial(_any, sensation), feels

    for movement in sorted({m for c in leading for m in c.muscle.movements} - set(query.movements)):
        restricted = [weights.listed if movement in c.muscle.movements else weights.not_listed for c in leading]
        name = catalogue.movements[movement].name.lower()
        yield "movement", movement, None, partial(_restricted, name), restricted

    spots = sorted({(tp.location.region, c.muscle.id, tp.id) for c in leading for tp in c.muscle.trigger_points})
    seen: set[str] = set()
    for region, muscle_id, tp_id in spots:
        if region in seen:
            continue  # one question per spot: every trigger point located there answers it
        seen.add(region)
        place_side = side if catalogue.regions[region].laterality == "paired" else None
        holders = trigger_points_in(catalogue, region)
        tender = [weights.tender_here if c.muscle.id in holders else weights.tender_elsewhere for c in leading]
        ask = partial(_press, catalogue, region, muscle_id, tp_id, place_side)
        yield "press", f"{muscle_id}.{tp_id}", place_side, ask, tender


def _any(sensation: str) -> str:
    return f"Is there any {sensation.replace('_', ' ')}?"


def _restricted(name: str) -> str:
    return f"Is {name} restricted or painful?"


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


def _score(
    prior: Sequence[float], before: float, p_yes: Sequence[float]
) -> tuple[float, list[float], list[float]] | None:
    """The expected information gain of a question, and the distributions after a yes and after a no."""
    joint = [p * q for p, q in zip(prior, p_yes, strict=True)]
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


def _favoured(leading: Sequence[Candidate], prior: Sequence[float], after: Sequence[float]) -> tuple[str, ...]:
    raised = [(-a, c.rank, c.muscle.id) for c, p, a in zip(leading, prior, after, strict=True) if a > p * (1 + 1e-9)]
    return tuple(dict.fromkeys(muscle for _, _, muscle in sorted(raised)))[:3]

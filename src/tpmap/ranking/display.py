"""How results show themselves: a table in a notebook, a DataFrame, and short text in a terminal.

A :class:`~tpmap.Ranking` shows in Jupyter as a table of its leading candidates (rank, muscle, side,
probability, zone, why) with its notes ("Rule out first" among them) below, and becomes a pandas DataFrame
with :meth:`~tpmap.Ranking.to_dataframe` (the ``pandas`` extra). The analyses (:class:`~tpmap.Cover`,
:class:`~tpmap.NextQuestion`, :class:`~tpmap.Satellites`) print as a line or a few in plain words and have
short reprs. The result classes keep only one-line methods that call the functions here.

>>> import tpmap
>>> places = ("front of the shoulder", "outside of the upper arm", "thumb side of the hand")
>>> result = tpmap.rank(tpmap.load_catalogue(), *places, side="right")
>>> ranking_rows(result, limit=1)[0][:4]
(1, 'infraspinatus', 'Infraspinatus', 'right')
>>> satellites_text(result.satellites()).startswith("examine first: ")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._extras import dataframe
from .._html import items, table
from ..errors import whole_number, wrong_type
from .results import Candidate, Ranking

if TYPE_CHECKING:
    from .cover import Cover, CoverMember
    from .questions import NextQuestion
    from .satellites import Satellites

__all__ = [
    "HTML_ROWS",
    "RANKING_COLUMNS",
    "cover_repr",
    "question_repr",
    "question_text",
    "rank_label",
    "ranking_dataframe",
    "ranking_html",
    "ranking_rows",
    "satellites_repr",
    "satellites_text",
]

RANKING_COLUMNS = ("rank", "muscle", "name", "side", "score", "probability", "zone", "why")
"""The columns of a ranking's table: rank, muscle id and name, side, score, probability, best zone, why."""

HTML_ROWS = 10
"""How many candidates a ranking's notebook table shows."""


def rank_label(ranking: Ranking, candidate: Candidate) -> str:
    """The rank, with "=" when other candidates have the same score (their order is only alphabetical).

    >>> import tpmap
    >>> result = tpmap.rank(tpmap.load_catalogue(), "lower back")
    >>> [rank_label(result, c) for c in result[:2]]
    ['1', '2']
    """
    tied = any(
        other.shared_rank == candidate.shared_rank and other is not candidate
        for other in ranking[max(candidate.rank - 2, 0) : candidate.rank + 1]
    )
    return f"{candidate.shared_rank}=" if tied else str(candidate.rank)


def ranking_rows(ranking: Ranking, limit: int | None = None) -> tuple[tuple[Any, ...], ...]:
    """One row per candidate (the first ``limit``, or all), in the order of :data:`RANKING_COLUMNS`."""
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    if limit is not None:
        whole_number("limit", limit)
    return tuple(
        (c.rank, c.muscle.id, c.muscle.name, c.side, c.score, c.probability, c.zone, c.summary())
        for c in ranking[:limit]
    )


def ranking_dataframe(ranking: Ranking, limit: int | None = None) -> Any:
    """A pandas DataFrame of :func:`ranking_rows` (columns :data:`RANKING_COLUMNS`); needs the ``pandas`` extra.

    Raises:
        MissingExtraError: pandas is not installed; the message gives the command that installs it.
    """
    return dataframe(RANKING_COLUMNS, ranking_rows(ranking, limit))


def ranking_html(ranking: Ranking, limit: int = HTML_ROWS) -> str:
    """A ranking as an HTML table of its first ``limit`` candidates (rank, muscle, side, probability, zone,
    why), its notes listed below; every value escaped.

    >>> import tpmap
    >>> text = ranking_html(tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right"), limit=2)
    >>> text.count("<tr>"), "Rule out first" in text or "relative" in text
    (3, True)
    """
    rows = [
        (rank_label(ranking, c), c.muscle.name, c.side or "-", f"{c.probability:.1%}", c.zone, c.summary())
        for c in ranking[: whole_number("limit", limit)]
    ]
    shown = f"the first {len(rows)} of {len(ranking)}" if len(rows) < len(ranking) else f"all {len(ranking)}"
    caption = f"tpmap ranking: {shown} candidates"
    header = ("rank", "muscle", "side", "probability", "zone", "why")
    return "\n".join(part for part in (table(header, rows, caption=caption), items(ranking.notes)) if part)


def _member(member: CoverMember) -> str:
    return member.muscle + (f"/{member.side}" if member.side else "")


def cover_repr(cover: Cover) -> str:
    """A smallest explaining set in one short line.

    >>> import tpmap
    >>> cover_repr(tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", "back of the hand", side="right").cover())
    ... # doctest: +ELLIPSIS
    '<Cover (exact): ...>'
    """
    members = ", ".join(_member(m) for m in cover.members) or "nothing explained"
    rest = f"; unexplained: {', '.join(cover.unexplained)}" if cover.unexplained else ""
    return f"<Cover ({cover.method}): {members}{rest}>"


def _who(ids: Sequence[str]) -> str:
    return ", ".join(ids) or "-"


def question_text(question: NextQuestion) -> str:
    """A next question in plain words: what to ask, and whom each answer favours.

    >>> from tpmap.ranking.questions import NextQuestion
    >>> print(question_text(NextQuestion("sensation", "tingling", None, "Any tingling?", 0.4, ("supinator",), ())))
    Any tingling?
      yes favours supinator; no favours -
    """
    return f"{question.ask}\n  yes favours {_who(question.if_yes)}; no favours {_who(question.if_no)}"


def question_repr(question: NextQuestion) -> str:
    """A next question in one short line: its kind, what it is about, and its gain in bits."""
    side = f"/{question.side}" if question.side else ""
    return f"<NextQuestion {question.kind} {question.subject}{side}: {question.gain:.2f} bits>"


def satellites_text(found: Satellites) -> str:
    """The order to examine the leading candidates, then each one's likely satellites."""
    lines = [f"examine first: {_who(found.examine_first)}"]
    for key in found.candidates:
        if key.satellites:
            side = f" ({key.side})" if key.side else ""
            lines.append(f"  satellites of {key.muscle}{side}: {_who([s.muscle for s in key.satellites])}")
    return "\n".join(lines)


def satellites_repr(found: Satellites) -> str:
    """Satellites in one short line: how many leading candidates, and the first to examine."""
    first = ", ".join(found.examine_first[:3]) + (", ..." if len(found.examine_first) > 3 else "")
    return f"<Satellites of {len(found.candidates)} candidates; examine first: {first or '-'}>"

"""The JSON report of a ranking: built here, and only here, for Python, the command line and any other caller.

>>> import json, tpmap
>>> report = ranking_report(tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right"), limit=3)
>>> list(report)
['query', 'reading', 'candidates', 'notes', 'red_flags', 'red_flags_held_back', 'cover', 'next_questions', 'satellites']
>>> len(report["candidates"]), json.loads(json.dumps(report)) == report
(3, True)
"""

from __future__ import annotations

from typing import Any

from ..errors import whole_number, wrong_type
from .cover import smallest_cover
from .questions import next_questions
from .results import Ranking
from .satellites import satellites


def ranking_report(ranking: Ranking, *, limit: int | None = None) -> dict[str, Any]:
    """A JSON-ready view: the query, how each free-text description was read (``reading``: every finding with
    the character spans of its words, the notes and the words not used), the first ``limit`` candidates, the
    notes, the red flags that fit the report (``red_flags``, most relevant first, as data; the "Rule out first"
    notes word them) and how many more were held back (``red_flags_held_back``), the smallest explaining set
    (``cover``), the next questions and the satellites of the leading candidates."""
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    if limit is not None:
        whole_number("limit", limit)
    return {
        "query": ranking.query.model_dump(mode="json", exclude={"descriptions"}),
        "reading": [reading.to_dict() for reading in ranking.query.descriptions],
        "candidates": [c.to_dict() for c in ranking.candidates[:limit]],
        "notes": list(ranking.notes),
        "red_flags": [flag.to_dict() for flag in ranking.red_flags],
        "red_flags_held_back": ranking.red_flags_held_back,
        "cover": smallest_cover(ranking).to_dict(),
        "next_questions": [q.to_dict() for q in next_questions(ranking)],
        "satellites": satellites(ranking).to_dict(),
    }

"""Every JSON output: built here, and only here, for Python, the command line and any other caller.

Each builder returns a JSON-ready ``dict`` that starts with ``tpmap_version``, ``schema_version`` and
``output`` (which output it is); its shape is declared, and published as a JSON Schema, in
:mod:`tpmap.ranking.outputs`.

>>> import json, tpmap
>>> report = ranking_report(tpmap.rank(tpmap.load_catalogue(), "outside of the elbow", side="right"), limit=3)
>>> list(report)  # doctest: +NORMALIZE_WHITESPACE
['tpmap_version', 'schema_version', 'output', 'query', 'reading', 'candidates', 'notes', 'red_flags',
 'red_flags_held_back', 'cover', 'next_questions', 'satellites']
>>> report["output"], len(report["candidates"]), json.loads(json.dumps(report)) == report
('ranking', 3, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import SENSATIONS, Aggravator, Movement, Muscle
from ..catalogue.stats import catalogue_stats
from ..errors import AmbiguousNameError, whole_number, wrong_type
from .cover import smallest_cover
from .outputs import envelope
from .questions import next_questions
from .reader import SENSATION_WORDS, Reading
from .results import Ranking
from .satellites import satellites

__all__ = [
    "catalogue_report",
    "muscle_report",
    "ranking_report",
    "reading_report",
    "vocabulary_report",
]

Listing = Literal["muscles", "regions", "conditions", "stats"]
"""The catalogue views :func:`catalogue_report` builds."""
Vocabulary = Literal["sensations", "movements", "aggravators"]


def _catalogue(catalogue: object) -> Catalogue:
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    return catalogue


def ranking_report(ranking: Ranking, *, limit: int | None = None) -> dict[str, Any]:
    """A JSON-ready view: the query, how each free-text description was read (``reading``: every finding with
    the character spans of its words, the notes and the words not used), the first ``limit`` candidates, the
    notes, the red flags that fit the report (``red_flags``, most relevant first, as data; the "Rule out first"
    notes word them) and how many more were held back (``red_flags_held_back``), the smallest explaining set
    (``cover``), the next questions and the satellites of the leading candidates.

    Its schema is ``RankingOutput`` in :func:`tpmap.output_schema`.
    """
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    if limit is not None:
        whole_number("limit", limit)
    return {
        **envelope("ranking"),
        "query": ranking.query.model_dump(mode="json", exclude={"descriptions"}),
        "reading": [reading.to_dict() for reading in ranking.query.descriptions],
        "candidates": [c.to_dict() for c in ranking[:limit]],
        "notes": list(ranking.notes),
        "red_flags": [flag.to_dict() for flag in ranking.red_flags],
        "red_flags_held_back": ranking.red_flags_held_back,
        "cover": smallest_cover(ranking).to_dict(),
        "next_questions": [q.to_dict() for q in next_questions(ranking)],
        "satellites": satellites(ranking).to_dict(),
    }


def reading_report(reading: Reading) -> dict[str, Any]:
    """How one description was read (see :func:`tpmap.read_report`), as JSON: ``ReadingOutput``.

    >>> import tpmap
    >>> data = reading_report(tpmap.read_report(tpmap.load_catalogue(), "tingling in my left hand"))
    >>> data["output"], [(f["subject"], f["side"]) for f in data["places"]]
    ('reading', [('hand', 'left')])
    """
    if not isinstance(reading, Reading):
        raise wrong_type("reading", "a Reading (see tpmap.read_report)", reading)
    return {**envelope("reading"), **reading.to_dict()}


def _muscle_view(catalogue: Catalogue, muscle: Muscle) -> dict[str, Any]:
    """A muscle record for reading: its sources expanded into citations."""
    data = muscle.model_dump(mode="json", exclude_none=True)
    data["sources"] = [
        {
            **ref.model_dump(mode="json", exclude_none=True),
            "citation": catalogue.sources[ref.source].citation,
            **({"url": catalogue.sources[ref.source].url} if catalogue.sources[ref.source].url else {}),
        }
        for ref in muscle.sources
    ]
    return data


def muscle_report(catalogue: Catalogue, name: str) -> dict[str, Any]:
    """One muscle by id, name or alias (``MuscleOutput``), or a group's members by the group's name
    (``MuscleGroupOutput``), as a view for reading: sources are expanded into citations.

    >>> import tpmap
    >>> cat = tpmap.load_catalogue()
    >>> muscle_report(cat, "SCM")["id"]
    'sternocleidomastoid'
    >>> group = muscle_report(cat, "hamstrings")
    >>> group["output"], [m["id"] for m in group["members"]]
    ('muscle_group', ['biceps_femoris', 'semitendinosus', 'semimembranosus'])
    """
    cat = _catalogue(catalogue)
    muscles = cat.muscles_named(name)  # checks the name; a group's name gives each of its members
    try:
        return {**envelope("muscle"), **_muscle_view(cat, cat.muscle(name))}
    except AmbiguousNameError:
        return {**envelope("muscle_group"), "group": name, "members": [_muscle_view(cat, m) for m in muscles]}


def catalogue_report(catalogue: Catalogue, listing: Listing) -> dict[str, Any]:
    """A view of the whole catalogue for reading: ``muscles`` (by id, sources expanded into citations),
    ``regions`` (in catalogue order), ``conditions`` (by id, each with the muscles that can mimic it) or
    ``stats`` (what it holds and its gaps, see ``tpmap stats``).

    >>> import tpmap
    >>> data = catalogue_report(tpmap.load_catalogue(), "conditions")
    >>> data["output"], "supinator" in {c["id"]: c for c in data["conditions"]}["lateral_epicondylalgia"]["muscles"]
    ('conditions', True)
    """
    cat = _catalogue(catalogue)
    if listing == "muscles":
        return {
            **envelope("muscles"),
            "muscles": [_muscle_view(cat, m) for m in sorted(cat.muscles.values(), key=_by_id)],
        }
    if listing == "regions":
        return {
            **envelope("regions"),
            "regions": [r.model_dump(mode="json", exclude_none=True) for r in cat.regions.values()],
        }
    if listing == "conditions":
        conditions = [
            {**c.model_dump(mode="json", exclude_none=True), "muscles": [m.id for m in cat.muscles_mimicking(c.id)]}
            for c in sorted(cat.conditions.values(), key=lambda c: c.id)
        ]
        return {**envelope("conditions"), "conditions": conditions}
    if listing == "stats":
        return {**envelope("stats"), **catalogue_stats(cat)}
    raise wrong_type("listing", "'muscles', 'regions', 'conditions' or 'stats'", listing)


def vocabulary_report(catalogue: Catalogue, vocabulary: Vocabulary) -> dict[str, Any]:
    """The ``sensations``, ``movements`` or ``aggravators`` that can be said, each with the words people use.

    >>> import tpmap
    >>> data = vocabulary_report(tpmap.load_catalogue(), "sensations")
    >>> data["output"], data["sensations"][0]["id"], "pins and needles" in data["sensations"][0]["words"]
    ('sensations', 'tingling', True)
    """
    cat = _catalogue(catalogue)
    rows: list[dict[str, Any]]
    if vocabulary == "sensations":
        rows = [
            {"id": s, "name": s.replace("_", " "), "words": [w for w, named in SENSATION_WORDS.items() if named == s]}
            for s in SENSATIONS
        ]
    elif vocabulary in ("movements", "aggravators"):
        entries: Mapping[str, Movement | Aggravator] = cat.movements if vocabulary == "movements" else cat.aggravators
        rows = [{"id": e.id, "name": e.name, "words": list(e.terms)} for e in sorted(entries.values(), key=_by_id)]
    else:
        raise wrong_type("vocabulary", "'sensations', 'movements' or 'aggravators'", vocabulary)
    return {**envelope(vocabulary), vocabulary: rows}


def _by_id(entry: Muscle | Movement | Aggravator) -> str:
    return entry.id

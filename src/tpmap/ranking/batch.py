"""Many pain reports ranked in one call: in input order, in this process or in several, a bad report kept apart.

:func:`rank_many` gives exactly what :func:`tpmap.rank` (or :func:`tpmap.score_query`) gives for each report
alone. A report that cannot be ranked (an unknown place, a wrong type …) yields a :class:`FailedReport` in its
place, holding its index and the error, so one bad row never loses the others. ``workers=N`` spreads the
reports over N processes, a chunk at a time; each worker reads the shipped catalogue itself, or is sent another
catalogue once.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> reports = [{"sites": ["outside of the elbow"], "side": "right"}, {"sites": ["a sore shldr"]}, {"choir": "112,205"}]
>>> for result in tpmap.rank_many(cat, reports):
...     print(result if isinstance(result, tpmap.FailedReport) else result[0].muscle.id)
supinator
report 1: unknown place or condition 'a sore shldr'; did you mean: shoulder, ...
trapezius
"""

from __future__ import annotations

import gc
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from ..catalogue.catalogue import Catalogue
from ..catalogue.loader import load_catalogue
from ..catalogue.text import close_matches
from ..errors import ArgumentTypeError, TpmapError, whole_number, wrong_type
from .query import REPORT_FIELDS, Query, Site, build_query
from .results import Ranking
from .scoring import ranking_from_parts, ranking_parts, score_query
from .weights import DEFAULT_WEIGHTS, Weights

__all__ = ["FailedReport", "rank_many", "rank_rows", "top_candidates"]

T = TypeVar("T")

_CHUNK = 64
"""Reports sent to a worker at a time: large enough that sending costs little next to ranking."""
_AHEAD = 4
"""Chunks in flight per worker, so no worker waits while the reports are read and the results written."""
_PLACED = 10
"""Candidates a worker places before sending a ranking back: reading them (as the CLI shows ten) costs this
process no placing of its own."""


@dataclass(frozen=True, eq=False)
class FailedReport:
    """A report of a batch that could not be ranked: its position in the input and why.

    >>> from tpmap.errors import QueryError
    >>> print(FailedReport(3, QueryError("the report is empty")))
    report 3: the report is empty
    """

    index: int
    """Where the report was in the input, from 0."""
    error: TpmapError
    """What was wrong with it (the error :func:`tpmap.rank` would have raised)."""

    def __str__(self) -> str:
        return f"report {self.index}: {self.error}"

    def __eq__(self, other: object) -> bool:  # errors compare by identity; two equal failures are one failure
        if not isinstance(other, FailedReport):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def _compared(self) -> tuple[int, type, tuple[Any, ...]]:
        return (self.index, type(self.error), self.error.args)


Report = Mapping[str, Any] | Query
"""A report mapping (``sites`` and the :class:`~tpmap.ReportFields` keys) or a built :class:`~tpmap.Query`."""


def rank_many(
    catalogue: Catalogue,
    reports: Iterable[Report],
    *,
    workers: int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Iterator[Ranking | FailedReport]:
    """Rank each report, yielding the results in input order, each exactly what ranking it alone gives.

    Args:
        catalogue: the catalogue to rank in.
        reports: report mappings, whose keys are ``sites`` (the painful places: a list of places in plain words,
            region ids, ``choir:`` codes or :class:`~tpmap.Site` records; one string is one place) and the
            fields of :class:`~tpmap.ReportFields` (``side``, ``sensations``, ``absent``, ``choir`` …), as
            :func:`tpmap.rank` takes them; and/or :class:`~tpmap.Query` objects, scored as they are. Read
            lazily: a generator of a million reports is never held in memory.
        workers: None (the default) ranks in this process; N ranks in N worker processes.
        weights: the model's numbers, as for :func:`tpmap.rank`.

    Yields:
        A :class:`~tpmap.Ranking` for each report, or a :class:`FailedReport` (its index and the
        :class:`~tpmap.TpmapError` that ranking it alone raises) for one that cannot be ranked.

    Raises:
        ArgumentTypeError: ``catalogue``, ``workers`` or ``weights`` is of the wrong type (before any report is
            read).
    """
    return _batch(catalogue, reports, workers, weights, None)


def rank_rows(
    catalogue: Catalogue,
    reports: Iterable[Report],
    *,
    top: int = 5,
    workers: int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Iterator[dict[str, Any] | FailedReport]:
    """Like :func:`rank_many`, but each result is only the :func:`top_candidates` view of its ranking, built
    where it was ranked (a worker sends back a few numbers, not a whole ranking).

    >>> import tpmap
    >>> row = next(rank_rows(tpmap.load_catalogue(), [{"sites": ["chest"], "side": "left"}], top=1))
    >>> [(c["rank"], c["muscle"], c["side"]) for c in row["candidates"]], row["red_flags"][:1]
    ([(1, 'pectoralis_major', 'left')], ['angina'])
    """
    whole_number("top", top, minimum=1)
    return _batch(catalogue, reports, workers, weights, partial(top_candidates, top=top))


def top_candidates(ranking: Ranking, top: int = 5) -> dict[str, Any]:
    """The first ``top`` candidates of ``ranking`` (rank, muscle id and name, side, score and probability,
    rounded as in the JSON report) and the ids of the serious conditions to rule out first that fit it.

    >>> import tpmap
    >>> top_candidates(tpmap.rank(tpmap.load_catalogue(), "chest", side="left"), top=1)  # doctest: +ELLIPSIS
    {'candidates': [{'rank': 1, 'shared_rank': 1, 'muscle': 'pectoralis_major', 'name': 'Pectoralis major', ...}], ...}
    """
    return {
        "candidates": [
            {
                "rank": c.rank,
                "shared_rank": c.shared_rank,
                "muscle": c.muscle.id,
                "name": c.muscle.name,
                "side": c.side,
                "score": round(c.score, 4),
                "probability": round(c.probability, 6),
            }
            for c in ranking[:top]  # only these candidates are made, not all of them
        ],
        "red_flags": [flag.condition for flag in ranking.red_flags],
    }


def _batch(
    catalogue: Catalogue,
    reports: Iterable[Report],
    workers: int | None,
    weights: Weights,
    finish: Callable[[Ranking], Any] | None,
) -> Iterator[Any]:
    """Check the arguments now (not at the first ``next``), then rank lazily."""
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    if not isinstance(weights, Weights):
        raise wrong_type("weights", "a Weights record", weights)
    if isinstance(reports, str | bytes | Mapping | Query) or not isinstance(reports, Iterable):
        raise wrong_type("reports", "an iterable of report mappings or Query objects", reports)
    if workers is not None:
        whole_number("workers", workers, minimum=1)
        return _in_workers(catalogue, reports, workers, weights, finish)
    ranker = _Ranker(catalogue, weights, finish)
    return (ranker(index, report) for index, report in enumerate(reports))


class _Ranker:
    """Ranks one report after another. Nothing is kept per report: :func:`~tpmap.build_query` remembers, per
    catalogue, how it read the words a registry repeats, and building a query from them again costs less than
    a key to find the whole report by."""

    def __init__(self, catalogue: Catalogue, weights: Weights, finish: Callable[[Ranking], Any] | None) -> None:
        self.catalogue = catalogue
        self.weights = weights
        self.finish = finish

    def __call__(self, index: int, report: object) -> Any:
        """The report read and ranked (and finished), or why it cannot be."""
        try:
            ranking = score_query(self.catalogue, self.query(report), self.weights)
        except TpmapError as error:
            return FailedReport(index, error)
        return ranking if self.finish is None else self.finish(ranking)

    def query(self, report: object) -> Query:
        if isinstance(report, Query):
            return report
        if not isinstance(report, Mapping):
            raise wrong_type("report", "a mapping of report fields or a Query", report)
        return _build(self.catalogue, report)


def _build(catalogue: Catalogue, report: Mapping[str, Any]) -> Query:
    """A report mapping as :func:`tpmap.build_query` reads it: ``sites`` as the places, the rest as fields."""
    fields = dict(report)
    sites = fields.pop("sites", ())
    for name in fields:
        if not isinstance(name, str):
            raise wrong_type("report key", "a string", name)
        if name not in REPORT_FIELDS:
            hint = close_matches(name, ("sites", *REPORT_FIELDS), limit=1)
            raise ArgumentTypeError(
                name,
                f"unknown report field {name!r}"
                + (f"; did you mean {hint[0]!r}?" if hint else f"; a report holds sites, {', '.join(REPORT_FIELDS)}"),
            )
    if isinstance(sites, (str, Site)):  # a tuple: checked faster than a union
        sites = (sites,)
    if isinstance(sites, bytes | Mapping) or not isinstance(sites, Iterable):
        raise wrong_type("sites", "a list of places (strings or Site records)", sites)
    return build_query(catalogue, *sites, **fields)


# ------------------------------------------------------------------------------------------------ workers


def _in_workers(
    catalogue: Catalogue,
    reports: Iterable[Report],
    workers: int,
    weights: Weights,
    finish: Callable[[Ranking], Any] | None,
) -> Iterator[Any]:
    """Chunks of reports to ``workers`` processes, a few chunks ahead, the results yielded in input order.

    With a finishing step (``rank_rows``) a worker reads, ranks and finishes each report and sends back the
    small result. Without one, a worker reads and scores each report and sends back the ranking's parts (its
    query, notes, red flags and scored order: :func:`~tpmap.ranking.scoring.ranking_parts`, not its catalogue),
    and this process puts the ranking together again in its own catalogue without scoring it.
    """
    # The shipped catalogue is read again by each worker (from the cache it keeps); another is sent once.
    sent = None if catalogue is load_catalogue() else pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL)
    chunks: Iterator[Sequence[tuple[int, object]]] = _chunks(enumerate(reports), _CHUNK)
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(sent, weights, finish))
    pending: deque[tuple[Future[list[Any]], Sequence[tuple[int, object]]]] = deque()
    here: _Ranker | None = None
    try:
        for chunk in islice(chunks, workers * _AHEAD):
            pending.append((pool.submit(_rank_chunk, chunk), chunk))
        while pending:
            future, sent_chunk = pending.popleft()
            try:
                sent_back = future.result()
            except _UNPICKLABLE:  # a report that cannot be sent to a worker: its chunk is ranked here instead
                here = here or _Ranker(catalogue, weights, finish)
                results = [here(index, report) for index, report in sent_chunk]
            else:
                results = [
                    result
                    if finish is not None or isinstance(result, FailedReport)
                    else ranking_from_parts(catalogue, weights, result)
                    for result in sent_back
                ]
            for chunk in islice(chunks, 1):
                pending.append((pool.submit(_rank_chunk, chunk), chunk))
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_UNPICKLABLE = (pickle.PicklingError, TypeError, AttributeError)
"""What pickling raises for an object it cannot send (a lock, a local function …); ranking the report in this
process gives what ranking it alone gives (often a :class:`FailedReport`)."""


def _chunks(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(items, size)):
        yield chunk


_WORKER: dict[str, _Ranker] = {}
"""The worker process's ranker (its catalogue, weights and finishing step), made once when it starts."""


def _start_worker(sent: bytes | None, weights: Weights, finish: Callable[[Ranking], Any] | None) -> None:
    catalogue = load_catalogue() if sent is None else pickle.loads(sent)  # our own pickle, sent by the parent
    _WORKER["ranker"] = _Ranker(catalogue, weights, finish)
    # What the worker holds from now on lives as long as it does (the catalogue, what it took over from the
    # parent): kept out of the garbage collector's passes, which would otherwise walk it again and again while the
    # worker's rankings come and go.
    gc.freeze()


def _rank_chunk(chunk: Sequence[tuple[int, object]]) -> list[Any]:
    ranker = _WORKER["ranker"]
    done = [ranker(index, report) for index, report in chunk]
    if ranker.finish is None:
        return [result if isinstance(result, FailedReport) else ranking_parts(result, _PLACED) for result in done]
    return done

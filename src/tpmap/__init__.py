"""tpmap: rank myofascial trigger-point muscles for a pain drawing, with an explanation for every score.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> result = tpmap.rank(cat, "outside of the elbow", side="right")
>>> result[0].side
'right'

**The public API is the names in** ``tpmap.__all__`` (and the exceptions of ``tpmap.errors``, each also
exported here). The subpackages ``tpmap.catalogue`` (records, files, the ``Catalogue``), ``tpmap.ranking``
(reading a report, scoring, the analyses) and ``tpmap.render`` (body charts), the command line in
``tpmap.cli`` and the web app in ``tpmap.web`` (``tpmap serve``; its JSON API is documented in
``docs/howto/web.md``) are internal: their module paths and other names may change between releases.

tpmap is an educational aid, not a diagnostic tool.

Names are imported on first use, so ``import tpmap`` is quick and a program pays only for the parts it uses
(ranking a report imports neither the charts nor networkx).
"""

import importlib as _importlib
import typing as _typing

from ._version import __version__
from .errors import (
    AmbiguousNameError,
    ArgumentTypeError,
    CatalogueError,
    ChartError,
    MissingExtraError,
    Problem,
    QueryError,
    TpmapError,
    UnknownNameError,
    WeightsError,
)

if _typing.TYPE_CHECKING:
    from .catalogue.catalogue import Catalogue, Zone
    from .catalogue.loader import check_files, load_catalogue, load_files
    from .catalogue.records import Condition, Muscle, Region, TriggerPoint
    from .ranking.batch import FailedReport, rank_many
    from .ranking.cover import Cover, CoverMember, smallest_cover
    from .ranking.lexicon import Resolution, resolve
    from .ranking.outputs import output_schema
    from .ranking.query import Absent, Query, ReportFields, Site, build_query
    from .ranking.questions import NextQuestion, next_questions
    from .ranking.reader import Reading, read_report
    from .ranking.report import ranking_report
    from .ranking.results import Candidate, Evidence, Ranking
    from .ranking.satellites import KeyCandidate, Satellite, Satellites, satellites
    from .ranking.scoring import rank, score_query
    from .ranking.weights import Weights
    from .render.chart import Chart, muscle_chart, ranking_chart

_WHERE: dict[str, str] = {
    "Absent": "ranking.query",
    "build_query": "ranking.query",
    "Candidate": "ranking.results",
    "Catalogue": "catalogue.catalogue",
    "Chart": "render.chart",
    "check_files": "catalogue.loader",
    "Condition": "catalogue.records",
    "Cover": "ranking.cover",
    "CoverMember": "ranking.cover",
    "Evidence": "ranking.results",
    "FailedReport": "ranking.batch",
    "KeyCandidate": "ranking.satellites",
    "load_catalogue": "catalogue.loader",
    "load_files": "catalogue.loader",
    "Muscle": "catalogue.records",
    "muscle_chart": "render.chart",
    "next_questions": "ranking.questions",
    "NextQuestion": "ranking.questions",
    "output_schema": "ranking.outputs",
    "Query": "ranking.query",
    "rank": "ranking.scoring",
    "rank_many": "ranking.batch",
    "Ranking": "ranking.results",
    "ranking_chart": "render.chart",
    "ranking_report": "ranking.report",
    "read_report": "ranking.reader",
    "Reading": "ranking.reader",
    "Region": "catalogue.records",
    "ReportFields": "ranking.query",
    "Resolution": "ranking.lexicon",
    "resolve": "ranking.lexicon",
    "Satellite": "ranking.satellites",
    "Satellites": "ranking.satellites",
    "satellites": "ranking.satellites",
    "score_query": "ranking.scoring",
    "Site": "ranking.query",
    "smallest_cover": "ranking.cover",
    "TriggerPoint": "catalogue.records",
    "Weights": "ranking.weights",
    "Zone": "catalogue.catalogue",
}
"""Where each public name other than the errors is defined, inside the package."""

if not _typing.TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """A public name, imported from its module on first use and kept (PEP 562)."""
        module = _WHERE.get(name)
        if module is None:
            raise AttributeError(f"module 'tpmap' has no attribute {name!r}")
        value = getattr(_importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "Absent",
    "AmbiguousNameError",
    "ArgumentTypeError",
    "Candidate",
    "Catalogue",
    "CatalogueError",
    "Chart",
    "ChartError",
    "Condition",
    "Cover",
    "CoverMember",
    "Evidence",
    "FailedReport",
    "KeyCandidate",
    "MissingExtraError",
    "Muscle",
    "NextQuestion",
    "Problem",
    "Query",
    "QueryError",
    "Ranking",
    "Reading",
    "Region",
    "ReportFields",
    "Resolution",
    "Satellite",
    "Satellites",
    "Site",
    "TpmapError",
    "TriggerPoint",
    "UnknownNameError",
    "Weights",
    "WeightsError",
    "Zone",
    "__version__",
    "build_query",
    "check_files",
    "load_catalogue",
    "load_files",
    "muscle_chart",
    "next_questions",
    "output_schema",
    "rank",
    "rank_many",
    "ranking_chart",
    "ranking_report",
    "read_report",
    "resolve",
    "satellites",
    "score_query",
    "smallest_cover",
]

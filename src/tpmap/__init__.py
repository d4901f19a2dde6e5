"""tpmap: rank myofascial trigger-point muscles for a pain drawing, with an explanation for every score.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> result = tpmap.rank(cat, "outside of the elbow", side="right")
>>> result[0].side
'right'

**The public API is the names in** ``tpmap.__all__`` (and the exceptions of ``tpmap.errors``, each also
exported here). The subpackages ``tpmap.catalogue`` (records, files, the ``Catalogue``), ``tpmap.ranking``
(reading a report, scoring, the analyses) and ``tpmap.render`` (body charts), and the command line in
``tpmap.cli``, are internal: their module paths and other names may change between releases.

tpmap is an educational aid, not a diagnostic tool.
"""

from ._version import __version__
from .catalogue.catalogue import Catalogue, Zone
from .catalogue.loader import check_files, load_catalogue, load_files
from .catalogue.records import Condition, Muscle, Region, TriggerPoint
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
from .ranking.cover import Cover, CoverMember, smallest_cover
from .ranking.lexicon import Resolution, resolve
from .ranking.query import Absent, Query, ReportFields, Site, build_query
from .ranking.questions import NextQuestion, next_questions
from .ranking.reader import Reading, read_report
from .ranking.report import ranking_report
from .ranking.results import Candidate, Evidence, Ranking
from .ranking.satellites import KeyCandidate, Satellite, Satellites, satellites
from .ranking.scoring import rank, score_query
from .ranking.weights import Weights
from .render.chart import Chart, muscle_chart, ranking_chart

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
    "rank",
    "ranking_chart",
    "ranking_report",
    "read_report",
    "resolve",
    "satellites",
    "score_query",
    "smallest_cover",
]

"""tpmap: rank myofascial trigger-point muscles for a pain drawing, with an explanation for every score.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> result = tpmap.rank(cat, "outside of the elbow", side="right")
>>> result[0].side
'right'

tpmap is an educational aid, not a diagnostic tool.
"""

from .catalogue import Catalogue, Zone
from .chart import Chart, muscle_chart, ranking_chart
from .cover import Cover, CoverMember
from .errors import AmbiguousNameError, CatalogueError, Problem, QueryError, TpmapError, UnknownNameError
from .lexicon import Resolution, resolve
from .loader import check_files, load_catalogue, load_files
from .model import Condition, Muscle, Region, TriggerPoint
from .query import Absent, Query, Site, build_query
from .questions import NextQuestion
from .reasoning import Candidate, Evidence, Ranking, Weights, rank, score_query
from .satellites import KeyCandidate, Satellite, Satellites

__version__ = "0.1.0"

__all__ = [
    "Absent",
    "AmbiguousNameError",
    "Candidate",
    "Catalogue",
    "CatalogueError",
    "Chart",
    "Condition",
    "Cover",
    "CoverMember",
    "Evidence",
    "KeyCandidate",
    "Muscle",
    "NextQuestion",
    "Problem",
    "Query",
    "QueryError",
    "Ranking",
    "Region",
    "Resolution",
    "Satellite",
    "Satellites",
    "Site",
    "TpmapError",
    "TriggerPoint",
    "UnknownNameError",
    "Weights",
    "Zone",
    "__version__",
    "build_query",
    "check_files",
    "load_catalogue",
    "load_files",
    "muscle_chart",
    "rank",
    "ranking_chart",
    "resolve",
    "score_query",
]

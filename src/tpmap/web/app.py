"""The web app behind ``tpmap serve``: one page, and a JSON API that gives the command line's JSON.

Every JSON answer is built by :mod:`tpmap.ranking.report`, the one JSON builder, so it is exactly what the
matching ``--json`` command prints. The API:

- ``POST /api/rank``: the ranking of a report (fields below), as ``tpmap rank --json`` prints it;
- ``POST /api/read``: how ``{"text": …, "side": …}`` is read, with the words' spans (``tpmap read --json``);
- ``GET /api/muscles/{name}``: one muscle (trigger points, zones, sources) or a group (``tpmap muscle --json``);
- ``GET /api/regions``: every body region, in catalogue order (``tpmap regions --json``);
- ``GET /api/sensations``: the sensations and the words people use for them (``tpmap sensations --json``);
- ``GET /api/charts/muscles/{name}?side=left``: a muscle's referral pattern as SVG (``tpmap chart``);
- ``POST /api/charts/ranking``: a report's ranking as an SVG heat map, ``top`` candidates (``tpmap rank --chart``).

A report is a JSON object with the fields of :class:`tpmap.ReportFields` plus ``text``, ``sites`` and ``limit``
(``top`` for a chart; see :mod:`tpmap.web.inputs`), for example
``{"sites": [{"region": "lateral_elbow", "side": "right"}], "text": "worse when I grip"}``. A request body
must be JSON (``Content-Type: application/json``) of at most 64 KiB.

Errors answer with a status and ``{"error": {"type", "message", "suggestions"}}``: 400 a body that is not
valid JSON, 404 an unknown path or muscle (with close matches), 413 a body too large, 415 a body sent as
another type than JSON, 422 a report of the wrong shape or that cannot be ranked as written (an unknown place,
with close matches; too many places; a contradiction). Nothing is a 500 but a fault of tpmap's own. No endpoint
reads or writes a file named by the client; the page's own files are fixed names in the package.

>>> from starlette.testclient import TestClient
>>> client = TestClient(create_app(), base_url="http://127.0.0.1")
>>> answer = client.post("/api/rank", json={"sites": [{"region": "lateral_elbow", "side": "right"}], "limit": 3})
>>> answer.status_code, answer.json()["output"], len(answer.json()["candidates"])
(200, 'ranking', 3)
>>> answer = client.post("/api/rank", json={"sites": [{"region": "elbw", "side": "right"}]})
>>> answer.status_code, answer.json()["error"]["suggestions"][:2]
(422, ['elbow', 'eyebrow'])
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .._version import __version__
from ..catalogue.catalogue import Catalogue
from ..catalogue.loader import load_catalogue
from ..errors import AmbiguousNameError, QueryError, TpmapError, UnknownNameError
from ..ranking.query import build_query
from ..ranking.reader import read_report
from ..ranking.report import catalogue_report, muscle_report, ranking_report, reading_report, vocabulary_report
from ..ranking.results import Ranking
from ..ranking.scoring import score_query
from ..render.chart import muscle_chart, ranking_chart
from .bodymap import view_svg, zoom_boxes
from .inputs import MAX_BODY, RankRequest, check_size, parse_json, rank_request, read_request

__all__ = ["LOCAL_HOSTS", "create_app"]

LOCAL_HOSTS: Final = ("127.0.0.1", "localhost", "[::1]", "::1")
"""The host names the app answers to by default: a page elsewhere cannot reach it through a renamed address."""

_PAGE_FILES: Final = {"app.js": "text/javascript", "style.css": "text/css"}
"""The page's own files, by fixed name: nothing else is served from the package."""


def create_app(catalogue: Catalogue | None = None, *, allowed_hosts: tuple[str, ...] | None = LOCAL_HOSTS) -> Starlette:
    """The ASGI app, answering from ``catalogue`` (the shipped one by default).

    ``allowed_hosts`` are the host names it answers to (``None``: any, for a server behind a proxy that checks).
    """
    cat = catalogue if catalogue is not None else load_catalogue()
    page = _page(cat)

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={**_NO_STORE, **_PAGE_POLICY})

    async def page_file(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _PAGE_FILES:
            raise HTTPException(404, f"no page file {name!r}")
        text = resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")
        return Response(text, media_type=_PAGE_FILES[name], headers=_NO_STORE)

    def ranked(checked: RankRequest) -> Ranking:
        # read first, then refuse a report too big to score, before any scoring is done
        return score_query(cat, check_size(build_query(cat, *checked.places, **checked.report)))

    async def rank_endpoint(request: Request) -> Response:
        checked = rank_request(await _json_body(request))
        ranking = await run_in_threadpool(ranked, checked)
        report = await run_in_threadpool(ranking_report, ranking, limit=checked.limit)
        return JSONResponse(report)

    async def read_endpoint(request: Request) -> Response:
        text, side = read_request(await _json_body(request))
        return JSONResponse(reading_report(await run_in_threadpool(read_report, cat, text, side=side)))

    async def muscle_endpoint(request: Request) -> Response:
        return JSONResponse(muscle_report(cat, request.path_params["name"]))

    async def regions_endpoint(request: Request) -> Response:
        return JSONResponse(catalogue_report(cat, "regions"))

    async def sensations_endpoint(request: Request) -> Response:
        return JSONResponse(vocabulary_report(cat, "sensations"))

    async def muscle_chart_endpoint(request: Request) -> Response:
        side = request.query_params.get("side", "right")
        unknown = sorted(set(request.query_params) - {"side"})
        if unknown:
            raise QueryError(f"unknown parameter {unknown[0]!r}; a muscle chart takes 'side'")
        chart = muscle_chart(cat, request.path_params["name"], side=side)  # type: ignore[arg-type]
        return Response(chart.svg, media_type="image/svg+xml")

    async def ranking_chart_endpoint(request: Request) -> Response:
        checked = rank_request(await _json_body(request), count="top")
        ranking = await run_in_threadpool(ranked, checked)
        chart = await run_in_threadpool(ranking_chart, ranking, top=checked.top)
        return Response(chart.svg, media_type="image/svg+xml")

    routes = [
        Route("/", index),
        Route("/static/{name}", page_file),
        Route("/api/rank", rank_endpoint, methods=["POST"]),
        Route("/api/read", read_endpoint, methods=["POST"]),
        Route("/api/muscles/{name}", muscle_endpoint),
        Route("/api/regions", regions_endpoint),
        Route("/api/sensations", sensations_endpoint),
        Route("/api/charts/muscles/{name}", muscle_chart_endpoint),
        Route("/api/charts/ranking", ranking_chart_endpoint, methods=["POST"]),
    ]
    middleware = [] if allowed_hosts is None else [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))]
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={TpmapError: _tpmap_error, HTTPException: _http_error, Exception: _server_error},
    )


_NO_STORE: Final = {"Cache-Control": "no-store"}
_PAGE_POLICY: Final = {
    # the page runs its own script only, and talks to this server only
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    # the page's address holds the report: never send it to the sites a source links to
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class _BodyError(QueryError):
    """A request body refused before it is read as a report: not JSON (400, 415) or too large (413)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.status, self.args[0]))


async def _json_body(request: Request) -> Any:
    """The request's JSON body, read in pieces and refused as soon as it passes :data:`MAX_BODY`."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise _BodyError(415, f"send the request as JSON (Content-Type: application/json), not {kind or 'nothing'!r}")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _BodyError(413, f"the request body is {int(declared)} bytes; the most accepted is {MAX_BODY}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _BodyError(413, f"the request body is over {MAX_BODY} bytes, the most accepted")
    try:
        return parse_json(bytes(body))
    except QueryError as err:
        raise _BodyError(400, str(err)) from None


def _status(error: TpmapError, request: Request) -> int:
    if isinstance(error, _BodyError):
        return error.status
    if isinstance(error, UnknownNameError | AmbiguousNameError) and request.method == "GET":
        return 404  # the name in the path names nothing (or several things)
    return 422


def _error(status: int, kind: str, message: str, suggestions: tuple[str, ...] = ()) -> JSONResponse:
    return JSONResponse({"error": {"type": kind, "message": message, "suggestions": list(suggestions)}}, status)


async def _tpmap_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TpmapError)
    suggestions = getattr(exc, "suggestions", None) or getattr(exc, "readings", None) or ()
    kind = "QueryError" if isinstance(exc, _BodyError) else type(exc).__name__
    return _error(_status(exc, request), kind, str(exc), tuple(suggestions))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, "HTTPError", str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    # a fault of tpmap's, not of the request: say so without a traceback (the server log keeps it)
    return _error(500, "InternalError", f"tpmap could not answer this request ({type(exc).__name__}); please report it")


def _page(catalogue: Catalogue) -> str:
    """The page, with the body map and what the script needs to start drawn in."""
    template = resources.files(__package__).joinpath("static", "index.html").read_text(encoding="utf-8")
    config = {
        "version": __version__,
        "zooms": zoom_boxes(catalogue),
        "sensations": vocabulary_report(catalogue, "sensations")["sensations"],
    }
    # "</" cannot close the script element from inside the JSON
    script = json.dumps(config, separators=(",", ":")).replace("</", "<\\/")
    return (
        template.replace("{{version}}", __version__)
        .replace("{{front}}", view_svg(catalogue, "front"))
        .replace("{{back}}", view_svg(catalogue, "back"))
        .replace("{{config}}", script)
    )

"""What the page (or any client) sends to the JSON API, read and checked before any work is done.

A report is a JSON object whose fields are those of :class:`tpmap.ReportFields` (``side``, ``sensations``,
``absent``, ``tender`` …) plus ``text`` (descriptions in plain words), ``sites`` (places clicked: region ids or
``{"region", "side", "sensations", "intensity"}`` objects) and ``limit`` (how many candidates to list; ``top``
instead for a chart: how many candidates it draws). Places
that do not hurt and spots pressed may also be ``{"region", "side"}`` objects. Sizes are capped so that one
request cannot tie the server up; anything unknown, misspelt or too big is refused with a message that says
what to change, never ignored.

>>> request = rank_request({"sites": [{"region": "lateral_elbow", "side": "right"}], "text": "worse when I grip"})
>>> request.places[0], request.places[1].region, request.limit
('worse when I grip', 'lateral_elbow', 10)
>>> rank_request({"sides": "left"})
Traceback (most recent call last):
tpmap.errors.QueryError: unknown field 'sides' in the report; did you mean 'side'?
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final, Literal

from ..catalogue.text import close_matches
from ..errors import QueryError, shown, whole_number
from ..ranking.query import Absent, Query, ReportFields, Site

__all__ = [
    "MAX_BODY",
    "MAX_DESCRIPTIONS",
    "MAX_ITEMS",
    "MAX_LIMIT",
    "MAX_PLACES",
    "MAX_TEXT",
    "RankRequest",
    "check_size",
    "parse_json",
    "rank_request",
    "read_request",
]

MAX_BODY: Final = 64 * 1024
"""The largest request body read, in bytes; a larger one is refused before it is parsed."""
MAX_ITEMS: Final = 60
"""The most items in any one list of a report (places, places that do not hurt, conditions …)."""
MAX_TEXT: Final = 2000
"""The most characters in one description in plain words."""
MAX_LIMIT: Final = 200
"""The most candidates one response lists (``limit``) or one chart draws (``top``)."""
MAX_DESCRIPTIONS: Final = 10
"""The most descriptions in plain words (``text``) in one report."""
MAX_PLACES: Final = 100
"""The most places in a report once its descriptions are read: painful, not painful and pressed together."""

_REPORT_FIELDS: Final = tuple(ReportFields.__annotations__)
_OWN_FIELDS: Final = ("text", "sites")
_PLACE_LISTS: Final = ("absent", "tender", "not_tender")


@dataclass(frozen=True)
class RankRequest:
    """A checked report: the arguments of :func:`tpmap.rank`, and how much of the result to send."""

    places: tuple[str | Site, ...]
    """Descriptions in plain words first, then the places clicked."""
    report: ReportFields
    limit: int
    top: int
    """How many candidates a ranking chart draws."""


def parse_json(raw: bytes) -> Any:
    """The JSON value of a request body.

    >>> parse_json(b'{"text": "elbow"}')
    {'text': 'elbow'}
    >>> parse_json(b'{"text": ')
    Traceback (most recent call last):
    tpmap.errors.QueryError: the request body is not valid JSON: Expecting value at line 1, column 10
    """
    if len(raw) > MAX_BODY:
        raise QueryError(f"the request body is {len(raw)} bytes; the most accepted is {MAX_BODY}")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise QueryError("the request body is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise QueryError(
            f"the request body is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    except RecursionError:
        raise QueryError("the request body is nested too deeply") from None


def rank_request(body: object, *, count: Literal["limit", "top"] = "limit") -> RankRequest:
    """Check a report sent as JSON and turn it into :func:`tpmap.rank`'s arguments. ``count`` is the one field
    besides the report's that the answer uses: ``limit`` for a ranking, ``top`` for a chart; the other is refused.

    Raises:
        QueryError: the body is not an object, names an unknown field, or is too big (too many items, too long
            a text); a place object is malformed. Wrong-typed field values are left to :func:`tpmap.rank`,
            which names them.
    """
    fields = _object(body, "the report")
    known = (*_OWN_FIELDS, count, *_REPORT_FIELDS)
    for name in fields:
        if name not in known:
            hint = close_matches(name, known, limit=1)
            raise QueryError(
                f"unknown field {shown(name)} in the report; "
                + (f"did you mean {hint[0]!r}?" if hint else f"the fields are {', '.join(known)}")
            )
    texts = fields.get("text", ())
    if isinstance(texts, str):
        texts = (texts,) if texts.strip() else ()
    texts = _list(texts, "text")
    if len(texts) > MAX_DESCRIPTIONS:
        raise QueryError(f"text has {len(texts)} descriptions; the most accepted is {MAX_DESCRIPTIONS}")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise QueryError(f"text[{index}] must be a string, not {shown(text)}")
        if len(text) > MAX_TEXT:
            raise QueryError(f"text[{index}] has {len(text)} characters; the most accepted is {MAX_TEXT}")
    sites = tuple(
        _place(item, f"sites[{index}]", Site) for index, item in enumerate(_list(fields.get("sites", ()), "sites"))
    )
    report: dict[str, Any] = {}
    for name in _REPORT_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if isinstance(value, list):
            _list(value, name)
            if name in _PLACE_LISTS:
                value = [
                    _place(item, f"{name}[{index}]", Absent if name == "absent" else None)
                    for index, item in enumerate(value)
                ]
        report[name] = value
    limit = _count(fields.get("limit", 10), "limit")  # the one not allowed is refused above
    top = _count(fields.get("top", 5), "top")
    places = (*(t for t in texts if t.strip()), *sites)
    return RankRequest(places, ReportFields(**report), limit, top)  # type: ignore[typeddict-item]


def check_size(query: Query) -> Query:
    """``query`` if its descriptions, once read, give at most :data:`MAX_PLACES` places; else the error.

    >>> import tpmap
    >>> check_size(tpmap.build_query(tpmap.load_catalogue(), "thumb", absent=["wrist"])).sites[0].region
    'thumb'
    """
    places = len(query.sites) + len(query.absent) + len(query.tender) + len(query.not_tender)
    if places > MAX_PLACES:
        raise QueryError(f"the report names {places} places; the most accepted is {MAX_PLACES}")
    return query


def read_request(body: object) -> tuple[str, Any]:
    """The ``text`` and ``side`` of a request to read a description.

    >>> read_request({"text": "pins and needles in my hand", "side": "left"})
    ('pins and needles in my hand', 'left')
    """
    fields = _object(body, "the request")
    unknown = [name for name in fields if name not in ("text", "side")]
    if unknown:
        raise QueryError(f"unknown field {shown(unknown[0])}; a request to read takes 'text' and 'side'")
    text = fields.get("text")
    if not isinstance(text, str):
        raise QueryError(f"text must be a string, not {shown(text)}")
    if len(text) > MAX_TEXT:
        raise QueryError(f"text has {len(text)} characters; the most accepted is {MAX_TEXT}")
    return text, fields.get("side")


def _object(body: object, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise QueryError(f"{what} must be a JSON object, not {shown(body)}")
    return body


def _list(value: object, name: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise QueryError(f"{name} must be a list, not {shown(value)}")
    if len(value) > MAX_ITEMS:
        raise QueryError(f"{name} has {len(value)} items; the most accepted is {MAX_ITEMS}")
    return list(value)


def _count(value: object, name: str) -> int:
    number = whole_number(name, value, minimum=1)
    if number > MAX_LIMIT:
        raise QueryError(f"{name} must be at most {MAX_LIMIT}, not {number}")
    return number


def _place(item: object, where: str, record: type[Site] | type[Absent] | None) -> Any:
    """A place as a string or an object. ``record`` is what the object becomes; with None (a spot pressed, which
    :func:`tpmap.rank` takes in words) the object becomes the words "left <region>" that name it and its side."""
    if isinstance(item, str):
        if len(item) > MAX_TEXT:
            raise QueryError(f"{where} has {len(item)} characters; the most accepted is {MAX_TEXT}")
        return item
    if not isinstance(item, dict):
        raise QueryError(f'{where} must be a place in words or a {{"region", "side"}} object, not {shown(item)}')
    if record is not None:
        try:
            return record(**item)
        except QueryError as err:
            raise QueryError(f"{where}: {err}") from None
    unknown = [key for key in item if key not in ("region", "side")]
    region, side = item.get("region"), item.get("side")
    if unknown or not isinstance(region, str) or side not in (None, "left", "right"):
        raise QueryError(
            f"{where} must be {{\"region\": <a region>, \"side\": 'left', 'right' or null}}, not {shown(item)}"
        )
    return f"{side} {region}" if side else region

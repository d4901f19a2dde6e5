"""Exceptions raised by tpmap.

Every error subclasses :class:`TpmapError` *and* the builtin it resembles, so callers may catch
either ``tpmap.TpmapError`` or the builtin::

    TpmapError
    ├── CatalogueError (ValueError)      a catalogue file is unreadable or invalid; lists every problem
    ├── UnknownNameError (LookupError)   a name or phrase matches nothing; carries close matches
    ├── AmbiguousNameError (LookupError) a phrase has several readings; carries them
    └── QueryError (ValueError)          a pain report is malformed (bad side, sensation, empty report …)

>>> issubclass(CatalogueError, ValueError) and issubclass(UnknownNameError, LookupError)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AmbiguousNameError",
    "CatalogueError",
    "Problem",
    "QueryError",
    "TpmapError",
    "UnknownNameError",
]


class TpmapError(Exception):
    """Base class of every error tpmap raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a catalogue file, with where it is.

    ``line`` and ``column`` are 1-based; 0 means the position is unknown (e.g. the file is unreadable).

    >>> print(Problem("my.yaml", 3, 7, "muscles[0].area", "unknown value 'shoulders'"))
    my.yaml:3:7: muscles[0].area: unknown value 'shoulders'
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class CatalogueError(TpmapError, ValueError):
    """A catalogue could not be loaded. ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalogue:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class UnknownNameError(TpmapError, LookupError):
    """A name or phrase that matches nothing in the catalogue.

    >>> err = UnknownNameError("region", "elbw", ["elbow", "lateral_elbow"])
    >>> str(err)
    "unknown region 'elbw'; did you mean: elbow, lateral_elbow?"
    """

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        message = f"unknown {kind} {name!r}"
        if self.suggestions:
            message += f"; did you mean: {', '.join(self.suggestions)}?"
        super().__init__(message)

    def __str__(self) -> str:  # LookupError would quote the whole message
        return str(self.args[0])


class AmbiguousNameError(TpmapError, LookupError):
    """A phrase that reads as more than one thing; ``readings`` lists them."""

    def __init__(self, kind: str, name: str, readings: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.readings: tuple[str, ...] = tuple(readings)
        super().__init__(f"{kind} {name!r} is ambiguous; it could be: {', '.join(self.readings)}")

    def __str__(self) -> str:
        return str(self.args[0])


class QueryError(TpmapError, ValueError):
    """A pain report that cannot be scored as written."""

"""Exceptions raised by tpmap.

Every error a caller can cause subclasses :class:`TpmapError` *and* the builtin it resembles, so callers may
catch either ``tpmap.TpmapError`` or the builtin::

    TpmapError
    ├── CatalogueError (ValueError)      a catalogue is unreadable or inconsistent; lists every problem
    ├── UnknownNameError (LookupError)   a name or phrase matches nothing; carries close matches
    ├── AmbiguousNameError (LookupError) a phrase has several readings; carries them
    ├── QueryError (ValueError)          a pain report is malformed (bad side, sensation, empty report …)
    ├── ChartError (ValueError)          a chart cannot be drawn or saved as asked (file type, side, scale …)
    ├── WeightsError (ValueError)        a model weight out of its range (a probability of 0 or 1, a negative count)
    ├── MissingExtraError (ImportError)  an optional extra (such as ``png``) is not installed; says how to add it
    └── ArgumentTypeError (TypeError)    an argument of the wrong type; names the argument and what it takes

Errors survive pickling intact (so they cross ``multiprocessing`` boundaries):

>>> import pickle
>>> err = pickle.loads(pickle.dumps(UnknownNameError("region", "elbw", ["elbow"])))
>>> err.suggestions, str(err)
(('elbow',), "unknown region 'elbw'; did you mean: elbow?")
>>> issubclass(CatalogueError, ValueError) and issubclass(ArgumentTypeError, TypeError)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class TpmapError(Exception):
    """Base class of every error tpmap raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a catalogue, with where it is.

    ``line`` and ``column`` are 1-based; 0 means the position is unknown (an unreadable file, or a catalogue
    built in Python rather than read from a file).

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


@dataclass(frozen=True, order=True)
class MoreProblems(Problem):
    """The last line of a file's problems when there were more than are listed: it stands for ``count`` more.

    >>> print(MoreProblems("my.yaml", 0, 0, "", "and 5 more problems in this file", count=5))
    my.yaml: and 5 more problems in this file
    """

    count: int = 0


def problem_total(problems: Sequence[Problem]) -> int:
    """How many problems ``problems`` stands for, counting those a :class:`MoreProblems` line sums up.

    >>> problem_total([Problem("a.yaml", 1, 1, "", "bad"), MoreProblems("a.yaml", 0, 0, "", "and 9 more", count=9)])
    10
    """
    return sum(p.count if isinstance(p, MoreProblems) else 1 for p in problems)


class CatalogueError(TpmapError, ValueError):
    """A catalogue could not be loaded or built. ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = problem_total(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalogue:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))


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

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.name, self.suggestions))


class AmbiguousNameError(TpmapError, LookupError):
    """A phrase that reads as more than one thing; ``readings`` lists them."""

    def __init__(self, kind: str, name: str, readings: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.readings: tuple[str, ...] = tuple(readings)
        super().__init__(f"{kind} {name!r} is ambiguous; it could be: {', '.join(self.readings)}")

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.name, self.readings))


class QueryError(TpmapError, ValueError):
    """A pain report that cannot be scored as written."""


class ChartError(TpmapError, ValueError):
    """A chart that cannot be drawn or saved as asked."""


class WeightsError(TpmapError, ValueError):
    """A model weight the ranking cannot score with; the message names the field and its range."""


class MissingExtraError(TpmapError, ImportError):
    """A feature needs an optional extra that is not installed; the message says how to install it."""


class ArgumentTypeError(TpmapError, TypeError):
    """An argument of the wrong type (or an unknown keyword), raised before any work is done.

    ``argument`` names the argument.

    >>> str(wrong_type("sensations", "a list of strings", "tingling"))
    "sensations must be a list of strings, not str ('tingling')"
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.argument, self.args[0]))


def shown(value: object, limit: int = 60) -> str:
    """``value`` as a message quotes it: its repr, cut to ``limit`` characters (a user's value can be huge).

    >>> shown("x" * 100, limit=10)
    "'xxxxxx..."
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def wrong_type(argument: str, expected: str, value: object) -> ArgumentTypeError:
    """The error for ``argument`` given ``value`` where ``expected`` was wanted."""
    quoted = shown(value, limit=40)
    return ArgumentTypeError(argument, f"{argument} must be {expected}, not {type(value).__name__} ({quoted})")


def whole_number(argument: str, value: object, minimum: int = 0) -> int:
    """``value`` if it is a whole number of at least ``minimum`` (``True`` is not one), else the error.

    >>> whole_number("top", 3)
    3
    >>> whole_number("top", 2.5)
    Traceback (most recent call last):
    tpmap.errors.ArgumentTypeError: top must be a whole number, 0 or more, not float (2.5)
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise wrong_type(argument, f"a whole number, {minimum} or more", value)
    return value

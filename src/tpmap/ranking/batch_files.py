"""Files of pain reports in, files of rankings out: JSON Lines or CSV, one report per line (``tpmap rank-batch``).

A row holds an ``id``, the painful places (``sites``) and any field of :class:`~tpmap.ReportFields`, named
as in Python; a CHOIR export (a patient id and the selected codes, ``"112,205"``) is such a file. Each row is
ranked by :func:`~tpmap.ranking.batch.rank_rows`; a row that cannot be read or ranked is reported with its line
number, and the other rows are still written. Output goes to a temporary file in the same folder, renamed into
place only when every row is written, so an interrupted run leaves no half-written file. ``docs/howto/batch.md``
describes the columns.

>>> import io, tpmap
>>> rows = read_rows(io.StringIO("id,sites,side\\np1,outside of the elbow,right\\np2,chest;upper arm,left\\n"), "csv")
>>> [(row.line, row.id, row.report) for row in rows]  # doctest: +NORMALIZE_WHITESPACE
[(2, 'p1', {'sites': ['outside of the elbow'], 'side': 'right'}),
 (3, 'p2', {'sites': ['chest', 'upper arm'], 'side': 'left'})]
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, TextIO, get_args

from .._files import output_problem
from ..catalogue.catalogue import Catalogue
from ..errors import QueryError, shown
from .query import REPORT_FIELDS, ReportFields

__all__ = ["FORMATS", "Format", "Row", "file_format", "rank_file", "read_rows"]

Format = Literal["jsonl", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)
_SUFFIXES: Mapping[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}

COLUMNS: tuple[str, ...] = ("id", "sites", *REPORT_FIELDS)
"""The columns (CSV) or keys (JSON Lines) a row may have, each optional (a row without an id is known by its
line number)."""


def _typed(declared: str) -> frozenset[str]:
    """The report fields declared (in ``ReportFields``) with a type whose text starts with ``declared``."""
    hints = {name: getattr(hint, "__forward_arg__", str(hint)) for name, hint in ReportFields.__annotations__.items()}
    return frozenset(name for name, hint in hints.items() if hint.startswith(declared))


_LISTS = frozenset({"sites"}) | _typed("Iterable[") - {"choir"}
"""Columns holding several values: in a CSV cell, separated by semicolons (a CHOIR cell is one string of codes,
read as CHOIR exports write it)."""
_FLAGS = _typed("bool")
_NUMBERS = _typed("int")
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})

RowId = str | int


@dataclass(frozen=True)
class Row:
    """One row of a reports file: its line number (from 1), its id and the report, or why it cannot be read."""

    line: int
    id: RowId
    report: dict[str, Any] | None
    problem: str | None = None


def file_format(path: str, given: str | None) -> Format:
    """The format of ``path``: ``given`` if any, else by its suffix (``.jsonl``, ``.ndjson``, ``.csv``).

    >>> file_format("visits.CSV", None), file_format("-", "jsonl")
    ('csv', 'jsonl')
    """
    if given is not None:
        if given not in FORMATS:
            raise QueryError(f"the format must be {' or '.join(FORMATS)}, not {shown(given)}")
        return given
    found = _SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise QueryError(f"cannot tell the format of {path!r} from its name: give --format jsonl or --format csv")
    return found


def read_rows(
    source: Iterable[str], fmt: Format, *, columns: Mapping[str, str] | None = None, ignore: Iterable[str] = ()
) -> Iterator[Row]:
    """The rows of a reports file, read lazily, each with the line it starts on.

    Args:
        source: the file's lines (an open text file).
        fmt: ``"jsonl"`` or ``"csv"``.
        columns: a report field for each column named otherwise in the file (``{"patient": "id"}``).
        ignore: columns or keys to leave unread (anything else that is not a report field is an error).

    Raises:
        QueryError: the CSV header names a column that is not a report field (the whole file is refused: a
            misspelt column would otherwise be left out of every row).
    """
    renames = dict(columns or {})
    skipped = frozenset(ignore)
    if fmt == "csv":
        return _csv_rows(source, renames, skipped)
    return _jsonl_rows(source, renames, skipped)


def _field(name: str, renames: Mapping[str, str], skipped: frozenset[str]) -> str | None:
    """The report field a column is read as (None: left unread), or an error naming the close fields."""
    if name in skipped:
        return None
    field = renames.get(name, name)
    if field not in COLUMNS:
        from ..catalogue.text import close_matches  # noqa: PLC0415 - only for the message

        hint = close_matches(field, COLUMNS, limit=1)
        raise QueryError(
            f"unknown column {name!r}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
            + f": the columns are {', '.join(COLUMNS)}; --column FIELD=NAME reads another name as a field, "
            "--ignore-column NAME leaves a column unread"
        )
    return field


def _csv_rows(source: Iterable[str], renames: Mapping[str, str], skipped: frozenset[str]) -> Iterator[Row]:
    lines = iter(source)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        raise QueryError(f"line 1: the header cannot be read as CSV ({exc})") from None
    fields = [_field(name.strip(), renames, skipped) for name in header]
    named = [f for f in fields if f is not None]
    if len(set(named)) != len(named):
        twice = sorted({f for f in named if named.count(f) > 1})
        raise QueryError(f"line 1: the column {twice[0]!r} is given more than once")
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(start, start, None, f"not readable as CSV ({exc})")
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if not all(_is_text(cell) for cell in cells):
            yield Row(start, start, None, "not UTF-8 text")
            continue
        if len(cells) != len(fields):
            yield Row(start, start, None, f"{len(cells)} cells where the header has {len(fields)} columns")
            continue
        values = {f: cell for f, cell in zip(fields, cells, strict=True) if f is not None}
        yield _row(start, values, _cell)


def _cell(field: str, text: str) -> object:
    """A CSV cell as the report field takes it; an empty cell is a field not given (see ``_row``)."""
    if field in _LISTS:
        return [part.strip() for part in text.split(";") if part.strip()]
    if field in _NUMBERS:
        if not text.strip().isdecimal():
            raise QueryError(f"{field} must be a whole number, not {shown(text)}")
        return int(text)
    if field in _FLAGS:
        word = text.strip().lower()
        if word not in _TRUE | _FALSE:
            raise QueryError(f"{field} must be true or false, not {shown(text)}")
        return word in _TRUE
    return text.strip()


def _jsonl_rows(source: Iterable[str], renames: Mapping[str, str], skipped: frozenset[str]) -> Iterator[Row]:
    for line, text in enumerate(source, 1):
        if not text.strip():
            continue  # a blank line
        if not _is_text(text):
            yield Row(line, line, None, "not UTF-8 text")
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row(line, line, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(value, dict):
            yield Row(line, line, None, f"a line must hold one JSON object, not {type(value).__name__}")
            continue
        try:
            fields = {key: _field(key, renames, skipped) for key in value}
        except QueryError as exc:
            given = _row_id(value.get("id"), line)
            yield Row(line, line if given is None else given, None, str(exc))
            continue
        kept = {field: value[key] for key, field in fields.items() if field is not None}
        yield _row(line, kept, lambda _, v: v)


def _row_id(given: object, line: int) -> RowId | None:
    """A row's id: the one given, else its line number; None when what is given is not a string or a number."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return line
    if isinstance(given, bool) or not isinstance(given, str | int):
        return None
    return given.strip() if isinstance(given, str) else given


def _row(line: int, values: Mapping[str, Any], convert: Any) -> Row:
    """A row's report: every field given (an empty CSV cell or a JSON null is a field not given)."""
    report: dict[str, Any] = {}
    given_id = _row_id(values.get("id"), line)
    if given_id is None:
        return Row(line, line, None, f"id must be a string or a whole number, not {shown(values['id'])}")
    try:
        for field, value in values.items():
            if field == "id" or value is None or value == "":
                continue
            report[field] = convert(field, value)
    except QueryError as exc:
        return Row(line, given_id, None, str(exc))
    return Row(line, given_id, report)


# ------------------------------------------------------------------------------------------------ ranking


def rank_file(
    catalogue: Catalogue,
    source: str,
    output: str | None,
    *,
    fmt: Format | None = None,
    to: Format | None = None,
    top: int = 5,
    workers: int | None = None,
    force: bool = False,
    columns: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    ascii_only: bool = False,
) -> tuple[int, int]:
    """Rank every row of the reports file ``source`` (``-``: standard input) into ``output`` (None: standard
    output); return how many rows were written and how many could not be ranked (each told on ``stderr``, with
    its line). ``ascii_only`` writes JSON to standard output with escapes (for a terminal that cannot show
    other characters); files are always UTF-8.

    Raises:
        QueryError: the input cannot be read (missing, not UTF-8, an unknown column), or the output cannot be
            written (it exists without ``force``, it is the input, its folder is missing); nothing is written.
    """
    out_stream = stdout or sys.stdout
    err = stderr or sys.stderr
    fmt = file_format(source, fmt)
    if to is None:  # by the output's name, else as the input
        to = (_SUFFIXES.get(Path(output).suffix.lower()) if output is not None else None) or fmt
    else:
        to = file_format("-", to)
    if output is not None:
        _check_output(source, output, force)
    with _opened(source) as lines:
        rows = read_rows(lines, fmt, columns=columns, ignore=ignore)
        first = next(rows, None)  # a bad header fails here, before any output file exists
        pending: deque[Row] = deque()
        counts = [0, 0]
        name = "<stdin>" if source == "-" else source
        # Progress only on a terminal, and not on the one the results are written to.
        shown_here = err.isatty() and not (output is None and out_stream.isatty())
        progress = _Progress(err, _line_count(source)) if shown_here else None

        def problem(row: Row, message: str) -> None:
            counts[1] += 1
            label = f" (id {row.id})" if row.id != row.line else ""
            err.write(f"tpmap: {name}:{row.line}{label}: {message}\n")

        def reports() -> Iterator[dict[str, Any]]:
            for row in _chain(first, rows):
                if row.report is None:
                    problem(row, row.problem or "cannot be read")
                    continue
                pending.append(row)
                yield row.report

        # Imported here, not at the top: the CLI imports this module to build its parser, and a plain
        # `tpmap rank` should not pay for the process pool and the output models.
        from .batch import FailedReport, rank_rows  # noqa: PLC0415

        with _Writer(output, to, top, out_stream, ascii_only and output is None) as writer:
            for result in rank_rows(catalogue, reports(), top=top, workers=workers):
                row = pending.popleft()
                if isinstance(result, FailedReport):
                    problem(row, str(result.error))
                else:
                    writer.write(row.id, row.line, result)
                    counts[0] += 1
                if progress is not None:
                    progress.update(counts[0] + counts[1])
        if progress is not None:
            progress.close(counts[0] + counts[1])
    return counts[0], counts[1]


def _chain(first: Row | None, rest: Iterator[Row]) -> Iterator[Row]:
    if first is not None:
        yield first
        yield from rest


def _check_output(source: str, output: str, force: bool) -> None:
    message = output_problem(output, force)
    if message is None and source != "-" and _same_file(source, output):
        message = "it is the input file"
    if message is not None:
        raise QueryError(f"cannot write {output!r}: {message}")


@contextmanager
def _opened(source: str) -> Iterator[Iterator[str]]:
    """The lines of ``source`` (``-``: standard input) as text. Bytes that are not UTF-8 are kept as escapes,
    so that only the row holding them is refused (see ``_is_text``); a byte-order mark is dropped."""
    if source == "-":
        yield _decoded(sys.stdin.buffer)
        return
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise QueryError(f"cannot read {source!r}: {exc.strerror or exc}") from None
    with handle:
        yield _decoded(handle)


def _decoded(stream: IO[bytes]) -> Iterator[str]:
    for number, raw in enumerate(stream, 1):
        yield raw.decode("utf-8-sig" if number == 1 else "utf-8", errors="surrogateescape")


def _is_text(text: str) -> bool:
    """Whether ``text`` was UTF-8 in the file (no byte was kept as an escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line_count(source: str) -> int | None:
    """How many lines a regular file has (for the progress bar), or None when that cannot be known cheaply."""
    if source == "-":
        return None
    try:
        with open(source, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None


def _same_file(a: str, b: str) -> bool:
    """Whether two names are one file (the same path, or two links to one file)."""
    if Path(a).resolve() == Path(b).resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


class _Progress:
    """A one-line progress report on a terminal: rows done, rate, and (from the line count) the time left."""

    def __init__(self, stream: TextIO, total: int | None) -> None:
        self.stream = stream
        self.total = total
        self.start = self.last = time.monotonic()

    def update(self, done: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < 0.25:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        text = f"{done:,} reports, {rate:,.0f}/s"
        if self.total and not final:
            left = max(self.total - done, 0) / rate if rate else 0
            text = f"{done:,}/~{self.total:,} lines, {rate:,.0f}/s, about {left:,.0f} s left"
        self.stream.write(f"\rtpmap: {text}\x1b[K")
        self.stream.flush()

    def close(self, done: int) -> None:
        self.update(done, final=True)
        self.stream.write("\n")


class _Writer:
    """Rows of results to standard output, or to a temporary file renamed to ``output`` when all is written."""

    def __init__(self, output: str | None, fmt: Format, top: int, stdout: TextIO, ascii_only: bool) -> None:
        self.output = output
        self.ascii_only = ascii_only
        self.fmt = fmt
        self.top = top
        self.temporary: str | None = None
        self.stream: TextIO = stdout
        self.table: Any = None

    def __enter__(self) -> _Writer:
        if self.output is not None:
            target = Path(self.output)
            descriptor, self.temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            self.stream = open(descriptor, "w", encoding="utf-8", newline="")
        if self.fmt == "csv":
            self.table = csv.writer(self.stream, lineterminator="\n")
            header = ["id", "line"]
            for n in range(1, self.top + 1):
                header += [f"muscle_{n}", f"side_{n}", f"score_{n}", f"probability_{n}"]
            self.table.writerow([*header, "red_flags"])
        return self

    def write(self, row_id: RowId, line: int, result: Mapping[str, Any]) -> None:
        if self.fmt == "jsonl":
            from .outputs import envelope  # noqa: PLC0415 - see rank_file

            row = {**envelope("batch_row"), "id": row_id, "line": line, **result}  # see outputs.BatchRowOutput
            self.stream.write(json.dumps(row, ensure_ascii=self.ascii_only) + "\n")
            return
        cells: list[object] = [row_id, line]
        for candidate in result["candidates"]:
            cells += [candidate["muscle"], candidate["side"] or "", candidate["score"], candidate["probability"]]
        cells += [""] * (2 + 4 * self.top - len(cells))
        self.table.writerow([*cells, ";".join(result["red_flags"])])

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self.temporary is None:
            self.stream.flush()
            return
        try:
            if kind is None:
                self.stream.flush()
                os.fsync(self.stream.fileno())
            self.stream.close()
            if kind is None:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temporary, 0o666 & ~umask)
                os.replace(self.temporary, str(self.output))
                self.temporary = None
        finally:
            if self.temporary is not None:  # interrupted or failed: no half-written file is left
                Path(self.temporary).unlink(missing_ok=True)

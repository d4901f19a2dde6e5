"""The ``tpmap`` command line.

Exit codes: 0 success; 1 bad input (one clear message on standard error); 2 usage error; 130 interrupted.

>>> main(["rank", "outside of the elbow", "--side", "right", "--limit", "3"])  # doctest: +ELLIPSIS
rank  muscle ...
   1  ...
0
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import io
import json
import os
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._files import output_problem
from ._version import __version__
from .catalogue.catalogue import Catalogue
from .catalogue.export import write_text
from .catalogue.loader import check_files, load_catalogue, load_files
from .catalogue.records import SENSATIONS, Muscle, catalogue_schema
from .errors import CatalogueError, ChartError, Problem, QueryError, TpmapError, problem_total
from .ranking.batch_files import FORMATS, rank_file
from .ranking.choir import CHOIR_MAPS
from .ranking.cover import CoverMember, smallest_cover
from .ranking.display import rank_label
from .ranking.query import ReportFields
from .ranking.questions import next_questions
from .ranking.reader import read_report
from .ranking.results import Ranking
from .ranking.satellites import satellites as find_satellites
from .ranking.scoring import rank

if TYPE_CHECKING:
    from .catalogue.stats import catalogue_stats, format_stats
    from .ranking.outputs import output_schema
    from .ranking.report import catalogue_report, muscle_report, ranking_report, reading_report, vocabulary_report
    from .render.chart import muscle_chart, ranking_chart
else:  # imported when first called: `tpmap rank` starts without the JSON schema's models and the chart code

    def _on_first_use(module: str, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(module), name)(*args, **kwargs)

        return call

    catalogue_stats = _on_first_use("tpmap.catalogue.stats", "catalogue_stats")
    format_stats = _on_first_use("tpmap.catalogue.stats", "format_stats")
    output_schema = _on_first_use("tpmap.ranking.outputs", "output_schema")
    catalogue_report = _on_first_use("tpmap.ranking.report", "catalogue_report")
    muscle_report = _on_first_use("tpmap.ranking.report", "muscle_report")
    ranking_report = _on_first_use("tpmap.ranking.report", "ranking_report")
    reading_report = _on_first_use("tpmap.ranking.report", "reading_report")
    vocabulary_report = _on_first_use("tpmap.ranking.report", "vocabulary_report")
    muscle_chart = _on_first_use("tpmap.render.chart", "muscle_chart")
    ranking_chart = _on_first_use("tpmap.render.chart", "ranking_chart")

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process arguments); return the exit code.

    Exit codes: 0 success; 1 bad input (one message on standard error, never a traceback); 2 usage error;
    130 interrupted (Ctrl-C). Where standard output cannot encode tpmap's typography (an ASCII locale), text
    falls back to ASCII look-alikes and JSON and YAML to escapes, so nothing fails half-written.
    """
    try:
        with _plain_output():
            return _run(_arguments(argv))
    except KeyboardInterrupt:
        print("tpmap: interrupted", file=sys.stderr)
        return 130


def _run(argv: list[str]) -> int:
    parser = _parser()
    try:
        args = _join_global_options(parser.parse_args(argv))
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    try:
        if args.run not in _TEXT_COMMANDS or getattr(args, "json", False):
            return int(args.run(args, sys.stdout))  # JSON, YAML and files: never wrapped
        text = io.StringIO()
        code = int(args.run(args, text))
        sys.stdout.write(wrap_text(text.getvalue(), text_width(sys.stdout)))
        return code
    except TpmapError as exc:  # bad input of any kind, catalogue problems included: one message, no traceback
        print(f"tpmap: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. piped into head
        return 0


def _arguments(argv: Sequence[str] | None) -> list[str]:
    """The arguments; those of the process that the locale could not decode are read as UTF-8 if they are."""
    if argv is not None:
        return list(argv)
    arguments = []
    for argument in sys.argv[1:]:
        try:
            arguments.append(os.fsencode(argument).decode("utf-8"))
        except UnicodeDecodeError:
            arguments.append(argument)
    return arguments


_ASCII = {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "✕": "x", "×": "x", "→": "->"}
_ASCII |= {"←": "<-", "≤": "<=", "≥": ">=", "·": "-", "•": "*", "±": "+/-", "\u00a0": " "}


def _ascii_look_alike(error: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: typography as ASCII, accented letters without accents, anything else escaped."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = []
    for character in error.object[error.start : error.end]:
        plain = _ASCII.get(character) or unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode()
        text.append(plain or character.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(text), error.end


def _can_encode(stream: object) -> bool:
    """Whether ``stream`` can write the characters tpmap prints (dashes, curly quotes, crosses, accents)."""
    try:
        "—’✕é".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


@contextmanager
def _plain_output() -> Iterator[None]:
    """Standard output that writes ASCII look-alikes where its encoding falls short, for the duration."""
    stream = sys.stdout
    if _can_encode(stream) or not isinstance(stream, io.TextIOWrapper):
        yield
        return
    codecs.register_error("tpmap-ascii", _ascii_look_alike)
    errors = stream.errors
    stream.reconfigure(errors="tpmap-ascii")
    try:
        yield
    finally:
        stream.reconfigure(errors=errors)


WIDTH = 100
"""The width text is wrapped to when standard output is not a terminal (and ``COLUMNS`` is not set)."""
WIDTH_RANGE = (40, 120)
"""The narrowest and widest text is wrapped to, whatever the terminal: wider lines are hard to read."""


def text_width(stream: object) -> int:
    """The width to wrap text to: ``COLUMNS`` if set, else the terminal's width when ``stream`` is a terminal,
    else :data:`WIDTH`; kept within :data:`WIDTH_RANGE`.

    >>> text_width(io.StringIO()) == WIDTH or "COLUMNS" in os.environ
    True
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        width = int(columns)
    elif getattr(stream, "isatty", lambda: False)():
        width = shutil.get_terminal_size((WIDTH, 24)).columns
    else:
        width = WIDTH
    low, high = WIDTH_RANGE
    return max(low, min(width, high))


def wrap_text(text: str, width: int) -> str:
    """``text`` with every line longer than ``width`` wrapped at spaces, the continuation indented four spaces
    under the line's own indentation. A word longer than the line (a URL) is never broken, nor a line indented
    more than half the width (a deep level of ``regions --tree``), which could not be wrapped readably.

    >>> print(wrap_text("  mimics: angina, carpal tunnel syndrome, tennis elbow\\nshort\\n", 30))
      mimics: angina, carpal
          tunnel syndrome, tennis
          elbow
    short
    <BLANKLINE>
    """
    lines = []
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        if len(line) <= width or indent > width // 2:
            lines.append(line)
            continue
        hang = " " * (indent + 4)
        wrapped = textwrap.wrap(line, width, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False)
        lines.extend(wrapped or [line])
    return "\n".join(lines)


_VIEW = (
    "print JSON: a view for reading (sources are expanded into citations), not a catalogue file; "
    "`tpmap export` writes one that loads back"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tpmap",
        description="Rank myofascial trigger-point muscles for a pain drawing. Educational, not diagnostic.",
    )
    parser.add_argument("--version", action="version", version=f"tpmap {__version__}")
    _global_options(parser)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    p = commands.add_parser("rank", help="rank muscles for a pain report")
    p.add_argument(
        "sites",
        nargs="*",
        metavar="SITE",
        help="a painful place in plain words, a region id, or a condition (none when --condition etc. say enough)",
    )
    p.add_argument("--side", choices=("left", "right"), help="side of the sites that do not name one")
    p.add_argument(
        "--sensation",
        action="append",
        default=[],
        metavar="S",
        help=f"a sensation felt at the sites: {', '.join(SENSATIONS)}",
    )
    p.add_argument("--intensity", type=int, metavar="0-10", help="how strong the pain is, 0 to 10")
    p.add_argument("--absent", action="append", default=[], metavar="SITE", help="a place that does not hurt")
    p.add_argument("--condition", action="append", default=[], metavar="C", help="a diagnosed or suspected condition")
    p.add_argument("--movement", action="append", default=[], metavar="M", help="a restricted movement")
    p.add_argument("--aggravator", action="append", default=[], metavar="A", help="something that makes it worse")
    p.add_argument(
        "--tender",
        action="append",
        default=[],
        metavar="SITE",
        help="pressing here finds a spot that reproduces the pain",
    )
    p.add_argument("--not-tender", action="append", default=[], metavar="SITE", help="pressed here: not tender")
    p.add_argument("--ruled-out", action="append", default=[], metavar="C", help="a condition checked and ruled out")
    _choir_arguments(p)
    p.add_argument("--strict", action="store_true", help="refuse a description that could be read more than one way")
    p.add_argument("--latent", action="store_true", help="the pain appears only when a spot is pressed")
    p.add_argument(
        "--all-flags",
        action="store_true",
        help="show every 'Rule out first' note that fits the report (default: the three most relevant)",
    )
    p.add_argument("--limit", type=int, default=10, metavar="N", help="how many candidates to show (default 10)")
    p.add_argument("--explain", action="store_true", help="show every evidence item of each candidate")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--chart", metavar="FILE", help="also draw the ranking as a body chart (.svg, or .png with tpmap[png])"
    )
    p.add_argument("--chart-top", type=int, default=5, metavar="N", help="candidates drawn on the chart (default 5)")
    p.add_argument("--force", action="store_true", help="replace the chart file if it exists")
    p.set_defaults(run=_rank)

    p = commands.add_parser(
        "rank-batch", help="rank every report of a JSON Lines or CSV file (a CHOIR export too), one result per line"
    )
    p.add_argument("file", metavar="FILE", help="reports, one per line: .jsonl or .csv (- reads standard input)")
    p.add_argument("--format", choices=FORMATS, help="the format of FILE (default: by its name)")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write the results (default: standard output)")
    p.add_argument("--to", choices=FORMATS, help="the format of the results (default: by --output's name, else FILE's)")
    p.add_argument("--top", type=int, default=5, metavar="K", help="candidates written for each report (default 5)")
    p.add_argument("--workers", type=int, metavar="N", help="rank in N processes (default: in this one)")
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help="read the file's column NAME as the report field FIELD, e.g. id=patient_id (repeatable)",
    )
    p.add_argument("--ignore-column", action="append", default=[], metavar="NAME", help="leave a column unread")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.set_defaults(run=_rank_batch)

    p = commands.add_parser("read", help="show how a description in plain words is read, with the words' spans")
    p.add_argument("text", metavar="TEXT", help='a description, e.g. "pins and needles in my left hand at night"')
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=_read)

    for vocabulary, what in (
        ("sensations", "the sensations besides pain, and the lay words for each"),
        ("movements", "the restricted movements, and the words people use for each"),
        ("aggravators", "what makes trigger points worse, and the words people use for each"),
    ):
        p = commands.add_parser(vocabulary, help=f"list {what}")
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=_vocabulary, vocabulary=vocabulary)

    p = commands.add_parser("chart", help="draw a muscle's referral pattern on the body chart")
    p.add_argument("name", help="a muscle id, name or alias")
    p.add_argument("--side", choices=("left", "right"), default="right", help="the muscle's side (default right)")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write it: .svg, or .png with tpmap[png]"
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=_chart)

    p = commands.add_parser("muscle", help="show one muscle: trigger points, zones, conditions, sources")
    p.add_argument("name", help="a muscle id, name or alias")
    p.add_argument("--json", action="store_true", help=_VIEW)
    p.set_defaults(run=_muscle)

    p = commands.add_parser("muscles", help="list the muscles")
    p.add_argument("--json", action="store_true", help=_VIEW)
    p.set_defaults(run=_muscles)

    p = commands.add_parser("regions", help="list the body regions")
    p.add_argument("--tree", action="store_true", help="show the part-of tree")
    p.add_argument("--json", action="store_true", help=_VIEW)
    p.set_defaults(run=_regions)

    p = commands.add_parser("conditions", help="list the conditions trigger points can mimic")
    p.add_argument("--json", action="store_true", help=_VIEW)
    p.set_defaults(run=_conditions)

    p = commands.add_parser(
        "check", help="validate catalogue files: every problem in one run, with file:line:column and the field"
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--alone", action="store_true", help="check the files as a whole catalogue, without the shipped one")
    p.set_defaults(run=_check)

    p = commands.add_parser("stats", help="count what the catalogue holds and list the muscles lacking each field")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_stats)

    p = commands.add_parser("schema", help="print the JSON Schema of a catalogue file (or of the JSON outputs)")
    p.add_argument(
        "--output",
        action="store_true",
        help="print the JSON Schema of every JSON output (rank --json, read --json …) instead",
    )
    p.set_defaults(run=_schema)

    p = commands.add_parser(
        "export", help="write the whole catalogue (shipped and -c files merged) as one catalogue file that loads back"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: standard output)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=_export)

    p = commands.add_parser("serve", help="click where it hurts, in the browser (needs the web extra)")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this machine)")
    p.add_argument("--port", type=int, default=8765, metavar="N", help="the port to listen on (default 8765)")
    p.add_argument("--no-browser", action="store_true", help="do not open the page in the browser")
    p.set_defaults(run=_serve)
    for command in commands.choices.values():  # every command, those added above or later, takes them too
        _global_options(command, after_command=True)
    return parser


_AFTER = "_after_command"


def _global_options(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """The options of every command, accepted before the command and after it (``tpmap rank thumb -c mine.yaml``).

    Added to the main parser and to each command's parser. After the command an option's value is kept apart
    (its ``dest`` ends in ``_after_command``) and :func:`_join_global_options` joins it to the value given before,
    so ``-c a.yaml rank … -c b.yaml`` reads both files instead of the later ``-c`` replacing the earlier.
    """
    group = parser.add_argument_group("options of every command (before or after the command)")
    suffix, unset = (_AFTER, argparse.SUPPRESS) if after_command else ("", None)
    group.add_argument(
        "--catalogue",
        "-c",
        dest="catalogue" + suffix,
        action="append",
        default=unset if after_command else [],
        metavar="FILE",
        help="a catalogue file of your own, merged over the shipped one by id (repeatable)",
    )
    group.add_argument(
        "--plugins",
        dest="plugins" + suffix,
        action="store_true",
        default=unset if after_command else False,
        help="merge the installed catalogue plug-ins (entry points in 'tpmap.catalogues') before your own files",
    )


def _join_global_options(args: argparse.Namespace) -> argparse.Namespace:
    """Join each global option given after the command to the value given before it: lists add up, and any
    other value given after the command wins."""
    for name, value in list(vars(args).items()):
        if name.endswith(_AFTER):
            before = getattr(args, name.removesuffix(_AFTER))
            setattr(args, name.removesuffix(_AFTER), before + value if isinstance(before, list) else value)
            delattr(args, name)
    return args


def _catalogue(args: argparse.Namespace) -> Catalogue:
    return load_catalogue(*args.catalogue, plugins=args.plugins)


def _check_output(path: str, force: bool) -> None:
    """Refuse a file name the chart cannot be saved as (a folder, a NUL character, a missing folder, another
    suffix), and never replace a file unasked."""
    from .render.chart import SUFFIXES  # noqa: PLC0415 - the chart code is imported only for a chart

    if "\x00" not in path and Path(path).suffix.lower() not in SUFFIXES:
        raise ChartError(f"cannot save a chart as {Path(path).name!r}: use a {' or '.join(SUFFIXES)} file name")
    problem = output_problem(path, force)
    if problem is not None:
        raise ChartError(f"cannot write {path!r}: {problem}")


def _stats(args: argparse.Namespace, out: TextIO) -> int:
    cat = _catalogue(args)
    if args.json:
        _dump(catalogue_report(cat, "stats"), out)
    else:
        out.write(format_stats(catalogue_stats(cat)) + "\n")
    return 0


def _dump(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, indent=2, ensure_ascii=not _can_encode(out)) + "\n")


def _rank(args: argparse.Namespace, out: TextIO) -> int:
    if args.limit < 1:
        raise QueryError("--limit must be at least 1")
    report = ReportFields(
        side=args.side,
        sensations=args.sensation,
        intensity=args.intensity,
        absent=args.absent,
        conditions=args.condition,
        movements=args.movement,
        aggravators=args.aggravator,
        mode="latent" if args.latent else "active",
        all_flags=args.all_flags,
        tender=args.tender,
        not_tender=args.not_tender,
        ruled_out=args.ruled_out,
        strict=args.strict,
        choir=",".join(args.choir),
        choir_map=args.choir_map,
    )
    result = rank(_catalogue(args), *args.sites, **report)
    if args.chart:
        _check_output(args.chart, args.force)
        path = ranking_chart(result, top=args.chart_top).save(args.chart)
        print(f"tpmap: chart written to {path}", file=sys.stderr)
    if args.json:
        _dump(ranking_report(result, limit=args.limit), out)
    else:
        for reading in result.query.descriptions:  # a short "read as" block for each description that says more
            if len(reading.findings()) < 2 and not reading.notes and not reading.unused:
                continue  # than one place, or was read with a note ("outside of the elbow" needs none)
            out.write(f"read as ({reading.text!r}):\n")
            out.write("".join(f"  {line}\n" for line in reading.describe(result.catalogue).splitlines()) + "\n")
        _print_ranking(result, args.limit, args.explain, out, text_width(sys.stdout))
    return 0


def _choir_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--choir",
        action="append",
        default=[],
        metavar="CODES",
        help="CHOIR body-map codes that hurt, e.g. 112,205 (each also as a SITE: choir:112)",
    )
    p.add_argument(
        "--choir-map",
        choices=CHOIR_MAPS,
        default="male",
        help="which figure numbers the codes (default male; the female figure numbers 112-117 differently)",
    )


def _rank_batch(args: argparse.Namespace, out: TextIO) -> int:
    """``tpmap rank-batch``: every row ranked; a bad row told on standard error, the others written; exit 1 if any
    row was bad."""
    if args.top < 1 or (args.workers is not None and args.workers < 1):
        raise QueryError("--top and --workers must be at least 1")
    columns: dict[str, str] = {}
    for item in args.column:
        field, equals, name = item.partition("=")
        if not (equals and field.strip() and name.strip()):
            raise QueryError(f"--column takes FIELD=NAME (e.g. id=patient_id), not {item!r}")
        columns[name.strip()] = field.strip()
    written, failed = rank_file(
        _catalogue(args),
        args.file,
        args.output,
        fmt=args.format,
        to=args.to,
        top=args.top,
        workers=args.workers,
        force=args.force,
        columns=columns,
        ignore=args.ignore_column,
        stdout=out,
        ascii_only=not _can_encode(out),
    )
    if args.output is not None:
        print(f"tpmap: {written} results written to {args.output}", file=sys.stderr)
    if failed:
        print(f"tpmap: {failed} report{'s' if failed > 1 else ''} could not be ranked (see above)", file=sys.stderr)
    return 1 if failed else 0


def _read(args: argparse.Namespace, out: TextIO) -> int:
    cat = _catalogue(args)
    reading = read_report(cat, args.text)
    if args.json:
        _dump(reading_report(reading), out)
    else:
        out.write(reading.describe(cat, spans=True) + "\n")
    return 0


def _vocabulary(args: argparse.Namespace, out: TextIO) -> int:
    """``tpmap sensations``, ``movements`` or ``aggravators``: what can be said, and its lay words."""
    data = vocabulary_report(_catalogue(args), args.vocabulary)
    if args.json:
        _dump(data, out)
        return 0
    for row in data[args.vocabulary]:
        out.write(f"{row['id']}: {row['name']}\n    said as: {', '.join(row['words']) or '-'}\n")
    return 0


def _chart(args: argparse.Namespace, out: TextIO) -> int:
    _check_output(args.output, args.force)
    chart = muscle_chart(_catalogue(args), args.name, args.side)
    out.write(f"{chart.save(args.output)}\n")
    return 0


def _print_ranking(result: Ranking, limit: int, explain: bool, out: TextIO, line_width: int = WIDTH) -> None:
    shown = result[:limit]
    width = max([len(c.muscle.name) for c in shown] + [6])
    out.write(f"rank  {'muscle':<{width}}  side   score   prob  zone       why\n")
    why_at = width + 40  # where the "why" column starts
    for c in shown:
        row = (
            f"{rank_label(result, c):>4}  {c.muscle.name:<{width}}  {c.side or '-':<5} {c.score:6.2f} "
            f"{c.probability:6.1%}  {c.zone:<9}  "
        )
        # "why" wrapped within its column, or on the lines below its row when the column would be too narrow
        indent, room = (why_at, line_width - why_at) if line_width - why_at >= 40 else (6, line_width - 6)
        why = textwrap.wrap(c.summary(), room, break_long_words=False, break_on_hyphens=False)
        first = row if indent == why_at else row.rstrip() + "\n" + " " * indent
        out.write(first + ("\n" + " " * indent).join(why) + "\n")
    if explain:
        for c in shown:
            out.write("\n" + c.explain() + "\n")
    _print_analysis(result, out)
    # The ranking's notes hold the red flags that fit the report, each once and most relevant first.
    out.write("\n" + "\n".join(f"note: {n}" for n in result.notes) + "\n")


def _print_analysis(result: Ranking, out: TextIO) -> None:
    """The smallest explaining set, the next questions and the examination order, in plain words."""
    names = result.catalogue.muscles

    def who(ids: Sequence[str]) -> str:
        return ", ".join(names[m].name for m in ids) or "-"

    if len(result.query.sites) > 1:
        cover = smallest_cover(result)

        def members(chosen: Sequence[CoverMember]) -> str:
            return " + ".join(names[m.muscle].name + (f" ({m.side})" if m.side else "") for m in chosen)

        out.write(f"\nsmallest explaining set ({cover.method}): {members(cover.members) or 'none'}\n")
        if cover.unexplained:
            out.write(f"  no muscle explains: {', '.join(cover.unexplained)}\n")
        for alternative in cover.alternatives[:2]:
            out.write(f"  or: {members(alternative)}\n")
    questions = next_questions(result, limit=3)
    if questions:
        out.write("\nask next:\n")
        for q in questions:
            out.write(f"  - {q.ask}\n    yes favours {who(q.if_yes)}; no favours {who(q.if_no)}\n")
    satellites = find_satellites(result, top=3)
    out.write(f"\nexamine first: {who(satellites.examine_first)}\n")
    for key in satellites.candidates:
        if key.satellites:
            out.write(f"  satellites of {names[key.muscle].name}: {who([s.muscle for s in key.satellites[:4]])}\n")


def _muscle(args: argparse.Namespace, out: TextIO) -> int:
    cat = _catalogue(args)
    if args.json:  # one shape per kind of name: a muscle's object, or a group's object listing its members
        _dump(muscle_report(cat, args.name), out)
        return 0
    muscles = cat.muscles_named(args.name)  # a group's name ("hamstrings") gives each of its members
    if len(muscles) > 1:
        out.write(f"{args.name}: a group of {len(muscles)} muscles: {', '.join(m.name for m in muscles)}\n\n")
    for index, muscle in enumerate(muscles):
        out.write(("\n" if index else "") + _muscle_text(cat, muscle))
    return 0


def _muscle_text(cat: Catalogue, muscle: Muscle) -> str:
    def name(region_id: str) -> str:
        return cat.regions[region_id].name.lower()

    lines = [f"{muscle.name} ({muscle.id})"]
    if muscle.aliases:
        lines.append(f"  also called: {', '.join(muscle.aliases)}")
    lines.append(f"  area: {muscle.area.replace('_', ' ')}")
    if muscle.innervation:
        nerve = ", ".join(muscle.innervation.nerves) or "?"
        roots = ", ".join((*(f"CN {n}" for n in muscle.innervation.cranial_nerves), *muscle.innervation.roots))
        lines.append(f"  innervation: {nerve}{f' ({roots})' if roots else ''}")
    for tp in muscle.trigger_points:
        lines.append(f"  trigger point {tp.id}: {tp.name or ''}".rstrip())
        lines.append(f"    lies in: {name(tp.location.region)} — {tp.location.description}")
        lines.append(f"    essential zone: {', '.join(map(name, tp.essential))}")
        if tp.spillover:
            lines.append(f"    spillover zone: {', '.join(map(name, tp.spillover))}")
        if tp.sensations:
            lines.append(f"    also: {', '.join(s.replace('_', ' ') for s in tp.sensations)}")
        if tp.side != "same":
            lines.append(f"    side: {'both sides' if tp.side == 'both' else 'the opposite side'}")
    for label, names in (
        ("mimics", [cat.conditions[i].name for i in muscle.conditions]),
        ("restricts", [cat.movements[i].name.lower() for i in muscle.movements]),
        ("worse with", [cat.aggravators[i].name.lower() for i in muscle.aggravators]),
        ("associated", [cat.muscles[i].name for i in muscle.associated]),
    ):
        if names:
            lines.append(f"  {label}: {', '.join(names)}")
    lines.append("  sources:")
    for ref in muscle.sources:
        source = cat.sources[ref.source]
        where = f" — {ref.locator}" if ref.locator else ""
        lines.append(f"    {source.citation}{where}{f' <{source.url}>' if source.url else ''}")
    return "\n".join(lines) + "\n"


def _muscles(args: argparse.Namespace, out: TextIO) -> int:
    cat = _catalogue(args)
    if args.json:
        _dump(catalogue_report(cat, "muscles"), out)
        return 0
    muscles = sorted(cat.muscles.values(), key=lambda m: m.id)
    width = max((len(m.id) for m in muscles), default=2)
    for m in muscles:
        out.write(f"{m.id:<{width}}  {m.name}  [{len(m.trigger_points)} TP]\n")
    return 0


def _regions(args: argparse.Namespace, out: TextIO) -> int:
    cat = _catalogue(args)
    if args.json:
        _dump(catalogue_report(cat, "regions"), out)
        return 0
    if args.tree:
        # An explicit stack, not recursion: a catalogue's tree may be thousands of regions deep.
        stack = [(r.id, 0) for r in reversed(list(cat.regions.values())) if r.parent is None]
        while stack:
            rid, depth = stack.pop()
            region = cat.regions[rid]
            extra = " (midline)" if region.laterality == "midline" else ""
            out.write(f"{'  ' * depth}{rid}: {region.name}{extra}\n")
            stack.extend((child, depth + 1) for child in reversed(cat.children(rid)))
        return 0
    width = max((len(r) for r in cat.regions), default=2)
    for region in sorted(cat.regions.values(), key=lambda r: r.id):
        terms = f"  ({', '.join(region.terms)})" if region.terms else ""
        out.write(f"{region.id:<{width}}  {region.name}{terms}\n")
    return 0


def _conditions(args: argparse.Namespace, out: TextIO) -> int:
    cat = _catalogue(args)
    if args.json:
        _dump(catalogue_report(cat, "conditions"), out)
        return 0
    conditions = sorted(cat.conditions.values(), key=lambda c: c.id)
    for c in conditions:
        muscles = ", ".join(m.id for m in cat.muscles_mimicking(c.id)) or "-"
        flag = "  [red flag]" if c.red_flag else ""
        out.write(f"{c.id}: {c.name}{flag}\n    aliases: {', '.join(c.aliases) or '-'}\n    muscles: {muscles}\n")
    return 0


def _check(args: argparse.Namespace, out: TextIO) -> int:
    problems = check_files(args.files, with_shipped=not args.alone, plugins=args.plugins)
    if problems:
        for problem in problems:
            sys.stderr.write(f"{problem}\n")
        total = problem_total(problems)
        sys.stderr.write(f"tpmap: {total:,} problem{'s' if total != 1 else ''} found\n")
        return 1
    out.write(f"ok: {len(args.files)} file{'s' if len(args.files) != 1 else ''} checked, no problems\n")
    if not args.alone:  # what the files do to the catalogue: a whole-entry replacement says what it drops
        changes = load_files(args.files, with_shipped=True, plugins=args.plugins).changes
        added = sum(change.kind == "added" for change in changes)
        if added:
            out.write(f"note: {added} new entr{'ies' if added != 1 else 'y'} added\n")
        out.writelines(f"note: {change}\n" for change in changes if change.kind != "added")
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    if args.output is not None and (problem := output_problem(args.output, args.force)) is not None:
        raise CatalogueError([Problem(args.output.replace("\x00", "\\0"), 0, 0, "", problem)])  # before any work
    catalogue = load_catalogue(*args.catalogue, plugins=args.plugins)
    if args.output is None:
        out.write(catalogue.to_yaml(ascii_only=not _can_encode(out)))
        return 0
    path = write_text(args.output, catalogue.to_yaml(), force=args.force, how="--force")
    print(f"tpmap: catalogue written to {path} ({catalogue!r})", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    """``tpmap serve``: the web app, until Ctrl-C (imported here: it needs the optional ``web`` extra)."""
    from .web.server import serve  # noqa: PLC0415  (the web app sits beside the command line)

    serve(_catalogue(args), host=args.host, port=args.port, open_browser=not args.no_browser)
    return 0


def _schema(args: argparse.Namespace, out: TextIO) -> int:
    if args.output:
        _dump(output_schema(), out)
        return 0
    _dump(catalogue_schema(), out)
    return 0


_TEXT_COMMANDS = (
    _rank,
    _read,
    _vocabulary,
    _muscle,
    _muscles,
    _regions,
    _conditions,
    _check,
    _stats,
)
"""The commands whose text output is wrapped to the terminal (see :func:`text_width`); their ``--json`` is not."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

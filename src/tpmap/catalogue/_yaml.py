"""Read one YAML document safely and remember where every value (and every key) came from.

Catalogue files are data written by people, so this reader is strict where PyYAML is lenient, and its work is
bounded whatever the file holds:

- only regular files are read (a FIFO or a device is refused before it can block or stream forever), and at
  most :data:`MAX_BYTES` bytes are read, counted as they arrive rather than trusted from the file's size;
- control characters and NUL bytes are refused, each with its line and column;
- lists and mappings nested deeper than :data:`MAX_DEPTH` levels are refused where the limit is crossed (the
  document is built from the parser's event stream with an explicit stack, so no depth can exhaust Python's),
  and so is a file of more than :data:`MAX_VALUES` values;
- anchors and aliases are refused (an alias "bomb" loads in a millisecond and then explodes whatever walks
  it), and so are duplicate keys (PyYAML silently keeps the last one), merge keys and unusual tags;
- only the safe scalar constructors run, so no tag can build a Python object;
- at most :data:`MAX_PROBLEMS` problems are listed per file; the rest are counted ("and N more").

Every problem comes back as a :class:`~tpmap.errors.Problem` with line and column; the reader never raises
for bad input. A clean file is read in one quick pass that keeps no positions; they are worked out from the
text the first time one is asked for (a problem found later, by the record checks). A file with any problem,
or anything unusual, is read again by the careful pass, which keeps every position and names each problem.

>>> doc = read_yaml_text("a: 1\\nb: [x, y]\\n", "demo.yaml")
>>> doc.data, doc.position(("b", 1)), doc.key_position(("b",)), doc.problems
({'a': 1, 'b': ['x', 'y']}, (2, 8), (2, 1), ())
>>> read_yaml_text("a: 1\\na: 2\\n", "demo.yaml").problems[0].message
"duplicate key 'a' (first at line 1)"
>>> print(read_yaml_text("a: b\\x00c\\n", "demo.yaml").problems[0])
demo.yaml:1:5: NUL character (U+0000) is not allowed in a catalogue file
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import MoreProblems, Problem

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "MAX_VALUES",
    "FieldPath",
    "ProblemList",
    "YamlDocument",
    "read_yaml_file",
    "read_yaml_text",
]

MAX_BYTES = 4 * 1024 * 1024
"""Largest catalogue file accepted: ample for thousands of muscles, small enough to parse in a blink."""

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted; catalogue entries need about eight levels."""

MAX_VALUES = 250_000
"""Most values (scalars, lists and mappings, keys included) one file may hold: the shipped muscles file, with
about 150 muscles, holds about 15,000, so this is room for thousands of muscles, and the work to read any file
stays bounded."""

MAX_PROBLEMS = 100
"""Problems listed per file; the rest are only counted, so a broken file costs no more than a short one."""

FieldPath = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _MERGE = _TAG + "str", _TAG + "null", _TAG + "merge"
_SCALAR_TAGS = frozenset(_TAG + kind for kind in ("str", "int", "float", "bool", "null", "timestamp"))
_COLLECTION_TAGS = frozenset((None, "!", _TAG + "seq", _TAG + "map"))
# What YAML calls printable: tab, line breaks and the visible planes; anything else is refused with its position.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_Position = tuple[int, int]


class ProblemList:
    """Problems in the order found, keeping at most :data:`MAX_PROBLEMS` per file and counting the others.

    >>> problems = ProblemList(limit=2)
    >>> for line in (1, 2, 3, 4):
    ...     problems.add(Problem("a.yaml", line, 1, "", "bad"))
    >>> [str(p) for p in problems.listed()]
    ['a.yaml:1:1: bad', 'a.yaml:2:1: bad', 'a.yaml: and 2 more problems in this file (only the first 2 are listed)']
    """

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self._kept: list[Problem] = []
        self._counts: dict[str, int] = {}

    def __len__(self) -> int:
        return sum(self._counts.values())

    def full(self, file: str) -> bool:
        """True once ``file`` has as many problems as are listed: callers may then only :meth:`count` more."""
        return self._counts.get(file, 0) >= self.limit

    def add(self, problem: Problem) -> None:
        """Keep ``problem`` if its file has room, else count it."""
        if not self.full(problem.file):
            self._kept.append(problem)
        self.count(problem.file)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add each of ``problems``."""
        for problem in problems:
            self.add(problem)

    def add_document(self, document: YamlDocument) -> None:
        """Add a document's problems, and count those it did not list."""
        self.extend(document.problems)
        self.count(document.file, document.unlisted)

    def count(self, file: str, number: int = 1) -> None:
        """Count ``number`` problems in ``file`` without listing them (their messages need not be built)."""
        self._counts[file] = self._counts.get(file, 0) + number

    def kept(self) -> tuple[Problem, ...]:
        """The problems kept, in the order found, without the lines that count the others."""
        return tuple(self._kept)

    def unlisted(self) -> int:
        """How many problems were counted but not kept."""
        return len(self) - len(self._kept)

    def listed(self, order: dict[str, int] | None = None) -> tuple[Problem, ...]:
        """The kept problems by file (in ``order``, else first found first), then line and column; each file
        with more problems than listed ends with a line saying how many more."""
        rank = dict(order or {})
        for problem in self._kept:
            rank.setdefault(problem.file, len(rank))
        result: list[Problem] = []
        kept = sorted(self._kept, key=lambda p: (rank[p.file], p.line, p.column, p.field, p.message))
        for index, problem in enumerate(kept):
            result.append(problem)
            if index + 1 == len(kept) or kept[index + 1].file != problem.file:
                more = self._counts[problem.file] - self.limit
                if more > 0:
                    message = f"and {more:,} more problems in this file (only the first {self.limit} are listed)"
                    result.append(MoreProblems(problem.file, 0, 0, "", message, count=more))
        return tuple(result)


class _Spot:
    """Where a list or mapping starts, where each of its items is, and (for a mapping) where each key is."""

    __slots__ = ("at", "items", "keys")

    def __init__(self, at: _Position, mapping: bool) -> None:
        self.at = at
        self.items: dict[str, _Position | _Spot] | list[_Position | _Spot] = {} if mapping else []
        self.keys: dict[str, _Position] | None = {} if mapping else None


@dataclass(frozen=True)
class YamlDocument:
    """What one file held: plain Python data, where every value and key is, and any problems."""

    file: str
    data: Any
    problems: tuple[Problem, ...]
    spots: _Spot | _Position | None = field(default=None, repr=False, compare=False)
    unlisted: int = 0
    """How many more problems the file has than ``problems`` lists (see :data:`MAX_PROBLEMS`)."""
    source: str | None = field(default=None, repr=False, compare=False)
    """The text of a file read without positions, kept until they are first asked for."""

    def position(self, path: FieldPath) -> tuple[int, int]:
        """The (line, column) of the value at ``path``, or of its nearest ancestor that has one."""
        return self._walk(path)[0]

    def key_position(self, path: FieldPath) -> tuple[int, int]:
        """The (line, column) of the key that ends ``path`` (a misspelt field is reported where it is written);
        the value's position when ``path`` does not end in a key of this document."""
        position, parent, found = self._walk(path)
        if found and parent is not None and parent.keys is not None and path and path[-1] in parent.keys:
            return parent.keys[str(path[-1])]
        return position

    def problem(self, path: FieldPath, message: str, *, at_key: bool = False) -> Problem:
        """A :class:`Problem` located at ``path`` in this document (at its key with ``at_key``)."""
        line, column = self.key_position(path) if at_key else self.position(path)
        return Problem(self.file, line, column, format_path(path), message)

    def _spots(self) -> _Spot | _Position | None:
        """Where every value is: read again from the text with positions the first time they are needed."""
        if self.spots is None and self.source is not None:
            builder = _Builder(self.file, ProblemList())
            builder.build(self.source)
            object.__setattr__(self, "spots", builder.root)  # a cache: the document's data do not change
            object.__setattr__(self, "source", None)
        return self.spots

    def _walk(self, path: FieldPath) -> tuple[_Position, _Spot | None, bool]:
        """The position of ``path`` or of its nearest ancestor, the spot holding it, and whether it was found."""
        spot = self._spots()
        parent: _Spot | None = None
        for part in path:
            if not isinstance(spot, _Spot):
                return _at(spot), None, False
            child = _child(spot, part)
            if child is None:
                return _at(spot), None, False
            parent, spot = spot, child
        return _at(spot), parent, True


def _child(spot: _Spot, part: str | int) -> _Spot | _Position | None:
    items = spot.items
    if isinstance(items, dict):
        return items.get(part) if isinstance(part, str) else None
    return items[part] if isinstance(part, int) and 0 <= part < len(items) else None


def _at(spot: _Spot | _Position | None) -> _Position:
    if spot is None:
        return (1, 1)
    return spot.at if isinstance(spot, _Spot) else spot


def format_path(path: FieldPath) -> str:
    """Render a field path the way people write it.

    >>> format_path(("muscles", 3, "trigger_points", 0, "essential", 1))
    'muscles[3].trigger_points[0].essential[1]'
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def read_yaml_file(path: str | os.PathLike[str], display_name: str | None = None) -> YamlDocument:
    """Read a catalogue file from disk; problems (missing, not a regular file, too large, not UTF-8) are
    reported, not raised."""
    name = display_name or os.fspath(path)
    if "\x00" in os.fspath(path):  # no system call accepts it; shown as \0 so the message prints cleanly
        return _failed(name.replace("\x00", "\\0"), "cannot read file: the path contains a NUL character")
    raw = _read_bytes(Path(path), name)
    if isinstance(raw, YamlDocument):
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return YamlDocument(name, None, (Problem(name, line, column, "", "file is not valid UTF-8"),))
    return read_yaml_text(text, name)


def _read_bytes(path: Path, name: str) -> bytes | YamlDocument:
    """At most :data:`MAX_BYTES` bytes of a regular file, or the document saying why not."""
    try:
        # Non-blocking, so a FIFO with no writer opens at once and is then refused as not a regular file.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return _failed(name, f"cannot read file: {exc.strerror or exc}")
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a pipe, device or socket"
            return _failed(name, f"cannot read file: it is {kind}, not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:  # counted as read: a size reported by the system may be wrong or missing
            chunk = os.read(handle, min(1 << 20, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_BYTES:
            return _failed(name, f"file is larger than {MAX_BYTES} bytes, the limit for a catalogue file")
        return b"".join(chunks)
    except OSError as exc:
        return _failed(name, f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(handle)


def read_yaml_text(text: str, name: str = "<string>") -> YamlDocument:
    """Read catalogue YAML from a string (see the module docstring for what is refused)."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return _failed(name, f"text is larger than {MAX_BYTES} bytes, the limit for a catalogue file")
    problems = ProblemList()
    for match in _UNPRINTABLE.finditer(text):
        if problems.full(name):  # count the rest without locating each
            problems.count(name, len(text) - len(_UNPRINTABLE.sub("", text)) - problems.limit)
            break
        line, column = _line_column(text, match.start())
        problems.add(Problem(name, line, column, "", f"{_describe(match.group())} is not allowed in a catalogue file"))
    if problems:
        return YamlDocument(name, None, problems.kept(), unlisted=problems.unlisted())
    data = _Builder(name, problems).build_quickly(text)
    if data is not _UNUSUAL:
        return YamlDocument(name, data, (), source=text)
    builder = _Builder(name, problems)
    data = builder.build(text)
    return YamlDocument(name, data, problems.kept(), builder.root, problems.unlisted())


def _failed(name: str, message: str) -> YamlDocument:
    return YamlDocument(name, None, (Problem(name, 0, 0, "", message),))


def _line_column(text: str, offset: int) -> _Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _describe(character: str) -> str:
    """How a refused character is named in a problem."""
    code = f"U+{ord(character):04X}"
    if character == "\x00":
        return f"NUL character ({code})"
    if 0xD800 <= ord(character) <= 0xDFFF:
        return f"unpaired surrogate ({code})"
    if character in "\ufffe\uffff":
        return f"non-character ({code})"
    return f"control character {code}"


def _mark(event: yaml.Event) -> _Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


class _Frame:
    """A list or mapping being filled, or (``data`` None) one being skipped after a problem."""

    __slots__ = ("data", "key", "path", "spot")

    def __init__(self, data: dict[str, Any] | list[Any] | None, path: FieldPath, spot: _Spot | None) -> None:
        self.data = data
        self.path = path
        self.spot = spot
        self.key: str | None = None  # a mapping's key waiting for its value


_SKIP = "\x00skip"
"""A mapping key that was refused: its value is read (to keep the parser in step) and dropped."""
_DROPPED = object()
"""What a refused key is read as."""
_UNUSUAL = object()
"""What the quick pass returns for a file it leaves to the careful one (a problem, or anything out of the way)."""


class _Builder:
    """Turns the parser's event stream into plain data and spots, with an explicit stack (no recursion)."""

    def __init__(self, name: str, problems: ProblemList) -> None:
        self.name = name
        self.problems = problems
        self.loader = _Loader("")
        self.root: _Spot | _Position | None = None
        self.data: Any = {}  # a file with no document (only comments) is an empty catalogue file
        self.refused = False  # an anchor, alias or too deep a nesting: the data is not returned
        self._resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        self._plain: dict[str, tuple[str, Any]] = {}

    def build(self, text: str) -> Any:
        """The document's data (None if it was refused); problems go to the problem list."""
        documents = values = 0
        stack: list[_Frame] = []
        parser = _Loader(text)
        try:
            while not isinstance(event := parser.get_event(), yaml.StreamEndEvent | None):  # type: ignore[no-untyped-call]
                if isinstance(event, yaml.ScalarEvent):
                    values += 1
                    if values > MAX_VALUES:
                        return self._refuse(
                            event, stack, f"more than {MAX_VALUES:,} values in one file; split it into smaller files"
                        )
                    self._scalar(event, stack)
                elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                    values += 1
                    if values > MAX_VALUES:
                        return self._refuse(
                            event, stack, f"more than {MAX_VALUES:,} values in one file; split it into smaller files"
                        )
                    if len(stack) >= MAX_DEPTH:
                        return self._refuse(event, stack, f"lists and mappings are nested more than {MAX_DEPTH} deep")
                    self._start(event, stack)
                elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                    stack.pop()
                elif isinstance(event, yaml.AliasEvent):
                    self._add(
                        _mark(event), stack[-1].path if stack else (), "YAML aliases are not allowed in catalogues"
                    )
                    self.refused = True
                    self._value(None, _mark(event), stack)
                elif isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        self._add(_mark(event), (), "a catalogue file holds one YAML document; found a second")
                        return None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            position = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            what = " ".join(part for part in (exc.context, exc.problem) if part)
            self._add(position, (), f"invalid YAML: {what}")
            return None
        except yaml.YAMLError as exc:
            self._add((0, 0), (), f"invalid YAML: {exc}")
            return None
        finally:
            parser.dispose()
            self.loader.dispose()
        return None if self.refused else self.data

    def build_quickly(self, text: str) -> Any:
        """The document's data, read in one pass that keeps no positions; :data:`_UNUSUAL` as soon as anything
        would be a problem or needs care (an anchor, an alias, a tag, a merge or repeated key, a limit crossed,
        a second document, a value that cannot be read), for :meth:`build` to read again and report.

        Only plain lists, mappings with text keys and the safe scalars pass, so the data are those
        :meth:`build` returns for the same text.
        """
        scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        containers: list[dict[str, Any] | list[Any]] = []
        keys: list[str | None] = []  # per open mapping, its key waiting for a value
        data: Any = {}
        documents = values = 0
        plain = self._plain
        parser = _Loader(text)
        try:
            while (event := parser.get_event()) is not None:  # type: ignore[no-untyped-call]
                kind = type(event)
                if kind is scalar_event:
                    values += 1
                    if event.anchor is not None or event.tag not in (None, "!") or values > MAX_VALUES:
                        return _UNUSUAL
                    value = event.value
                    if event.implicit[0]:  # plain (unquoted): its type is read from its text
                        if not containers and value == "":
                            continue  # an empty document ("---" alone) is an empty catalogue file
                        known = plain.get(value)
                        if known is None:
                            tag = self._resolve(value)
                            if tag == _MERGE or (tag != _STR and tag not in _SCALAR_TAGS):
                                return _UNUSUAL
                            node = yaml.ScalarNode(tag, value, None, None, event.style)
                            built = value if tag == _STR else self.loader.yaml_constructors[tag](self.loader, node)
                            known = (tag, built)
                            if len(plain) < 10_000:
                                plain[value] = known
                        value = known[1]
                elif kind is mapping_start or kind is sequence_start:
                    values += 1
                    if event.anchor is not None or event.tag not in _COLLECTION_TAGS:
                        return _UNUSUAL
                    if len(containers) >= MAX_DEPTH or values > MAX_VALUES:
                        return _UNUSUAL
                    value = {} if kind is mapping_start else []
                elif kind in ends:
                    containers.pop()
                    keys.pop()
                    continue
                elif kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        return _UNUSUAL
                    continue
                elif kind is yaml.AliasEvent:
                    return _UNUSUAL
                else:  # the stream's start and end, and a document's end
                    continue
                if containers:
                    parent = containers[-1]
                    if isinstance(parent, list):
                        parent.append(value)
                    elif (key := keys[-1]) is None:
                        if type(value) is not str or value in parent:
                            return _UNUSUAL  # a key that is not text, or is repeated
                        keys[-1] = value
                        continue
                    else:
                        parent[key] = value
                        keys[-1] = None
                else:
                    data = value
                if kind is not scalar_event:
                    containers.append(value)
                    keys.append(None)
        except (yaml.YAMLError, ValueError, OverflowError):
            return _UNUSUAL
        finally:
            parser.dispose()
            self.loader.dispose()
        return data

    def _refuse(self, event: yaml.Event, stack: list[_Frame], message: str) -> None:
        """Stop reading at ``event``: a limit that keeps the work bounded was crossed there."""
        self._add(_mark(event), stack[-1].path if stack else (), message)

    def _anchor(self, event: yaml.NodeEvent, stack: list[_Frame]) -> None:
        if event.anchor is not None:
            self._add(_mark(event), stack[-1].path if stack else (), "YAML anchors are not allowed in catalogues")
            self.refused = True

    def _scalar(self, event: yaml.ScalarEvent, stack: list[_Frame]) -> None:
        if event.anchor is not None:
            self._anchor(event, stack)
        if stack and stack[-1].data is None:
            return
        mark = event.start_mark
        at = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        value: Any = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:  # quoted: always text
                tag = _STR
            elif (known := self._plain.get(value)) is not None:
                tag, value = known
            else:
                tag = self._resolve(value)
            if not stack and value in ("", None) and tag == _NULL:
                return  # an empty document ("---" alone) is an empty catalogue file, like an empty one
        if tag != _STR and isinstance(value, str):
            text = value
            value = self._construct(tag, text, event.style, at, stack)
            if value is _DROPPED:
                return
            if event.implicit[0] and len(self._plain) < 10_000:  # numbers and flags repeat; they are immutable
                self._plain[text] = (tag, value)
        self._value(value, at, stack)

    def _resolve(self, value: str) -> str:
        """The tag PyYAML's resolver gives a plain scalar (same rules, without its per-call overhead)."""
        resolvers = self._resolvers.get(value[:1])
        if resolvers is None:
            table = self.loader.yaml_implicit_resolvers
            resolvers = self._resolvers[value[:1]] = [*table.get(value[:1], ()), *table.get(None, ())]
        for tag, pattern in resolvers:
            if pattern.match(value):
                return str(tag)
        return _STR

    def _construct(self, tag: str, text: str, style: str | None, at: _Position, stack: list[_Frame]) -> Any:
        """The value of a scalar that is not plain text, or :data:`_DROPPED` for a refused key."""
        path = stack[-1].path if stack else ()
        if tag == _MERGE and stack and isinstance(stack[-1].data, dict) and stack[-1].key is None:
            self._add(at, path, "YAML merge keys ('<<') are not allowed in catalogues")
            stack[-1].key = _SKIP
            return _DROPPED
        if tag not in _SCALAR_TAGS:
            self._add(at, path, f"the YAML tag {tag!r} is not allowed in catalogues")
            return None
        try:
            value = self.loader.yaml_constructors[tag](self.loader, yaml.ScalarNode(tag, text, None, None, style))
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. a date with month 13
            self._add(at, path, f"cannot read value {text!r}: {exc}")
            if stack and isinstance(stack[-1].data, dict) and stack[-1].key is None:
                stack[-1].key = _SKIP  # a key that cannot be read: its value is dropped with it
                return _DROPPED
            return None
        return value

    def _start(self, event: yaml.CollectionStartEvent, stack: list[_Frame]) -> None:
        self._anchor(event, stack)
        at = _mark(event)
        mapping = isinstance(event, yaml.MappingStartEvent)
        if stack and stack[-1].data is None:
            stack.append(_Frame(None, stack[-1].path, None))
            return
        if event.tag not in _COLLECTION_TAGS:
            self._add(at, stack[-1].path if stack else (), f"the YAML tag {event.tag!r} is not allowed in catalogues")
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent.data, dict) and parent.key is None:
            self._add(at, parent.path, "mapping keys must be plain text")
            parent.key = _SKIP
            stack.append(_Frame(None, parent.path, None))
            return
        container: dict[str, Any] | list[Any] = {} if mapping else []
        spot = _Spot(at, mapping)
        path = self._value(container, at, stack, spot)
        if path is None:  # the value of a refused key: read and dropped
            stack.append(_Frame(None, parent.path if parent else (), None))
        else:
            stack.append(_Frame(container, path, spot))

    def _value(self, value: Any, at: _Position, stack: list[_Frame], spot: _Spot | None = None) -> FieldPath | None:
        """Put ``value`` where it belongs (a mapping key, a mapping value, a list item or the document); for a
        list or mapping (``spot`` given) return its path, or None when it is dropped."""
        if not stack:
            self.root = spot or at
            self.data = value
            return ()
        frame = stack[-1]
        data, items = frame.data, frame.spot.items if frame.spot is not None else None
        if isinstance(data, list) and isinstance(items, list):
            items.append(spot or at)
            data.append(value)
            return (*frame.path, len(data) - 1) if spot is not None else None
        if not isinstance(data, dict) or not isinstance(items, dict):
            return None
        if frame.key is None:  # this scalar is a key
            self._key(frame, value, at)
            return None
        key, frame.key = frame.key, None
        if key == _SKIP:
            return None
        items[key] = spot or at
        data[key] = value
        return (*frame.path, key) if spot is not None else None

    def _key(self, frame: _Frame, key: Any, at: _Position) -> None:
        assert isinstance(frame.data, dict) and frame.spot is not None and frame.spot.keys is not None
        if not isinstance(key, str):
            self._add(at, frame.path, "mapping keys must be plain text")
            frame.key = _SKIP
        elif key in frame.spot.keys:
            self._add(at, (*frame.path, key), f"duplicate key {key!r} (first at line {frame.spot.keys[key][0]})")
            frame.key = _SKIP
        else:
            frame.spot.keys[key] = at
            frame.key = key

    def _add(self, at: _Position, path: FieldPath, message: str) -> None:
        if self.problems.full(self.name):
            self.problems.count(self.name)
        else:
            self.problems.add(Problem(self.name, at[0], at[1], format_path(path), message))

"""Read one YAML document safely and remember where every value came from.

Catalogue files are data written by people, so this reader is strict where PyYAML is lenient:

- files larger than :data:`MAX_BYTES` are refused before parsing;
- anchors and aliases are refused (an alias "bomb" loads in a millisecond and then explodes whatever walks
  it);
- duplicate mapping keys are refused (PyYAML silently keeps the last one);
- only the safe constructors run, so no tag can build a Python object.

Every problem comes back as a :class:`~tpmap.errors.Problem` with line and column; the reader never raises
for bad input.

>>> doc = read_yaml_text("a: 1\\nb: [x, y]\\n", "demo.yaml")
>>> doc.data, doc.position(("b", 1)), doc.problems
({'a': 1, 'b': ['x', 'y']}, (2, 8), ())
>>> read_yaml_text("a: 1\\na: 2\\n", "demo.yaml").problems[0].message
"duplicate key 'a' (first at line 1)"
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem

__all__ = ["MAX_BYTES", "FieldPath", "YamlDocument", "read_yaml_file", "read_yaml_text"]

MAX_BYTES = 4 * 1024 * 1024
"""Largest catalogue file accepted: ample for thousands of muscles, small enough to parse in a blink."""

FieldPath = tuple[str | int, ...]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlDocument:
    """What one file held: plain Python data, the position of every value, and any problems."""

    file: str
    data: Any
    problems: tuple[Problem, ...]
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict, repr=False)

    def position(self, path: FieldPath) -> tuple[int, int]:
        """The (line, column) of the value at ``path``, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def problem(self, path: FieldPath, message: str) -> Problem:
        """A :class:`Problem` located at ``path`` in this document."""
        line, column = self.position(path)
        return Problem(self.file, line, column, format_path(path), message)


def format_path(path: FieldPath) -> str:
    """Render a field path the way people write it.

    >>> format_path(("muscles", 3, "trigger_points", 0, "essential", 1))
    'muscles[3].trigger_points[0].essential[1]'
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def read_yaml_file(path: str | Path, display_name: str | None = None) -> YamlDocument:
    """Read a catalogue file from disk; problems (missing, too large, not UTF-8) are reported, not raised."""
    name = display_name or str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            return _failed(name, f"file is {size} bytes; the limit is {MAX_BYTES}")
        raw = Path(path).read_bytes()
    except OSError as exc:
        return _failed(name, f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return YamlDocument(name, None, (Problem(name, line, column, "", "file is not valid UTF-8"),))
    return read_yaml_text(text, name)


def read_yaml_text(text: str, name: str = "<string>") -> YamlDocument:
    """Read catalogue YAML from a string (see the module docstring for what is refused)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        return _failed(name, f"text is larger than {MAX_BYTES} bytes")
    problems = _anchor_problems(text, name)
    if problems:
        return YamlDocument(name, None, tuple(problems))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return YamlDocument(name, None, (Problem(name, line, column, "", f"invalid YAML: {what}"),))
    except yaml.YAMLError as exc:
        return _failed(name, f"invalid YAML: {exc}")
    finally:
        loader.dispose()
    if node is None:
        return YamlDocument(name, {}, ())
    builder = _Builder(name, loader)
    data = builder.build(node, ())
    return YamlDocument(name, data, tuple(builder.problems), builder.positions)


def _failed(name: str, message: str) -> YamlDocument:
    return YamlDocument(name, None, (Problem(name, 0, 0, "", message),))


def _anchor_problems(text: str, name: str) -> list[Problem]:
    """Anchors and aliases, found from the event stream before any node is built."""
    problems: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                message = "YAML aliases are not allowed in catalogues"
            elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                message = "YAML anchors are not allowed in catalogues"
            else:
                continue
            line, column = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (0, 0)
            problems.append(Problem(name, line, column, "", message))
    except yaml.YAMLError:
        return problems  # the syntax error itself is reported by the composer, with its position
    return problems


class _Builder:
    """Turns a node tree into plain data, noting positions and refusing duplicate keys."""

    def __init__(self, name: str, loader: yaml.SafeLoader) -> None:
        self.name = name
        self.loader = loader
        self.problems: list[Problem] = []
        self.positions: dict[FieldPath, tuple[int, int]] = {}

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: FieldPath) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._add(node, path, f"cannot read value: {exc}")
            return None

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[Hashable, Any]:
        result: dict[Hashable, Any] = {}
        first_line: dict[Hashable, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._add(key_node, path, "YAML merge keys ('<<') are not allowed in catalogues")
                continue
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self._add(key_node, path, "mapping keys must be plain text")
                continue
            if key in result:
                self._add(key_node, (*path, key), f"duplicate key {key!r} (first at line {first_line[key]})")
                continue
            first_line[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*path, key))
        return result

    def _add(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.name, mark.line + 1, mark.column + 1, format_path(path), message))

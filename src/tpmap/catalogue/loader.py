"""Load catalogue files: read safely, validate every entry, merge overlays, check every reference.

A catalogue is the union of its files. The shipped files come first; each user overlay then adds entries or
replaces a shipped entry with the same id, in memory only (files are never written). Every problem in every
file is collected and raised together as one :class:`~tpmap.errors.CatalogueError`, each with
file:line:column and the field path (a misspelt field at its key); past the first
:data:`~tpmap.catalogue._yaml.MAX_PROBLEMS` of a file, problems are only counted ("and N more"), so a broken
file costs no more time or memory than a short one. The shipped catalogue is read once per process and
shared: a catalogue never changes, so every caller can hold the same one.

>>> cat = load_catalogue()
>>> cat.muscle("infraspinatus").name
'Infraspinatus'
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import CatalogueError, Problem, shown, wrong_type
from ._checks import FieldPath, entry_name, suggestion
from ._yaml import ProblemList, YamlDocument, read_yaml_file
from .catalogue import Catalogue
from .records import (
    Aggravator,
    CatalogueFile,
    Condition,
    GuideEntry,
    Innervation,
    Location,
    Movement,
    Muscle,
    MuscleGroup,
    PainGuide,
    PrevalenceStudy,
    Region,
    Source,
    SourceRef,
    TriggerPoint,
    Xrefs,
)

__all__ = ["SHIPPED_FILES", "check_files", "data_dir", "load_catalogue", "load_files", "shipped_paths"]

SHIPPED_FILES = ("sources.yaml", "regions.yaml", "conditions.yaml", "muscles.yaml", "frequency.yaml", "groups.yaml")
"""The shipped catalogue's files, in load order, inside the ``data`` folder."""

SECTIONS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "regions": Region,
    "conditions": Condition,
    "movements": Movement,
    "aggravators": Aggravator,
    "muscles": Muscle,
    "pain_guides": PainGuide,
    "prevalence": PrevalenceStudy,
    "groups": MuscleGroup,
}

_MODELS: tuple[type[BaseModel], ...] = (
    CatalogueFile,
    *SECTIONS.values(),
    TriggerPoint,
    GuideEntry,
    Location,
    Innervation,
    Xrefs,
    SourceRef,
)
_FIELD_NAMES = sorted({name for model in _MODELS for name in model.model_fields})


PathArg = str | PathLike[str]
"""A file path: a string or any path-like object."""


def data_dir() -> Path:
    """The shipped data folder: inside the installed package (wheel) or at the top of a checkout."""
    here = Path(__file__).resolve().parents[1]
    for candidate in (here / "data", here.parents[1] / "data"):
        if (candidate / "muscles.yaml").is_file():
            return candidate
    problem = Problem("data/muscles.yaml", 0, 0, "", f"the shipped catalogue is missing (looked near {here})")
    raise CatalogueError([problem])


def shipped_paths() -> tuple[Path, ...]:
    """Paths of the shipped catalogue files, in load order."""
    folder = data_dir()
    return tuple(folder / name for name in SHIPPED_FILES)


def load_catalogue(*overlays: PathArg) -> Catalogue:
    """The shipped catalogue, with any user overlay files merged over it by id.

    Args:
        *overlays: YAML catalogue files of your own. An entry whose id is already in the catalogue replaces
            that entry as a whole; a new id adds an entry. Later files win over earlier ones.

    Raises:
        CatalogueError: listing every problem in every file, each with file:line:column and the field.
        ArgumentTypeError: an overlay is not a path.
    """
    paths = _paths(overlays, "overlays")
    if not paths:
        return _shipped()
    return load_files(paths, with_shipped=True)


def load_files(paths: Iterable[PathArg] | PathArg, *, with_shipped: bool = False) -> Catalogue:
    """A catalogue made of exactly ``paths`` (plus the shipped files first if ``with_shipped``).

    ``paths`` is one path or several.
    """
    catalogue, problems = _load(_paths(paths, "paths"), with_shipped)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue


def check_files(paths: Iterable[PathArg] | PathArg, *, with_shipped: bool = True) -> tuple[Problem, ...]:
    """Every problem in ``paths`` (one path or several) read as overlays on the shipped catalogue (or alone).

    Returns an empty tuple when there is none.
    """
    return _load(_paths(paths, "paths"), with_shipped)[1]


_SHIPPED_LOCK = threading.Lock()
_SHIPPED: dict[tuple[tuple[Path, int, int], ...], Catalogue] = {}


def _shipped() -> Catalogue:
    """The shipped catalogue, read once per process (under a lock, so threads share one read).

    It is kept while its files are unchanged on disk (same sizes and times), so an edited data file is read
    anew, and every caller in the process sees the same catalogue as the overlays are merged onto.
    """
    key = tuple(_file_key(path) for path in shipped_paths())
    with _SHIPPED_LOCK:
        cached = _SHIPPED.get(key)
        if cached is None:
            catalogue, problems = _load((), True)
            if problems or catalogue is None:
                raise CatalogueError(problems)
            _SHIPPED.clear()
            cached = _SHIPPED[key] = catalogue
        return cached


def _file_key(path: Path) -> tuple[Path, int, int]:
    """A file's identity for the caches: its path, modification time and size (zeros when it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return (path, 0, 0)
    return (path, stat.st_mtime_ns, stat.st_size)


def _paths(value: object, argument: str) -> tuple[Path, ...]:
    """One path or an iterable of paths, as a tuple of :class:`Path` (a string is one path, not letters)."""
    if isinstance(value, str | PathLike):
        value = (value,)
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise wrong_type(argument, "a path or a list of paths", value)
    paths = []
    for item in value:
        if not isinstance(item, str | PathLike):
            raise wrong_type(argument, "a path or a list of paths", item)
        paths.append(Path(item))
    return tuple(paths)


# --------------------------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _Origin:
    """Where an entry was written: its document and its path in it."""

    document: YamlDocument
    path: FieldPath

    def problem(self, field: FieldPath, message: str, *, at_key: bool = False) -> Problem:
        return self.document.problem((*self.path, *field), message, at_key=at_key)


def _display_name(path: Path, shipped: bool) -> str:
    return f"data/{path.name}" if shipped else str(path)


def _load(paths: tuple[Path, ...], with_shipped: bool) -> tuple[Catalogue | None, tuple[Problem, ...]]:
    problems = ProblemList()  # the first few per file, and a count of the rest: time and memory stay bounded
    entries: dict[str, dict[str, tuple[Any, _Origin]]] = {section: {} for section in SECTIONS}
    files = [(path, True) for path in shipped_paths()] if with_shipped else []
    files += [(path, False) for path in paths]
    order: dict[str, int] = {}
    for path, shipped in files:
        document, valid = _read_entries(path, shipped, problems)
        order.setdefault(document.file, len(order))
        for section, record, origin in valid:
            table = entries[section]
            previous = table.get(record.id)
            if previous is not None and (shipped or previous[1].document is document):
                first = previous[1].document.position(previous[1].path)
                problems.add(
                    origin.problem(
                        ("id",),
                        f"duplicate {entry_name(section)} id {record.id!r} "
                        f"(also at {previous[1].document.file}:{first[0]}:{first[1]})",
                    )
                )
                continue
            table[record.id] = (record, origin)  # an overlay replaces a shipped entry with the same id
    catalogue: Catalogue | None = None
    if not problems:

        def locate(section: str, ident: str, field: FieldPath, message: str) -> Problem:
            return entries[section][ident][1].problem(field, message)

        try:
            records = {section: [record for record, _ in table.values()] for section, table in entries.items()}
            catalogue = Catalogue(
                sources=records["sources"],
                regions=records["regions"],
                conditions=records["conditions"],
                movements=records["movements"],
                aggravators=records["aggravators"],
                muscles=records["muscles"],
                pain_guides=records["pain_guides"],
                prevalence=records["prevalence"],
                groups=records["groups"],
                locate=locate,
            )
        except CatalogueError as exc:
            problems.extend(exc.problems)
    if problems:
        return None, problems.listed(order)
    return catalogue, ()


_ENTRIES_LOCK = threading.Lock()
_SHIPPED_ENTRIES: dict[tuple[Path, int, int], tuple[YamlDocument, tuple[tuple[str, Any, _Origin], ...]]] = {}


def _read_entries(
    path: Path, shipped: bool, problems: ProblemList
) -> tuple[YamlDocument, tuple[tuple[str, Any, _Origin], ...]]:
    """One file's valid entries, its problems added to ``problems``.

    A shipped file that reads clean is kept (records are frozen), so loading overlays does not read the shipped
    catalogue again; a change to the file on disk (its size or time) reads it anew.
    """
    key = _file_key(path) if shipped else None
    if key is not None:
        with _ENTRIES_LOCK:
            cached = _SHIPPED_ENTRIES.get(key)
        if cached is not None:
            return cached
    document = read_yaml_file(path, _display_name(path, shipped))
    problems.add_document(document)
    if document.problems:
        return document, ()
    before = len(problems)
    valid = tuple(_validated_entries(document, problems))
    if key is not None and len(problems) == before:
        with _ENTRIES_LOCK:
            for stale in [k for k in _SHIPPED_ENTRIES if k[0] == path]:  # an older version of this file
                del _SHIPPED_ENTRIES[stale]
            _SHIPPED_ENTRIES[key] = (document, valid)
    return document, valid


def _validated_entries(document: YamlDocument, problems: ProblemList) -> Iterator[tuple[str, Any, _Origin]]:
    """Each valid entry of each section; invalid ones become problems and are skipped."""
    data = document.data
    if not isinstance(data, dict):
        problems.add(document.problem((), "a catalogue file must be a mapping of sections"))
        return
    for key in data:
        if key not in SECTIONS:
            hint = suggestion(str(key), list(SECTIONS))
            problems.add(document.problem((key,), f"unknown section {key!r}{hint}", at_key=True))
    for section, model in SECTIONS.items():
        if section not in data:
            continue
        items = data[section]
        if not isinstance(items, list):
            got = "empty (null)" if items is None else f"{type(items).__name__} {shown(items)}"
            message = f"must be a list of entries, not {got}; write [] for none, or leave the section out"
            problems.add(document.problem((section,), message, at_key=items is None))
            continue
        fields = model.model_fields
        for index, item in enumerate(items):
            origin = _Origin(document, (section, index))
            if not isinstance(item, dict):  # said here, in one step, however many there are
                if problems.full(document.file):
                    problems.count(document.file)
                else:
                    problems.add(origin.problem((), f"an entry must be a mapping of fields, not {shown(item)}"))
                continue
            unknown = [key for key in item if key not in fields]
            for key in unknown:  # found here rather than by the validator, which would build an error for each
                _add_unknown_field(origin, (key,), problems)
            try:
                record = model.model_validate({key: item[key] for key in item if key in fields} if unknown else item)
            except ValidationError as exc:
                _validation_problems(exc, origin, problems)
                continue
            if not unknown:
                yield section, record, origin


def _validation_problems(exc: ValidationError, origin: _Origin, problems: ProblemList) -> None:
    """Each field's problem, at its key when the field is unknown; once the file's list is full, only counted."""
    file = origin.document.file
    errors = exc.errors(include_url=False, include_context=False, include_input=not problems.full(file))
    failed_inside = {error["loc"][:-1] for error in errors if len(error["loc"]) > 1}
    for error in errors:
        location: FieldPath = tuple(part for part in error["loc"] if isinstance(part, int | str))
        if error["type"] == "too_short" and any(loc[: len(location)] == location for loc in failed_inside):
            continue  # a list whose items failed is also "too short": the item errors say it better
        if problems.full(file):
            problems.count(file)
            continue
        if error["type"] == "extra_forbidden":
            _add_unknown_field(origin, location, problems)
            continue
        if error["type"] == "missing":
            message = "required field is missing"
        else:
            message = f"{error['msg']} (got {shown(error.get('input'))})"
            if isinstance(error.get("input"), bool):
                message += "; YAML reads yes/no/on/off as true/false, so put the word in quotes"
        problems.add(origin.problem(location, message))


def _add_unknown_field(origin: _Origin, location: FieldPath, problems: ProblemList) -> None:
    """A field no record has, reported at its key with the closest field names (counted once the list is full)."""
    if problems.full(origin.document.file):
        problems.count(origin.document.file)
        return
    name = str(location[-1]) if location else ""
    problems.add(origin.problem(location, f"unknown field {name!r}{suggestion(name, _FIELD_NAMES)}", at_key=True))

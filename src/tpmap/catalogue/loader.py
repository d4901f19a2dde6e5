"""Load catalogue files: read safely, validate every entry, merge overlays, check every reference.

A catalogue is the union of its files. The shipped files come first, then the installed plug-ins' files when
asked for (:mod:`.plugins`), then the user's overlays; each adds entries, replaces an entry with the same id,
or edits some fields of one (:mod:`.overlay`), in memory only (files are never written), and the catalogue
records what each did. Every problem in every file is collected in one pass (unreadable YAML, fields, duplicate
ids and references, those of entries with other problems included) and raised together as one
:class:`~tpmap.errors.CatalogueError`, each with file:line:column and the field path (a misspelt field at its
key), in plain words; past the first
:data:`~tpmap.catalogue._yaml.MAX_PROBLEMS` of a file, problems are only counted ("and N more"), so a broken
file costs no more time or memory than a short one. The shipped catalogue is read once per process and
shared: a catalogue never changes, so every caller can hold the same one.

>>> cat = load_catalogue()
>>> cat.muscle("infraspinatus").name
'Infraspinatus'
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.version import VERSION as PYDANTIC_VERSION

from .._version import __version__
from ..errors import CatalogueError, Problem, shown, wrong_type
from ._cache import cache_folder, cache_key, read_cached, write_cached
from ._checks import FieldPath, consistency_problems, entry_name, other_names, schema_message, suggestion
from ._yaml import ProblemList, YamlDocument, read_yaml_file
from .catalogue import Catalogue
from .overlay import Change, ChangeKind, apply_edit, edit_target, replaced_details
from .plugins import Plugin, find_plugins
from .records import (
    EDIT_TARGETS,
    Aggravator,
    CatalogueFile,
    Condition,
    Edit,
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

__all__ = [
    "SHIPPED_FILES",
    "cached_beside",
    "check_files",
    "data_dir",
    "load_catalogue",
    "load_files",
    "shipped_paths",
]

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


def load_catalogue(*overlays: PathArg, plugins: bool = False) -> Catalogue:
    """The shipped catalogue, with any installed plug-ins and user overlay files merged over it.

    Args:
        *overlays: YAML catalogue files of your own. An entry whose id is already in the catalogue replaces
            that entry as a whole (the catalogue's :attr:`~tpmap.Catalogue.changes` say so, with the fields that
            are gone); a new id adds an entry; an entry of ``edits`` changes some fields of an entry and keeps the
            rest. Later files win over earlier ones.
        plugins: Merge the installed catalogue plug-ins (entry-point group ``tpmap.catalogues``) first, in the
            order of their names (:attr:`~tpmap.Catalogue.plugins` names them).

    Raises:
        CatalogueError: listing every problem in every file, each with file:line:column and the field; or
            naming a plug-in that cannot be loaded.
        ArgumentTypeError: an overlay is not a path.
    """
    paths = _paths(overlays, "overlays")
    found = _plugins(plugins)
    if not paths and not found:
        return _shipped()
    return _built(paths, True, found)


def load_files(paths: Iterable[PathArg] | PathArg, *, with_shipped: bool = False, plugins: bool = False) -> Catalogue:
    """A catalogue made of exactly ``paths`` (plus the shipped files first if ``with_shipped``, and the installed
    plug-ins' files after them if ``plugins``).

    ``paths`` is one path or several.
    """
    return _built(_paths(paths, "paths"), with_shipped, _plugins(plugins))


def check_files(
    paths: Iterable[PathArg] | PathArg, *, with_shipped: bool = True, plugins: bool = False
) -> tuple[Problem, ...]:
    """Every problem in ``paths`` (one path or several) read as overlays on the shipped catalogue (or alone),
    with the installed plug-ins if ``plugins``: unreadable YAML, fields, duplicates and references, in one run.

    Returns an empty tuple when there is none.
    """
    paths = _paths(paths, "paths")
    try:
        found = _plugins(plugins)
    except CatalogueError as exc:
        return exc.problems
    return _load(paths, with_shipped, found)[1]


def _plugins(wanted: object) -> tuple[Plugin, ...]:
    if not isinstance(wanted, bool):
        raise wrong_type("plugins", "True or False", wanted)
    return find_plugins() if wanted else ()


def _built(paths: tuple[Path, ...], with_shipped: bool, plugins: tuple[Plugin, ...]) -> Catalogue:
    catalogue, problems = _load(paths, with_shipped, plugins)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue


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
            catalogue = _from_disk_cache()
            _SHIPPED.clear()
            cached = _SHIPPED[key] = catalogue
        return cached


def _from_disk_cache() -> Catalogue:
    """The shipped catalogue from the cache folder that processes share (see :mod:`._cache`), read from its
    files and written there when the cache holds none for these files, this code and these versions."""
    folder = cache_folder()
    key = ""
    if folder is not None:
        try:
            code = sorted(Path(__file__).parent.glob("*.py"))  # the code that reads and checks the files
            key = cache_key(__version__, PYDANTIC_VERSION, files=(*shipped_paths(), *code))
        except OSError:  # a file that cannot be read: the load below says which
            folder = None
    cached = read_cached("catalogue", key, folder)
    if isinstance(cached, Catalogue):
        _DISK_KEYS[cached] = key
        return cached
    catalogue, problems = _load((), True)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    if write_cached("catalogue", key, catalogue, folder):
        _DISK_KEYS[catalogue] = key
    return catalogue


_DISK_KEYS: weakref.WeakKeyDictionary[Catalogue, str] = weakref.WeakKeyDictionary()
"""The key under which the cache folder holds each catalogue read from it or written to it."""

T = TypeVar("T")


def cached_beside(
    catalogue: Catalogue,
    name: str,
    kind: type[T],
    build: Callable[[], T],
    *,
    parts: Sequence[str] = (),
    code: Iterable[Path] = (),
) -> T:
    """``build()``: a table worked out from ``catalogue`` alone, which a new process reads back from the cache
    folder (see :mod:`._cache`) when ``catalogue`` is the shipped one as the folder holds it.

    Its key is made of the catalogue's, ``name``, ``parts`` (anything else it depends on, such as the weights)
    and the bytes of ``code`` (the modules that work it out): a change to any of them works it out anew. For any
    other catalogue (overlays, plug-ins, files of one's own), with the cache turned off, or when what the folder
    holds cannot be read back as a ``kind``, it is worked out, as it would be without a cache.
    """
    base = _DISK_KEYS.get(catalogue)
    folder = cache_folder() if base is not None else None
    if base is None or folder is None:
        return build()
    try:
        key = cache_key(base, name, *parts, files=code)
    except OSError:  # a module that cannot be read: nothing to key it by
        return build()
    cached = read_cached(name, key, folder)
    if isinstance(cached, kind):
        return cached
    value = build()
    write_cached(name, key, value, folder)
    return value


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


@dataclass(frozen=True)
class _EditedOrigin:
    """Where an edited entry was written: a field an edit gave is located in the edit, any other in the entry."""

    base: _Origin | _EditedOrigin
    edit: _Origin
    moved: tuple[tuple[FieldPath, FieldPath], ...]
    """Each path in the edited entry that the edit wrote, and where in the edit it is written."""

    @property
    def document(self) -> YamlDocument:
        return self.base.document

    @property
    def path(self) -> FieldPath:
        return self.base.path

    def problem(self, field: FieldPath, message: str, *, at_key: bool = False) -> Problem:
        for inside, written in self.moved:
            if field[: len(inside)] == inside:
                return self.edit.problem((*written, *field[len(inside) :]), message, at_key=at_key)
        return self.base.problem(field, message, at_key=at_key)


def _display_name(path: Path, shipped: bool) -> str:
    return f"data/{path.name}" if shipped else str(path)


def _load(
    paths: tuple[Path, ...], with_shipped: bool, plugins: tuple[Plugin, ...] = ()
) -> tuple[Catalogue | None, tuple[Problem, ...]]:
    """The catalogue of the shipped files (if ``with_shipped``), the plug-ins' files and ``paths``, in that order,
    or every problem of all of them: reading, fields, duplicates and references, found in one pass.

    The catalogue's ``changes`` record what each file did to the entries of the files before it, from the first
    file after the shipped ones (or, without them, after the first file).
    """
    problems = ProblemList()  # the first few per file, and a count of the rest: time and memory stay bounded
    entries: dict[str, dict[str, tuple[Any, _Origin | _EditedOrigin]]] = {section: {} for section in SECTIONS}
    files = [(path, True) for path in shipped_paths()] if with_shipped else []
    files += [(path, False) for plugin in plugins for path in plugin.files]
    files += [(path, False) for path in paths]
    # A plug-in's file is named with its plug-in, in problems ("plug-in clinic: /path/clinic.yaml") and changes.
    plugin_of = {_display_name(path, False): plugin.name for plugin in plugins for path in plugin.files}
    order: dict[str, int] = {}
    changes: list[Change] = []
    documents: list[YamlDocument] = []
    base = sum(shipped for _, shipped in files) if with_shipped else 1  # the files the others change
    for index, (path, shipped) in enumerate(files):
        document, valid = _read_entries(path, shipped, problems)
        order.setdefault(document.file, len(order))
        documents.append(document)
        for section, record, origin in valid:
            if section == "edits":
                _edit(record, origin, entries, problems, changes, plugin_of.get(document.file, ""), documents)
                continue
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
                # Kept under another key, only so that its own references are checked too (no catalogue is built).
                again = next(key for n in range(2, len(table) + 3) if (key := f"{record.id} (again {n})") not in table)
                table[again] = (record, origin)
                continue
            if index >= base:  # said, so that no field of a replaced entry is lost unnoticed
                details = () if previous is None else replaced_details(previous[0], record, previous[1].document.file)
                kind: ChangeKind = "replaced" if previous else "added"
                changes.append(
                    Change(document.file, section, record.id, kind, details, plugin_of.get(document.file, ""))
                )
            table[record.id] = (record, origin)  # an overlay replaces a shipped entry with the same id

    def locate(section: str, ident: str, field: FieldPath, message: str) -> Problem:
        return entries[section][ident][1].problem(field, message)

    catalogue: Catalogue | None = None
    records = {section: [record for record, _ in table.values()] for section, table in entries.items()}
    if problems:
        if all(document.data is not None for document in documents):  # the references of every file can be read
            invalid = {section: _written_ids(documents, section) - table.keys() for section, table in entries.items()}
            tables = {
                section: {key: record for key, (record, _) in table.items()} for section, table in entries.items()
            }
            problems.extend(consistency_problems(tables, locate, invalid=invalid))
    else:
        try:
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
                changes=changes,
                plugins=[plugin.name for plugin in plugins],
            )
        except CatalogueError as exc:
            problems.extend(exc.problems)
    if problems:
        listed = problems.listed(order)
        return None, tuple(
            replace(p, file=f"plug-in {plugin_of[p.file]}: {p.file}") if p.file in plugin_of else p for p in listed
        )
    return catalogue, ()


def _edit(
    edit: Edit,
    origin: _Origin,
    entries: dict[str, dict[str, tuple[Any, _Origin | _EditedOrigin]]],
    problems: ProblemList,
    changes: list[Change],
    plugin: str,
    documents: list[YamlDocument],
) -> None:
    """Apply one entry of ``edits`` to the entry it names as the files so far left it; problems where written."""
    target = edit_target(edit)
    if target is None:
        keys = ", ".join(f"{key}:" for key in EDIT_TARGETS)
        problems.add(origin.problem((), f"an edit names exactly one entry, with one of {keys}"))
        return
    section, ident = target
    found = entries[section].get(ident)
    if found is None and ident in _written_ids(documents, section):
        return  # the entry is written but has problems of its own, reported where it is written
    if found is None:
        hint = suggestion(ident, entries[section], other_names({k: v[0] for k, v in entries[section].items()}))
        key = next(key for key in EDIT_TARGETS if getattr(edit, key) is not None)
        message = f"no {entry_name(section)} {ident!r} to edit{hint}"
        problems.add(origin.problem((key,), message))
        return
    result = apply_edit(found[0], edit)
    if result.errors:
        _validation_problems(result.errors, origin, problems)
        return
    entries[section][ident] = (result.record, _EditedOrigin(found[1], origin, result.moved))
    changes.append(Change(origin.document.file, section, ident, "edited", result.details, plugin))


def _written_ids(documents: list[YamlDocument], section: str) -> set[str]:
    """The ids written in ``section`` of any of ``documents``, valid or not."""
    ids: set[str] = set()
    for document in documents:
        items = document.data.get(section) if isinstance(document.data, dict) else None
        if isinstance(items, list):
            ids.update(item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str))
    return ids


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
    if document.problems and document.data is None:  # unreadable; one read despite a problem is still checked
        return document, ()
    before = len(problems)
    valid = tuple(_validated_entries(document, problems))
    if key is not None and len(problems) == before and not document.problems:
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
        if key not in SECTIONS and key != "edits":
            hint = suggestion(str(key), [*SECTIONS, "edits"])
            problems.add(document.problem((key,), f"unknown section {key!r}{hint}", at_key=True))
    models: tuple[tuple[str, type[BaseModel]], ...] = (*SECTIONS.items(), ("edits", Edit))
    for section, model in models:  # edits last: they change the entries before them
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
            known = {key: item[key] for key in item if key in fields} if unknown else item
            try:
                record = model.model_validate(known)
            except ValidationError as exc:
                _validation_problems(exc, origin, problems)
                if section == "edits" or problems.full(document.file):
                    continue
                # Its problems are reported; what can be read of it still takes part in the checks of ids and
                # references, so that one run finds every problem of the file.
                record = _salvaged(model, known, exc)
                if record is None:
                    continue
            if not unknown or section != "edits":  # an entry with an unknown field is reported, and still checked
                yield section, record, origin


def _salvaged(model: type[BaseModel], item: dict[str, Any], failed: ValidationError) -> Any:
    """The entry without the parts that failed (a list item, a field with a default; a choice made valid), so
    that its id and references can be checked; None when a part it cannot do without failed (its id included).
    Used only for an entry whose problems are already reported: a catalogue is never built from it."""
    data = copy.deepcopy(item)
    errors = failed.errors(include_url=False, include_input=False)
    for _ in range(_SALVAGE_ROUNDS):
        inside = {tuple(error["loc"][:-1]) for error in errors if len(error["loc"]) > 1}
        for error in reversed(errors):  # later items first, so that leaving one out does not move the others
            loc = tuple(error["loc"])
            if error["type"] == "too_short" and any(path[: len(loc)] == loc for path in inside):
                continue  # too short only because an item failed: the item is dealt with
            if error["type"] == "missing" or not loc or loc[0] == "id":
                return None
            if loc[-1] == "[key]":  # a key of a table that is not an id: the pair is left out
                loc = loc[:-1]
            parent: Any = data
            for part in loc[:-1]:
                parent = _part(parent, part)
            if isinstance(parent, list) and isinstance(loc[-1], int) and loc[-1] < len(parent):
                del parent[loc[-1]]
            elif isinstance(parent, dict) and loc[-1] in parent:
                choices = str((error.get("ctx") or {}).get("expected", ""))
                if error["type"] == "literal_error" and choices.startswith("'"):
                    parent[loc[-1]] = choices.split("'")[1]  # a required choice cannot be left out: any will do
                else:
                    del parent[loc[-1]]
            else:
                return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
    return None


def _part(value: Any, key: str | int) -> Any:
    """``value[key]`` if it is there, else None."""
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return value[key]
    return None


_SALVAGE_ROUNDS = 4
"""Attempts to read what is left of an invalid entry: each leaves out what failed the attempt before."""


def _validation_problems(
    failed: ValidationError | Sequence[Mapping[str, Any]], origin: _Origin, problems: ProblemList
) -> None:
    """Each field's problem in plain words (at its key when the field is unknown); once the file's list is full,
    only counted. ``failed`` is a record's validation error, or errors in its shape (an edit's)."""
    file = origin.document.file
    if isinstance(failed, ValidationError):
        errors: Sequence[Mapping[str, Any]] = failed.errors(
            include_url=False, include_context=True, include_input=not problems.full(file)
        )
    else:
        errors = failed
    failed_inside = {tuple(error["loc"][:-1]) for error in errors if len(error["loc"]) > 1}
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
        if error["type"] in ("value_error", "unknown_field"):  # an edit's own problem, already in plain words
            problems.add(origin.problem(location, str(error["msg"]), at_key=error["type"] == "unknown_field"))
            continue
        problems.add(origin.problem(location, schema_message(error)))


def _add_unknown_field(origin: _Origin, location: FieldPath, problems: ProblemList) -> None:
    """A field no record has, reported at its key with the closest field names (counted once the list is full)."""
    if problems.full(origin.document.file):
        problems.count(origin.document.file)
        return
    name = str(location[-1]) if location else ""
    known = list(Edit.model_fields) if origin.path[:1] == ("edits",) and len(location) == 1 else _FIELD_NAMES
    problems.add(origin.problem(location, f"unknown field {name!r}{suggestion(name, known)}", at_key=True))

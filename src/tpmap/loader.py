"""Load catalogue files: read safely, validate every entry, merge overlays, check every reference.

A catalogue is the union of its files. The shipped files come first; each user overlay then adds entries or
replaces a shipped entry with the same id, in memory only (files are never written). Every problem in every
file is collected and raised together as one :class:`~tpmap.errors.CatalogueError`, each with
file:line:column and the field path.

>>> cat = load_catalogue()
>>> cat.muscle("infraspinatus").name
'Infraspinatus'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .catalogue import Catalogue
from .errors import CatalogueError, Problem
from .model import (
    Aggravator,
    CatalogueFile,
    Condition,
    Innervation,
    Location,
    Movement,
    Muscle,
    Region,
    Source,
    SourceRef,
    TriggerPoint,
    Xrefs,
)
from .yamlsafe import FieldPath, YamlDocument, read_yaml_file

__all__ = ["SHIPPED_FILES", "check_files", "load_catalogue", "load_files", "shipped_paths"]

SHIPPED_FILES = ("sources.yaml", "regions.yaml", "conditions.yaml", "muscles.yaml")
"""The shipped catalogue's files, in load order, inside the ``data`` folder."""

SECTIONS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "regions": Region,
    "conditions": Condition,
    "movements": Movement,
    "aggravators": Aggravator,
    "muscles": Muscle,
}

_MODELS: tuple[type[BaseModel], ...] = (
    CatalogueFile,
    *SECTIONS.values(),
    TriggerPoint,
    Location,
    Innervation,
    Xrefs,
    SourceRef,
)
_FIELD_NAMES = sorted({name for model in _MODELS for name in model.model_fields})


def _data_dir() -> Path:
    """The shipped data folder: inside the installed package (wheel) or at the top of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parents[1] / "data"):
        if (candidate / "muscles.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"the shipped catalogue is missing: no data/muscles.yaml near {here}")


def shipped_paths() -> tuple[Path, ...]:
    """Paths of the shipped catalogue files, in load order."""
    folder = _data_dir()
    return tuple(folder / name for name in SHIPPED_FILES)


def load_catalogue(*overlays: str | Path) -> Catalogue:
    """The shipped catalogue, with any user overlay files merged over it by id.

    Args:
        *overlays: YAML catalogue files of your own. An entry whose id is already in the catalogue replaces
            that entry as a whole; a new id adds an entry. Later files win over earlier ones.

    Raises:
        CatalogueError: listing every problem in every file, each with file:line:column and the field.
    """
    return load_files(overlays, with_shipped=True)


def load_files(paths: Iterable[str | Path], *, with_shipped: bool = False) -> Catalogue:
    """A catalogue made of exactly ``paths`` (plus the shipped files first if ``with_shipped``)."""
    catalogue, problems = _load(tuple(paths), with_shipped)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue


def check_files(paths: Sequence[str | Path], *, with_shipped: bool = True) -> tuple[Problem, ...]:
    """Every problem in ``paths`` read as overlays on the shipped catalogue (or alone); empty if none."""
    return _load(tuple(paths), with_shipped)[1]


# --------------------------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _Origin:
    """Where an entry was written: its document and its path in it."""

    document: YamlDocument
    path: FieldPath

    def problem(self, field: FieldPath, message: str) -> Problem:
        return self.document.problem((*self.path, *field), message)


def _display_name(path: Path, shipped: bool) -> str:
    return f"data/{path.name}" if shipped else str(path)


def _load(paths: tuple[str | Path, ...], with_shipped: bool) -> tuple[Catalogue | None, tuple[Problem, ...]]:
    problems: list[Problem] = []
    entries: dict[str, dict[str, tuple[Any, _Origin]]] = {section: {} for section in SECTIONS}
    files = [(path, True) for path in shipped_paths()] if with_shipped else []
    files += [(Path(path), False) for path in paths]
    order: dict[str, int] = {}
    for path, shipped in files:
        document = read_yaml_file(path, _display_name(path, shipped))
        order.setdefault(document.file, len(order))
        problems.extend(document.problems)
        if document.data is None or document.problems:
            continue
        for section, record, origin in _validated_entries(document, problems):
            table = entries[section]
            previous = table.get(record.id)
            if previous is not None and (shipped or previous[1].document is document):
                first = previous[1].document.position(previous[1].path)
                problems.append(
                    origin.problem(
                        ("id",),
                        f"duplicate {section[:-1]} id {record.id!r} "
                        f"(also at {previous[1].document.file}:{first[0]}:{first[1]})",
                    )
                )
                continue
            table[record.id] = (record, origin)  # an overlay replaces a shipped entry with the same id
    if not problems:
        problems.extend(_reference_problems(entries))
    if problems:
        problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line, p.column, p.field))
        return None, tuple(problems)
    records = {section: tuple(record for record, _ in table.values()) for section, table in entries.items()}
    return Catalogue(**records), ()


def _validated_entries(document: YamlDocument, problems: list[Problem]) -> Iterator[tuple[str, Any, _Origin]]:
    """Each valid entry of each section; invalid ones become problems and are skipped."""
    data = document.data
    if not isinstance(data, dict):
        problems.append(document.problem((), "a catalogue file must be a mapping of sections"))
        return
    for key in data:
        if key not in SECTIONS:
            hint = _suggest(str(key), SECTIONS)
            problems.append(document.problem((key,), f"unknown section {key!r}{hint}"))
    for section, model in SECTIONS.items():
        items = data.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(document.problem((section,), "must be a list of entries"))
            continue
        for index, item in enumerate(items):
            origin = _Origin(document, (section, index))
            try:
                record = model.model_validate(item)
            except ValidationError as exc:
                problems.extend(_validation_problems(exc, origin))
                continue
            yield section, record, origin


def _validation_problems(exc: ValidationError, origin: _Origin) -> Iterator[Problem]:
    errors = exc.errors(include_url=False)
    failed_inside = {error["loc"][:-1] for error in errors if len(error["loc"]) > 1}
    for error in errors:
        location: FieldPath = tuple(part for part in error["loc"] if isinstance(part, int | str))
        if error["type"] == "too_short" and any(loc[: len(location)] == location for loc in failed_inside):
            continue  # a list whose items failed is also "too short": the item errors say it better
        if error["type"] == "extra_forbidden":
            name = str(location[-1]) if location else ""
            message = f"unknown field {name!r}{_suggest(name, _FIELD_NAMES)}"
        elif error["type"] == "missing":
            message = "required field is missing"
        else:
            message = f"{error['msg']} (got {_short(error.get('input'))})"
            if isinstance(error.get("input"), bool):
                message += "; YAML reads yes/no/on/off as true/false, so put the word in quotes"
        yield origin.problem(location, message)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(name: str, known: Iterable[str]) -> str:
    matches = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f"; did you mean: {', '.join(matches)}?" if matches else ""


def _reference_problems(entries: dict[str, dict[str, tuple[Any, _Origin]]]) -> Iterator[Problem]:
    """Every id that points nowhere, the region tree's shape, and names that clash."""

    def check(section: str, ident: str, origin: _Origin, field: FieldPath) -> Iterator[Problem]:
        if ident not in entries[section]:
            what = "region" if section == "regions" else section[:-1]
            yield origin.problem(field, f"unknown {what} {ident!r}{_suggest(ident, entries[section])}")

    regions: dict[str, tuple[Region, _Origin]] = entries["regions"]
    roots = [rid for rid, (region, _) in regions.items() if region.parent is None]
    for rid, (region, origin) in regions.items():
        if region.parent is not None:
            yield from check("regions", region.parent, origin, ("parent",))
        for index, other in enumerate(region.adjacent):
            if other == rid:
                yield origin.problem(("adjacent", index), "a region cannot be adjacent to itself")
            yield from check("regions", other, origin, ("adjacent", index))
    if regions and len(roots) != 1:
        region, origin = regions[roots[1]] if len(roots) > 1 else next(iter(regions.values()))
        yield origin.problem(("parent",), f"the region tree needs exactly one root; found {roots or 'none'}")
    yield from _cycle_problems(regions)

    for mid, (muscle, origin) in entries["muscles"].items():
        seen_tps: set[str] = set()
        for t, tp in enumerate(muscle.trigger_points):
            base: FieldPath = ("trigger_points", t)
            if tp.id in seen_tps:
                yield origin.problem((*base, "id"), f"duplicate trigger point id {tp.id!r} in {mid!r}")
            seen_tps.add(tp.id)
            yield from check("regions", tp.location.region, origin, (*base, "location", "region"))
            for kind in ("essential", "spillover"):
                for z, rid in enumerate(getattr(tp, kind)):
                    yield from check("regions", rid, origin, (*base, kind, z))
            for z, rid in enumerate(tp.spillover):
                if rid in tp.essential:
                    yield origin.problem((*base, "spillover", z), f"{rid!r} is already in the essential zone")
        for section in ("conditions", "movements", "aggravators"):
            for index, ident in enumerate(getattr(muscle, section)):
                yield from check(section, ident, origin, (section, index))
        for index, ident in enumerate(muscle.associated):
            if ident == mid:
                yield origin.problem(("associated", index), "a muscle cannot be associated with itself")
            yield from check("muscles", ident, origin, ("associated", index))
        for index, ref in enumerate(muscle.sources):
            yield from check("sources", ref.source, origin, ("sources", index, "source"))
    yield from _name_clashes(entries["muscles"])


def _cycle_problems(regions: dict[str, tuple[Region, _Origin]]) -> Iterator[Problem]:
    reported: set[str] = set()
    for start in regions:
        path: list[str] = []
        current: str | None = start
        while current is not None and current in regions and current not in path:
            path.append(current)
            current = regions[current][0].parent
        if current is not None and current in path and current not in reported:
            cycle = path[path.index(current) :]
            reported.update(cycle)
            origin = regions[current][1]
            yield origin.problem(("parent",), f"the region tree has a cycle: {' -> '.join([*cycle, current])}")


def _name_clashes(muscles: dict[str, tuple[Muscle, _Origin]]) -> Iterator[Problem]:
    """Names and aliases must identify one muscle, whatever their case."""
    owner: dict[str, str] = {mid.replace("_", " "): mid for mid in muscles}
    for mid, (muscle, origin) in muscles.items():
        for field, name in [(("name",), muscle.name), *((("aliases", i), a) for i, a in enumerate(muscle.aliases))]:
            key = name.casefold()
            other = owner.setdefault(key, mid)
            if other != mid:
                yield origin.problem(field, f"name {name!r} already names muscle {other!r}")

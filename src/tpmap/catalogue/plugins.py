"""Catalogue plug-ins: installed packages that add catalogue files, found through an entry-point group.

A plug-in is any Python package that declares an entry point in the group ``tpmap.catalogues``
(:data:`ENTRY_POINT_GROUP`), in its ``pyproject.toml``::

    [project.entry-points."tpmap.catalogues"]
    example_clinic = "tpmap_example_clinic"

The entry point names a package, whose ``*.yaml`` files (in name order) are its catalogue files, or a function
that returns the paths of its files. ``tpmap.load_catalogue(plugins=True)`` (``tpmap --plugins`` on the command
line) merges every installed plug-in over the shipped catalogue in the order of the entry points' names, before
any file of your own; the catalogue names them in :attr:`~tpmap.Catalogue.plugins`. A plug-in that cannot be
imported, or gives no file, is a :class:`~tpmap.errors.CatalogueError` naming it; a problem in one of its files is
reported at file:line:column with the plug-in's name in front.

>>> find_plugins(entry_points=[])
()
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from types import ModuleType

from ..errors import CatalogueError, Problem, shown

__all__ = ["ENTRY_POINT_GROUP", "Plugin", "find_plugins"]

ENTRY_POINT_GROUP = "tpmap.catalogues"
"""The entry-point group in which catalogue plug-ins declare themselves."""

_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Plugin:
    """An installed catalogue plug-in: its entry point's name, what it points at, and its files in load order."""

    name: str
    target: str
    """The entry point's value: a package (``tpmap_example_clinic``) or a function (``package.module:files``)."""
    distribution: str
    """The installed distribution that declares it, with its version (empty when unknown)."""
    files: tuple[Path, ...]

    def __str__(self) -> str:
        made_by = f" from {self.distribution}" if self.distribution else ""
        return f"plug-in {self.name} ({self.target}{made_by}): {len(self.files)} file{'s' * (len(self.files) != 1)}"


def find_plugins(entry_points: Iterable[importlib.metadata.EntryPoint] | None = None) -> tuple[Plugin, ...]:
    """Every installed catalogue plug-in with its files, sorted by entry-point name (then target).

    Args:
        entry_points: The entry points to read (default: those installed in ``tpmap.catalogues``).

    Raises:
        CatalogueError: naming each plug-in that cannot be imported or gives no catalogue file.
    """
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if entry_points is None else entry_points
    plugins: list[Plugin] = []
    problems: list[Problem] = []
    for point in sorted(found, key=lambda point: (point.name, point.value)):
        label = f"plug-in {point.name}"
        dist = getattr(point, "dist", None)
        distribution = f"{dist.name} {dist.version}" if dist is not None else ""
        try:
            files = _files(point.load())
        except Exception as exc:  # a plug-in's own code may raise anything: it is reported, not raised
            message = f"cannot be loaded from {point.value!r}: {type(exc).__name__}: {exc}"
            problems.append(Problem(label, 0, 0, "", message))
            continue
        if isinstance(files, str):
            problems.append(Problem(label, 0, 0, "", f"{point.value!r} {files}"))
            continue
        plugins.append(Plugin(point.name, point.value, distribution, files))
    if problems:
        raise CatalogueError(problems)
    return tuple(plugins)


def _files(loaded: object) -> tuple[Path, ...] | str:
    """The catalogue files an entry point's object gives, or what is wrong with it."""
    if isinstance(loaded, ModuleType):
        folders = [Path(folder) for folder in getattr(loaded, "__path__", ())]
        if not folders:
            return "is a module, not a package: point at a package holding .yaml files, or at a function"
        files = sorted(p for folder in folders for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file())
        return tuple(files) or f"holds no catalogue files ({' or '.join(_SUFFIXES)}) in {folders[0]}"
    if not callable(loaded):
        return f"is {type(loaded).__name__} {shown(loaded)}, not a package or a function giving file paths"
    given = loaded()
    items = (given,) if isinstance(given, str | PathLike) else given
    if isinstance(items, bytes) or not isinstance(items, Iterable):
        return f"gave {shown(given)}: a catalogue plug-in's function returns a list of file paths"
    paths: list[Path] = []
    for item in items:
        if not isinstance(item, str | PathLike):
            return f"gave {shown(item)} among its files: each must be a path"
        paths.append(Path(item))
    return tuple(paths) or "gave no catalogue files"

"""Write a catalogue back out in the catalogue file format: every section and every source, nothing lost.

The text is the same, byte for byte, every time the same catalogue is written (entries keep the catalogue's
order, fields keep the records' order, fields left at their default are omitted), and reading it back gives
records equal to the ones written. Use it to freeze the shipped catalogue together with your overlays, or to
hand the whole merged catalogue to someone else.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> text = catalogue_yaml(cat)
>>> print(text.splitlines()[0])  # doctest: +ELLIPSIS
# tpmap catalogue: ... muscles, ... regions, ... sources, ...; read it back with tpmap.load_files(path)
>>> catalogue_yaml(cat) == text
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from .._files import output_problem
from ..errors import CatalogueError, Problem
from .records import CatalogueFile

__all__ = ["SECTION_ORDER", "catalogue_yaml", "write_catalogue_files", "write_text"]

SECTION_ORDER: tuple[str, ...] = tuple(name for name in CatalogueFile.model_fields if name != "edits")
"""The sections of a catalogue file, in the order they are written (sources first, so citations come first);
``edits`` is not one of them: a loaded catalogue's edits are already applied to its entries."""


class _Dumper(yaml.SafeDumper):
    """The pure-Python safe dumper (the same output on every install), never writing anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    """Lists of plain values on one line (``essential: [hand, thumb]``), lists of entries one per block."""
    flat = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(list, _list)


def _sections(catalogue: object) -> dict[str, Mapping[str, BaseModel]]:
    """Each section's records by id, read from a catalogue's tables of the same names."""
    return {section: getattr(catalogue, section, {}) for section in SECTION_ORDER}


def _section_text(section: str, records: Mapping[str, BaseModel], ascii_only: bool) -> str:
    entries = [record.model_dump(mode="json", exclude_defaults=True) for record in records.values()]
    return yaml.dump(
        {section: entries},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=not ascii_only,
        width=110,
    )


def _header(sections: Mapping[str, Mapping[str, BaseModel]]) -> str:
    counts = ", ".join(f"{len(records)} {section.replace('_', ' ')}" for section, records in _counted(sections))
    return f"# tpmap catalogue: {counts}; read it back with tpmap.load_files(path)\n"


def _counted(sections: Mapping[str, Mapping[str, BaseModel]]) -> list[tuple[str, Mapping[str, BaseModel]]]:
    """Non-empty sections, the muscles and regions first (what a reader wants to know)."""
    first = ("muscles", "regions")
    ordered = [s for s in first if s in sections] + [s for s in sections if s not in first]
    return [(section, sections[section]) for section in ordered if sections[section]]


def catalogue_yaml(catalogue: object, *, ascii_only: bool = False) -> str:
    """The whole catalogue as the text of one catalogue file.

    Args:
        catalogue: a :class:`~tpmap.Catalogue`.
        ascii_only: write non-ASCII characters as YAML escapes (``"\\u2014"``), for a terminal that cannot
            show them; the records read back are the same.
    """
    sections = _sections(catalogue)
    body = "\n".join(_section_text(s, records, ascii_only) for s, records in sections.items() if records)
    return _header(sections) + body


def write_text(path: str | os.PathLike[str], text: str, *, force: bool = False, how: str = "force=True") -> Path:
    """Write ``text`` to ``path`` as UTF-8 with ``\\n`` line ends; refuse to replace a file unless ``force``.

    Raises:
        CatalogueError: the path is a folder, contains a NUL character, exists (without ``force``), or cannot
            be written; the problem names the file.
    """
    target = Path(path)
    message = output_problem(str(path), force, how)
    if message is None:
        try:
            with target.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            return target
        except OSError as exc:
            message = f"cannot write the catalogue: {exc.strerror or exc}"
    raise CatalogueError([Problem(str(path).replace("\x00", "\\0"), 0, 0, "", message)])


def write_catalogue_files(
    catalogue: object, folder: str | os.PathLike[str], *, force: bool = False
) -> tuple[Path, ...]:
    """Write each non-empty section to ``folder/<section>.yaml`` (the folder is made if missing).

    Returns the paths in load order; ``tpmap.load_files(paths)`` reads them back. Existing files are not
    replaced unless ``force``.
    """
    target = Path(folder)
    if "\x00" in str(folder):
        raise CatalogueError([Problem(str(folder).replace("\x00", "\\0"), 0, 0, "", "the folder name contains a NUL")])
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CatalogueError(
            [Problem(str(folder), 0, 0, "", f"cannot make the folder: {exc.strerror or exc}")]
        ) from None
    sections = _sections(catalogue)
    texts = {
        target / f"{section}.yaml": f"# tpmap catalogue, {section.replace('_', ' ')}: {len(records)} entries\n"
        + _section_text(section, records, False)
        for section, records in sections.items()
        if records
    }
    clashes = [
        Problem(str(path), 0, 0, "", "the file exists; pass force=True to replace it")
        for path in texts
        if path.exists()
    ]
    if clashes and not force:
        raise CatalogueError(clashes)  # checked before writing any, so nothing is left half written
    return tuple(write_text(path, text, force=force) for path, text in texts.items())

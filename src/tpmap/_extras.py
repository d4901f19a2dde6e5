"""Optional extras: import what an extra provides, or say exactly how to install it.

An extra is installed as ``pip install "tpmap[png]"``; in a checkout of tpmap installed in editable mode (or
run from its folder without installing) that command would fetch tpmap from the package index instead, so the
hint names the checkout: ``pip install -e ".[png]"``.

>>> install_command("png", checkout=None)
'python -m pip install "tpmap[png]"'
>>> require("no_such_module_anywhere", "pandas", "a DataFrame", checkout=None)
Traceback (most recent call last):
tpmap.errors.MissingExtraError: a DataFrame needs the optional 'pandas' extra: python -m pip install "tpmap[pandas]"
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import MissingExtraError

__all__ = ["dataframe", "find_checkout", "install_command", "require"]

_UNSET: Any = object()


def find_checkout() -> Path | None:
    """The folder of the tpmap checkout this code runs from (installed in editable mode, or not installed), or
    None when tpmap is installed from a wheel or an archive."""
    try:
        installed = Path(str(importlib.metadata.distribution("tpmap").locate_file(""))).resolve()
    except importlib.metadata.PackageNotFoundError:
        installed = None
    here = Path(__file__).resolve()
    if installed is not None and installed in here.parents:
        return None  # these files are the installed ones
    root = here.parents[2]  # src/tpmap/_extras.py in a checkout
    return root if (root / "pyproject.toml").is_file() else None


def install_command(extra: str, checkout: Path | None = _UNSET) -> str:
    """The command that installs ``extra``: from the package index, or into the checkout tpmap runs from.

    >>> install_command("pandas", checkout=Path.cwd())
    'python -m pip install -e ".[pandas]"'
    """
    folder = find_checkout() if checkout is _UNSET else checkout
    if folder is None:
        return f'python -m pip install "tpmap[{extra}]"'
    where = "." if folder.resolve() == Path.cwd().resolve() else str(folder)
    return f'python -m pip install -e "{where}[{extra}]"'


def require(module: str, extra: str, feature: str, *, checkout: Path | None = _UNSET) -> ModuleType:
    """Import ``module``, which the optional ``extra`` provides; without it, a :class:`MissingExtraError` saying
    that ``feature`` needs the extra and the exact command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        command = install_command(extra, checkout)
        raise MissingExtraError(f"{feature} needs the optional {extra!r} extra: {command}") from err


def dataframe(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Any:
    """A pandas DataFrame of ``rows`` (tuples in the order of ``columns``); needs the ``pandas`` extra.

    Raises:
        MissingExtraError: pandas is not installed; the message says how to install it.
    """
    pandas = require("pandas", "pandas", "a DataFrame")
    return pandas.DataFrame.from_records(list(rows), columns=list(columns))

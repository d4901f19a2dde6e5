"""A folder of pickles that lets a new process skip reading the shipped catalogue's files.

Reading and checking the shipped YAML files takes about a tenth of a second; unpickling the catalogue built
from them takes a few milliseconds. The first process to load the shipped catalogue writes it here; later ones
read it back. A pickle is named by a key that changes with anything that could change what it holds (the
package version, the Python and pydantic versions, and the bytes of the data files and of the code that reads
them), so a stale pickle is never read: a new one is written next to it, and only the newest few are kept.

Tables worked out from the shipped catalogue alone (the frequency prior's fit, the reader's word tables) are
kept beside it the same way, each under a key made of the catalogue's and the bytes of the code that works it
out (see :func:`~tpmap.catalogue.loader.cached_beside`).

The cache is only ever a shortcut. A file that cannot be read back (cut short, corrupt, written by other code)
is ignored and replaced; a folder that cannot be written is skipped without a word. Files are written to a
temporary name and then renamed, so a process never reads a half-written pickle.

Where: the folder named by the ``TPMAP_CACHE_DIR`` environment variable; otherwise ``$XDG_CACHE_HOME/tpmap``
(``~/.cache/tpmap``) on Linux and other Unix systems, ``~/Library/Caches/tpmap`` on macOS and
``%LOCALAPPDATA%\\tpmap\\Cache`` on Windows. ``TPMAP_CACHE_DIR=off`` (or set to nothing) turns it off.

>>> cache_folder({"TPMAP_CACHE_DIR": "/srv/tpmap-cache"}).name
'tpmap-cache'
>>> cache_folder({"TPMAP_CACHE_DIR": "off"}) is None
True
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["ENVIRONMENT_VARIABLE", "KEPT", "cache_folder", "cache_key", "read_cached", "write_cached"]

ENVIRONMENT_VARIABLE = "TPMAP_CACHE_DIR"
"""Names the cache folder; ``off`` or an empty value turns the cache off."""

_OFF = frozenset(("", "off"))

KEPT = 4
"""Pickles of one name kept, newest first: two installations (two virtual environments of different versions)
sharing a cache folder each keep theirs, and older ones are removed."""


def cache_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder for cached pickles, or None when the cache is turned off (see the module docstring)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENVIRONMENT_VARIABLE)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else Path(chosen).expanduser()
    if sys.platform == "win32":
        base = environ.get("LOCALAPPDATA")
        return Path(base, "tpmap", "Cache") if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "tpmap"
    xdg = environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "tpmap"


def cache_key(*parts: str, files: Iterable[Path] = ()) -> str:
    """A key naming everything a pickle depends on: ``parts`` (versions) and the bytes of ``files``.

    >>> cache_key("1.0") == cache_key("1.0"), cache_key("1.0") == cache_key("1.1")
    (True, False)
    """
    digest = hashlib.sha256()
    for part in (*parts, sys.implementation.cache_tag or sys.version, str(pickle.HIGHEST_PROTOCOL)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\x00")
    for path in files:
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\x00")
        digest.update(path.read_bytes())
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def read_cached(name: str, key: str, folder: Path | None) -> object | None:
    """The object cached as ``name`` under ``key``, or None when there is none that can be read back."""
    if folder is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # thousands of records arrive at once, none of them garbage: collecting would only slow it
    try:
        with open(folder / f"{name}-{key}.pickle", "rb") as handle:
            if not _own_file(os.fstat(handle.fileno())):
                return None
            stored_key, value = pickle.load(handle)
    except Exception:  # a missing, cut-short or corrupt pickle raises almost anything: each is a miss
        return None
    finally:
        if collecting:
            gc.enable()
    return value if stored_key == key else None


def _own_file(status: os.stat_result) -> bool:
    """Whether a cached file may be unpickled: on POSIX, owned by this user and writable by no one else, since
    unpickling a file someone else could write would run their code (a shared ``TPMAP_CACHE_DIR``, say)."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def write_cached(name: str, key: str, value: object, folder: Path | None) -> bool:
    """Cache ``value`` as ``name`` under ``key`` (keeping the :data:`KEPT` newest of ``name``); False if it could
    not be."""
    if folder is None:
        return False
    target = folder / f"{name}-{key}.pickle"
    temporary: str | None = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{name}-", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump((key, value), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)  # atomic: a reader sees the old file or the whole new one
        temporary = None
        others = sorted(
            (path for path in folder.glob(f"{name}-*.pickle") if path != target),
            key=lambda path: path.stat().st_mtime_ns,
            reverse=True,
        )
        for stale in others[KEPT - 1 :]:
            stale.unlink(missing_ok=True)
    except Exception:  # a folder that cannot be written, or a value that cannot be pickled: no cache, no crash
        return False
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return True

"""Shared fixtures: the shipped catalogue (loaded once) and a tiny hand-made one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import tpmap

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite (and every process it starts) keeps the shipped catalogue's pickle in a folder of its own,
    never in the user's cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TPMAP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _text_width() -> Iterator[None]:
    """The command line wraps text at 100 columns in every test, whatever terminal the suite runs in."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "100")
        yield


@pytest.fixture(scope="session")
def catalogue() -> tpmap.Catalogue:
    """The shipped catalogue."""
    return tpmap.load_catalogue()


@pytest.fixture(scope="session")
def tiny() -> tpmap.Catalogue:
    """A hand-made catalogue small enough to work every score out by hand (see tiny_catalogue.yaml)."""
    return tpmap.load_files([TINY])


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, object]) -> None:
    """Doctests see ``tpmap`` without importing it; the shipped catalogue is shared (read once per process)."""
    doctest_namespace["tpmap"] = tpmap

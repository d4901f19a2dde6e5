"""Shared fixtures: the shipped catalogue (loaded once) and a tiny hand-made one."""

from __future__ import annotations

from pathlib import Path

import pytest

import tpmap

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


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

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

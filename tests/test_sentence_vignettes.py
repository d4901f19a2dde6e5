"""Clinical vignettes as one sentence: the reader and the ranking together.

Each entry of ``sentence_vignettes.yaml`` restates a structured vignette of ``vignettes.yaml`` (named by
``from``) as a patient would say it; the reference and the muscles expected in the top k are the structured
vignette's. A failing one means the reading or the model is wrong; it is never fixed by raising ``k``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import tpmap
from test_vignettes import VIGNETTES, misses, vignette_param

SENTENCES_FILE = Path(__file__).with_name("sentence_vignettes.yaml")
SENTENCES: list[dict[str, Any]] = yaml.safe_load(SENTENCES_FILE.read_text(encoding="utf-8"))["vignettes"]
STRUCTURED = {v["id"]: v for v in VIGNETTES}


def test_sentence_file_is_well_formed() -> None:
    assert len(SENTENCES) >= 60
    sources = [entry["from"] for entry in SENTENCES]
    assert len(set(sources)) == len(sources)
    for entry in SENTENCES:
        assert entry["from"] in STRUCTURED, entry["from"]
        assert STRUCTURED[entry["from"]]["reference"].strip()
        assert not STRUCTURED[entry["from"]].get("known_gap"), "restate only vignettes the model passes"


@pytest.mark.parametrize("entry", [vignette_param(e, key="from") for e in SENTENCES])
def test_sentence_vignette(catalogue: tpmap.Catalogue, entry: dict[str, Any]) -> None:
    structured = STRUCTURED[entry["from"]]
    vignette = {"report": {"sites": [entry["text"]]}, "expect": structured["expect"]}
    missed = misses(catalogue, vignette)
    assert not missed, f"{entry['text']!r} ({structured['reference']}): {missed}"

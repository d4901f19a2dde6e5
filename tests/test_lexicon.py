"""Plain-words places and conditions, on the shipped catalogue (its lay terms are what is under test)."""

from __future__ import annotations

import pytest

import tpmap
from tpmap import resolve

ISSUE_EXAMPLES = {
    "outside of the elbow": "lateral_elbow",
    "back of the head": "occiput",
    "behind the eye": "retro_orbital",
    "shoulder blade": "scapula",
    "inside of the knee": "medial_knee",
    "ball of the foot": "ball_of_foot",
}


@pytest.mark.parametrize(("phrase", "region"), sorted(ISSUE_EXAMPLES.items()))
def test_lay_phrases_resolve_to_regions(catalogue: tpmap.Catalogue, phrase: str, region: str) -> None:
    reading = resolve(catalogue, phrase)
    assert (reading.kind, reading.target) == ("region", region)


@pytest.mark.parametrize(
    ("phrase", "region", "side"),
    [
        ("pain on the outer side of my left elbow", "lateral_elbow", "left"),
        ("Back of my Head", "occiput", None),
        ("my right shoulders", "shoulder", "right"),
        ("the inner knee", "medial_knee", None),
        ("top of the foot", "dorsum_of_foot", None),
        ("sharp pain at the outside of the elbow joint", "lateral_elbow", None),
        ("lateral_elbow", "lateral_elbow", None),
    ],
)
def test_lexicon_folds_lay_words_filler_plurals_and_sides(
    catalogue: tpmap.Catalogue, phrase: str, region: str, side: str | None
) -> None:
    reading = resolve(catalogue, phrase)
    assert (reading.target, reading.side) == (region, side)


def test_condition_words_resolve_to_conditions(catalogue: tpmap.Catalogue) -> None:
    assert resolve(catalogue, "tennis elbow").target == "lateral_epicondylalgia"
    assert resolve(catalogue, "Sciatica").target == "sciatica"
    assert resolve(catalogue, "carpal tunnel").kind == "condition"


def test_unknown_phrase_lists_close_regions(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.UnknownNameError) as caught:
        resolve(catalogue, "shouldr blade")
    assert "shoulder blade" in caught.value.suggestions
    with pytest.raises(tpmap.UnknownNameError):
        resolve(catalogue, "the of my")


def test_ambiguous_phrases_list_their_readings(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.AmbiguousNameError, match="left side, the right side"):
        resolve(catalogue, "left and right elbow")
    with pytest.raises(tpmap.AmbiguousNameError) as caught:
        resolve(catalogue, "outside")  # lateral what?
    assert len(caught.value.readings) > 1


def test_phrase_read_as_condition_in_a_ranking(catalogue: tpmap.Catalogue) -> None:
    result = tpmap.rank(catalogue, "tennis elbow")
    assert result.query.conditions == ("lateral_epicondylalgia",)
    assert any("as the condition" in note for note in result.notes)

"""`tpmap stats` on the hand-made catalogue: every figure worked out from tiny_catalogue.yaml by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tpmap
from tpmap.catalogue.stats import catalogue_stats, format_stats
from tpmap.cli import main

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


def test_counts(tiny: tpmap.Catalogue) -> None:
    counts = catalogue_stats(tiny)["counts"]
    assert counts == {
        "muscles": 5,
        "trigger_points": 5,
        "zones": 8,  # a1 2, b1 2, g1 1, d1 2, e1 1
        "essential_zones": 5,
        "spillover_zones": 3,
        "regions": 11,
        "drawn_regions": 11,
        "conditions": 2,
        "red_flag_conditions": 1,
        "movements": 1,
        "aggravators": 1,
        "sources": 1,
        "pain_guides": 0,
        "pain_guide_areas": 0,
        "prevalence_studies": 0,
        "conditions_studied": 0,
        "muscle_groups": 0,
    }


def test_counts_of_frequency_data_and_groups(tmp_path: Path) -> None:
    overlay = tmp_path / "frequency.yaml"
    overlay.write_text(
        "pain_guides:\n"
        "  - {id: elbow_a, region: lateral_elbow, muscles: [{muscle: alpha}], sources: [{source: hand_made}]}\n"
        "  - {id: elbow_b, region: lateral_elbow, muscles: [{muscle: alpha}], sources: [{source: hand_made}]}\n"
        "prevalence:\n"
        "  - {id: study, condition: tennis_elbow, n: 10, examined: [alpha], active: {alpha: 0.5},\n"
        "     sources: [{source: hand_made}]}\n"
        "groups:\n"
        "  - {id: pair, name: Pair, members: [alpha, beta], sources: [{source: hand_made}]}\n",
        encoding="utf-8",
    )
    counts = catalogue_stats(tpmap.load_files([TINY, overlay]))["counts"]
    assert (counts["pain_guides"], counts["pain_guide_areas"]) == (2, 1)
    assert (counts["prevalence_studies"], counts["conditions_studied"], counts["muscle_groups"]) == (1, 1, 1)


def test_by_area_and_sensations(tiny: tpmap.Catalogue) -> None:
    figures = catalogue_stats(tiny)
    assert figures["by_area"]["forearm_hand"] == {"muscles": 2, "trigger_points": 2}
    assert figures["by_area"]["trunk"] == {"muscles": 2, "trigger_points": 2}
    assert figures["by_area"]["neck"] == {"muscles": 0, "trigger_points": 0}
    assert figures["sensations"] == {"tingling": 1}
    assert figures["trigger_points_without_spillover"] == 2  # g1 and e1


def test_muscles_lacking_each_optional_field(tiny: tpmap.Catalogue) -> None:
    lacking = catalogue_stats(tiny)["muscles_lacking"]
    assert lacking["aliases"] == ["alpha", "beta", "epsilon", "gamma"]
    assert lacking["innervation"] == ["delta", "epsilon"]
    # beta names its nerve but no roots; gamma has a cranial nerve only, which is complete.
    assert lacking["nerve_roots"] == ["beta", "delta", "epsilon"]
    assert lacking["conditions"] == ["beta", "epsilon", "gamma"]
    assert (
        lacking["movements"]
        == lacking["aggravators"]
        == lacking["associated"]
        == [
            "beta",
            "delta",
            "epsilon",
            "gamma",
        ]
    )


def test_nothing_unused_in_the_tiny_catalogue(tiny: tpmap.Catalogue) -> None:
    assert catalogue_stats(tiny)["unused"] == {
        "regions": [],
        "conditions": [],
        "movements": [],
        "aggravators": [],
        "sources": [],
    }


def test_unused_vocabulary_is_listed(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "sources:\n  - {id: never_cited, citation: Nobody cites this.}\n"
        "movements:\n  - {id: kneeling, name: Kneeling}\n",
        encoding="utf-8",
    )
    cat = tpmap.load_files([TINY, extra])
    unused = catalogue_stats(cat)["unused"]
    assert unused["sources"] == ["never_cited"]
    assert unused["movements"] == ["kneeling"]


def test_plain_text_report(tiny: tpmap.Catalogue) -> None:
    text = format_stats(catalogue_stats(tiny))
    assert "\n  muscles                    5\n" in text
    assert "\n  nerve_roots                3  beta, delta, epsilon\n" in text
    assert "sensations recorded: tingling 1" in text


def test_cli_json_matches_the_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-c", str(TINY), "stats", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["counts"]["muscles"] >= 5
    assert set(shown) == {
        "tpmap_version",
        "schema_version",
        "output",
        "counts",
        "by_area",
        "sensations",
        "trigger_points_without_spillover",
        "muscles_lacking",
        "unused",
    }


def test_muscle_view_names_cranial_nerves_and_roots(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-c", str(TINY), "muscle", "gamma"]) == 0
    assert "innervation: gamma branch of a cranial nerve (CN VII)" in capsys.readouterr().out
    assert main(["-c", str(TINY), "muscle", "alpha"]) == 0
    assert "innervation: alpha nerve (C6, C7)" in capsys.readouterr().out

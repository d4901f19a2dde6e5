"""The command line, driven through ``main(argv)``: output, JSON shapes and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tpmap.cli import main

TINY = str(Path(__file__).with_name("tiny_catalogue.yaml"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rank_prints_a_table_with_side_score_probability_zone_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rank", "outside of the elbow", "--side", "right")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["rank", "muscle", "side", "score", "prob", "zone", "why"]
    rows = [line for line in lines if line[:4].strip().rstrip("=").isdigit()]  # "why" may wrap onto lines below
    assert len(rows) == 10 and all(" right " in row for row in rows)
    names = " ".join(rows[:7])
    for muscle in ("Supinator", "Extensor carpi radialis longus", "Brachioradialis", "Triceps brachii", "Anconeus"):
        assert muscle in names
    assert "note: Probabilities are relative" in out


def test_rank_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "rank",
        "outside of the elbow",
        "back of the forearm",
        "--side",
        "right",
        "--sensation",
        "tingling",
        "--absent",
        "shoulder",
        "--limit",
        "5",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert list(data) == [
        "tpmap_version",
        "schema_version",
        "output",
        "query",
        "reading",
        "candidates",
        "notes",
        "red_flags",
        "red_flags_held_back",
        "cover",
        "next_questions",
        "satellites",
    ]
    assert set(data["cover"]) == {"muscles", "explains", "unexplained", "alternatives", "method"}
    assert set(data["cover"]["explains"]) == {"lateral_elbow/right", "posterior_forearm/right"}
    assert data["cover"]["method"] == "exact"
    assert all({"kind", "subject", "ask", "gain_bits", "if_yes", "if_no"} <= set(q) for q in data["next_questions"])
    assert [c["muscle"] for c in data["satellites"]["candidates"]] == [c["muscle"] for c in data["candidates"]]
    assert data["query"]["sites"][0]["region"] == "lateral_elbow"
    assert data["query"]["absent"][0]["region"] == "shoulder"
    assert len(data["candidates"]) == 5
    first = data["candidates"][0]
    for key in ("muscle", "name", "side", "score", "probability", "zone", "evidence"):
        assert key in first
    assert first["zone"] in ("essential", "spillover", "adjacent", "none")
    assert {"finding", "relation", "zone", "contribution"} <= set(first["evidence"][0])


def test_rank_json_is_byte_for_byte_stable(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("rank", "buttock", "back of the thigh", "calf", "--side", "left", "--json")
    assert run(capsys, *argv)[1] == run(capsys, *argv)[1]


def test_rank_explain_and_condition_and_latent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-c", TINY, "rank", "sternum", "--condition", "angina", "--explain", "--latent")
    assert code == 0
    assert "Rule out first (Angina)" in out
    assert "#1 " in out and "score" in out


def test_bad_input_is_one_clear_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rank", "outside of the shldr")
    assert code == 1 and out == ""
    assert err.startswith("tpmap: unknown place or condition 'outside of the shldr'; did you mean: shoulder")
    assert "Traceback" not in err
    code, _, err = run(capsys, "rank", "elbow", "--sensation", "tickling")
    assert code == 1 and "unknown sensation 'tickling'" in err
    code, _, err = run(capsys, "muscle", "supinatr")
    assert code == 1 and "did you mean: supinator" in err
    code, _, err = run(capsys, "rank", "elbow", "--limit", "0")
    assert code == 1 and "--limit" in err
    code, _, err = run(capsys, "rank")
    assert code == 1 and "the report is empty" in err


def test_a_condition_alone_is_a_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", "--condition", "carpal tunnel", "--limit", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"]["conditions"] == ["carpal_tunnel_syndrome"]
    assert all(c["evidence"][0]["relation"] == "listed" for c in data["candidates"])
    assert any("Rule out first (Carpal tunnel syndrome)" in n for n in data["notes"])
    assert all(
        any((f["condition"], f["name"]) == ("carpal_tunnel_syndrome", "Carpal tunnel syndrome") for f in c["red_flags"])
        for c in data["candidates"]
    )
    assert sum("Rule out first (Carpal tunnel syndrome)" in n for n in data["notes"]) == 1


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "frobnicate")[0] == 2
    assert run(capsys, "rank", "elbow", "--side", "middle")[0] == 2
    assert run(capsys, "--help")[0] == 0


def test_muscle_shows_tps_zones_conditions_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "muscle", "infraspinatus")
    assert code == 0
    assert out.startswith("Infraspinatus (infraspinatus)")
    for text in ("trigger point", "essential zone:", "spillover zone:", "mimics:", "sources:", "Trigger Point Manual"):
        assert text in out
    code, out, _ = run(capsys, "muscle", "SCM", "--json")
    data = json.loads(out)
    assert data["id"] == "sternocleidomastoid" and data["sources"][0]["citation"]


def test_listings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "muscles", "--json")
    muscles = json.loads(out)["muscles"]
    assert code == 0 and len(muscles) >= 40
    assert {"id", "name", "trigger_points"} <= set(muscles[0])
    assert "essential" in muscles[0]["trigger_points"][0]
    code, out, _ = run(capsys, "regions", "--tree")
    assert out.startswith("body: Body (midline)\n  head: Head\n")
    code, out, _ = run(capsys, "regions", "--json")
    assert len(json.loads(out)["regions"]) >= 120
    code, out, _ = run(capsys, "conditions", "--json")
    conditions = {c["id"]: c for c in json.loads(out)["conditions"]}
    assert "supinator" in conditions["lateral_epicondylalgia"]["muscles"]
    code, out, _ = run(capsys, "muscles")
    assert code == 0 and "supinator" in out


def test_check_reports_file_line_column_field_and_suggestion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "muscles:\n  - id: my_muscle\n    name: My muscle\n    area: trunk\n    trigger_points:\n"
        "      - id: t1\n        location: {region: sternum, description: On the breastbone.}\n"
        "        essential: [lateral_elbw]\n    sources: [{source: tpm1}]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1 and out == ""
    assert (
        f"{bad}:8:21: muscles[0].trigger_points[0].essential[0]: unknown region 'lateral_elbw'; "
        "did you mean: lateral_elbow"
    ) in err
    good = tmp_path / "good.yaml"
    good.write_text(bad.read_text().replace("lateral_elbw", "lateral_elbow"), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(good))
    assert code == 0 and out.startswith("ok: 1 file checked")


def test_catalogue_option_merges_an_overlay_and_reports_its_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("muscles: [{id: x}]\n", encoding="utf-8")
    code, _, err = run(capsys, "-c", str(broken), "muscles")
    assert code == 1 and f"{broken}:1:11: muscles[0].name: required field is missing" in err


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"] == "tpmap catalogue file"
    assert set(schema["properties"]) >= {
        "sources",
        "regions",
        "conditions",
        "movements",
        "aggravators",
        "muscles",
        "pain_guides",
        "prevalence",
    }
    study = schema["$defs"]["PrevalenceStudy"]
    (share,) = study["properties"]["active"]["patternProperties"].values()
    assert (share["minimum"], share["maximum"]) == (0.0, 1.0)
    assert "red_flag_places" in schema["$defs"]["Condition"]["properties"]


def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "tpmap", "rank", "shoulder blade", "--limit", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("rank  muscle")


def test_chart_writes_an_svg_and_never_replaces_a_file_unasked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "infraspinatus.svg"
    code, out, _ = run(capsys, "chart", "infraspinatus", "--side", "left", "-o", str(target))
    assert code == 0 and out.strip() == str(target)
    root = ElementTree.fromstring(target.read_text(encoding="utf-8"))
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert 'id="front-anterior_shoulder-left"' in target.read_text(encoding="utf-8")
    target.write_text("my notes", encoding="utf-8")
    code, _, err = run(capsys, "chart", "infraspinatus", "-o", str(target))
    assert code == 1 and "--force" in err
    assert target.read_text(encoding="utf-8") == "my notes"
    assert run(capsys, "chart", "infraspinatus", "-o", str(target), "--force")[0] == 0
    code, _, err = run(capsys, "chart", "infraspinatus", "-o", str(tmp_path / "chart.pdf"))
    assert code == 1 and ".svg or .png" in err


def test_rank_chart_is_written_before_the_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "ranking.svg"
    code, out, err = run(capsys, "rank", "front of the shoulder", "--side", "right", "--chart", str(target))
    assert code == 0 and out.startswith("rank ") and "chart written" in err
    text = target.read_text(encoding="utf-8")
    assert 'id="front-anterior_shoulder-right" class="heat site"' in text
    code, _, err = run(capsys, "rank", "elbow", "--chart", str(tmp_path / "missing" / "x.svg"))
    assert code == 1 and "does not exist" in err


def test_region_tree_prints_a_chain_thousands_deep(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ["regions:"] + [
        f"  - {{id: deep{i}, name: Deep {i}, parent: {'body' if i == 0 else f'deep{i - 1}'}}}" for i in range(2000)
    ]
    overlay = tmp_path / "chain.yaml"
    overlay.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "-c", str(overlay), "regions", "--tree")
    assert code == 0, err
    assert f"{'  ' * 2000}deep1999: Deep 1999\n" in out


def test_muscle_json_has_one_shape_per_kind_of_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "muscle", "hamstrings", "--json")
    group = json.loads(out)
    assert code == 0 and group["group"] == "hamstrings"
    assert [m["id"] for m in group["members"]] == ["biceps_femoris", "semitendinosus", "semimembranosus"]
    code, out, _ = run(capsys, "muscle", "infraspinatus", "--json")
    assert code == 0 and json.loads(out)["id"] == "infraspinatus"

"""Reading catalogue files: safe YAML, every problem with file:line:column, references, overlays."""

from __future__ import annotations

from pathlib import Path

import pytest

import tpmap
from tpmap.catalogue._yaml import MAX_BYTES, read_yaml_file, read_yaml_text
from tpmap.catalogue.loader import shipped_paths
from tpmap.errors import CatalogueError, Problem

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


def write(tmp_path: Path, text: str, name: str = "extra.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(*paths: Path, with_shipped: bool = False) -> list[Problem]:
    return list(tpmap.check_files([TINY, *paths] if not with_shipped else list(paths), with_shipped=with_shipped))


# ------------------------------------------------------------------------------------------- yaml


def test_aliases_and_anchors_are_refused_before_building_anything() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    document = read_yaml_text(bomb, "bomb.yaml")
    assert document.data is None
    assert {p.message for p in document.problems} == {
        "YAML anchors are not allowed in catalogues",
        "YAML aliases are not allowed in catalogues",
    }
    assert (document.problems[0].line, document.problems[0].column) == (1, 4)


def test_duplicate_keys_are_refused_with_both_lines() -> None:
    document = read_yaml_text("muscles:\n  - id: a\n    name: A\n    name: B\n", "dup.yaml")
    assert [str(p) for p in document.problems] == [
        "dup.yaml:4:5: muscles[0].name: duplicate key 'name' (first at line 3)"
    ]


def test_merge_keys_and_non_text_keys_are_refused() -> None:
    document = read_yaml_text("a: {b: 1}\nc:\n  <<: {b: 2}\n1: x\n", "merge.yaml")
    messages = [p.message for p in document.problems]
    assert "YAML merge keys ('<<') are not allowed in catalogues" in messages
    assert "mapping keys must be plain text" in messages


def test_syntax_errors_have_a_position() -> None:
    (problem,) = read_yaml_text("a: [1, 2\nb: 3\n", "bad.yaml").problems
    assert problem.file == "bad.yaml" and problem.line >= 1 and problem.message.startswith("invalid YAML")


def test_oversized_missing_and_non_utf8_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    assert "limit" in read_yaml_file(big).problems[0].message
    assert "cannot read file" in read_yaml_file(tmp_path / "nope.yaml").problems[0].message
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: 1\nb: caf\xe9\n")
    (problem,) = read_yaml_file(latin).problems
    assert (problem.line, problem.column, problem.message) == (2, 7, "file is not valid UTF-8")


def test_positions_are_kept_for_every_value() -> None:
    document = read_yaml_text("muscles:\n  - id: a\n    tags: [x, y]\n", "pos.yaml")
    assert document.position(("muscles", 0, "tags", 1)) == (3, 15)
    assert document.position(("muscles", 0, "missing_field")) == (2, 5)


def test_empty_file_is_an_empty_catalogue_file(tmp_path: Path) -> None:
    assert problems_of(write(tmp_path, "# nothing yet\n")) == []


# ------------------------------------------------------------------------------------------- schema


def test_every_schema_problem_is_reported_with_its_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
muscles:
  - id: zeta
    name: Zeta
    area: shoulders
    colour: red
    trigger_points:
      - id: z1
        location: {region: hand, description: Palm.}
        essential: [hand]
        side: no
    sources: [{source: hand_made}]
  - id: Eta
    name: Eta
""",
    )
    found = {(p.line, p.field, p.message.split(" (got")[0]) for p in problems_of(path)}
    assert (4, "muscles[0].area", found_message(found, 4)) in found
    assert (5, "muscles[0].colour", "unknown field 'colour'") in found
    assert not any("at least 1 item" in message for _, _, message in found)
    assert any(line == 10 and field == "muscles[0].trigger_points[0].side" for line, field, _ in found)
    assert any(line == 12 and field == "muscles[1].id" for line, field, _ in found)
    assert any(field == "muscles[1].area" and message == "required field is missing" for _, field, message in found)
    assert any(field == "muscles[1].trigger_points" for _, field, _ in found)


def found_message(found: set[tuple[int, str, str]], line: int) -> str:
    return next(message for found_line, _, message in found if found_line == line)


def test_yaml_1_1_booleans_are_flagged_not_silently_converted(tmp_path: Path) -> None:
    path = write(tmp_path, "regions:\n  - {id: no_region, name: no, parent: body}\n")
    (problem,) = problems_of(path)
    assert problem.field == "regions[0].name" and problem.message.startswith("must be text (got False); YAML reads")


def test_unknown_sections_suggest_the_right_one(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "muscle: []\n"))
    assert str(problem).endswith("muscle: unknown section 'muscle'; did you mean: muscles?")


# ------------------------------------------------------------------------------------------- references


def test_misspelt_region_gives_position_field_and_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
muscles:
  - id: zeta
    name: Zeta
    area: trunk
    trigger_points:
      - id: z1
        location: {region: hand, description: Palm.}
        essential: [lateral_elbw]
    sources: [{source: hand_made}]
""",
    )
    (problem,) = problems_of(path)
    assert str(problem) == (
        f"{path}:8:21: muscles[0].trigger_points[0].essential[0]: "
        "unknown region 'lateral_elbw'; did you mean: lateral_elbow?"
    )


def test_all_reference_problems_are_collected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
regions:
  - {id: loop_a, name: Loop A, parent: loop_b}
  - {id: loop_b, name: Loop B, parent: loop_a}
  - {id: lonely, name: Lonely, parent: bodyy, adjacent: [lonely]}
muscles:
  - id: zeta
    name: Alpha
    area: trunk
    trigger_points:
      - {id: z1, location: {region: hand, description: x}, essential: [hand], spillover: [hand]}
      - {id: z1, location: {region: hand, description: x}, essential: [thumb]}
    conditions: [tennis_elbo]
    associated: [zeta, omega]
    sources: [{source: nowhere}]
""",
    )
    messages = [p.message for p in problems_of(path)]
    expected = [
        "the region tree has a cycle",
        "unknown region 'bodyy'; did you mean: body?",
        "a region cannot be adjacent to itself",
        "'hand' is already in the essential zone",
        "duplicate trigger point id 'z1' in 'zeta'",
        "unknown condition 'tennis_elbo'; did you mean: tennis_elbow?",
        "a muscle cannot be associated with itself",
        "unknown muscle 'omega'",
        "unknown source 'nowhere'",
        "name 'Alpha' already names muscle 'alpha'",
    ]
    for text in expected:
        assert any(m.startswith(text) for m in messages), (text, messages)


def test_duplicate_ids_within_one_file(tmp_path: Path) -> None:
    path = write(tmp_path, "conditions:\n  - {id: x, name: X}\n  - {id: x, name: Y}\n")
    (problem,) = problems_of(path)
    assert problem.line == 3 and "duplicate condition id 'x' (also at" in problem.message


def test_catalogue_error_lists_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "muscles:\n  - id: a\n  - id: b\n")
    with pytest.raises(CatalogueError) as caught:
        tpmap.load_files([TINY, path])
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, tpmap.TpmapError)
    assert len(error.problems) >= 6
    assert str(error).startswith(f"{len(error.problems)} problems in the catalogue:\n  {path}:2:")


# ------------------------------------------------------------------------------------------- overlays


def test_overlay_replaces_by_id_and_adds_without_touching_files(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        """\
muscles:
  - id: gamma
    name: Gamma
    area: forearm_hand
    trigger_points:
      - {id: g1, location: {region: hand, description: Palm.}, essential: [thumb]}
    sources: [{source: hand_made}]
  - id: zeta
    name: Zeta
    area: trunk
    trigger_points:
      - {id: z1, location: {region: chest, description: Chest.}, essential: [chest]}
    sources: [{source: hand_made}]
""",
    )
    before = (TINY.read_bytes(), overlay.read_bytes())
    base = tpmap.load_files([TINY])
    merged = tpmap.load_files([TINY, overlay])
    assert base.muscle("gamma").trigger_points[0].essential == ("hand",)
    assert merged.muscle("gamma").trigger_points[0].essential == ("thumb",)
    assert "zeta" in merged.muscles and "zeta" not in base.muscles
    assert before == (TINY.read_bytes(), overlay.read_bytes())


def test_load_catalogue_merges_user_files_over_the_shipped_one(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        """\
sources:
  - {id: my_notes, citation: My clinic notes.}
muscles:
  - id: my_muscle
    name: My muscle
    area: trunk
    trigger_points:
      - {id: t1, location: {region: sternum, description: On the breastbone.}, essential: [sternum]}
    sources: [{source: my_notes}]
""",
    )
    shipped = tpmap.load_catalogue()
    merged = tpmap.load_catalogue(overlay)
    assert len(merged.muscles) == len(shipped.muscles) + 1
    assert tpmap.check_files([overlay]) == ()


def test_the_shipped_files_are_found() -> None:
    paths = shipped_paths()
    assert [p.name for p in paths] == [
        "sources.yaml",
        "regions.yaml",
        "conditions.yaml",
        "muscles.yaml",
        "frequency.yaml",
        "groups.yaml",
    ]
    assert all(p.is_file() for p in paths)

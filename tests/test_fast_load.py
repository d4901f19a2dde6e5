"""Fast start: the quick YAML pass, positions worked out when a problem needs them, catalogues that pickle, and
the cache folder that lets a new process skip the shipped files."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle_scoring as oracle
import tpmap
from tpmap.catalogue import _cache, loader
from tpmap.catalogue._checks import SECTIONS
from tpmap.catalogue._yaml import _UNUSUAL, ProblemList, YamlDocument, _Builder, read_yaml_text
from tpmap.ranking import lexicon, reader, scoring
from tpmap.ranking.reader import read_report

TINY = Path(__file__).with_name("tiny_catalogue.yaml")


def careful(text: str, name: str = "t.yaml") -> YamlDocument:
    """The document as the careful pass alone reads it, positions and all."""
    problems = ProblemList()
    builder = _Builder(name, problems)
    data = builder.build(text)
    return YamlDocument(name, data, problems.kept(), builder.root, problems.unlisted())


def same_catalogue(one: tpmap.Catalogue, other: tpmap.Catalogue) -> None:
    for section in SECTIONS:
        assert dict(getattr(one, section)) == dict(getattr(other, section)), section
    assert repr(one) == repr(other)
    for region in one.regions:
        assert one.ancestors(region) == other.ancestors(region)
        assert one.descendants(region) == other.descendants(region)
        assert one.adjacent(region) == other.adjacent(region)
    for muscle in one.muscles:
        assert one.zones(muscle) == other.zones(muscle)
    assert one.region_names() == other.region_names() and one.condition_names() == other.condition_names()
    assert (one.changes, one.plugins) == (other.changes, other.plugins)


def ranked(catalogue: tpmap.Catalogue) -> list[tuple[str, str | None, float, float]]:
    result = tpmap.rank(catalogue, "outside of the elbow", "back of the forearm", side="right", absent=["neck"])
    return [(c.muscle.id, c.side, c.score, c.probability) for c in result]


# ------------------------------------------------------------------------------------------ the quick pass

TRICKY = [
    "",
    "# only a comment\n",
    "---\n",
    "--- \n...\n",
    "a: 1\n",
    "'quoted key': \"text\"\nb: 'yes'\nc: yes\nd: no\ne: ~\nf: null\ng: 1.5\nh: 0x1F\ni: 012\nj: 1:30\n",
    "date: 2019-01-31\nwhen: 2001-12-14t21:59:43.10-05:00\n",
    "list: [a, [b, [c, {d: e}]], {}]\nempty: []\n",
    "- 1\n- two\n- {three: 3}\n",
    "just text\n",
    "42\n",
    "a: &x 1\nb: *x\n",
    "a: 1\na: 2\n",
    "a: {b: 1}\nc:\n  <<: {b: 2}\n",
    "1: x\n",
    "[a]: b\n",
    "a: !!python/object:os.system x\n",
    "a: !custom x\n",
    "a: !!str 5\n",
    "date: 2019-13-45\n",
    "a: [1, 2\nb: 3\n",
    "a: 1\n---\nb: 2\n",
    "---\n---\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
    "key: value # comment\nother: |\n  block\n  text\nfolded: >\n  more\n  text\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_quick_pass_reads_what_the_careful_pass_reads(text: str) -> None:
    quick, slow = read_yaml_text(text, "t.yaml"), careful(text)
    assert (quick.data, quick.problems, quick.unlisted) == (slow.data, slow.problems, slow.unlisted)


def test_the_quick_pass_leaves_every_problem_to_the_careful_one() -> None:
    for text in TRICKY:
        if careful(text).problems:
            assert _Builder("t.yaml", ProblemList()).build_quickly(text) is _UNUSUAL, text


def test_every_shipped_file_is_read_quickly_and_equally() -> None:
    for path in loader.shipped_paths():
        text = path.read_text(encoding="utf-8")
        assert _Builder(path.name, ProblemList()).build_quickly(text) is not _UNUSUAL, path.name
        assert read_yaml_text(text, path.name).data == careful(text, path.name).data


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["yes", "no", "on", "off", "~", "null", "1:30", "012", "0x1F", "2019-01-31", ".inf", "<<"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([None, "'", '"']), st.booleans())
def test_random_documents_read_alike(data: Any, style: str | None, flow: bool) -> None:
    text = yaml.safe_dump(data, default_style=style, default_flow_style=flow, allow_unicode=True)
    quick, slow = read_yaml_text(text, "r.yaml"), careful(text, "r.yaml")
    assert (quick.data, quick.problems) == (slow.data, slow.problems)


def test_positions_of_a_quick_read_are_those_of_a_careful_read() -> None:
    text = TINY.read_text(encoding="utf-8")
    quick, slow = read_yaml_text(text, "tiny.yaml"), careful(text, "tiny.yaml")
    assert quick.source is not None and quick.spots is None  # nothing worked out yet

    def paths(value: Any, path: tuple[str | int, ...]) -> Any:
        yield path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            yield from paths(item, (*path, key))

    every = list(paths(slow.data, ()))
    assert len(every) > 200
    for path in every:
        assert quick.position(path) == slow.position(path)
        assert quick.key_position(path) == slow.key_position(path)
    assert quick.source is None  # worked out once, then the text is let go


def test_the_quick_load_and_the_careful_load_build_equal_catalogues(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = tpmap.load_files(loader.shipped_paths())
    monkeypatch.setattr(_Builder, "build_quickly", lambda self, text: _UNUSUAL)
    slow = tpmap.load_files(loader.shipped_paths())
    same_catalogue(quick, slow)
    assert ranked(quick) == ranked(slow)


def test_a_problem_found_after_a_quick_read_has_its_file_line_and_column(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(
        "muscles:\n"
        "  - id: zz_own_muscle\n"
        "    name: Own muscle\n"
        "    area: forearm_hand\n"
        "    sources: [{source: tpm1}]\n"
        "    trigger_points:\n"
        "      - id: main\n"
        "        location: {region: lateral_elbow, description: Near the elbow.}\n"
        "        essential: [lateral_elbow, no_such_region]\n"
        "    colour: red\n",
        encoding="utf-8",
    )
    assert read_yaml_text(overlay.read_text(encoding="utf-8")).source is not None  # the YAML itself is clean
    found = [str(p) for p in tpmap.check_files(overlay)]
    assert f"{overlay}:10:5: muscles[0].colour: unknown field 'colour'" in [p.split("; did")[0] for p in found]
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("    colour: red\n", ""), encoding="utf-8")
    (problem,) = tpmap.check_files(overlay)
    assert (problem.file, problem.line, problem.column) == (str(overlay), 9, 36)
    assert "no_such_region" in problem.message


# ------------------------------------------------------------------------------------------ pickling


@pytest.mark.parametrize("which", ["tiny", "shipped"])
def test_a_catalogue_pickles_to_an_equal_unchangeable_catalogue(which: str) -> None:
    original = tpmap.load_files([TINY]) if which == "tiny" else tpmap.load_catalogue()
    copy: tpmap.Catalogue = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy is not original
    same_catalogue(copy, original)
    if which == "shipped":
        assert ranked(copy) == ranked(original)
    with pytest.raises(AttributeError, match="cannot be changed"):
        copy.muscles = {}
    with pytest.raises(TypeError):
        copy.regions["new"] = copy.regions["body"]  # type: ignore[index]
    for study in copy.prevalence.values():
        with pytest.raises(TypeError):
            study.active["x"] = 0.5  # type: ignore[index]
    assert pickle.loads(pickle.dumps(copy)).muscles == original.muscles


def test_a_catalogue_with_an_overlay_pickles_with_what_the_overlay_did(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(
        "muscles:\n  - id: zz_own_muscle\n    name: Own muscle\n    area: forearm_hand\n"
        "    sources: [{source: tpm1}]\n    trigger_points:\n      - id: main\n"
        "        location: {region: lateral_elbow, description: Near the elbow.}\n        essential: [lateral_elbow]\n",
        encoding="utf-8",
    )
    original = tpmap.load_catalogue(overlay)
    assert original.changes  # the overlay's addition is recorded
    copy: tpmap.Catalogue = pickle.loads(pickle.dumps(original))
    same_catalogue(copy, original)
    assert "zz_own_muscle" in copy.muscles


def test_the_graph_is_rebuilt_after_pickling(tiny: tpmap.Catalogue) -> None:
    before = sorted(tiny.graph.nodes)
    copy = pickle.loads(pickle.dumps(tiny))
    assert "graph" not in vars(copy)  # built again when asked for, not carried
    assert sorted(copy.graph.nodes) == before


# ------------------------------------------------------------------------------------------ the cache folder


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(where))
    return where


def pickles(where: Path) -> list[Path]:
    return sorted(where.glob("catalogue-*.pickle")) if where.is_dir() else []


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> object:
        raise AssertionError("the shipped files were read, not the cache")

    monkeypatch.setattr(loader, "_load", refuse)


def test_the_first_load_writes_the_cache_and_the_next_reads_it(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = loader._from_disk_cache()
    (written,) = pickles(folder)
    assert not list(folder.glob("*.tmp"))  # written under another name, then renamed
    no_reading(monkeypatch)
    second = loader._from_disk_cache()
    assert second is not first
    same_catalogue(second, first)
    assert pickles(folder) == [written]


def test_a_stale_pickle_is_ignored_and_only_the_newest_few_are_kept(folder: Path) -> None:
    folder.mkdir()
    stale = []
    for age in range(_cache.KEPT):  # the first is the newest
        key = f"{age:032x}"
        path = folder / f"catalogue-{key}.pickle"
        path.write_bytes(pickle.dumps((key, "an old catalogue")))
        os.utime(path, ns=(10**18 - age * 10**9, 10**18 - age * 10**9))
        stale.append(path)
    catalogue = loader._from_disk_cache()
    assert isinstance(catalogue, tpmap.Catalogue)
    (fresh,) = set(pickles(folder)) - set(stale)
    assert pickle.loads(fresh.read_bytes())[0] == fresh.stem.removeprefix("catalogue-")
    assert [path.exists() for path in stale] == [True] * (_cache.KEPT - 1) + [False]


def test_a_pickle_under_the_right_name_with_another_key_is_not_read(folder: Path) -> None:
    loader._from_disk_cache()
    (path,) = pickles(folder)
    path.write_bytes(pickle.dumps(("another key", "not a catalogue")))
    assert isinstance(loader._from_disk_cache(), tpmap.Catalogue)
    assert pickle.loads(path.read_bytes())[0] == path.stem.removeprefix("catalogue-")


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05\x95\xff\xff"])
def test_a_corrupt_pickle_is_rebuilt(folder: Path, damage: bytes) -> None:
    loader._from_disk_cache()
    (path,) = pickles(folder)
    good = path.read_bytes()
    path.write_bytes(damage)
    assert isinstance(loader._from_disk_cache(), tpmap.Catalogue)
    assert pickle.loads(path.read_bytes())[0] == pickle.loads(good)[0]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file owners and modes are POSIX")
def test_a_pickle_others_could_write_is_never_unpickled(folder: Path) -> None:
    loader._from_disk_cache()
    (path,) = pickles(folder)
    key = path.stem.removeprefix("catalogue-")
    path.write_bytes(pickle.dumps((key, "planted by someone else")))
    path.chmod(0o666)
    assert _cache.read_cached("catalogue", key, folder) is None  # refused before unpickling
    path.chmod(0o600)
    assert _cache.read_cached("catalogue", key, folder) == "planted by someone else"  # the mode was the reason


def test_a_cut_short_pickle_is_rebuilt(folder: Path) -> None:
    loader._from_disk_cache()
    (path,) = pickles(folder)
    path.write_bytes(path.read_bytes()[:1000])
    assert isinstance(loader._from_disk_cache(), tpmap.Catalogue)
    assert len(path.read_bytes()) > 1000


def test_a_folder_that_cannot_be_written_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(blocker / "cache"))  # its parent is a file
    catalogue = loader._from_disk_cache()
    assert isinstance(catalogue, tpmap.Catalogue) and blocker.read_text(encoding="utf-8") == "not a folder"
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(blocker))  # the folder is a file
    assert isinstance(loader._from_disk_cache(), tpmap.Catalogue)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("value", ["off", "OFF", ""])
def test_the_variable_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache.cache_folder() is None
    assert isinstance(loader._from_disk_cache(), tpmap.Catalogue)
    assert list(tmp_path.rglob("*")) == []


def test_the_default_folder_follows_the_platform(tmp_path: Path) -> None:
    if sys.platform.startswith("linux"):
        assert _cache.cache_folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "tpmap"
        assert _cache.cache_folder({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache" / "tpmap"
        assert _cache.cache_folder({}) == Path.home() / ".cache" / "tpmap"
    assert _cache.cache_folder({"TPMAP_CACHE_DIR": str(tmp_path)}) == tmp_path


def test_the_key_changes_with_the_files_bytes_and_the_versions(tmp_path: Path) -> None:
    data = tmp_path / "muscles.yaml"
    data.write_text("muscles: []\n", encoding="utf-8")
    key = _cache.cache_key("1.0", "2.5", files=[data])
    assert _cache.cache_key("1.0", "2.5", files=[data]) == key
    assert _cache.cache_key("1.1", "2.5", files=[data]) != key
    assert _cache.cache_key("1.0", "2.6", files=[data]) != key
    data.write_text("muscles: [] \n", encoding="utf-8")
    assert _cache.cache_key("1.0", "2.5", files=[data]) != key


def test_a_new_process_reads_the_cache_not_the_files(folder: Path) -> None:
    env = {**os.environ, _cache.ENVIRONMENT_VARIABLE: str(folder)}
    fill = "import tpmap; tpmap.load_catalogue()"
    subprocess.run([sys.executable, "-c", fill], env=env, check=True, capture_output=True)
    check = (
        "import tpmap\n"
        "from tpmap.catalogue import loader\n"
        "def refuse(*args): raise SystemExit('read the files')\n"
        "loader._load = refuse\n"
        "print(tpmap.load_catalogue())\n"
    )
    done = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("<Catalogue: ")


# ------------------------------------------------------------------------------------------ tables kept beside it

DERIVED = ("prior", "vocabulary", "place-names")
"""The tables worked out from the shipped catalogue that the cache folder keeps beside it."""


def derived(where: Path) -> dict[str, list[Path]]:
    return {name: sorted(where.glob(f"{name}-*.pickle")) if where.is_dir() else [] for name in DERIVED}


def first_rank(catalogue: tpmap.Catalogue) -> tuple[object, ...]:
    """What a first ranking of a new process works out: a reading, a ranking with evidence, the prior's fit."""
    result = tpmap.rank(catalogue, "aching outside of my right elbow, worse when gripping", conditions=["tennis elbow"])
    prior = scoring._tables(catalogue).prior(tpmap.Weights())
    candidates = [(c.muscle.id, c.side, c.score, c.probability, c.evidence) for c in result]
    return result.query, candidates, prior.guides, prior.worth


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times each table was worked out (rather than read back)."""
    calls = dict.fromkeys(DERIVED, 0)
    for module, function, name in (
        (scoring, "_fit_guides", "prior"),
        (reader, "_built_vocabulary", "vocabulary"),
        (lexicon, "_built_index", "place-names"),
    ):
        original = getattr(module, function)

        def counting(*args: Any, _original: Any = original, _name: str = name) -> Any:
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(module, function, counting)
    return calls


def test_a_new_process_reads_the_tables_back_and_ranks_alike(folder: Path, counted: dict[str, int]) -> None:
    first = loader._from_disk_cache()
    expected = first_rank(first)
    assert counted == dict.fromkeys(DERIVED, 1)
    written = derived(folder)
    assert all(len(paths) == 1 for paths in written.values()), written
    second = loader._from_disk_cache()  # a new catalogue object, as a new process has: its tables are read back
    assert first_rank(second) == expected
    assert counted == dict.fromkeys(DERIVED, 1)
    assert derived(folder) == written


def test_the_prior_read_back_is_the_straightforward_fit(folder: Path) -> None:
    loader._from_disk_cache()
    catalogue = loader._from_disk_cache()
    for weights in (
        tpmap.Weights(),
        tpmap.Weights(coverage_floor=0.0, none=0.3),
        tpmap.Weights(adjacent_essential=0.3),
    ):
        prior = scoring._tables(catalogue).prior(weights)
        guides = oracle._guide_lists(oracle._tables(catalogue), weights, list(catalogue.pain_guides.values()))
        worth = oracle._fit_guides(guides, catalogue.muscles, weights.prior_pseudo_count)
        assert [vars(g) for g in prior.guides] == [vars(g) for g in guides]
        assert prior.worth == worth  # exactly: the same numbers, not close ones


def test_only_the_default_weights_prior_is_kept(folder: Path) -> None:
    catalogue = loader._from_disk_cache()
    scoring._tables(catalogue).prior(tpmap.Weights(prior_pseudo_count=3.0))
    assert derived(folder)["prior"] == []  # a sweep over weights leaves no file per set
    scoring._tables(catalogue).prior(tpmap.Weights())
    assert len(derived(folder)["prior"]) == 1


@pytest.mark.parametrize("name", DERIVED)
@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05\x95\xff\xff", "wrong kind", "cut short"])
def test_a_damaged_table_is_worked_out_again_and_rewritten(
    folder: Path, counted: dict[str, int], name: str, damage: bytes | str
) -> None:
    expected = first_rank(loader._from_disk_cache())
    (path,) = derived(folder)[name]
    good = path.read_bytes()
    if damage == "wrong kind":  # under the right key, something that is not the table
        path.write_bytes(pickle.dumps((path.stem.removeprefix(f"{name}-"), ("not", "a", "table"))))
    elif damage == "cut short":
        path.write_bytes(good[: len(good) // 2])
    else:
        assert isinstance(damage, bytes)
        path.write_bytes(damage)
    assert first_rank(loader._from_disk_cache()) == expected
    assert counted[name] == 2 and sum(counted.values()) == len(DERIVED) + 1
    assert pickle.loads(path.read_bytes()) == pickle.loads(good)  # written again, whole


def test_a_change_to_the_code_that_works_a_table_out_works_it_out_anew(
    folder: Path, counted: dict[str, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    module = tmp_path / "fit.py"
    module.write_text("# the fit\n", encoding="utf-8")
    monkeypatch.setattr(scoring, "_PRIOR_CODE", (*scoring._PRIOR_CODE, module))
    expected = first_rank(loader._from_disk_cache())
    (old,) = derived(folder)["prior"]
    module.write_text("# the fit, changed\n", encoding="utf-8")
    assert first_rank(loader._from_disk_cache()) == expected
    assert counted["prior"] == 2 and counted["vocabulary"] == counted["place-names"] == 1
    assert len(derived(folder)["prior"]) == 2 and old.exists()  # the stale one is kept, among the newest few
    module.unlink()  # code that cannot be read: worked out, as without a cache
    assert first_rank(loader._from_disk_cache()) == expected
    assert counted["prior"] == 3


def test_a_stale_catalogue_leaves_its_tables_unread(folder: Path, counted: dict[str, int]) -> None:
    expected = first_rank(loader._from_disk_cache())
    for paths in derived(folder).values():  # the tables of a catalogue of other files, under the same names
        (path,) = paths
        path.rename(path.with_name(f"{path.stem.split('-')[0]}-{'0' * 32}.pickle"))
    assert first_rank(loader._from_disk_cache()) == expected
    assert counted == dict.fromkeys(DERIVED, 2)


@pytest.mark.parametrize("value", ["off", ""])
def test_with_the_cache_off_tables_are_worked_out_and_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int], value: str
) -> None:
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(tmp_path / "cache"))
    expected = first_rank(loader._from_disk_cache())
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, value)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert first_rank(loader._from_disk_cache()) == expected
    assert counted == dict.fromkeys(DERIVED, 2)
    assert not (tmp_path / "xdg").exists()


def test_other_catalogues_are_neither_read_nor_written(
    folder: Path, counted: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = first_rank(loader._from_disk_cache())
    overlay = tmp_path / "mine.yaml"
    overlay.write_text("edits:\n  - {region: lateral_elbow, add: {terms: [funny spot]}}\n", encoding="utf-8")
    written = derived(folder)
    mine = tpmap.load_catalogue(overlay)
    assert first_rank(mine)[1] == expected[1]
    assert counted == dict.fromkeys(DERIVED, 2)  # its own tables, worked out
    assert [site.region for site in tpmap.build_query(mine, "my funny spot").sites] == ["lateral_elbow"]
    tiny = tpmap.load_files(TINY)
    scoring._tables(tiny).prior(tpmap.Weights())
    read_report(tiny, "upper arm")
    assert derived(folder) == written


def test_a_folder_that_cannot_be_written_still_ranks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, "off")
    expected = first_rank(loader._from_disk_cache())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(blocker / "cache"))  # its parent is a file
    for _ in range(2):
        assert first_rank(loader._from_disk_cache()) == expected
    assert counted == dict.fromkeys(DERIVED, 3)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


# ------------------------------------------------------------------------------------------ what a start imports


def imported_after(code: str) -> set[str]:
    """The modules a fresh process has imported after running ``code``."""
    probe = f"import sys\n{code}\nprint(*sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_importing_tpmap_imports_only_the_errors_until_a_name_is_used() -> None:
    assert {m for m in imported_after("import tpmap") if m.startswith("tpmap")} == {
        "tpmap",
        "tpmap._version",
        "tpmap.errors",
    }
    listed = "import tpmap\nassert set(tpmap.__all__) <= set(dir(tpmap)), 'dir misses names'"
    assert "tpmap.ranking.scoring" not in imported_after(listed)
    used = imported_after("import tpmap\ntpmap.rank")
    assert "tpmap.ranking.scoring" in used and "tpmap.render.chart" not in used


def test_a_rank_on_the_command_line_imports_neither_charts_nor_the_json_builders() -> None:
    code = "import io, contextlib, tpmap.cli\nwith contextlib.redirect_stdout(io.StringIO()):\n"
    code += "    assert tpmap.cli.main(['rank', 'outside of the elbow', '--side', 'right']) == 0"
    used = imported_after(code)
    assert "tpmap.ranking.scoring" in used
    assert not used & {"tpmap.render.chart", "tpmap.ranking.report", "tpmap.catalogue.stats"}
    assert "networkx" not in used


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'rnak'"):
        tpmap.rnak  # type: ignore[attr-defined]  # noqa: B018

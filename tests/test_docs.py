"""The documentation's generated pages: the atlas (a page per muscle and per body area, each with its chart,
linked both ways) and the reference pages written from the code.

These run the generation step alone, without Sphinx (which the test extra does not install); `.ci/run` builds
the whole site with warnings as errors and checks its internal links.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import tpmap
from tpmap.catalogue.records import CatalogueFile

DOCS = Path(__file__).resolve().parent.parent / "docs"
LINK = re.compile(r"\]\(((?:\.\./)?[a-z_]+/[a-z0-9_]+)\.md\)")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


atlas_ext = _load("tpmap_atlas", DOCS / "_ext" / "tpmap_atlas.py")
reference_ext = _load("tpmap_reference", DOCS / "_ext" / "tpmap_reference.py")


@pytest.fixture(scope="module")
def cat() -> tpmap.Catalogue:
    return tpmap.load_catalogue()


@pytest.fixture(scope="module")
def atlas(cat: tpmap.Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("atlas")
    atlas_ext.write_atlas(cat, folder)
    return folder


def _links(page: Path) -> set[str]:
    """The atlas pages a page links to, as 'muscles/<id>' or 'areas/<id>'."""
    return {target.removeprefix("../") for target in LINK.findall(page.read_text(encoding="utf-8"))}


def test_a_page_with_its_chart_for_every_muscle_and_every_area(cat: tpmap.Catalogue, atlas: Path) -> None:
    for kind, ids in (("muscle", cat.muscles), ("area", cat.regions)):
        pages = sorted(p.stem for p in (atlas / f"{kind}s").glob("*.md") if p.stem != "index")
        assert pages == sorted(ids), kind
        for ident in ids:
            text = (atlas / f"{kind}s" / f"{ident}.md").read_text(encoding="utf-8")
            assert f"```{{figure}} ../charts/{kind}-{ident}.svg" in text, ident
            chart = (atlas / "charts" / f"{kind}-{ident}.svg").read_text(encoding="utf-8")
            assert chart.startswith("<svg") and chart.rstrip().endswith("</svg>"), ident
    assert len(list((atlas / "charts").glob("*.svg"))) == len(cat.muscles) + len(cat.regions)


def test_every_link_between_atlas_pages_resolves(atlas: Path) -> None:
    pages = [*atlas.glob("*/*.md"), atlas / "index.md"]
    assert len(pages) > 2
    for page in pages:
        for target in _links(page):
            assert (atlas / f"{target}.md").is_file(), f"{page.name} links to missing {target}"


def test_muscles_and_areas_link_both_ways(cat: tpmap.Catalogue, atlas: Path) -> None:
    for mid in cat.muscles:
        linked = _links(atlas / "muscles" / f"{mid}.md")
        for zone in cat.zones(mid):
            assert f"areas/{zone.region}" in linked, (mid, zone.region)
            assert f"muscles/{mid}" in _links(atlas / "areas" / f"{zone.region}.md"), (zone.region, mid)
        for tp in cat.muscles[mid].trigger_points:
            assert f"areas/{tp.location.region}" in linked
    index = _links(atlas / "muscles" / "index.md")
    assert {f"muscles/{mid}" for mid in cat.muscles} <= index
    assert {f"areas/{rid}" for rid in cat.regions} <= _links(atlas / "areas" / "index.md")


def test_an_area_lists_essential_before_spillover_most_frequent_first(atlas: Path) -> None:
    text = (atlas / "areas" / "lateral_elbow.md").read_text(encoding="utf-8")
    essential, _, spillover = text.partition("### Spillover zone only")
    essential = essential.partition("### Essential zone")[2]
    order = LINK.findall(essential)
    # the Trigger Point Manual's guide for this area lists supinator first and anconeus last
    assert order.index("../muscles/supinator") < order.index("../muscles/anconeus")
    assert "../muscles/brachioradialis" in LINK.findall(spillover)  # its zone here is spillover only
    assert "../muscles/brachioradialis" not in order


def test_a_muscle_page_has_every_section(atlas: Path) -> None:
    text = (atlas / "muscles" / "infraspinatus.md").read_text(encoding="utf-8")
    for heading in (
        "## Trigger points",
        "## Conditions its pattern can mimic",
        "## Movements it restricts",
        "## What aggravates it",
        "## Innervation",
        "## Related muscles",
        "## In the pain guides",
        "## In anatomy ontologies",
        "## Sources",
    ):
        assert heading in text, heading
    assert "**Spillover zone:**" in text and "UBERON:0001477" in text


def test_regenerating_rewrites_nothing_and_removes_stale_pages(cat: tpmap.Catalogue, atlas: Path) -> None:
    stale = atlas / "muscles" / "no_such_muscle.md"
    stale.write_text("# gone\n", encoding="utf-8")
    summary = atlas_ext.write_atlas(cat, atlas)
    assert summary.changed == ()
    assert not stale.exists()


def test_markdown_in_catalogue_text_is_escaped() -> None:
    assert atlas_ext.md("a [b] *c* <d>") == "a \\[b\\] \\*c\\* \\<d\\>"


def test_the_format_reference_describes_every_field_with_its_allowed_values() -> None:
    schema = CatalogueFile.model_json_schema()
    undescribed = [
        f"{name}.{field}"
        for name, record in (*schema["$defs"].items(), ("CatalogueFile", schema))
        for field, spec in record["properties"].items()
        if not spec.get("description")
    ]
    assert undescribed == []
    text = reference_ext.format_reference()
    for record in schema["$defs"]:
        assert f"### {record}\n" in text, record
    assert "| `side` | `same` \\| `both` \\| `opposite` |" in text
    assert "| `laterality` | `paired` \\| `midline` |" in text
    assert "| `choir_none` |" in text and "| `xrefs` | {ref}`Xrefs <format-xrefs>` |" in text


def test_the_api_reference_documents_exactly_the_public_names() -> None:
    text = reference_ext.api_reference()
    documented = set(re.findall(r"^\.\. auto(?:function|class|exception):: tpmap\.(\w+)$", text, re.M))
    assert documented == set(tpmap.__all__) - {"__version__"}


def test_the_site_check_finds_broken_links_and_missing_atlas_pages(tmp_path: Path) -> None:
    check = _load("check_site", DOCS.parent / "scripts" / "check_site.py")
    (tmp_path / "index.html").write_text(
        '<a href="other.html#here">ok</a> <a href="other.html#gone">anchor</a> <a href="nowhere.html">file</a>'
        ' <a href="https://example.org/">external</a> <img src="_images/x.svg">',
        encoding="utf-8",
    )
    (tmp_path / "other.html").write_text('<h1 id="here">Other</h1><a href="#here">self</a>', encoding="utf-8")
    problems, counts = check.check_site(tmp_path)
    assert "index.html: 'other.html#gone' names a missing anchor" in problems
    assert "index.html: 'nowhere.html' names a missing file" in problems
    assert "index.html: '_images/x.svg' names a missing file" in problems
    assert not any("other.html#here" in p or "example.org" in p for p in problems)
    assert "atlas: no page for the muscle 'infraspinatus'" in problems
    assert counts["links"] == 5 and counts["muscle pages"] == 0


def test_every_written_page_is_in_the_home_pages_contents() -> None:
    """Sphinx (with -W) refuses a page outside every table of contents; say so here already, without Sphinx."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    listed = {
        line.strip()
        for block in re.findall(r"```\{toctree\}\n(.*?)```", index, re.S)
        for line in block.splitlines()
        if line.strip() and not line.startswith(":")
    }
    skipped = {"_build", "_generated", "atlas", "_ext", "_static"}
    pages = {
        str(path.relative_to(DOCS).with_suffix(""))
        for path in DOCS.rglob("*.md")
        if not skipped & set(path.relative_to(DOCS).parts)
    }
    assert pages - {"index"} == listed - {"atlas/index"}

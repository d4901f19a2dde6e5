"""Body charts: valid, accessible SVG whose filled shapes are exactly the catalogue's zones."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

import tpmap
from tpmap.render import chart as chart_module
from tpmap.render.body import BodyChart, load_body
from tpmap.render.chart import Chart, muscle_chart, png_bytes, ranking_chart

SVG = "{http://www.w3.org/2000/svg}"
MUSCLES = ("infraspinatus", "gluteus_minimus", "trapezius", "soleus")


def parse(chart: Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("viewBox")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    return root


def shapes(root: ET.Element) -> dict[str, ET.Element]:
    """Every region shape by id (``view-region-side``)."""
    found = {el.get("id", ""): el for el in root.iter(f"{SVG}polygon") if el.get("id")}
    for ident, el in found.items():
        view, _, rest = ident.partition("-")
        assert view in ("front", "back") and rest.rsplit("-", 1)[1] in ("left", "right", "mid"), ident
        assert el.find(f"{SVG}title") is not None, ident
    return found


def split(ident: str) -> tuple[str, str, str]:
    view, _, rest = ident.partition("-")
    region, _, side = rest.rpartition("-")
    return view, region, side


def classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def scalene_id(catalogue: tpmap.Catalogue) -> str:
    """The scalene muscle(s): one entry now, possibly split into anterior/middle/posterior later."""
    return sorted(mid for mid in catalogue.muscles if mid.startswith("scalen"))[0]


def zone_targets(catalogue: tpmap.Catalogue, region: str) -> str | None:
    """The region a zone is drawn as: itself, or its nearest ancestor with a view."""
    if catalogue.regions[region].views:
        return region
    return next((up for up in catalogue.ancestors(region) if catalogue.regions[up].views), None)


# ------------------------------------------------------------------------------------------ geometry


def test_every_region_with_a_view_is_drawn_in_that_view(catalogue: tpmap.Catalogue) -> None:
    body = load_body()
    missing = []
    for region in catalogue.regions.values():
        for view in region.views:
            drawn = body.views[view].regions
            if region.id not in drawn and not (catalogue.descendants(region.id) & drawn):
                missing.append(f"{view}:{region.id}")
    assert missing == []


def test_every_shape_names_a_real_region_with_that_view(catalogue: tpmap.Catalogue) -> None:
    body = load_body()
    for name, view in body.views.items():
        for region in view.regions:
            assert region in catalogue.regions, region
            assert name in catalogue.regions[region].views, f"{region} has no {name} view"
            expected_mid = catalogue.regions[region].laterality == "midline"
            assert (region in view.midline) == expected_mid, region


def test_paired_shapes_sit_on_the_patients_side(catalogue: tpmap.Catalogue) -> None:
    body = load_body()
    middle = body.width / 2
    for shape in body.views["front"].shapes.values():
        if shape.side != "mid":  # front view: the patient's right is on the viewer's left
            assert (shape.centroid[0] < middle) == (shape.side == "right"), shape.region
    for shape in body.views["back"].shapes.values():
        if shape.side != "mid":
            assert (shape.centroid[0] > middle) == (shape.side == "right"), shape.region


def test_shape_centroids_lie_inside_their_shapes() -> None:
    body = load_body()
    for view in body.views.values():
        for shape in view.shapes.values():
            assert shape.contains(shape.centroid), (view.name, shape.region, shape.side)


# ------------------------------------------------------------------------------------------ muscle charts


@pytest.mark.parametrize("muscle", [*MUSCLES, "scalene"])
def test_muscle_chart_fills_exactly_the_zones(catalogue: tpmap.Catalogue, muscle: str) -> None:
    mid = scalene_id(catalogue) if muscle == "scalene" else muscle
    root = parse(muscle_chart(catalogue, mid, side="right"))
    found = shapes(root)
    zones = catalogue.zones(mid)
    filled = {ident: el for ident, el in found.items() if classes(el) & {"essential", "spillover"}}
    assert filled
    for ident, el in filled.items():
        _, region, side = split(ident)
        kind = "essential" if "essential" in classes(el) else "spillover"
        assert el.get("fill") == ("#c8102e" if kind == "essential" else "url(#spillover-dots)")
        reasons = [z for z in zones if (t := zone_targets(catalogue, z.region)) and catalogue.is_within(region, t)]
        assert reasons, f"{ident} is filled but no zone of {mid} covers it"
        if kind == "spillover":
            assert not any(
                z.kind == "essential" and catalogue.is_within(region, z.region) and z.side == "same" for z in reasons
            ), f"{ident} should be essential"
        if side != "mid" and all(z.side == "same" for z in reasons):
            assert side == "right", ident
    for zone in zones:
        if not catalogue.regions[zone.region].views:
            continue
        hits = [split(i) for i in filled if catalogue.is_within(split(i)[1], zone.region)]
        assert hits, f"zone {zone.region} of {mid} is not drawn"
    plain = [el for el in found.values() if classes(el) == {"plain"}]
    assert plain and all(el.get("fill") == "#f5f0ea" for el in plain)


@pytest.mark.parametrize("muscle", MUSCLES)
def test_muscle_chart_marks_every_trigger_point(catalogue: tpmap.Catalogue, muscle: str) -> None:
    root = parse(muscle_chart(catalogue, muscle))
    marks = [g for g in root.iter(f"{SVG}g") if g.get("class") == "trigger-point"]
    assert len(marks) >= len(catalogue.muscle(muscle).trigger_points)
    heading = root.find(f"{SVG}text")
    assert heading is not None and heading.text is not None
    assert heading.text.startswith(catalogue.muscle(muscle).name)


def test_infraspinatus_refers_to_the_front_of_its_own_shoulder(catalogue: tpmap.Catalogue) -> None:
    found = shapes(parse(muscle_chart(catalogue, "Infraspinatus", side="left")))
    assert classes(found["front-anterior_shoulder-left"]) == {"essential"}
    assert classes(found["front-anterior_shoulder-right"]) == {"plain"}
    assert classes(found["back-medial_scapular_border-left"]) == {"essential"}


def test_side_patterns(tiny: tpmap.Catalogue) -> None:
    """delta refers to the (midline) breastbone on both sides; epsilon refers to the opposite thumb."""
    delta = shapes(parse(muscle_chart(tiny, "delta", side="left")))
    assert classes(delta["front-sternum-mid"]) == {"essential"}
    epsilon = shapes(parse(muscle_chart(tiny, "epsilon", side="right")))
    assert classes(epsilon["front-thumb-left"]) == {"essential"}
    assert classes(epsilon["back-thumb-left"]) == {"essential"}
    assert classes(epsilon["front-thumb-right"]) == {"plain"}


def test_regions_without_a_shape_are_listed_not_raised(tiny: tpmap.Catalogue) -> None:
    root = parse(muscle_chart(tiny, "delta"))  # its spillover zone, upper_arm, has no shape of its own here
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None and "Not drawn: Upper arm" in desc.text


def test_user_catalogue_with_an_unshaped_region_still_charts(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(
        """
regions:
  - {id: nail_bed, name: Nail bed <of the big toe>, parent: big_toe, views: [front]}
muscles:
  - id: toe_tester
    name: Toe & Nail "tester"
    area: leg_foot
    trigger_points:
      - id: t1
        location: {region: shin, description: Middle of the shin.}
        essential: [nail_bed, big_toe]
    sources: [{source: tpm1}]
""",
        encoding="utf-8",
    )
    catalogue = tpmap.load_catalogue(overlay)
    chart = muscle_chart(catalogue, "toe tester")
    root = parse(chart)  # the muscle name is escaped: the SVG still parses
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None and "Not drawn: Nail bed <of the big toe>" in desc.text
    assert chart.title == 'Toe & Nail "tester" (right): referral pattern'
    assert classes(shapes(root)["front-big_toe-right"]) == {"essential"}


def test_bad_input(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.UnknownNameError):
        muscle_chart(catalogue, "infraspinatuss")
    with pytest.raises(tpmap.TpmapError, match="side"):
        muscle_chart(catalogue, "soleus", side="up")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------ ranking charts


def test_ranking_chart_outlines_sites_and_heats_only_candidate_zones(catalogue: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(catalogue, "front of the shoulder", "thumb side of the hand", side="right")
    root = parse(ranking_chart(ranking, top=4))
    found = shapes(root)
    sites = {split(i) for i, el in found.items() if "site" in classes(el)}
    assert {(v, r) for v, r, _ in sites} == {
        ("front", "anterior_shoulder"),
        ("front", "radial_hand"),
        ("back", "radial_hand"),
    }
    assert {s for _, _, s in sites} == {"right"}
    zone_regions = {
        t for c in ranking[:4] for z in catalogue.zones(c.muscle.id) if (t := zone_targets(catalogue, z.region))
    }
    heated = [split(i) for i, el in found.items() if "heat" in classes(el)]
    assert heated
    for _, region, _ in heated:
        assert any(catalogue.is_within(region, t) for t in zone_regions), region
    assert all(el.get("fill") == "#f5f0ea" for el in found.values() if "plain" in classes(el))
    legend = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert ranking[0].muscle.name in legend and f"{ranking[0].probability:.1%}" in legend


def test_ranking_without_a_side_is_drawn_on_the_right(catalogue: tpmap.Catalogue) -> None:
    ranking = tpmap.rank(catalogue, "outside of the elbow")
    root = parse(ranking_chart(ranking))
    found = shapes(root)
    assert {split(i)[2] for i, el in found.items() if "site" in classes(el)} == {"right"}
    assert not [i for i, el in found.items() if "heat" in classes(el) and i.endswith("-left")]
    assert "drawn on the right side" in ET.tostring(root, encoding="unicode")


def test_ranking_chart_rejects_bad_top(catalogue: tpmap.Catalogue) -> None:
    with pytest.raises(tpmap.TpmapError):
        ranking_chart(tpmap.rank(catalogue, "calf"), top=0)


# ------------------------------------------------------------------------------------------ output


def test_output_is_deterministic_and_shows_in_jupyter(catalogue: tpmap.Catalogue) -> None:
    first = muscle_chart(catalogue, "trapezius")
    assert first == muscle_chart(catalogue, "trapezius")
    assert first._repr_svg_() == first.svg
    ranking = tpmap.rank(catalogue, "buttock", "back of the thigh", side="left")
    assert ranking_chart(ranking).svg == ranking_chart(ranking).svg


def test_save(catalogue: tpmap.Catalogue, tmp_path: Path) -> None:
    chart = muscle_chart(catalogue, "soleus")
    target = chart.save(tmp_path / "soleus.svg")
    assert target.read_text(encoding="utf-8") == chart.svg
    with pytest.raises(tpmap.TpmapError, match=r"\.svg or \.png"):
        chart.save(tmp_path / "soleus.pdf")


def test_png_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "resvg_py", None)  # makes the import fail
    with pytest.raises(tpmap.TpmapError, match=r"tpmap\[png\]"):
        png_bytes("<svg xmlns='http://www.w3.org/2000/svg'/>")


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and unfiltered rows of an 8-bit, non-interlaced RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 4 if colour == 6 else 3
    raw, stride = zlib.decompress(idat), width * bpp
    out, prev = bytearray(), bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def test_png_pixels(catalogue: tpmap.Catalogue) -> None:
    pytest.importorskip("resvg_py")
    chart = muscle_chart(catalogue, "infraspinatus", side="right")
    width, _, bpp, pixels = decode_png(png_bytes(chart.svg))
    body: BodyChart = load_body()

    def colour(view: str, region: str, side: str) -> tuple[int, int, int]:
        shape = body.views["front" if view == "front" else "back"].shapes[(region, side)]  # type: ignore[index]
        offset = chart_module.MARGIN + (0 if view == "front" else body.width + chart_module.GAP)
        x, y = round(offset + shape.centroid[0]), round(chart_module.HEADER + shape.centroid[1])
        i = (y * width + x) * bpp
        return pixels[i], pixels[i + 1], pixels[i + 2]

    def near(got: tuple[int, int, int], hex_colour: str) -> bool:
        want = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        return all(abs(g - w) <= 12 for g, w in zip(got, want, strict=True))

    assert near(colour("front", "anterior_shoulder", "right"), "#c8102e")
    assert near(colour("front", "anterior_shoulder", "left"), "#f5f0ea")
    assert near(colour("back", "calf", "right"), "#f5f0ea")
    assert near(colour("front", "anterior_thigh", "left"), "#f5f0ea")
    red, green, blue = colour("front", "lateral_upper_arm", "right")  # spillover: pink ground or a red dot
    assert red > 180 and green < 235 and blue < 235

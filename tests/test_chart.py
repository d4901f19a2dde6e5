"""Body charts: valid, accessible SVG whose filled shapes are exactly the catalogue's zones."""

from __future__ import annotations

import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

import tpmap
from tpmap.catalogue.records import Side
from tpmap.render import chart as chart_module
from tpmap.render.body import BodyChart, insets, load_body
from tpmap.render.chart import Chart, muscle_chart, outline_chart, png_bytes, ranking_chart

SVG = "{http://www.w3.org/2000/svg}"
MUSCLES = ("infraspinatus", "gluteus_minimus", "trapezius", "soleus")


def parse(chart: Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("viewBox")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    return root


def shapes(root: ET.Element, inset: str = "") -> dict[str, ET.Element]:
    """Every region shape of the figure by id (``view-region-side``), or of one close-up (``inset``), by the
    same id without the close-up's prefix."""
    found = {}
    for el in root.iter(f"{SVG}polygon"):
        ident = el.get("id", "")
        if not ident:
            continue
        assert el.find(f"{SVG}title") is not None, ident
        assert ident.endswith(f"{el.get('data-view')}-{el.get('data-region')}-{el.get('data-side')}"), ident
        prefix, _, rest = ident.partition("-")
        if prefix in ("front", "back") and not inset:
            found[ident] = el
        elif prefix == inset:
            found[rest] = el
    for ident in found:
        view, _, rest = ident.partition("-")
        assert view in ("front", "back") and rest.rsplit("-", 1)[1] in ("left", "right", "mid"), ident
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
    with pytest.raises(tpmap.TpmapError, match=r"\[png\]"):  # "tpmap[png]", or ".[png]" in a checkout
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


# ------------------------------------------------------------------------------------------ trigger-point positions

UP = re.compile(r"\b(upper(?! arm)|top(?! of the foot)|high|proximal)\b", re.IGNORECASE)
DOWN = re.compile(r"\b(lower|low|lowest|distal|bottom)\b", re.IGNORECASE)
INNER = re.compile(r"\b(inner|medial)\b", re.IGNORECASE)
OUTER = re.compile(r"\b(outer|lateral|outside)\b", re.IGNORECASE)

CENTRED = {
    # no word in the description places it within its region
    "platysma.neck",
    "trapezius.upper_anterior",  # "midway along the top of the shoulder"
    "supraspinatus.belly",
    "teres_major.lateral",
    "subscapularis.lateral",
    "flexor_digitorum_superficialis.middle_finger",
    "pectoralis_major.sternal",
    "intercostals.lateral",
    "flexor_digitorum_brevis.main",
    # deep regions with no shape of their own: drawn at the centre of the region around them
    "obturator_externus.belly",
    "obturator_internus.intrapelvic",
    "levator_ani.intrapelvic",
    "levator_ani.anterior",
    "coccygeus.intrapelvic",
    "sphincter_ani.ring",
    "bulbospongiosus.belly",
    "ischiocavernosus.belly",
    "transversus_perinei_superficialis.belly",
}
"""The trigger points drawn at the middle of their region, and why."""

NOT_A_PLACE = {
    # the word names a part of the muscle, or another landmark, not a place within the drawn region
    "masseter.superficial_upper": "upper part of the muscle; it begins below the cheekbone, mid-cheek",
    "medial_pterygoid.belly": "'inner face' is the deep side of the jaw angle, which lies on the outer face",
    "sternocleidomastoid.sternal_upper": "top of the muscle's head, below the mastoid: low behind the ear",
    "sternocleidomastoid.clavicular_upper": "upper part of the muscle's head, just below the mastoid",
    "trapezius.upper_anterior": "the upper fibres of the muscle",
    "trapezius.upper_posterior": "the upper fibres of the muscle",
    "trapezius.lower_scapular": "the lower fibres, by the inner end of the spine of the shoulder blade",
    "trapezius.middle_medial": "the inner edge of the shoulder blade bounds the region",
    "splenius_cervicis.lower": "'under upper trapezius' names another muscle",
    "obliquus_capitis_inferior.belly": "'the upper neck' is the region itself",
    "abductor_digiti_minimi_hand.main": "the palm's 'outer' edge is its little-finger edge: medial, palm forward",
    "pectoralis_major.costal": "the muscle's lower outer edge, at the front armpit fold: high on the chest's side",
    "pectoralis_major.parasternal": "the muscle's medial fibres, beside the breastbone: the midline region's edge",
    "internal_oblique.pubic_rim": "the lowest fibres of the muscle",
    "transversus_abdominis.lower_lateral": "outside the navel, which lies at the region's inner edge",
    "gluteus_maximus.ischial": "the lower fibres of the muscle",
    "gluteus_medius.posterior": "lateral to the PSIS, which lies at the region's inner edge",
    "gluteus_minimus.posterior": "the upper edge of the muscle, in the middle of the buttock",
    "vastus_medialis.distal": "the inner thigh is the region; the kneecap it lies inside of is outward of it",
    "vastus_medialis.proximal": "the inner thigh is the region; its front is toward the outer half",
    "vastus_lateralis.distal_anterior": "the outer thigh is the region; 'front-outer' is its front half",
    "extensor_digitorum_longus.main": "the outer leg is the region; 'front-outer' is its front half",
    "pectineus.main": "'top of the inner thigh' is the low, inner end of the groin",
}
"""Trigger points whose description has a place word that does not place them within their region, and why."""


def tp_key(muscle: str, tp: str) -> str:
    return f"{muscle}.{tp}"


def test_every_shipped_trigger_point_has_a_position(catalogue: tpmap.Catalogue) -> None:
    centred, missing = set(), []
    for muscle in catalogue.muscles.values():
        for tp in muscle.trigger_points:
            if tp.position is None:
                missing.append(tp_key(muscle.id, tp.id))
            elif (tp.position.across, tp.position.along) == (0.5, 0.5):
                centred.add(tp_key(muscle.id, tp.id))
            if tp.position is not None and tp.position.view is not None:
                assert tp.position.view in catalogue.regions[tp.location.region].views, tp.id
    assert missing == []
    assert centred == CENTRED


def test_positions_follow_the_descriptions(catalogue: tpmap.Catalogue) -> None:
    """A description saying upper or lower, inner or outer puts its trigger point in that half of its region."""
    wrong = []
    for muscle in catalogue.muscles.values():
        for tp in muscle.trigger_points:
            key, text, position = tp_key(muscle.id, tp.id), tp.location.description, tp.position
            assert position is not None
            if key in NOT_A_PLACE or key in CENTRED:
                continue
            up, down, inner, outer = (bool(p.search(text)) for p in (UP, DOWN, INNER, OUTER))
            if up != down and up is not (position.along < 0.5):
                wrong.append(f"{key}: along {position.along} for {text!r}")
            if inner != outer and inner is not (position.across < 0.5):
                wrong.append(f"{key}: across {position.across} for {text!r}")
    assert wrong == []
    for key in NOT_A_PLACE:  # each exception is still needed
        muscle_id, _, tp_id = key.partition(".")
        tp = next(t for t in catalogue.muscle(muscle_id).trigger_points if t.id == tp_id)
        assert any(p.search(tp.location.description) for p in (UP, DOWN, INNER, OUTER)), key


def drawn_region(catalogue: tpmap.Catalogue, view: str, region: str, side: str) -> list[str]:
    """The ids a trigger point in ``region`` may be drawn in: the region's own shapes, its drawn descendants',
    or its nearest drawn ancestor's."""
    body = load_body().views[view]  # type: ignore[index]
    target = region
    if not catalogue.regions[region].views:
        target = next(up for up in catalogue.ancestors(region) if catalogue.regions[up].views)
    own = [s for s in body.shapes_of(target) if s.side in (side, "mid")]
    inside = own or [
        s for r in sorted(catalogue.descendants(target)) for s in body.shapes_of(r) if s.side in (side, "mid")
    ]
    return [f"{view}-{s.region}-{s.side}" for s in inside]


def polygon(el: ET.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in (el.get("points") or "").split())]


def inside(point: tuple[float, float], points: list[tuple[float, float]]) -> bool:
    x, y, hit = point[0], point[1], False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def figure_marks(root: ET.Element) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """The ✕ marks of the figure (not of its close-ups) by (trigger point, view): the centre of each cross."""
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for view in ("front", "back"):
        group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == view)
        for mark in group.iter(f"{SVG}g"):
            if mark.get("class") != "trigger-point":
                continue
            path = mark.find(f"{SVG}path")
            assert path is not None
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", path.get("d") or "")]
            centre = (sum(numbers[0::2][:2]) / 2, sum(numbers[1::2][:2]) / 2)
            found.setdefault((mark.get("data-trigger-point") or "", view), []).append(centre)
    return found


SIDES: tuple[Side, Side] = ("right", "left")


@pytest.fixture(scope="module")
def every_chart(catalogue: tpmap.Catalogue) -> dict[tuple[str, str], ET.Element]:
    """Every shipped muscle's chart, on each side (drawn once for the tests that read them all)."""
    return {(m, side): parse(muscle_chart(catalogue, m, side=side)) for m in catalogue.muscles for side in SIDES}


@pytest.mark.parametrize("side", SIDES)
def test_every_trigger_point_lies_inside_its_region(
    catalogue: tpmap.Catalogue, every_chart: dict[tuple[str, str], ET.Element], side: str
) -> None:
    outside = []
    for muscle in catalogue.muscles.values():
        root = every_chart[(muscle.id, side)]
        found = shapes(root)
        marks = figure_marks(root)
        for tp in muscle.trigger_points:
            views = {view for (ident, view) in marks if ident == tp.id}
            assert views, f"{muscle.id}.{tp.id} is not marked"
            if tp.position is not None and tp.position.view is not None:
                assert views == {tp.position.view}, f"{muscle.id}.{tp.id} marked in {views}"
            for view in views:
                allowed = drawn_region(catalogue, view, tp.location.region, side)
                drawn = [(i, el) for i, el in found.items() if i.startswith(f"{view}-")]  # in drawing order
                for point in marks[(tp.id, view)]:
                    # the shape seen at the point: the last drawn there, or one inside it (an eye in its orbit)
                    seen = [i for i, el in drawn if inside(point, polygon(el))]
                    ok = seen and any(catalogue.is_within(split(seen[-1])[1], split(a)[1]) for a in allowed)
                    if not ok or not any(inside(point, polygon(found[a])) for a in allowed):
                        outside.append(f"{muscle.id}.{tp.id} ({side}, {view}) at {point}: {seen[-1:]}")
    assert outside == [], "\n".join(outside)


def test_marks_on_the_left_mirror_those_on_the_right(
    catalogue: tpmap.Catalogue, every_chart: dict[tuple[str, str], ET.Element]
) -> None:
    width = load_body().width
    for muscle in catalogue.muscles:
        right, left = (figure_marks(every_chart[(muscle, side)]) for side in SIDES)
        assert right.keys() == left.keys(), muscle
        for key, points in right.items():
            mirrored, found = sorted((width - x, y) for x, y in points), sorted(left[key])
            assert len(mirrored) == len(found), (muscle, key)
            for (x1, y1), (x2, y2) in zip(mirrored, found, strict=True):
                assert abs(x1 - x2) <= 0.02 and abs(y1 - y2) <= 0.02, (muscle, key)  # coordinates to 0.01


def test_soleus_and_infraspinatus_are_drawn_where_their_descriptions_put_them(
    every_chart: dict[tuple[str, str], ET.Element],
) -> None:
    """The issue's examples: soleus TP1 low above the heel, TP2 high on the outer calf; infraspinatus TP1
    nearer the spine than TP2 on both sides (on the back view the patient's right is on the viewer's right)."""
    marks = figure_marks(every_chart[("soleus", "right")])
    (low,), (high,) = marks[("distal", "back")], marks[("proximal", "back")]
    assert low[1] > high[1] + 30 and high[0] > low[0]  # TP2 higher, and outward (to the viewer's right)
    middle = load_body().width / 2
    for side in SIDES:
        marks = figure_marks(every_chart[("infraspinatus", side)])
        (tp1,), (tp2,) = marks[("upper_medial", "back")], marks[("upper_lateral", "back")]
        assert abs(tp1[0] - middle) < abs(tp2[0] - middle), side
        assert (tp1[0] > middle) == (side == "right")


# ------------------------------------------------------------------------------------------ close-ups


def inset_groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("class") == "inset"}


def test_close_ups_are_drawn_only_where_there_is_something_to_see(catalogue: tpmap.Catalogue) -> None:
    assert muscle_chart(catalogue, "soleus").insets == ("right_foot back",)
    assert muscle_chart(catalogue, "infraspinatus", side="left").insets == ("left_hand front", "left_hand back")
    assert set(muscle_chart(catalogue, "masseter").insets) == {"head front", "head back"}
    assert muscle_chart(catalogue, "gluteus_maximus").insets == ()
    outline = outline_chart(catalogue)
    assert len(outline.insets) == 10  # the head, two hands and two feet, front and back
    assert set(inset_groups(parse(outline))) == {f"inset-{i.replace(' ', '-')}" for i in outline.insets}


@pytest.mark.parametrize(("muscle", "side"), [("masseter", "right"), ("infraspinatus", "left"), ("soleus", "right")])
def test_close_ups_carry_their_regions_with_the_same_ids(catalogue: tpmap.Catalogue, muscle: str, side: str) -> None:
    chart = muscle_chart(catalogue, muscle, side=side)  # type: ignore[arg-type]
    root = parse(chart)
    figure = shapes(root)
    expected = {f"{i.name} {i.view}": i for i in insets(catalogue)}
    assert chart.insets
    for drawn in chart.insets:
        name, view = drawn.split()
        close = {k: v for k, v in shapes(root, name).items() if k.startswith(f"{view}-")}
        assert set(close) == {f"{view}-{s.region}-{s.side}" for s in expected[drawn].shapes}
        for ident, el in close.items():
            twin = figure[ident]
            assert classes(el) == classes(twin) and polygon(el) == polygon(twin), ident
            assert el.get("fill") == twin.get("fill") or "spillover-dots" in (el.get("fill") or ""), ident
        filled = [i for i, el in close.items() if classes(el) & {"essential", "spillover"}]
        marked = [g for g in inset_groups(root)[f"inset-{name}-{view}"].iter(f"{SVG}g") if g.get("data-trigger-point")]
        assert filled or marked, drawn


def test_the_face_is_drawn_large_in_its_close_up(catalogue: tpmap.Catalogue) -> None:
    root = parse(muscle_chart(catalogue, "temporalis"))
    head = inset_groups(root)["inset-head-front"]
    frame = head.find(f"{SVG}svg")
    assert frame is not None
    box = [float(n) for n in (frame.get("viewBox") or "").split()]
    zoom = float(frame.get("width") or 0) / box[2]
    face = [x for el in shapes(root).values() if el.get("data-region") in {"cheek", "jaw"} for x, _ in polygon(el)]
    assert zoom >= 2.5 and (max(face) - min(face)) * zoom > 120  # about 50 px wide in the figure


def test_the_repr_is_short_and_notebooks_still_get_the_picture(catalogue: tpmap.Catalogue) -> None:
    chart = muscle_chart(catalogue, "soleus")
    text = repr(chart)
    assert len(text) < 200 and "<svg" not in text
    assert text.startswith("<Chart muscle: 'Soleus (right): referral pattern', 960 x ")
    assert "close-ups: right foot back" in text
    assert chart._repr_svg_() == chart.svg
    ranking = repr(ranking_chart(tpmap.rank(catalogue, "calf", side="left")))
    assert ranking.startswith("<Chart ranking: 'Likely trigger-point sources'") and len(ranking) < 200


def test_a_users_trigger_point_is_drawn_at_its_position_or_the_middle(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    text = """
muscles:
  - id: shin_tester
    name: Shin tester
    area: leg_foot
    trigger_points:
      - id: placed
        location: {region: shin, description: 'High on the shin, on its outer side.'}
        position: {across: 0.9, along: 0.1}
        essential: [big_toe]
      - id: unplaced
        location: {region: shin, description: On the shin.}
        essential: [big_toe]
    sources: [{source: tpm1}]
"""
    overlay.write_text(text, encoding="utf-8")
    catalogue = tpmap.load_catalogue(overlay)
    body = load_body()
    shin = body.views["front"].shape("shin", "right")
    marks = figure_marks(parse(muscle_chart(catalogue, "shin tester")))
    (placed,), (unplaced,) = marks[("placed", "front")], marks[("unplaced", "front")]
    assert abs(unplaced[0] - shin.centroid[0]) < 0.01 and abs(unplaced[1] - shin.centroid[1]) < 0.01
    assert placed[1] < shin.centroid[1] - 20 and placed[0] < shin.centroid[0]  # high, and out to the viewer's left
    overlay.write_text(text.replace("along: 0.1}", "along: 0.1, view: back}"), encoding="utf-8")
    with pytest.raises(tpmap.CatalogueError, match="'shin' is drawn in the front view, not the back view"):
        tpmap.load_catalogue(overlay)
    overlay.write_text(text.replace("across: 0.9", "across: 1.2"), encoding="utf-8")
    with pytest.raises(tpmap.CatalogueError, match="across"):
        tpmap.load_catalogue(overlay)


def test_png_close_ups_are_painted(catalogue: tpmap.Catalogue) -> None:
    """The close-up is a nested SVG: the PNG renderer draws it, zoomed, where the chart puts it."""
    pytest.importorskip("resvg_py")
    chart = muscle_chart(catalogue, "masseter", side="right")
    root = parse(chart)
    group = inset_groups(root)["inset-head-front"]
    px, py = (float(n) for n in re.findall(r"[\d.]+", group.get("transform") or ""))
    frame = group.find(f"{SVG}svg")
    assert frame is not None
    bx, by, bw, _ = (float(n) for n in (frame.get("viewBox") or "").split())
    zoom = float(frame.get("width") or 0) / bw
    width, _, bpp, pixels = decode_png(png_bytes(chart.svg))

    def colour(region: str, side: str) -> tuple[int, int, int]:
        cx, cy = load_body().views["front"].shape(region, side).centroid  # type: ignore[arg-type]
        x, y = round(px + (cx - bx) * zoom), round(py + float(frame.get("y") or 0) + (cy - by) * zoom)
        i = (y * width + x) * bpp
        return pixels[i], pixels[i + 1], pixels[i + 2]

    assert colour("lower_teeth", "right")[1] < 60  # essential: the dark red
    assert colour("lower_teeth", "left") == (245, 240, 234)  # plain skin on the other side

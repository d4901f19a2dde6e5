"""The body chart's geometry: our own outline of a neutral adult figure, front and back, read from data.

``data/body_chart.yaml`` holds one polygon per drawn surface region and view. Paired regions are stored
for the patient's right side only; :func:`load_body` mirrors them to make the left side, so the figure is
symmetric by construction. Sides are the patient's: on the front view the patient's right is on the
viewer's left, on the back view it is on the viewer's right.

>>> body = load_body()
>>> sorted(body.views)
['back', 'front']
>>> front = body.views["front"]
>>> right, left = front.shape("thumb", "right"), front.shape("thumb", "left")
>>> right.centroid[0] < body.width / 2 < left.centroid[0]     # front view: patient's right on the viewer's left
True
>>> back = body.views["back"]
>>> back.shape("calf", "right").centroid[0] > body.width / 2  # back view: patient's right on the viewer's right
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import yaml

from ..catalogue.loader import data_dir
from ..catalogue.records import Side, View
from ..errors import CatalogueError, Problem

if TYPE_CHECKING:
    from ..catalogue.catalogue import Catalogue

__all__ = [
    "BODY_FILE",
    "EDGE_MARGIN",
    "INSETS",
    "INSET_PAD",
    "BodyChart",
    "BodyView",
    "Inset",
    "Point",
    "Shape",
    "ShapeSide",
    "insets",
    "load_body",
]

BODY_FILE = "body_chart.yaml"
"""The geometry file, inside the ``data`` folder."""

Point = tuple[float, float]
ShapeSide = Literal["left", "right", "mid"]


@dataclass(frozen=True)
class Shape:
    """One region's polygon in one view, on one side (``mid`` for a midline region, drawn whole)."""

    region: str
    view: View
    side: ShapeSide
    points: tuple[Point, ...]

    @property
    def area(self) -> float:
        """The polygon's area (shoelace formula)."""
        return abs(_signed_area(self.points))

    @property
    def centroid(self) -> Point:
        """The polygon's centre of area: where a trigger point's ✕ goes."""
        return _centroid(self.points)

    def contains(self, point: Point) -> bool:
        """True if ``point`` lies inside the polygon (even-odd rule)."""
        x, y = point
        inside = False
        pts = self.points
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside

    def svg_points(self) -> str:
        """The points as an SVG ``points`` attribute, rounded to 0.1 unit."""
        return self._svg_points

    @cached_property
    def _svg_points(self) -> str:  # every chart writes every shape: worked out once per shape
        return " ".join(f"{_num(x)},{_num(y)}" for x, y in self.points)


@dataclass(frozen=True)
class BodyView:
    """One view of the figure: the silhouette pieces and every region's shapes."""

    name: View
    outline: tuple[tuple[Point, ...], ...]
    shapes: Mapping[tuple[str, ShapeSide], Shape]
    midline: frozenset[str]
    """Regions drawn whole (one ``mid`` shape) in this view; every other region has a right and a left shape."""

    @property
    def regions(self) -> frozenset[str]:
        """Every region with a shape in this view."""
        return frozenset(region for region, _ in self.shapes)

    def shape(self, region: str, side: ShapeSide) -> Shape:
        """The shape of ``region`` on ``side``; a midline region answers with its one shape for any side."""
        if region in self.midline:
            return self.shapes[(region, "mid")]
        if side == "mid":
            raise KeyError(f"{region!r} is a paired region in the {self.name} view: ask for 'left' or 'right'")
        return self.shapes[(region, side)]

    def shapes_of(self, region: str) -> tuple[Shape, ...]:
        """Every shape of ``region`` in this view (none if it is not drawn here)."""
        if region in self.midline:
            return (self.shapes[(region, "mid")],)
        return tuple(self.shapes[(region, s)] for s in ("right", "left") if (region, s) in self.shapes)


@dataclass(frozen=True)
class BodyChart:
    """The whole figure: a ``width`` x ``height`` box per view."""

    width: float
    height: float
    views: Mapping[View, BodyView]

    def outward(self, view: View, side: Side) -> Literal[-1, 1]:
        """Which way x runs from the midline out to the patient's ``side`` in ``view``: the patient's right is
        on the viewer's left in the front view and on the viewer's right in the back view.

        >>> body = load_body()
        >>> body.outward("front", "right"), body.outward("back", "right"), body.outward("front", "left")
        (-1, 1, 1)
        """
        return -1 if (view == "front") == (side == "right") else 1

    def locate(self, shapes: Sequence[Shape], side: Side, across: float, along: float) -> Point:
        """The point at a :class:`~tpmap.catalogue.records.Position` (``across``, ``along``) inside ``shapes`` (one
        region's shapes in one view, on the patient's ``side``), in that view's coordinates.

        ``along`` picks a height between the shapes' top and bottom; ``across`` a point on the shapes' width at
        that height, from the end nearest the body's midline to the outer end (for a midline shape, from the
        midline out to its edge on ``side``). Both are kept :data:`EDGE_MARGIN` from the edges, so the point lies
        inside the shapes, and one position gives mirror-image points on the left and the right.

        >>> body = load_body()
        >>> back = body.views["back"]
        >>> right = body.locate(back.shapes_of("calf")[:1], "right", 0.75, 0.15)   # high on the outer calf
        >>> left = body.locate(back.shapes_of("calf")[1:], "left", 0.75, 0.15)
        >>> back.shape("calf", "right").contains(right), round(right[0] + left[0], 6) == body.width
        (True, True)
        """
        if not shapes:
            raise ValueError("no shape to place a point in")
        view = shapes[0].view
        top = min(y for s in shapes for _, y in s.points)
        bottom = max(y for s in shapes for _, y in s.points)
        y = top + _off_edge(along) * (bottom - top)
        intervals = _merge([i for s in shapes for i in _chord(s.points, y)])
        sign = self.outward(view, side)
        if all(s.side == "mid" for s in shapes):
            centre = self.width / 2  # a midline shape: from the midline out to its edge on the muscle's side
            halves = [(max(a, centre), b) if sign > 0 else (a, min(b, centre)) for a, b in intervals]
            intervals = [(a, b) for a, b in halves if b > a] or intervals
        if not intervals:  # only a degenerate shape has no width at a height strictly inside it
            return _centroid(tuple(p for s in shapes for p in s.points))
        ordered = intervals if sign > 0 else [(-b, -a) for a, b in reversed(intervals)]
        remaining = _off_edge(across) * sum(b - a for a, b in ordered)
        for a, b in ordered:
            if remaining <= b - a:
                x = a + remaining
                break
            remaining -= b - a
        else:
            x = ordered[-1][1]
        return (x * sign, y)


INSETS: Mapping[str, tuple[str, tuple[str, ...], Side | None]] = MappingProxyType(
    {
        "head": ("Head and neck", ("head", "neck"), None),
        "right_hand": ("Right hand", ("hand", "wrist"), "right"),
        "left_hand": ("Left hand", ("hand", "wrist"), "left"),
        "right_foot": ("Right foot", ("foot", "ankle"), "right"),
        "left_foot": ("Left foot", ("foot", "ankle"), "left"),
    }
)
"""The close-ups of small regions: name → (label, the regions shown with everything inside them, the patient's
side or None for a midline close-up)."""

INSET_PAD = 6.0
"""Room left around a close-up's shapes, in the figure's units."""


@dataclass(frozen=True)
class Inset:
    """A close-up of one part of one view: the shapes of ``regions`` on ``side`` (and midline shapes), inside
    ``box`` (x, y, width, height in the view's units)."""

    name: str
    label: str
    view: View
    side: Side | None
    box: tuple[float, float, float, float]
    shapes: tuple[Shape, ...]

    @property
    def regions(self) -> frozenset[str]:
        """The regions drawn in the close-up."""
        return frozenset(shape.region for shape in self.shapes)

    def contains(self, point: Point) -> bool:
        """True if ``point`` (in the view's units) lies in the close-up's box."""
        x, y, width, height = self.box
        return x <= point[0] <= x + width and y <= point[1] <= y + height


def insets(catalogue: Catalogue, body: BodyChart | None = None) -> tuple[Inset, ...]:
    """The close-ups of :data:`INSETS` in each view where they have shapes: the head and neck, each hand and
    each foot, front and back, each boxed round its shapes.

    >>> import tpmap
    >>> found = {(i.name, i.view): i for i in insets(tpmap.load_catalogue())}
    >>> head = found[("head", "front")]
    >>> "cheek" in head.regions and head.box[2] < 100      # the face, in a box under 100 units wide
    True
    >>> {s.side for s in found[("left_hand", "back")].shapes}
    {'left'}
    """
    body = body if body is not None else load_body()
    found: list[Inset] = []
    for name, (label, roots, side) in INSETS.items():
        inside = frozenset(
            region for root in roots if root in catalogue.regions for region in (root, *catalogue.descendants(root))
        )
        for view_name, view in body.views.items():
            shapes = tuple(
                shape
                for shape in view.shapes.values()
                if shape.region in catalogue.regions
                and view_name in catalogue.regions[shape.region].views
                and shape.region in inside
                and (side is None or shape.side in (side, "mid"))
            )
            if not shapes:
                continue
            xs = [x for s in shapes for x, _ in s.points]
            ys = [y for s in shapes for _, y in s.points]
            x0, y0 = max(min(xs) - INSET_PAD, 0.0), max(min(ys) - INSET_PAD, 0.0)
            x1, y1 = min(max(xs) + INSET_PAD, body.width), min(max(ys) + INSET_PAD, body.height)
            found.append(Inset(name, label, view_name, side, (x0, y0, x1 - x0, y1 - y0), shapes))
    return tuple(found)


@cache
def load_body(path: Path | None = None) -> BodyChart:
    """Read and check the body geometry (the shipped ``data/body_chart.yaml`` unless ``path`` is given).

    Raises:
        CatalogueError: the file is missing, or a shape is malformed or lies outside the box.
    """
    source = path if path is not None else data_dir() / BODY_FILE
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise _problem(source.name, f"cannot read the body chart: {err}") from err
    if not isinstance(raw, dict):
        raise _problem(source.name, "expected a mapping at the top")
    width, height = float(raw["width"]), float(raw["height"])
    views: dict[View, BodyView] = {}
    for name in ("front", "back"):
        spec = raw["views"][name]
        views[name] = _read_view(name, spec, width, height, source.name)
    return BodyChart(width, height, MappingProxyType(views))


def _read_view(name: View, spec: Mapping[str, Any], width: float, height: float, file: str) -> BodyView:
    def parse(text: object, where: str) -> tuple[Point, ...]:
        if not isinstance(text, str):
            raise _problem(file, f"{where}: points must be a string of 'x,y' pairs")
        try:
            pts = tuple((float(x), float(y)) for x, y in (pair.split(",") for pair in text.split()))
        except ValueError as err:
            raise _problem(file, f"{where}: malformed points ({err})") from err
        if len(pts) < 3:
            raise _problem(file, f"{where}: a shape needs at least three points")
        if not all(0 <= x <= width and 0 <= y <= height for x, y in pts):
            raise _problem(file, f"{where}: a point lies outside the {width:g} x {height:g} box")
        return pts

    def mirrored(pts: tuple[Point, ...]) -> tuple[Point, ...]:
        # reversed so that both sides wind the same way
        return tuple((width - x, y) for x, y in reversed(pts))

    outline: list[tuple[Point, ...]] = []
    for index, piece in enumerate(spec.get("outline") or ()):
        pts = parse(piece["points"], f"{name}.outline[{index}]")
        outline.append(pts)
        if piece.get("laterality") == "paired":
            outline.append(mirrored(pts))
    shapes: dict[tuple[str, ShapeSide], Shape] = {}
    paired: Mapping[str, object] = spec.get("paired") or {}
    midline: Mapping[str, object] = spec.get("midline") or {}
    both = set(paired) & set(midline)
    if both:
        raise _problem(file, f"{name}: regions both paired and midline: {', '.join(sorted(both))}")
    for region, text in sorted(paired.items()):
        pts = parse(text, f"{name}.paired.{region}")
        shapes[(region, "right")] = Shape(region, name, "right", pts)
        shapes[(region, "left")] = Shape(region, name, "left", mirrored(pts))
    for region, text in sorted(midline.items()):
        shapes[(region, "mid")] = Shape(region, name, "mid", parse(text, f"{name}.midline.{region}"))
    return BodyView(name, tuple(outline), MappingProxyType(shapes), frozenset(midline))


EDGE_MARGIN = 0.1
"""A position of 0 or 1 is drawn this fraction of the shape's extent in from its edge: a mark on the very edge
would read as lying in the neighbouring region."""


def _off_edge(fraction: float) -> float:
    return EDGE_MARGIN + (1 - 2 * EDGE_MARGIN) * min(max(fraction, 0.0), 1.0)


def _chord(pts: tuple[Point, ...], y: float) -> list[tuple[float, float]]:
    """The stretches of the horizontal line at ``y`` that lie inside the polygon (even-odd rule)."""
    xs = sorted(
        x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True)
        if (y1 > y) != (y2 > y)
    )
    return list(zip(xs[::2], xs[1::2], strict=True))


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Touching or overlapping stretches joined, left to right (neighbouring shapes share their edges)."""
    merged: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1] + 1e-6:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif b > a:
            merged.append((a, b))
    return merged


def _signed_area(pts: tuple[Point, ...]) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))


def _centroid(pts: tuple[Point, ...]) -> Point:
    area = _signed_area(pts)
    if abs(area) < 1e-9:  # degenerate: fall back to the mean of the points
        return (sum(x for x, _ in pts) / len(pts), sum(y for _, y in pts) / len(pts))
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True))
    return (cx / (6 * area), cy / (6 * area))


def _num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zero, so output is short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _problem(file: str, message: str) -> CatalogueError:
    return CatalogueError([Problem(file, 0, 0, "", message)])

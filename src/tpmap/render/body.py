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

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from ..catalogue.loader import data_dir
from ..catalogue.records import View
from ..errors import CatalogueError, Problem

__all__ = ["BODY_FILE", "BodyChart", "BodyView", "Point", "Shape", "ShapeSide", "load_body"]

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

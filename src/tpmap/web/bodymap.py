"""The page's clickable body map: tpmap's body outline as one SVG per view, every region shape a focusable button.

The shapes come from the same geometry as the static charts (``render/body.py``) and carry the same element id,
``{view}-{region}-{side}``, so the page can copy a ranking chart's heat onto them by id. Each shape is named
for screen readers (``aria-label``) and for the mouse (``<title>``). :func:`zoom_boxes` gives the close-up views
(head and neck, each hand, each foot, as the static charts draw them) as view boxes on the same drawing.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> svg = view_svg(cat, "front")
>>> 'id="front-lateral_elbow-right"' in svg and 'aria-label="Outside of the elbow, right"' in svg
True
>>> zoom = zoom_boxes(cat)["head"]
>>> zoom["label"], zoom["views"]["back"]     # x, y, width, height in the drawing's units
('Head and neck', (113.0, 5.0, 74.0, 105.0))
"""

from __future__ import annotations

import html
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..catalogue.records import View
from ..render.body import Shape, insets, load_body

__all__ = ["view_svg", "zoom_boxes"]


def view_svg(catalogue: Catalogue, view: View) -> str:
    """One view of the body map as an ``<svg>`` element: the silhouette, then every region shape (parents
    under their children, so a small region stays clickable over the one around it)."""
    body = load_body()
    drawn = body.views[view]
    width, height = body.width, body.height
    title = "Front" if view == "front" else "Back"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bodymap" id="map-{view}" data-view="{view}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" data-full="0 0 {_n(width)} {_n(height)}" role="group" '
        f'aria-label="{title} view of the body: each region is a button">',
        # every piece stroked, then every piece filled over the strokes: only the outer edge of the union shows
        '<g class="outline" aria-hidden="true">',
        *(f'<polygon points="{_points(piece)}"/>' for piece in drawn.outline),
        '</g><g class="silhouette" aria-hidden="true">',
        *(f'<polygon points="{_points(piece)}"/>' for piece in drawn.outline),
        "</g>",
    ]
    depth = {rid: catalogue.depth(rid) for rid in catalogue.regions}
    shapes = sorted(
        (
            s
            for s in drawn.shapes.values()
            if s.region in catalogue.regions and view in catalogue.regions[s.region].views
        ),
        key=lambda s: (depth[s.region], s.region, s.side),
    )
    out.append('<g class="regions">')
    out += [_shape(catalogue, shape) for shape in shapes]
    out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def zoom_boxes(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    """The close-ups of the static charts (:func:`tpmap.render.body.insets`: head and neck, each hand, each
    foot) as view boxes on this map: name → its label and, per view, ``(x, y, width, height)``."""
    boxes: dict[str, dict[str, Any]] = {}
    for inset in insets(catalogue):
        entry = boxes.setdefault(inset.name, {"label": inset.label, "views": {}})
        entry["views"][inset.view] = tuple(round(value, 1) for value in inset.box)
    return boxes


def _shape(catalogue: Catalogue, shape: Shape) -> str:
    name = catalogue.regions[shape.region].name
    label = name if shape.side == "mid" else f"{name}, {shape.side}"
    return (
        f'<polygon class="region" id="{shape.view}-{shape.region}-{shape.side}" data-region="{shape.region}" '
        f'data-side="{shape.side}" tabindex="0" role="button" aria-label="{html.escape(label)}" '
        f'points="{shape.svg_points()}"><title>{html.escape(label)}</title></polygon>'
    )


def _points(points: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text

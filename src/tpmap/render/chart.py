"""Body charts in SVG: a muscle's referral pattern, or a ranking's likely sources as a heat map.

Charts follow the convention of the trigger-point literature: an ✕ where the trigger point lies, solid red
for its essential zone, stippled red for its spillover zone. They are drawn from the catalogue's own data on
tpmap's own body outline (``render/body.py``), front and back view, with the patient's sides labelled.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> chart = muscle_chart(cat, "infraspinatus")
>>> chart.title
'Infraspinatus (right): referral pattern'
>>> chart.svg.startswith("<svg ") and 'class="essential"' in chart.svg and 'class="spillover"' in chart.svg
True
>>> ranked = ranking_chart(tpmap.rank(cat, "front of the shoulder", side="left"), top=3)
>>> 'id="front-anterior_shoulder-left"' in ranked.svg
True
"""

from __future__ import annotations

import html
import importlib
import os
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .._files import output_problem
from ..catalogue.catalogue import Catalogue, Zone
from ..catalogue.records import Side, View, ZoneKind
from ..errors import ChartError, MissingExtraError, whole_number, wrong_type
from ..ranking.results import Ranking
from .body import BodyChart, BodyView, Point, Shape, ShapeSide, load_body

__all__ = ["PNG_EXTRA", "Chart", "muscle_chart", "png_bytes", "ranking_chart"]

Key = tuple[str, str, ShapeSide]
"""A drawn shape: (view, region, side)."""

SUFFIXES = (".svg", ".png")
"""The file types a chart can be saved as."""

PNG_EXTRA = "png"
"""The optional extra that provides PNG output (``pip install "tpmap[png]"``)."""

SPILLOVER_WEIGHT = 0.4
"""A spillover zone's share of a candidate's heat, relative to an essential zone's 1."""

# colours: a red that stays dark in greyscale; a sequential ramp (light yellow to dark red) for heat
ESSENTIAL = "#c8102e"
SPILL_DOT = "#c8102e"
SPILL_BACK = "#fbe4e6"
SKIN = "#f5f0ea"
EDGE = "#b4aa9e"
SILHOUETTE = "#5e5650"
INK = "#222222"
MUTED = "#5b5b5b"
RAMP = ("#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026")

FONT = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
MARGIN = 20.0
GAP = 16.0
HEADER = 64.0
FOOTER = 34.0
PANEL = 300.0


@dataclass(frozen=True)
class Chart:
    """A finished chart: the SVG text and its title. Shows itself in Jupyter; saves as SVG or PNG."""

    svg: str
    title: str

    def _repr_svg_(self) -> str:
        return self.svg

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the chart to ``path``: ``.svg`` as text, ``.png`` rendered (needs the ``png`` extra).

        Raises:
            ChartError: the suffix is neither ``.svg`` nor ``.png``, the path is a folder or cannot be written,
                or PNG output is asked for without the ``png`` extra installed.
            ArgumentTypeError: ``path`` is not a path.
        """
        if not isinstance(path, str | os.PathLike):
            raise wrong_type("path", "a file path", path)
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in SUFFIXES:
            raise ChartError(f"cannot save a chart as {target.name!r}: use a {' or '.join(SUFFIXES)} file name")
        problem = output_problem(str(target), force=True)  # the caller decides about replacing a file
        if problem is not None:
            raise ChartError(f"cannot save the chart as {str(target)!r}: {problem}")
        content = self.svg.encode("utf-8") if suffix == ".svg" else png_bytes(self.svg)
        try:
            target.write_bytes(content)
        except OSError as exc:
            raise ChartError(f"cannot save the chart as {str(target)!r}: {exc.strerror or exc}") from None
        return target


def png_bytes(svg: str, scale: float = 1.0) -> bytes:
    """Render SVG text to PNG bytes with the optional ``png`` extra (resvg, which bundles its own renderer).

    Raises:
        MissingExtraError: the extra is not installed.
        ChartError: ``scale`` is not positive, or the SVG cannot be rendered.
    """
    if not scale > 0:
        raise ChartError(f"scale must be positive, not {scale!r}")
    try:
        resvg = importlib.import_module("resvg_py")
    except ImportError as err:
        raise MissingExtraError(
            f'PNG output needs the optional {PNG_EXTRA!r} extra: pip install "tpmap[{PNG_EXTRA}]"'
        ) from err
    try:
        return bytes(resvg.svg_to_bytes(svg_string=svg, zoom=scale, background="#ffffff"))
    except ValueError as err:
        raise ChartError(f"could not render the chart as PNG: {err}") from err


# ------------------------------------------------------------------------------------------ public charts


def muscle_chart(catalogue: Catalogue, muscle: str, side: Side = "right") -> Chart:
    """A muscle's referral pattern on both views: ✕ at each trigger point, essential zones solid, spillover
    zones stippled.

    ``muscle`` is an id, name or alias. ``side`` is the side of the muscle; each trigger point's side pattern
    places its zones on that side (``same``), the other side (``opposite``) or both (``both``); midline regions
    are drawn whole.

    >>> import tpmap
    >>> chart = muscle_chart(tpmap.load_catalogue(), "Infraspinatus", side="left")
    >>> 'id="front-anterior_shoulder-left" class="essential"' in chart.svg
    True
    >>> muscle_chart(tpmap.load_catalogue(), "deltoid", side="up")
    Traceback (most recent call last):
    tpmap.errors.ChartError: side must be 'left' or 'right', not 'up'
    """
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    if side not in ("left", "right"):
        raise ChartError(f"side must be 'left' or 'right', not {side!r}")
    record = catalogue.muscle(muscle)
    body = load_body()
    placer = _Placer(catalogue, body)
    kinds: dict[Key, ZoneKind] = {}
    zones = catalogue.zones(record.id)
    for zone in zones:
        for key in placer.place_zone(zone.region, zone.sides(side), zones):
            if kinds.get(key) != "essential":
                kinds[key] = zone.kind
    styles = {
        key: _Style(kind, ESSENTIAL if kind == "essential" else "url(#spillover-dots)") for key, kind in kinds.items()
    }

    marks: list[_Mark] = []
    tp_lines: list[str] = []
    numbered = len(record.trigger_points) > 1
    for number, tp in enumerate(record.trigger_points, 1):
        label = str(number) if numbered else ""
        spots = placer.mark_spots(tp.location.region, side)
        marks += [_Mark(view, point, label) for view, point in spots]
        where = (
            catalogue.regions[tp.location.region].name
            if tp.location.region in catalogue.regions
            else tp.location.region
        )
        head = f"{number}. " if numbered else ""
        note = "" if spots else " (not drawn)"
        pattern = {"same": "", "opposite": "; refers to the other side", "both": "; refers to both sides"}[tp.side]
        tp_lines.append(f"{head}{tp.name or tp.id.replace('_', ' ')}: {where.lower()}{note}{pattern}")

    marks = _spread(marks)
    title = f"{record.name} ({side}): referral pattern"
    legend = _Legend()
    legend.heading("Key")
    legend.swatch_mark("trigger point")
    legend.swatch(ESSENTIAL, "essential zone (solid)")
    legend.swatch("url(#spillover-dots)", "spillover zone (stippled)")
    legend.gap()
    legend.heading("Trigger points" if numbered else "Trigger point")
    for line in tp_lines:
        legend.text(line)
    legend.notes(placer.notes())
    desc = (
        f"Body chart, front and back view, of the referral pattern of {record.name} on the patient's {side} side: "
        f"{len(record.trigger_points)} trigger point(s) marked with a cross; essential zones "
        f"{_region_list(catalogue, kinds, 'essential')}; spillover zones {_region_list(catalogue, kinds, 'spillover')}."
        + _not_drawn_sentence(placer)
    )
    subtitle = f"Muscle on the patient's {side} side. Essential zone solid, spillover zone stippled."
    svg = _render(body, catalogue, title, subtitle, desc, styles, set(), marks, legend, caption="")
    return Chart(svg, title)


def ranking_chart(ranking: Ranking, top: int = 5) -> Chart:
    """The reported sites outlined, and the top candidates' zones as a heat map, with the ranked list beside.

    A region's heat is the sum over the ``top`` candidates of probability x (1 for an essential zone, 0.4 for
    a spillover zone; the stronger if a candidate has both), normalised to the hottest region. Candidates
    without a side (the report named none) are drawn on the right side, and the caption says so.

    >>> import tpmap
    >>> chart = ranking_chart(tpmap.rank(tpmap.load_catalogue(), "outside of the elbow"))
    >>> "drawn on the right side" in chart.svg
    True

    Raises:
        ChartError: ``top`` is less than 1, or the ranking has no candidates.
    """
    if not isinstance(ranking, Ranking):
        raise wrong_type("ranking", "a Ranking (see tpmap.rank)", ranking)
    if whole_number("top", top) < 1:
        raise ChartError(f"top must be at least 1, not {top!r}")
    chosen = ranking.candidates[:top]
    if not chosen:
        raise ChartError("the ranking has no candidates to chart")
    catalogue = chosen[0].catalogue
    body = load_body()
    placer = _Placer(catalogue, body)

    heat: dict[Key, float] = {}
    for candidate in chosen:
        side: Side = candidate.side or "right"
        weights: dict[Key, float] = {}
        zones = catalogue.zones(candidate.muscle.id)
        for zone in zones:
            weight = 1.0 if zone.kind == "essential" else SPILLOVER_WEIGHT
            for key in placer.place_zone(zone.region, zone.sides(side), zones):
                weights[key] = max(weights.get(key, 0.0), weight)
        for key, weight in weights.items():
            heat[key] = heat.get(key, 0.0) + candidate.probability * weight
    peak = max(heat.values(), default=0.0)
    styles = {key: _Style("heat", _ramp(value / peak)) for key, value in heat.items() if peak > 0 and value > 0}

    sites: set[Key] = set()
    site_words: list[str] = []
    for site in ranking.query.sites:
        site_side: Side = site.side or "right"
        sites.update(placer.place(site.region, frozenset((site_side,))))
        name = catalogue.regions[site.region].name.lower() if site.region in catalogue.regions else site.region
        site_words.append(f"{name} ({site.side})" if site.side else name)

    sided = any(c.side for c in chosen)
    caption = "" if sided else "No side was given: sites and candidates are drawn on the right side."
    title = "Likely trigger-point sources"
    subtitle = "Pain at: " + (", ".join(site_words) if site_words else "no place given")

    legend = _Legend()
    legend.heading(f"Top {len(chosen)} of {len(ranking)} candidates")
    for candidate in chosen:
        who = f" ({candidate.side})" if candidate.side else ""
        legend.ranked(candidate.rank, f"{candidate.muscle.name}{who}", f"{candidate.probability:.1%}")
    legend.gap()
    legend.heading("Key")
    legend.swatch_outline("reported painful place")
    legend.ramp("zone heat: probability x zone weight")
    legend.text("essential zone 1, spillover 0.4", muted=True)
    legend.notes(placer.notes())
    legend.gap()
    legend.text("Probabilities compare the catalogue's candidates; they are not a diagnosis.", muted=True)
    desc = (
        f"Body chart, front and back view. Reported painful places outlined: {', '.join(site_words) or 'none'}. "
        "Heat map of the referral zones of the top candidates: "
        + "; ".join(f"{c.rank}. {c.muscle.name}{f' ({c.side})' if c.side else ''} {c.probability:.1%}" for c in chosen)
        + "."
        + (f" {caption}" if caption else "")
        + _not_drawn_sentence(placer)
    )
    svg = _render(body, catalogue, title, subtitle, desc, styles, sites, [], legend, caption=caption)
    return Chart(svg, title)


# ------------------------------------------------------------------------------------------ placing regions


@dataclass(frozen=True)
class _Style:
    kind: str
    fill: str


@dataclass(frozen=True)
class _Mark:
    view: str
    point: Point
    label: str


class _Placer:
    """Turns catalogue regions into drawn shapes, and remembers what it could not draw."""

    def __init__(self, catalogue: Catalogue, body: BodyChart) -> None:
        self.catalogue = catalogue
        self.body = body
        self.not_drawn: set[str] = set()
        self.drawn_as: set[tuple[str, str]] = set()
        self.deep: set[tuple[str, str]] = set()

    def target(self, region: str) -> str | None:
        """The region to draw for ``region``: itself if it has a view, else its nearest ancestor with one."""
        regions = self.catalogue.regions
        if region not in regions:
            self.not_drawn.add(region)
            return None
        if regions[region].views:
            return region
        for up in self.catalogue.ancestors(region):
            if regions[up].views and self._drawn(up):
                self.drawn_as.add((region, up))
                return up
        self.not_drawn.add(region)
        return None

    def _drawn(self, region: str) -> bool:
        return any(self._shapes(view, region) for view in self.body.views.values())

    def _shapes(self, view: BodyView, region: str) -> list[Shape]:
        """``region``'s own shapes in ``view`` and those of its descendants (filling a parent fills them)."""
        regions = self.catalogue.regions
        found: list[Shape] = []
        for rid in (region, *sorted(self.catalogue.descendants(region))):
            if view.name in regions[rid].views:
                found.extend(view.shapes_of(rid))
        return found

    def place(self, region: str, sides: frozenset[Side]) -> Iterator[Key]:
        """The shapes to fill for ``region`` on ``sides``; a midline region is drawn on both sides."""
        target = self.target(region)
        if target is None:
            return
        wanted: set[ShapeSide] = {"left", "right", "mid"}
        if self.catalogue.regions[target].laterality == "paired":
            wanted = {*sides, "mid"}
        any_shape = False
        for view in self.body.views.values():
            for shape in self._shapes(view, target):
                any_shape = True
                if shape.side in wanted:
                    yield (view.name, shape.region, shape.side)
        if not any_shape:
            self.not_drawn.add(target)

    def place_zone(self, region: str, sides: frozenset[Side], zones: Iterable[Zone]) -> Iterator[Key]:
        """Like :meth:`place`, for one of a muscle's ``zones``. A deep zone with no view of its own (the
        shoulder joint) is drawn as its nearest drawn ancestor only if no other zone of the muscle is drawn
        inside that ancestor: filling the whole shoulder would overstate a pattern already drawn there."""
        regions = self.catalogue.regions
        if region in regions and not regions[region].views:
            target = self.target(region)
            if target is None:
                return
            if any(
                z.region in regions and regions[z.region].views and self.catalogue.is_within(z.region, target)
                for z in zones
            ):
                self.deep.add((region, target))
                return
        yield from self.place(region, sides)

    def mark_spots(self, region: str, side: Side) -> list[tuple[str, Point]]:
        """Where a trigger point in ``region`` goes: the centre of the region's shape in each view it is drawn
        in (of its drawn descendants together if it has no shape of its own)."""
        target = self.target(region)
        if target is None:
            return []
        spots: list[tuple[str, Point]] = []
        for view in self.body.views.values():
            own = [s for s in view.shapes_of(target) if s.side in (side, "mid")]
            shapes = own or [s for s in self._shapes(view, target) if s.side in (side, "mid")]
            if shapes:
                spots.append((view.name, _area_centre(shapes)))
        if not spots:
            self.not_drawn.add(target)
        return spots

    def notes(self) -> list[str]:
        regions = self.catalogue.regions
        lines = [
            f"{regions[r].name} is drawn as {regions[up].name.lower()}." for r, up in sorted(self.drawn_as - self.deep)
        ]
        lines += [
            f"{regions[r].name} (deep) lies under the zones drawn on the {regions[up].name.lower()}."
            for r, up in sorted(self.deep)
        ]
        if self.not_drawn:
            names = sorted(regions[r].name if r in regions else r for r in self.not_drawn)
            lines.append("Not drawn: " + ", ".join(names) + ".")
        return lines


def _spread(marks: list[_Mark]) -> list[_Mark]:
    """Trigger points in the same region would share one spot: set them side by side, 7 units apart."""
    groups: dict[tuple[str, Point], list[_Mark]] = {}
    for mark in marks:
        groups.setdefault((mark.view, mark.point), []).append(mark)
    spread: list[_Mark] = []
    for (view, (x, y)), group in groups.items():
        first = x - 3.5 * (len(group) - 1)
        spread += [_Mark(view, (first + 7 * i, y), m.label) for i, m in enumerate(group)]
    return spread


def _area_centre(shapes: Iterable[Shape]) -> Point:
    items = [(s.area, s.centroid) for s in shapes]
    total = sum(a for a, _ in items) or 1.0
    return (sum(a * c[0] for a, c in items) / total, sum(a * c[1] for a, c in items) / total)


def _region_list(catalogue: Catalogue, kinds: Mapping[Key, ZoneKind], kind: ZoneKind) -> str:
    names = sorted(
        {
            f"{catalogue.regions[region].name.lower()}" + ("" if side == "mid" else f" ({side})")
            for (_, region, side), k in kinds.items()
            if k == kind
        }
    )
    return ", ".join(names) if names else "none"


def _not_drawn_sentence(placer: _Placer) -> str:
    if not placer.not_drawn:
        return ""
    regions = placer.catalogue.regions
    names = sorted(regions[r].name if r in regions else r for r in placer.not_drawn)
    return " Not drawn: " + ", ".join(names) + "."


def _ramp(value: float) -> str:
    """A colour on the sequential ramp for ``value`` in (0, 1]."""
    value = min(max(value, 0.0), 1.0) * (len(RAMP) - 1)
    low = min(int(value), len(RAMP) - 2)
    t = value - low
    a, b = RAMP[low], RAMP[low + 1]
    channels = (round(int(a[i : i + 2], 16) * (1 - t) + int(b[i : i + 2], 16) * t) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)


# ------------------------------------------------------------------------------------------ legend


class _Legend:
    """The panel beside the figure: a column of rows, laid out top to bottom."""

    WRAP = 46
    LINE = 15.0

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.y = 0.0

    def heading(self, text: str) -> None:
        self.rows.append(_text(0, self.y + 12, text, size=13, weight="bold"))
        self.y += self.LINE + 5

    def text(self, text: str, *, muted: bool = False) -> None:
        for line in textwrap.wrap(text, self.WRAP, subsequent_indent="   ") or [""]:
            self.rows.append(_text(0, self.y + 11, line, size=11.5, fill=MUTED if muted else INK))
            self.y += self.LINE

    def notes(self, lines: Iterable[str]) -> None:
        """A "Notes" section, when there is anything to say."""
        lines = list(lines)
        if lines:
            self.gap()
            self.heading("Notes")
            for line in lines:
                self.text(line, muted=True)

    def gap(self) -> None:
        self.y += 10

    def swatch(self, fill: str, label: str) -> None:
        self.rows.append(f'<rect x="0" y="{_n(self.y)}" width="22" height="14" fill="{fill}" stroke="{EDGE}"/>')
        self.rows.append(_text(30, self.y + 11.5, label, size=12))
        self.y += self.LINE + 6

    def swatch_mark(self, label: str) -> None:
        self.rows.append(f'<rect x="0" y="{_n(self.y)}" width="22" height="14" fill="{SKIN}" stroke="{EDGE}"/>')
        self.rows.append(_cross((11, self.y + 7), ""))
        self.rows.append(_text(30, self.y + 11.5, label, size=12))
        self.y += self.LINE + 6

    def swatch_outline(self, label: str) -> None:
        self.rows.append(
            f'<rect x="1" y="{_n(self.y + 1)}" width="20" height="12" fill="{SKIN}" stroke="{INK}" stroke-width="2.5"/>'
        )
        self.rows.append(_text(30, self.y + 11.5, label, size=12))
        self.y += self.LINE + 6

    def ramp(self, label: str) -> None:
        self.rows.append(
            f'<rect x="0" y="{_n(self.y)}" width="120" height="12" fill="url(#heat-ramp)" stroke="{EDGE}"/>'
        )
        self.rows.append(_text(0, self.y + 25, "low", size=10.5, fill=MUTED))
        self.rows.append(_text(120, self.y + 25, "high", size=10.5, fill=MUTED, anchor="end"))
        self.rows.append(_text(130, self.y + 10.5, label.split(":", maxsplit=1)[0], size=12))
        self.y += 30
        if ":" in label:
            self.text(label.split(":", 1)[1].strip(), muted=True)

    def ranked(self, rank: int, name: str, probability: str) -> None:
        self.rows.append(_text(0, self.y + 12, f"{rank}.", size=12.5, weight="bold"))
        lines = textwrap.wrap(name, 30) or [""]
        for index, line in enumerate(lines):
            self.rows.append(_text(22, self.y + 12 + index * self.LINE, line, size=12.5))
        self.rows.append(_text(PANEL - 30, self.y + 12, probability, size=12.5, anchor="end"))
        self.y += self.LINE * len(lines) + 5


# ------------------------------------------------------------------------------------------ SVG


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    weight: str = "normal",
    fill: str = INK,
    anchor: str = "start",
) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"'
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    return f"<text {attrs}>{_esc(text)}</text>"


def _cross(point: Point, label: str) -> str:
    x, y = point
    r = 3
    d = f"M{_n(x - r)} {_n(y - r)}L{_n(x + r)} {_n(y + r)}M{_n(x - r)} {_n(y + r)}L{_n(x + r)} {_n(y - r)}"
    parts = [
        f'<path d="{d}" stroke="#ffffff" stroke-width="3.6" stroke-linecap="round"/>',
        f'<path d="{d}" stroke="{INK}" stroke-width="1.7" stroke-linecap="round"/>',
    ]
    if label:
        parts.append(
            f'<text x="{_n(x + 3.2)}" y="{_n(y - 3.2)}" font-size="7" font-weight="bold" fill="{INK}" '
            f'stroke="#ffffff" stroke-width="1.8" paint-order="stroke">{_esc(label)}</text>'
        )
    return f'<g class="trigger-point">{"".join(parts)}</g>'


def _render(
    body: BodyChart,
    catalogue: Catalogue,
    title: str,
    subtitle: str,
    desc: str,
    styles: Mapping[Key, _Style],
    sites: set[Key],
    marks: list[_Mark],
    legend: _Legend,
    *,
    caption: str,
) -> str:
    view_w, view_h = body.width, body.height
    panel_x = MARGIN + 2 * view_w + GAP + 24
    width = panel_x + PANEL
    figure_bottom = HEADER + view_h + FOOTER
    height = max(figure_bottom + (22 if caption else 0), HEADER + legend.y + 20)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" aria-labelledby="chart-title chart-desc" font-family="{FONT}">',
        f'<title id="chart-title">{_esc(title)}</title>',
        f'<desc id="chart-desc">{_esc(desc)}</desc>',
        "<defs>",
        f'<pattern id="spillover-dots" width="4" height="4" patternUnits="userSpaceOnUse">'
        f'<rect width="4" height="4" fill="{SPILL_BACK}"/>'
        f'<circle cx="2" cy="2" r="1.05" fill="{SPILL_DOT}"/></pattern>',
        '<linearGradient id="heat-ramp">'
        + "".join(f'<stop offset="{_n(i / (len(RAMP) - 1) * 100)}%" stop-color="{c}"/>' for i, c in enumerate(RAMP))
        + "</linearGradient>",
        "</defs>",
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        _text(MARGIN, 30, title, size=20, weight="bold"),
        _text(MARGIN, 50, subtitle, size=12.5, fill=MUTED),
    ]
    depth = {rid: catalogue.depth(rid) for rid in catalogue.regions}
    views: tuple[View, ...] = ("front", "back")
    for index, name in enumerate(views):
        view = body.views[name]
        ox = MARGIN + index * (view_w + GAP)
        out.append(f'<g id="{name}" transform="translate({_n(ox)} {_n(HEADER)})">')
        out.append(
            _text(view_w / 2, 4, "Front" if name == "front" else "Back", size=13, weight="bold", anchor="middle")
        )
        # the silhouette: every piece stroked, then every piece filled over the strokes, so only the outer
        # edge of the union shows
        out.append(
            f'<g class="silhouette" fill="none" stroke="{SILHOUETTE}" stroke-width="2.6" stroke-linejoin="round">'
        )
        out += [f'<polygon points="{_points(p)}"/>' for p in view.outline]
        out.append(f'</g><g class="silhouette" fill="{SKIN}">')
        out += [f'<polygon points="{_points(p)}"/>' for p in view.outline]
        out.append("</g>")
        out.append(f'<g class="regions" stroke="{EDGE}" stroke-width="0.5" stroke-linejoin="round">')
        # parents under children (an eye over its orbit), sites last so their outline is not painted over
        shapes = sorted(
            view.shapes.values(),
            key=lambda s: ((name, s.region, s.side) in sites, depth.get(s.region, 99), s.region, s.side),
        )
        for shape in shapes:
            if shape.region in catalogue.regions and name not in catalogue.regions[shape.region].views:
                continue  # a user catalogue may have taken this view away from the region
            out.append(_shape_element(catalogue, shape, styles.get((name, shape.region, shape.side)), sites))
        out.append("</g>")
        for mark in marks:
            if mark.view == name:
                out.append(_cross(mark.point, mark.label))
        right_x, left_x = (8.0, view_w - 8) if name == "front" else (view_w - 8, 8.0)
        label_y = view_h + 16
        out.append(
            _text(
                right_x,
                label_y,
                "patient's right",
                size=11.5,
                fill=MUTED,
                anchor="start" if right_x < left_x else "end",
            )
        )
        out.append(
            _text(
                left_x, label_y, "patient's left", size=11.5, fill=MUTED, anchor="start" if left_x < right_x else "end"
            )
        )
        out.append("</g>")
    if caption:
        out.append(_text(MARGIN, figure_bottom + 8, caption, size=12, fill=INK))
    out.append(f'<g class="legend" transform="translate({_n(panel_x)} {_n(HEADER)})">')
    out += legend.rows
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _points(points: Iterable[Point]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _shape_element(catalogue: Catalogue, shape: Shape, style: _Style | None, sites: set[Key]) -> str:
    key = (shape.view, shape.region, shape.side)
    region = catalogue.regions.get(shape.region)
    name = region.name if region else shape.region.replace("_", " ")
    if shape.side != "mid":
        name = f"{name} ({shape.side})"
    classes = [style.kind if style else "plain"]
    attrs = f'fill="{style.fill if style else SKIN}"'
    if key in sites:
        classes.append("site")
        attrs += f' stroke="{INK}" stroke-width="2.4"'
    return (
        f'<polygon id="{shape.view}-{shape.region}-{shape.side}" class="{" ".join(classes)}" {attrs} '
        f'points="{shape.svg_points()}"><title>{_esc(name)}</title></polygon>'
    )

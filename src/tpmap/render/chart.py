"""Body charts in SVG: a muscle's referral pattern, or a ranking's likely sources as a heat map.

Charts follow the convention of the trigger-point literature: an ✕ where the trigger point lies, solid red
for its essential zone, stippled red for its spillover zone. They are drawn from the catalogue's own data on
tpmap's own body outline (``render/body.py``), front and back view, with the patient's sides labelled. Each ✕
sits at its trigger point's ``position`` within its region (mirrored on the left side). The head and neck,
the hands and the feet are drawn again, larger, in close-ups under the figure when something is drawn there;
every region shape has the element id ``{view}-{region}-{side}``, and ``{inset}-{view}-{region}-{side}`` in a
close-up (``head-front-cheek-right``).

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
import os
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from .._extras import require
from .._files import output_problem
from ..catalogue.catalogue import Catalogue, Zone
from ..catalogue.records import Side, TriggerPoint, View, ZoneKind
from ..errors import ChartError, whole_number, wrong_type
from ..ranking.results import Ranking
from .body import BodyChart, BodyView, Inset, Point, Shape, ShapeSide, insets, load_body

__all__ = ["PNG_EXTRA", "Chart", "ChartKind", "muscle_chart", "outline_chart", "png_bytes", "ranking_chart"]

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
SPILLOVER = "url(#spillover-dots)"
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
INSET_HEIGHT = {"head": 320.0, "hand": 200.0, "foot": 180.0}
"""How tall each kind of close-up is drawn, in pixels: the head about 2.6 times the figure's size, so that the
face (about 50 px wide in the figure) shows jaw, cheek and eye patterns."""
INSET_GAP = 14.0

ChartKind = Literal["muscle", "ranking", "outline"]
"""What a chart shows: a muscle's referral pattern, a ranking's heat map, or the bare body outline."""


@dataclass(frozen=True)
class Chart:
    """A finished chart: the SVG text and its title. Shows itself in Jupyter; saves as SVG or PNG.

    Its plain repr is one line (what it shows and how big it is), not the SVG text:

    >>> import tpmap
    >>> muscle_chart(tpmap.load_catalogue(), "masseter")  # doctest: +ELLIPSIS
    <Chart muscle: 'Masseter (right): referral pattern', 960 x ... px, close-ups: head front, ... characters of SVG>
    """

    svg: str = field(repr=False)
    title: str
    kind: ChartKind = "muscle"
    insets: tuple[str, ...] = ()
    """The close-ups drawn, as ``"<inset> <view>"`` (``"head front"``)."""

    def __repr__(self) -> str:
        size = " x ".join(_attribute(self.svg, name) for name in ("width", "height"))
        shown = f", close-ups: {', '.join(i.replace('_', ' ') for i in self.insets)}" if self.insets else ""
        return f"<Chart {self.kind}: {self.title!r}, {size} px{shown}, {len(self.svg):,} characters of SVG>"

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
    resvg = require("resvg_py", PNG_EXTRA, "PNG output")  # or the error naming the command that installs it
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
    styles = {key: _Style(kind, ESSENTIAL if kind == "essential" else SPILLOVER) for key, kind in kinds.items()}

    marks: list[_Mark] = []
    tp_lines: list[str] = []
    numbered = len(record.trigger_points) > 1
    for number, tp in enumerate(record.trigger_points, 1):
        label = str(number) if numbered else ""
        spots = placer.mark_spots(tp, side)
        marks += [_Mark(view, point, label, tp.id) for view, point in spots]
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
    legend.swatch(SPILLOVER, "spillover zone (stippled)")
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
    svg, shown = _render(body, catalogue, title, subtitle, desc, styles, set(), marks, legend, caption="")
    return Chart(svg, title, "muscle", shown)


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
    chosen = ranking[:top]
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
    svg, shown = _render(body, catalogue, title, subtitle, desc, styles, sites, [], legend, caption=caption)
    return Chart(svg, title, "ranking", shown)


def outline_chart(catalogue: Catalogue) -> Chart:
    """The bare body outline, every region plain, with every close-up (head and neck, hands, feet) drawn: a
    chart to mark by hand, or to find a region's element id on (``{view}-{region}-{side}``, and
    ``{inset}-{view}-{region}-{side}`` in a close-up).

    >>> import tpmap
    >>> chart = outline_chart(tpmap.load_catalogue())
    >>> 'id="head-front-cheek-right"' in chart.svg and 'id="left_foot-back-heel-left"' in chart.svg
    True
    """
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    body = load_body()
    title = "Body chart"
    legend = _Legend()
    legend.heading("Close-ups")
    legend.text("The head and neck, the hands and the feet are drawn again, larger, below the figure.", muted=True)
    desc = (
        "Body chart, front and back view, with close-ups of the head and neck, each hand and each foot; "
        "every region drawn plain."
    )
    subtitle = "Every region the catalogue draws, with its patient's side."
    svg, shown = _render(body, catalogue, title, subtitle, desc, {}, set(), [], legend, caption="", every_inset=True)
    return Chart(svg, title, "outline", shown)


# ------------------------------------------------------------------------------------------ placing regions


@dataclass(frozen=True)
class _Style:
    kind: str
    fill: str


@dataclass(frozen=True)
class _Mark:
    view: View
    point: Point
    label: str
    trigger_point: str = ""


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

    def mark_spots(self, tp: TriggerPoint, side: Side) -> list[tuple[View, Point]]:
        """Where trigger point ``tp`` of a muscle on ``side`` goes, in each view its region is drawn in (the
        region's drawn descendants together if it has no shape of its own): at its position in the region, or
        at the region's centre if it has none. A position naming a view is marked in that view only; a region
        drawn as an ancestor (a deep region) is marked at the ancestor's centre, where its position means
        nothing."""
        region, position = tp.location.region, tp.position
        target = self.target(region)
        if target is None:
            return []
        found: dict[View, list[Shape]] = {}
        for view in self.body.views.values():
            own = [s for s in view.shapes_of(target) if s.side in (side, "mid")]
            shapes = own or [s for s in self._shapes(view, target) if s.side in (side, "mid")]
            if shapes:
                found[view.name] = shapes
        if position is not None and position.view in found:
            found = {position.view: found[position.view]}
        if not found:
            self.not_drawn.add(target)
        if position is None or target != region:
            return [(name, _area_centre(shapes)) for name, shapes in found.items()]
        return [
            (name, self.body.locate(shapes, side, position.across, position.along)) for name, shapes in found.items()
        ]

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
    """Trigger points at one spot (deep regions drawn at their ancestor's centre) are set one above the other,
    7 units apart: a column mirrors into itself, so the left side still mirrors the right."""
    groups: dict[tuple[View, Point], list[_Mark]] = {}
    for mark in marks:
        groups.setdefault((mark.view, mark.point), []).append(mark)
    spread: list[_Mark] = []
    for (view, (x, y)), group in groups.items():
        first = y - 3.5 * (len(group) - 1)
        spread += [_Mark(view, (x, first + 7 * i), m.label, m.trigger_point) for i, m in enumerate(group)]
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


def _cross(point: Point, label: str, zoom: float = 1.0, trigger_point: str = "") -> str:
    """An ✕ at ``point``, numbered with ``label``; ``zoom`` is the scale it is drawn at, so that a close-up
    draws it a little larger than the figure does, not ``zoom`` times larger."""
    x, y = point
    k = 1.0 if zoom == 1 else 1.5 / zoom
    r = 3 * k
    d = f"M{_n2(x - r)} {_n2(y - r)}L{_n2(x + r)} {_n2(y + r)}M{_n2(x - r)} {_n2(y + r)}L{_n2(x + r)} {_n2(y - r)}"
    parts = [
        f'<path d="{d}" stroke="#ffffff" stroke-width="{_n2(3.6 * k)}" stroke-linecap="round"/>',
        f'<path d="{d}" stroke="{INK}" stroke-width="{_n2(1.7 * k)}" stroke-linecap="round"/>',
    ]
    if label:
        parts.append(
            f'<text x="{_n2(x + 3.2 * k)}" y="{_n2(y - 3.2 * k)}" font-size="{_n2(7 * k)}" font-weight="bold" '
            f'fill="{INK}" stroke="#ffffff" stroke-width="{_n2(1.8 * k)}" paint-order="stroke">{_esc(label)}</text>'
        )
    data = f' data-trigger-point="{_esc(trigger_point)}"' if trigger_point else ""
    return f'<g class="trigger-point"{data}>{"".join(parts)}</g>'


def _dots(ident: str, scale: float) -> str:
    """The stipple of a spillover zone, ``scale`` times the figure's size (a close-up keeps it fine)."""
    size, r = _n2(4 * scale), _n2(1.05 * scale)
    return (
        f'<pattern id="{ident}" width="{size}" height="{size}" patternUnits="userSpaceOnUse">'
        f'<rect width="{size}" height="{size}" fill="{SPILL_BACK}"/>'
        f'<circle cx="{_n2(2 * scale)}" cy="{_n2(2 * scale)}" r="{r}" fill="{SPILL_DOT}"/></pattern>'
    )


def _n2(value: float) -> str:
    """A coordinate to 0.01 unit: close-ups magnify, so their marks need the finer grid."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


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
    every_inset: bool = False,
) -> tuple[str, tuple[str, ...]]:
    """The chart's SVG text, and the close-ups it draws: those with a zone, a site or a trigger point in them
    (every one with ``every_inset``), in rows under the figure."""
    view_w, view_h = body.width, body.height
    panel_x = MARGIN + 2 * view_w + GAP + 24
    width = panel_x + PANEL
    figure_bottom = HEADER + view_h + FOOTER
    depth = {rid: catalogue.depth(rid) for rid in catalogue.regions}
    drawn = [i for i in insets(catalogue, body) if every_inset or _has_content(i, styles, sites, marks)]
    rows_top = max(figure_bottom + (22 if caption else 0), HEADER + legend.y) + 12
    placed, rows_bottom = _layout(drawn, MARGIN, width - MARGIN, rows_top)
    height = max(figure_bottom + (22 if caption else 0), HEADER + legend.y + 20, rows_bottom + 16)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" aria-labelledby="chart-title chart-desc" font-family="{FONT}">',
        f'<title id="chart-title">{_esc(title)}</title>',
        f'<desc id="chart-desc">{_esc(desc)}</desc>',
        "<defs>",
        _dots("spillover-dots", 1.0),
        '<linearGradient id="heat-ramp">'
        + "".join(f'<stop offset="{_n(i / (len(RAMP) - 1) * 100)}%" stop-color="{c}"/>' for i, c in enumerate(RAMP))
        + "</linearGradient>",
        "</defs>",
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
        _text(MARGIN, 30, title, size=20, weight="bold"),
        _text(MARGIN, 50, subtitle, size=12.5, fill=MUTED),
    ]
    views: tuple[View, ...] = ("front", "back")
    for index, name in enumerate(views):
        view = body.views[name]
        ox = MARGIN + index * (view_w + GAP)
        out.append(f'<g id="{name}" transform="translate({_n(ox)} {_n(HEADER)})">')
        out.append(
            _text(view_w / 2, -1, "Front" if name == "front" else "Back", size=13, weight="bold", anchor="middle")
        )
        out += _view_body(catalogue, view, view.shapes.values(), depth, styles, sites, marks, prefix="", zoom=1.0)
        for inset, _, _ in placed:
            if inset.view == name:  # where each close-up comes from
                x, y, w, h = inset.box
                out.append(
                    f'<rect class="inset-frame" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
                    f'fill="none" stroke="{MUTED}" stroke-width="0.8" stroke-dasharray="3 2"/>'
                )
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
    for inset, (px, py), zoom in placed:
        out += _inset_panel(catalogue, body, inset, px, py, zoom, depth, styles, sites, marks)
    out.append(f'<g class="legend" transform="translate({_n(panel_x)} {_n(HEADER)})">')
    out += legend.rows
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n", tuple(f"{inset.name} {inset.view}" for inset, _, _ in placed)


def _view_body(
    catalogue: Catalogue,
    view: BodyView,
    shapes: Iterable[Shape],
    depth: Mapping[str, int],
    styles: Mapping[Key, _Style],
    sites: set[Key],
    marks: list[_Mark],
    *,
    prefix: str,
    zoom: float,
    box: tuple[float, float, float, float] | None = None,
) -> list[str]:
    """A view's silhouette, its region ``shapes`` and its trigger-point marks; in a close-up (``zoom`` > 1)
    lines are kept about as thin as in the figure, ids carry the close-up's ``prefix``, and only what reaches
    into its ``box`` is written."""
    name = view.name
    pieces = [p for p in view.outline if box is None or _overlaps(p, box)]
    # the silhouette: every piece stroked, then every piece filled over the strokes, so only the outer edge of
    # the union shows
    out = [_dots(f"{prefix}spillover-dots", 1.25 / zoom)] if prefix else []  # a close-up keeps the stipple fine
    out += [
        f'<g class="silhouette" fill="none" stroke="{SILHOUETTE}" stroke-width="{_n2(2.6 / zoom**0.5)}" '
        'stroke-linejoin="round">'
    ]
    out += [f'<polygon points="{_points(p)}"/>' for p in pieces]
    out.append(f'</g><g class="silhouette" fill="{SKIN}">')
    out += [f'<polygon points="{_points(p)}"/>' for p in pieces]
    out.append("</g>")
    out.append(f'<g class="regions" stroke="{EDGE}" stroke-width="{_n2(0.5 / zoom**0.5)}" stroke-linejoin="round">')
    # parents under children (an eye over its orbit), sites last so their outline is not painted over
    ordered = sorted(
        shapes, key=lambda s: ((name, s.region, s.side) in sites, depth.get(s.region, 99), s.region, s.side)
    )
    for shape in ordered:
        if shape.region in catalogue.regions and name not in catalogue.regions[shape.region].views:
            continue  # a user catalogue may have taken this view away from the region
        style = styles.get((name, shape.region, shape.side))
        if style is not None and style.fill == SPILLOVER and prefix:
            style = _Style(style.kind, f"url(#{prefix}spillover-dots)")
        out.append(_shape_element(catalogue, shape, style, sites, prefix=prefix, zoom=zoom))
    out.append("</g>")
    out += [
        _cross(mark.point, mark.label, zoom, mark.trigger_point)
        for mark in marks
        if mark.view == name and (box is None or _overlaps((mark.point,), box))
    ]
    return out


def _overlaps(points: Sequence[Point], box: tuple[float, float, float, float]) -> bool:
    """True if the bounding box of ``points`` meets ``box`` (x, y, width, height)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x, y, width, height = box
    return min(xs) <= x + width and max(xs) >= x and min(ys) <= y + height and max(ys) >= y


def _has_content(inset: Inset, styles: Mapping[Key, _Style], sites: set[Key], marks: list[_Mark]) -> bool:
    keys = {(inset.view, shape.region, shape.side) for shape in inset.shapes}
    return bool(keys & (set(styles) | sites)) or any(
        mark.view == inset.view and inset.contains(mark.point) for mark in marks
    )


def _inset_kind(inset: Inset) -> str:
    return inset.name.rsplit("_", 1)[-1]


def _layout(
    drawn: list[Inset], left: float, right: float, top: float
) -> tuple[list[tuple[Inset, Point, float]], float]:
    """Close-ups left to right in rows from ``top`` (a close-up's front and back views side by side), each
    scaled to its kind's height; returns where each goes, its scale, and the bottom of the last row."""
    placed: list[tuple[Inset, Point, float]] = []
    x, y, row_height = left, top, 0.0
    for inset in drawn:
        _, _, w, h = inset.box
        zoom = INSET_HEIGHT[_inset_kind(inset)] / h
        panel_w, panel_h = max(w * zoom, 6.8 * len(_inset_title(inset))), h * zoom + 36
        if x > left and x + panel_w > right:
            x, y, row_height = left, y + row_height + INSET_GAP, 0.0
        placed.append((inset, (x, y), zoom))
        x += panel_w + INSET_GAP
        row_height = max(row_height, panel_h)
    return placed, y + row_height


def _inset_panel(
    catalogue: Catalogue,
    body: BodyChart,
    inset: Inset,
    px: float,
    py: float,
    zoom: float,
    depth: Mapping[str, int],
    styles: Mapping[Key, _Style],
    sites: set[Key],
    marks: list[_Mark],
) -> list[str]:
    x, y, w, h = inset.box
    view = body.views[inset.view]
    out = [
        f'<g id="inset-{inset.name}-{inset.view}" class="inset" data-inset="{inset.name}" data-view="{inset.view}" '
        f'transform="translate({_n(px)} {_n(py)})">',
        _text(0, 12, _inset_title(inset), size=11.5, weight="bold", fill=INK),
        f'<svg x="0" y="18" width="{_n(w * zoom)}" height="{_n(h * zoom)}" '
        f'viewBox="{_n2(x)} {_n2(y)} {_n2(w)} {_n2(h)}" overflow="hidden">',
    ]
    out += _view_body(
        catalogue, view, inset.shapes, depth, styles, sites, marks, prefix=f"{inset.name}-", zoom=zoom, box=inset.box
    )
    out.append("</svg>")
    out.append(f'<rect x="0" y="18" width="{_n(w * zoom)}" height="{_n(h * zoom)}" fill="none" stroke="{EDGE}"/>')
    if inset.side is None:  # a close-up of both sides says which is which, as the figure does
        sides = ("patient's right", "patient's left")
        first, last = sides if inset.view == "front" else sides[::-1]
        out.append(_text(0, h * zoom + 32, first, size=10.5, fill=MUTED))
        out.append(_text(w * zoom, h * zoom + 32, last, size=10.5, fill=MUTED, anchor="end"))
    out.append("</g>")
    return out


def _inset_title(inset: Inset) -> str:
    face = {
        ("hand", "front"): "palm",
        ("hand", "back"): "back",
        ("foot", "front"): "top",
        ("foot", "back"): "sole",
    }.get((_inset_kind(inset), inset.view), inset.view)
    return f"{inset.label}, {face}"


@cache
def _points(points: tuple[Point, ...]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _attribute(svg: str, name: str) -> str:
    """The value of attribute ``name`` on the ``<svg>`` element that opens ``svg``."""
    head = svg[: svg.find(">")]
    marker = f' {name}="'
    start = head.find(marker)
    return head[start + len(marker) : head.find('"', start + len(marker))] if start >= 0 else "?"


def _shape_element(
    catalogue: Catalogue, shape: Shape, style: _Style | None, sites: set[Key], *, prefix: str = "", zoom: float = 1.0
) -> str:
    key = (shape.view, shape.region, shape.side)
    region = catalogue.regions.get(shape.region)
    name = region.name if region else shape.region.replace("_", " ")
    if shape.side != "mid":
        name = f"{name} ({shape.side})"
    classes = [style.kind if style else "plain"]
    attrs = f'fill="{style.fill if style else SKIN}"'
    if key in sites:
        classes.append("site")
        attrs += f' stroke="{INK}" stroke-width="{_n2(2.4 / zoom**0.5)}"'
    return (
        f'<polygon id="{prefix}{shape.view}-{shape.region}-{shape.side}" class="{" ".join(classes)}" '
        f'data-view="{shape.view}" data-region="{shape.region}" data-side="{shape.side}" {attrs} '
        f'points="{shape.svg_points()}"><title>{_esc(name)}</title></polygon>'
    )

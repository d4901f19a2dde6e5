"""The atlas: a page per muscle and per body area, written from a catalogue at the start of a Sphinx build.

:func:`write_atlas` is plain Python (it needs tpmap, not Sphinx) and writes MyST Markdown pages and SVG charts
into a folder; :func:`setup` runs it into ``docs/atlas/`` on ``config-inited``, from the shipped catalogue.
A file is rewritten only when its text changes, so Sphinx rebuilds only the pages whose data changed; pages
of muscles or areas that no longer exist are removed.

Layout of the folder::

    index.md                the atlas's front page
    muscles/index.md        every muscle by body area; muscles/<id>.md one page per muscle
    areas/index.md          the region tree; areas/<id>.md one page per region
    charts/muscle-<id>.svg  a muscle's referral pattern; charts/area-<id>.svg the likely sources of pain there
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tpmap

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["AREA_NAMES", "AtlasSummary", "md", "other_names", "setup", "short_citation", "write_atlas"]

AREA_NAMES = {
    "head_face": "Head and face",
    "neck": "Neck",
    "shoulder_upper_arm": "Shoulder and upper arm",
    "forearm_hand": "Forearm and hand",
    "trunk": "Trunk",
    "pelvis_hip": "Pelvis and hip",
    "thigh_knee": "Thigh and knee",
    "leg_foot": "Leg and foot",
}
"""Headings for the muscles' body areas (``Muscle.area``)."""

SIDE_WORDS = {
    "same": "on the same side as the trigger point",
    "opposite": "on the other side of the body",
    "both": "on both sides",
}
CHART_TOP = 5
"""Candidates drawn on an area's chart."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


@dataclass(frozen=True)
class AtlasSummary:
    """What one run of :func:`write_atlas` wrote: page ids by kind, and the files it changed."""

    muscles: tuple[str, ...]
    areas: tuple[str, ...]
    changed: tuple[Path, ...]


def write_atlas(catalogue: tpmap.Catalogue, folder: Path) -> AtlasSummary:
    """Write the atlas of ``catalogue`` into ``folder`` (created if needed); return what was written."""
    pages: dict[Path, str] = {}
    charts: dict[Path, str] = {}
    atlas = _Atlas(catalogue)
    for mid in sorted(catalogue.muscles):
        pages[Path("muscles", f"{mid}.md")] = atlas.muscle_page(mid)
        charts[Path("charts", f"muscle-{mid}.svg")] = tpmap.muscle_chart(catalogue, mid, side="right").svg
    for rid in sorted(catalogue.regions):
        pages[Path("areas", f"{rid}.md")] = atlas.area_page(rid)
        charts[Path("charts", f"area-{rid}.svg")] = atlas.area_chart(rid).svg
    pages[Path("index.md")] = atlas.front_page()
    pages[Path("muscles", "index.md")] = atlas.muscle_index()
    pages[Path("areas", "index.md")] = atlas.area_index()

    changed = [path for relative, text in {**pages, **charts}.items() if (path := _write(folder / relative, text))]
    wanted = {folder / relative for relative in (*pages, *charts)}
    for old in (*folder.glob("*/*.md"), *folder.glob("*/*.svg"), *folder.glob("*.md")):
        if old not in wanted:  # a muscle or area that the catalogue no longer has
            old.unlink()
    return AtlasSummary(tuple(sorted(catalogue.muscles)), tuple(sorted(catalogue.regions)), tuple(changed))


def _write(path: Path, text: str) -> Path | None:
    """Write ``text`` to ``path`` unless it already holds it (so that unchanged pages are not rebuilt)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def md(text: str) -> str:
    """``text`` with the characters Markdown would read as markup escaped.

    >>> md("TP1 [upper] *deep*")
    'TP1 \\\\[upper\\\\] \\\\*deep\\\\*'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def other_names(name: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """The aliases that say more than the name itself ("infraspinatus muscle" does not).

    >>> other_names("Temporalis", ("temporalis muscle", "temporal muscle"))
    ('temporal muscle',)
    """
    plain = name.lower()
    return tuple(a for a in aliases if a.lower().removesuffix(" muscle") != plain)


def short_citation(citation: str, kind: str) -> str:
    """A citation in a few words: first author and year for a book or article, the publisher for a page.

    >>> short_citation("Simons DG, Travell JG, Simons LS. Myofascial Pain. Baltimore; 1999.", "book")
    'Simons et al. 1999'
    >>> short_citation("Pain Whisperer (L. Perry). Causes of shoulder pain.", "web")
    'Pain Whisperer (L. Perry)'
    """
    if kind in ("book", "journal"):
        authors = citation.split(". ", 1)[0]
        years = re.findall(r"\b(?:19|20)\d\d\b", citation)
        first = authors.split(",")[0].split(" ")[0]
        name = f"{first} et al." if "," in authors else first
        return f"{name} {years[-1]}" if years else name
    return re.split(r"(?<!\b[A-Z])\. ", citation, maxsplit=1)[0].rstrip(".")  # not after an initial


def _figure(path: str, alt: str, caption: str) -> list[str]:
    """A chart as a figure that opens full size when selected (the charts hold small print)."""
    return [
        f"```{{figure}} {path}",
        f":alt: {' '.join(alt.split())}",
        ":width: 100%",  # a scaled image links to the full-size file
        "",
        caption,
        "```",
        "",
    ]


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


class _Atlas:
    """The pages of one catalogue; links are relative to the page's own folder."""

    def __init__(self, catalogue: tpmap.Catalogue) -> None:
        self.cat = catalogue
        self.rankings: dict[str, tpmap.Ranking] = {}
        self.guides_by_region: dict[str, list[Any]] = {}
        for guide in catalogue.pain_guides.values():
            self.guides_by_region.setdefault(guide.region, []).append(guide)

    # ------------------------------------------------------------------------------------------ links

    def area_link(self, rid: str, folder: str = "..") -> str:
        return f"[{md(self.cat.regions[rid].name)}]({folder}/areas/{rid}.md)"

    def muscle_link(self, mid: str, folder: str = "..") -> str:
        return f"[{md(self.cat.muscles[mid].name)}]({folder}/muscles/{mid}.md)"

    def short_source(self, ref: Any) -> str:
        """A source in a few words, its full citation in the page's list of sources or the guide's area page."""
        source = self.cat.sources[ref.source]
        words = short_citation(source.citation, source.kind)
        return f"{md(words)} ({md(ref.locator)})" if ref.locator else md(words)

    def source_line(self, ref: Any) -> str:
        source = self.cat.sources[ref.source]
        text = md(source.citation)
        if source.url:
            text += f" <{source.url}>"
        if ref.locator:
            text += f" ({md(ref.locator)})"
        return text

    # ------------------------------------------------------------------------------------------ muscles

    def muscle_page(self, mid: str) -> str:
        cat = self.cat
        muscle = cat.muscles[mid]
        out = [f"(atlas-muscle-{mid})=", f"# {md(muscle.name)}", ""]
        facts = [f"**Body area:** {AREA_NAMES[muscle.area]}"]
        aliases = other_names(muscle.name, muscle.aliases)
        if aliases:
            facts.append("**Also called:** " + ", ".join(md(a) for a in aliases))
        groups = [g for g in cat.groups.values() if mid in g.members]
        if groups:
            facts.append("**Named with:** " + ", ".join(md(g.name) for g in groups))
        facts.append(f"**Id:** `{mid}`")
        out += [" · ".join(facts), ""]
        out += _figure(
            f"../charts/muscle-{mid}.svg",
            f"Body chart of the referral pattern of {muscle.name} on the right side: trigger points marked with a "
            "cross, essential zones solid, spillover zones stippled",
            f"Drawn for a muscle on the patient's right side (select the chart to enlarge it). "
            f"`tpmap chart {mid} --side left -o chart.svg` draws the left; `tpmap muscle {mid}` prints this page's "
            "facts.",
        )

        out += ["## Trigger points", ""]
        for number, tp in enumerate(muscle.trigger_points, 1):
            out += [f"### {number}. {md(tp.name or tp.id.replace('_', ' '))}", ""]
            out.append(f"- **Lies in:** {self.area_link(tp.location.region)}: {md(tp.location.description)}")
            out.append("- **Essential zone:** " + ", ".join(self.area_link(r) for r in tp.essential))
            if tp.spillover:
                out.append("- **Spillover zone:** " + ", ".join(self.area_link(r) for r in tp.spillover))
            if tp.sensations:
                out.append("- **Felt besides pain:** " + ", ".join(s.replace("_", " ") for s in tp.sensations))
            out.append(f"- **Refers:** {SIDE_WORDS[tp.side]}")
            if tp.notes:
                out.append(f"- **Note:** {md(tp.notes)}")
            out.append("")

        if muscle.conditions:
            out += ["## Conditions its pattern can mimic", ""]
            for cid in muscle.conditions:
                condition = cat.conditions[cid]
                line = f"- {md(condition.name)}"
                if condition.aliases:
                    line += " (" + ", ".join(md(a) for a in condition.aliases) + ")"
                if condition.red_flag:
                    line += f". **Rule out first:** {md(condition.red_flag)}"
                out.append(line)
            out.append("")
        for title, ids, table in (
            ("Movements it restricts", muscle.movements, cat.movements),
            ("What aggravates it", muscle.aggravators, cat.aggravators),
        ):
            if ids:
                out += [f"## {title}", "", *(f"- {md(table[i].name)}" for i in ids), ""]

        out += ["## Innervation", ""]
        nerve = muscle.innervation
        if nerve is None or not (nerve.nerves or nerve.roots or nerve.cranial_nerves):
            out += ["Not recorded in the catalogue.", ""]
        else:
            if nerve.nerves:
                out.append("- **Nerves:** " + ", ".join(md(n) for n in nerve.nerves))
            if nerve.roots:
                out.append("- **Spinal roots:** " + ", ".join(nerve.roots))
            if nerve.cranial_nerves:
                out.append("- **Cranial nerves:** " + ", ".join(nerve.cranial_nerves))
            out.append("")

        related = cat.associated(mid)
        if related:
            out += [
                "## Related muscles",
                "",
                "Satellites and functional partners, examined together with this muscle: "
                + ", ".join(self.muscle_link(m.id) for m in related)
                + ".",
                "",
            ]

        listed = [
            (guide, index)
            for guide in sorted(cat.pain_guides.values(), key=lambda g: g.id)
            for index, entry in enumerate(guide.muscles, 1)
            if entry.muscle == mid
        ]
        if listed:
            out += ["## In the pain guides", ""]
            out += [
                f"- {self.area_link(guide.region)}: {_ordinal(index)} of {len(guide.muscles)} in "
                + "; ".join(self.short_source(ref) for ref in guide.sources)
                for guide, index in listed
            ]
            out.append("")

        if muscle.xrefs and (muscle.xrefs.uberon or muscle.xrefs.fma):
            out += ["## In anatomy ontologies", ""]
            if muscle.xrefs.uberon:
                digits = muscle.xrefs.uberon.split(":")[1]
                out.append(f"- UBERON: [{muscle.xrefs.uberon}](http://purl.obolibrary.org/obo/UBERON_{digits})")
            if muscle.xrefs.fma:
                digits = muscle.xrefs.fma.split(":")[1]
                out.append(f"- FMA: [{muscle.xrefs.fma}](http://purl.org/sig/ont/fma/fma{digits})")
            out.append("")

        if muscle.notes:
            out += ["## Notes", "", md(muscle.notes), ""]
        out += ["## Sources", "", *(f"1. {self.source_line(ref)}" for ref in muscle.sources), ""]
        return "\n".join(out)

    def muscle_index(self) -> str:
        cat = self.cat
        out = [
            "(atlas-muscles)=",
            "# Muscles",
            "",
            f"The {len(cat.muscles)} muscles of the catalogue, by body area. Each page shows the muscle's trigger "
            "points and referral pattern on the body chart, the conditions its pattern can mimic, the movements it "
            "restricts, what aggravates it, its innervation and its sources.",
            "",
        ]
        for area, heading in AREA_NAMES.items():
            members = sorted((m for m in cat.muscles.values() if m.area == area), key=lambda m: m.name.lower())
            if not members:
                continue
            out += [f"## {heading}", ""]
            for muscle in members:
                aliases = other_names(muscle.name, muscle.aliases)[:3]
                also = f" ({', '.join(md(a) for a in aliases)})" if aliases else ""
                out.append(f"- {self.muscle_link(muscle.id, '..')}{also}")
            out.append("")
        by_name = sorted(cat.muscles.values(), key=lambda m: m.name.lower())
        out += ["```{toctree}", ":hidden:", "", *(m.id for m in by_name), "```", ""]
        return "\n".join(out)

    # ------------------------------------------------------------------------------------------ areas

    def guides_for(self, rid: str) -> tuple[str | None, list[Any]]:
        """The pain guides of ``rid``, or else of its nearest ancestor that has some (and that ancestor)."""
        for candidate in (rid, *self.cat.ancestors(rid)):
            if candidate in self.guides_by_region:
                return candidate, sorted(self.guides_by_region[candidate], key=lambda g: g.id)
        return None, []

    def frequency_order(self, rid: str, muscles: Iterable[Any]) -> list[Any]:
        """``muscles`` most frequent first: by their best place in the area's pain guides, then by name."""
        _, guides = self.guides_for(rid)
        best: dict[str, float] = {}
        for guide in guides:
            for index, entry in enumerate(guide.muscles):
                place = index / len(guide.muscles)
                best[entry.muscle] = min(best.get(entry.muscle, 1.0), place)
        return sorted(muscles, key=lambda m: (best.get(m.id, 1.0) if m.id in best else 2.0, m.name.lower()))

    def ranking(self, rid: str) -> tpmap.Ranking:
        """tpmap's ranking for pain at ``rid`` alone, computed once for the page and its chart."""
        if rid not in self.rankings:
            self.rankings[rid] = tpmap.rank(self.cat, tpmap.Site(region=rid))
        return self.rankings[rid]

    def area_chart(self, rid: str) -> tpmap.Chart:
        return tpmap.ranking_chart(self.ranking(rid), top=CHART_TOP)

    def area_page(self, rid: str) -> str:
        cat = self.cat
        region = cat.regions[rid]
        out = [f"(atlas-area-{rid})=", f"# {md(region.name)}", ""]
        facts = []
        if region.terms:
            facts.append("**Also said:** " + ", ".join(md(t) for t in region.terms))
        if region.parent:
            facts.append("**Part of:** " + self.area_link(region.parent))
        facts.append("**Midline**" if region.laterality == "midline" else "**Paired** (left and right)")
        facts.append(f"**Id:** `{rid}`")
        out += [" · ".join(facts), ""]
        children = cat.children(rid)
        if children:
            out += ["**Contains:** " + ", ".join(self.area_link(c) for c in children), ""]
        adjacent = sorted(cat.adjacent(rid))
        if adjacent:
            out += ["**Next to:** " + ", ".join(self.area_link(a) for a in adjacent), ""]
        codes = cat.choir_codes(rid)
        extra = []
        if codes:
            own = "" if region.choir else " (those of the area that contains it)"
            extra.append("CHOIR body-map segments " + ", ".join(str(c) for c in codes) + own)
        elif region.choir_none:
            extra.append(f"no CHOIR body-map segment: {md(region.choir_none)}")
        if region.uberon:
            number = region.uberon.split(":")[1]
            extra.append(f"UBERON [{region.uberon}](http://purl.obolibrary.org/obo/UBERON_{number})")
        if extra:
            sentence = "; ".join(extra)
            out += [sentence[0].upper() + sentence[1:] + ".", ""]

        ranking = self.ranking(rid)
        top = ", ".join(f"{self.muscle_link(c.muscle.id)} {c.probability:.0%}" for c in ranking.candidates[:CHART_TOP])
        out += _figure(
            f"../charts/area-{rid}.svg",
            f"Body chart: {region.name.lower()} outlined, and a heat map of where the {CHART_TOP} most likely "
            "muscles for pain there refer",
            f"The {CHART_TOP} muscles tpmap ranks first for pain here alone (on the right side when the area is "
            f"paired): {top}. `tpmap rank {rid}` gives the whole ranking; the lists below follow the pain guides "
            "instead.",
        )

        essential = cat.muscles_referring_to(rid, "essential")
        spill_only = [m for m in cat.muscles_referring_to(rid, "spillover") if m not in essential]
        guide_area, _ = self.guides_for(rid)
        out += ["## Muscles that refer pain here", ""]
        if not essential and not spill_only:
            out += ["No muscle of the catalogue has a referral zone here.", ""]
        else:
            if guide_area == rid:
                order = "Most frequent first, as the pain guides for this area list them; then by name."
            elif guide_area is not None:
                order = (
                    "Most frequent first, as the pain guides for "
                    f"{self.area_link(guide_area)} (which contains this area) list them; then by name."
                )
            else:
                order = "No pain guide covers this area: by name."
            out += [
                "A zone counts when it is this area, lies inside it (the parts it covers are in brackets), or "
                "contains it (as part of a larger area). " + order,
                "",
            ]
            for title, muscles, kind in (
                ("Essential zone", essential, "essential"),
                ("Spillover zone only", spill_only, "spillover"),
            ):
                if muscles:
                    out += [f"### {title}", ""]
                    out += [
                        f"1. {self.muscle_link(m.id)}{self.zone_words(m.id, rid, kind)}"
                        for m in self.frequency_order(rid, muscles)
                    ]
                    out.append("")

        located = [
            (muscle, tp)
            for muscle in sorted(cat.muscles.values(), key=lambda m: m.name.lower())
            for tp in muscle.trigger_points
            if cat.is_within(tp.location.region, rid)
        ]
        if located:
            out += ["## Trigger points that lie here", ""]
            out += [
                f"- {self.muscle_link(m.id)}: {md(tp.name or tp.id.replace('_', ' '))} ({md(tp.location.description)})"
                for m, tp in located
            ]
            out.append("")

        own_guides = self.guides_by_region.get(rid, [])
        if own_guides:
            out += ["## Pain guides for this area", ""]
            for guide in sorted(own_guides, key=lambda g: g.id):
                cited = "; ".join(self.source_line(ref) for ref in guide.sources)
                out += [f"From {cited}:", ""]
                out += [f"1. {self.muscle_link(entry.muscle)}" for entry in guide.muscles]
                out.append("")
                if guide.notes:
                    out += [md(guide.notes), ""]
        return "\n".join(out)

    def zone_words(self, mid: str, rid: str, kind: str) -> str:
        """Where the zones of ``mid`` of ``kind`` meet ``rid``, unless one is ``rid`` itself: the parts of ``rid``
        they cover, or the larger areas they cover it as part of.

        >>> import tpmap
        >>> _Atlas(tpmap.load_catalogue()).zone_words("opponens_pollicis", "hand", "essential")
        ' (thumb)'
        """
        cat = self.cat
        inside: list[str] = []
        around: list[str] = []
        for region in dict.fromkeys(
            z.region
            for z in cat.zones(mid)
            if z.kind == kind and (cat.is_within(z.region, rid) or cat.is_within(rid, z.region))
        ):
            if region == rid:
                return ""  # the zone is this very area: nothing to add
            (inside if cat.is_within(region, rid) else around).append(md(cat.regions[region].name.lower()))
        words = ", ".join(inside)
        if around:
            words += ("; " if words else "") + "as part of the " + " and the ".join(around)
        return f" ({words})"

    def area_index(self) -> str:
        cat = self.cat
        out = [
            "(atlas-areas)=",
            "# Body areas",
            "",
            f"The {len(cat.regions)} body areas of the catalogue, as a part-of tree. Each page lists the muscles "
            "that refer pain there (essential zone first, most frequent first), the trigger points that lie there, "
            "and the pain guides for the area. In brackets: how many muscles refer pain there.",
            "",
        ]
        roots = sorted((r for r in cat.regions if not cat.regions[r].parent), key=str.lower, reverse=True)
        stack: list[tuple[str, int]] = [(r, 0) for r in roots]
        while stack:
            rid, level = stack.pop()
            count = len(cat.muscles_referring_to(rid))
            out.append(f"{'  ' * level}- {self.area_link(rid, '..')} ({count})")
            children = sorted(cat.children(rid), key=lambda c: cat.regions[c].name.lower(), reverse=True)
            stack.extend((child, level + 1) for child in children)  # popped in order of name
        out.append("")
        by_name = sorted(cat.regions.values(), key=lambda r: r.name.lower())
        out += ["```{toctree}", ":hidden:", "", *(r.id for r in by_name), "```", ""]
        return "\n".join(out)

    # ------------------------------------------------------------------------------------------ front

    def front_page(self) -> str:
        cat = self.cat
        points = sum(len(m.trigger_points) for m in cat.muscles.values())
        return "\n".join(
            [
                "(atlas)=",
                "# The atlas",
                "",
                f"The whole catalogue as pages: {len(cat.muscles)} muscles with {points} trigger points, and "
                f"{len(cat.regions)} body areas. It is written from the catalogue every time the site is built, so "
                "it shows exactly what tpmap ranks with.",
                "",
                "- {ref}`atlas-muscles`: a page per muscle, with its referral pattern drawn on the body chart.",
                "- {ref}`atlas-areas`: a page per body area, with the muscles that refer pain there.",
                "",
                "The charts follow the convention of the trigger-point literature: a cross where the trigger point "
                "lies, the essential zone (felt by nearly everyone with an active trigger point there) solid, the "
                "spillover zone (felt by some) stippled. The search box finds a muscle, an area or a lay term.",
                "",
                ":::{note}",
                "Referral patterns are a clinical convention whose science is still debated, and serious "
                "conditions can cause the same pain. The atlas is for people who examine patients; it does not "
                "diagnose.",
                ":::",
                "",
                "```{toctree}",
                ":hidden:",
                "",
                "muscles/index",
                "areas/index",
                "```",
                "",
            ]
        )


def _on_config_inited(app: Sphinx, config: Config) -> None:
    from sphinx.util import logging  # noqa: PLC0415 - here, so that the generator runs without Sphinx

    folder = Path(app.srcdir) / "atlas"
    summary = write_atlas(tpmap.load_catalogue(), folder)
    pages = len(summary.muscles) + len(summary.areas)
    logging.getLogger(__name__).info(f"atlas: {pages} muscle and area pages, {len(summary.changed)} files changed")


def setup(app: Sphinx) -> dict[str, Any]:
    """Write the atlas from the shipped catalogue when a build starts."""
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": tpmap.__version__}

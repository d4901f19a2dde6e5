"""What a catalogue holds, and where it has gaps.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> figures = catalogue_stats(cat)
>>> figures["counts"]["muscles"] == len(cat.muscles)
True
>>> sorted(figures["muscles_lacking"])  # doctest: +NORMALIZE_WHITESPACE
['aggravators', 'aliases', 'associated', 'conditions', 'innervation', 'movements', 'nerve_roots', 'notes',
 'xrefs']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from .catalogue import Catalogue
from .records import AREAS, Condition, Muscle, MuscleGroup, PainGuide, PrevalenceStudy

__all__ = ["catalogue_stats", "format_stats"]

_OPTIONAL: dict[str, Any] = {
    "aliases": lambda m: m.aliases,
    "innervation": lambda m: m.innervation and m.innervation.nerves,
    # A muscle supplied by a cranial nerve alone has no spinal roots to give, so it does not lack them.
    "nerve_roots": lambda m: m.innervation and (m.innervation.roots or m.innervation.cranial_nerves),
    "conditions": lambda m: m.conditions,
    "movements": lambda m: m.movements,
    "aggravators": lambda m: m.aggravators,
    "associated": lambda m: m.associated,
    "xrefs": lambda m: m.xrefs,
    "notes": lambda m: m.notes,
}
"""Optional muscle fields, and how to tell whether a muscle fills each."""


def catalogue_stats(catalogue: Catalogue) -> dict[str, Any]:
    """Counts of every kind of record, per-area figures, and the muscles lacking each optional field.

    ``muscles_lacking`` maps each optional field to the ids of the muscles that leave it empty, so the gaps of
    a catalogue are visible (and can be tracked over time); ``unused`` lists the regions, conditions,
    movements, aggravators and sources nothing refers to.
    """
    muscles = list(catalogue.muscles.values())
    tps = [tp for m in muscles for tp in m.trigger_points]
    used_regions = {
        r for m in muscles for z in catalogue.zones(m.id) for r in (z.region, *catalogue.ancestors(z.region))
    }
    used_regions |= {r for tp in tps for r in (tp.location.region, *catalogue.ancestors(tp.location.region))}
    sections: tuple[Iterable[Muscle | Condition | PainGuide | PrevalenceStudy | MuscleGroup], ...] = (
        muscles,
        catalogue.conditions.values(),
        catalogue.pain_guides.values(),
        catalogue.prevalence.values(),
        catalogue.groups.values(),
    )
    cited = {ref.source for entries in sections for entry in entries for ref in entry.sources}
    return {
        "counts": {
            "muscles": len(muscles),
            "trigger_points": len(tps),
            "zones": sum(len(tp.essential) + len(tp.spillover) for tp in tps),
            "essential_zones": sum(len(tp.essential) for tp in tps),
            "spillover_zones": sum(len(tp.spillover) for tp in tps),
            "regions": len(catalogue.regions),
            "drawn_regions": sum(1 for r in catalogue.regions.values() if r.views),
            "conditions": len(catalogue.conditions),
            "red_flag_conditions": sum(1 for c in catalogue.conditions.values() if c.red_flag),
            "movements": len(catalogue.movements),
            "aggravators": len(catalogue.aggravators),
            "sources": len(catalogue.sources),
            "pain_guides": len(catalogue.pain_guides),
            "pain_guide_areas": len({guide.region for guide in catalogue.pain_guides.values()}),
            "prevalence_studies": len(catalogue.prevalence),
            "conditions_studied": len({study.condition for study in catalogue.prevalence.values()}),
            "muscle_groups": len(catalogue.groups),
        },
        "by_area": {
            area: {
                "muscles": sum(1 for m in muscles if m.area == area),
                "trigger_points": sum(len(m.trigger_points) for m in muscles if m.area == area),
            }
            for area in AREAS
        },
        "sensations": dict(sorted(Counter(s for tp in tps for s in tp.sensations).items())),
        "trigger_points_without_spillover": sum(1 for tp in tps if not tp.spillover),
        "muscles_lacking": {field: _lacking(muscles, field) for field in _OPTIONAL},
        "unused": {
            "regions": sorted(set(catalogue.regions) - used_regions),
            "conditions": sorted(c for c in catalogue.conditions if not any(c in m.conditions for m in muscles)),
            "movements": sorted(x for x in catalogue.movements if not any(x in m.movements for m in muscles)),
            "aggravators": sorted(x for x in catalogue.aggravators if not any(x in m.aggravators for m in muscles)),
            "sources": sorted(set(catalogue.sources) - cited),
        },
    }


def _lacking(muscles: list[Muscle], field: str) -> list[str]:
    return sorted(m.id for m in muscles if not _OPTIONAL[field](m))


def format_stats(figures: dict[str, Any]) -> str:
    """The figures of :func:`catalogue_stats` as a short plain-text report."""
    counts = figures["counts"]
    lines = ["catalogue"]
    lines += [f"  {name.replace('_', ' '):<22} {value:>5}" for name, value in counts.items()]
    lines.append("by area                  muscles  trigger points")
    lines += [
        f"  {area:<22} {row['muscles']:>5}  {row['trigger_points']:>5}" for area, row in figures["by_area"].items()
    ]
    lines.append(f"trigger points without spillover: {figures['trigger_points_without_spillover']}")
    lines.append("sensations recorded: " + ", ".join(f"{s} {n}" for s, n in figures["sensations"].items()))
    lines.append(f"muscles lacking (of {counts['muscles']})")
    for field, ids in figures["muscles_lacking"].items():
        shown = ", ".join(ids[:6]) + (", ..." if len(ids) > 6 else "")
        lines.append(f"  {field:<22} {len(ids):>5}" + (f"  {shown}" if ids else ""))
    lines.append("unused")
    for kind, ids in figures["unused"].items():
        lines.append(f"  {kind:<22} {len(ids):>5}" + (f"  {', '.join(ids)}" if ids else ""))
    return "\n".join(lines)

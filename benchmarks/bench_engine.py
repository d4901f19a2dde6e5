"""The scoring engine against its goals, each figure measured in one run next to its own baseline.

Run from the top of the checkout (about ten minutes on two cores; ``--quick`` leaves out the slow 100× load)::

    python benchmarks/bench_engine.py
    python benchmarks/bench_engine.py --repeats 31 --reports 4000
    python benchmarks/bench_engine.py --quick

Baselines, written here so that the figures do not depend on anything else in the repository:

- **the floor**: a hand-written inverted index over the same catalogue (region and side → the muscles whose
  zones are there, inside it, around it or next to it, with a weight per kind of match), scoring the same
  findings (sites, absent places, sensations, conditions) and making the evidence of the candidates shown.
  It is what a scorer that does nothing but add up postings costs: the fastest a rank can be in Python.
- **the naive walk**: every muscle's zones reached through the networkx graph, each finding tested against
  each zone by walking the part-of edges, as code written straight from the data model would.
- **synthetic catalogues** 10× and 100× larger: the region tree and the muscles copied with suffixed ids
  (each copy's regions under the same root), built through the public ``Catalogue`` constructor, and written
  to YAML files (one per copy, inside the file limits) to time loading.
- **a process that only imports the dependencies** (pydantic, networkx, yaml), for a cold ``tpmap rank``.

Each line prints the figure, the goal and PASS or FAIL. "rank" is :func:`tpmap.score_query` on a built query
(the engine, from ids, as the floor is) with the evidence of the candidates shown (the first 10); ``rank``
from plain words is printed too, for information. Medians of ``--repeats`` runs (calls of under a few
milliseconds after ``WARMUP`` untimed runs, each side of a comparison alike); on a busy machine the ratios hold
better than the absolute times.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import pickle
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import tpmap
from tpmap.catalogue.loader import shipped_paths
from tpmap.catalogue.records import Muscle, Region, Side, referred_sides

SHOWN = 10
"""Candidates whose evidence is made, as a person reading the ranking sees them."""
WARMUP = 20
"""Untimed runs before timing a call of under a few milliseconds, each side of a comparison alike: CPython
specialises a function's bytecode over its first runs, and the allocator and caches settle."""

REPORTS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "1 site": (("outside of the elbow",), {"side": "right"}),
    "3 sites + a sensation": (("buttock", "back of the thigh", "calf"), {"side": "left", "sensations": ["tingling"]}),
    "6 sites + absent + condition": (
        ("temple", "jaw", "upper teeth", "back of the neck", "top of the shoulder", "behind the ear"),
        {"absent": ["forehead"], "conditions": ["tension-type headache"]},
    ),
}

# The floor's weights: log-likelihood ratios of a finding per kind of match (the work, not the model, is compared).
_MATCH = {"exact": 3.0, "inside": 2.5, "contains": 1.5, "adjacent": 0.5}
_SPILLOVER = 0.6
_NONE = -1.0
_SENSATION = 0.7
_CONDITION = 1.2
_ABSENT = -2.0

Candidate = tuple[str, str | None]
"""A floor candidate: a muscle id and a side."""


def median_seconds(
    action: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None, warmup: int = 0
) -> float:
    """The median time of ``action`` (``setup``, untimed, runs before each), after ``warmup`` untimed runs."""
    times = []
    for run in range(warmup + repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        if run >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


# ------------------------------------------------------------------------------------------ the floor


class Floor:
    """A hand-written inverted index: (region, site side) → the best weight per (muscle, muscle side)."""

    def __init__(self, catalogue: tpmap.Catalogue) -> None:
        self.muscles = tuple(sorted(catalogue.muscles))
        best: dict[tuple[str, str | None], dict[Candidate, float]] = defaultdict(dict)
        covers: dict[tuple[str, str | None], dict[Candidate, float]] = defaultdict(dict)
        sides: tuple[Side | None, ...] = ("left", "right", None)
        for muscle in self.muscles:
            for zone in catalogue.zones(muscle):
                weight = 1.0 if zone.kind == "essential" else _SPILLOVER
                reach = [(zone.region, "exact")]
                reach += [(d, "inside") for d in catalogue.descendants(zone.region)]
                reach += [(a, "contains") for a in catalogue.ancestors(zone.region)]
                reach += [(n, "adjacent") for n in catalogue.adjacent(zone.region)]
                for site_side in sides:
                    for muscle_side in sides:
                        if site_side is not None and site_side not in referred_sides(zone.side, muscle_side):
                            continue
                        candidate = (muscle, muscle_side)
                        for region, match in reach:
                            postings = best[(region, site_side)]
                            value = _MATCH[match] * weight - _NONE
                            if value > postings.get(candidate, -math.inf):
                                postings[candidate] = value
                            if zone.kind == "essential" and match in ("exact", "inside"):
                                covers[(region, site_side)][candidate] = _ABSENT
        self.postings = {key: tuple(found.items()) for key, found in best.items()}
        self.covers = {key: tuple(found.items()) for key, found in covers.items()}
        self.sensations = {
            (m.id, s): _SENSATION for m in catalogue.muscles.values() for tp in m.trigger_points for s in tp.sensations
        }
        self.mimics: dict[str, tuple[str, ...]] = defaultdict(tuple)
        for m in catalogue.muscles.values():
            for condition in m.conditions:
                self.mimics[condition] += (m.id,)

    def rank(self, query: tpmap.Query) -> list[tuple[Candidate, float, list[tuple[int, float]]]]:
        """The candidates shown, best first, each with its score and evidence (finding index, contribution)."""
        sided = any(site.side for site in query.sites)
        muscle_sides: tuple[str | None, ...] = ("left", "right") if sided else (None,)
        scores: dict[Candidate, float] = defaultdict(float)
        evidence: dict[Candidate, list[tuple[int, float]]] = defaultdict(list)
        for index, site in enumerate(query.sites):
            for candidate, value in self.postings.get((site.region, site.side), ()):
                if candidate[1] in muscle_sides:
                    scores[candidate] += value
                    evidence[candidate].append((index, value))
            for sensation in site.sensations:
                for candidate in list(scores):
                    bonus = self.sensations.get((candidate[0], sensation))
                    if bonus:
                        scores[candidate] += bonus
        for index, absent in enumerate(query.absent, start=len(query.sites)):
            for candidate, value in self.covers.get((absent.region, absent.side), ()):
                if candidate[1] in muscle_sides:
                    scores[candidate] += value
                    evidence[candidate].append((index, value))
        for condition in query.conditions:
            for muscle in self.mimics[condition]:
                for side in muscle_sides:
                    scores[(muscle, side)] += _CONDITION
        base = _NONE * len(query.sites)  # every muscle's score before the postings; the tail keeps it
        tail = len(self.muscles) * len(muscle_sides) - len(scores)
        total = sum(math.exp(base + s) for s in scores.values()) + tail * math.exp(base)
        shown = sorted(scores.items(), key=lambda item: (-item[1], item[0][0], item[0][1] or ""))[:SHOWN]
        return [(c, math.exp(base + s) / total, evidence[c]) for c, s in shown]


# ------------------------------------------------------------------------------------------ the naive walk


def naive_walk(catalogue: tpmap.Catalogue, query: tpmap.Query) -> list[tuple[Candidate, float]]:
    """Every muscle's zones reached through the graph and tested against each site, as straightforward code does.

    Each site's surroundings (the regions around it, inside it and next to it) are walked once through the
    part-of and adjacency edges; then every muscle's trigger points and zones are walked edge by edge.
    """
    graph = catalogue.graph

    def along(node: str, relation: str, backwards: bool = False) -> set[str]:
        found, todo = set(), [node]
        while todo:
            here = todo.pop()
            edges = graph.in_edges(here, data="relation") if backwards else graph.out_edges(here, data="relation")
            for start, end, kind in edges:
                other = start if backwards else end
                if kind == relation and other not in found:
                    found.add(other)
                    if relation == "part_of":
                        todo.append(other)
        return found

    sites = []
    for site in query.sites:
        here = f"region:{site.region}"
        sites.append((site, here, along(here, "part_of"), along(here, "part_of", True), along(here, "adjacent_to")))
    sided = any(site.side for site in query.sites)
    scores: list[tuple[Candidate, float]] = []
    for node, kind in graph.nodes(data="kind"):
        if kind != "muscle":
            continue
        muscle = graph.nodes[node]["id"]
        for side in ("left", "right") if sided else (None,):
            score = 0.0
            for site, here, around, inside, beside in sites:
                best = _NONE
                for _, tp, relation in graph.out_edges(node, data="relation"):
                    if relation != "has_trigger_point":
                        continue
                    pattern = graph.nodes[tp]["record"].side
                    if site.side is not None and site.side not in referred_sides(pattern, side):
                        continue
                    for _, zone_region, data in graph.out_edges(tp, data=True):
                        if data["relation"] != "refers_to":
                            continue
                        weight = 1.0 if data["zone"] == "essential" else _SPILLOVER
                        if zone_region == here:
                            value = _MATCH["exact"]
                        elif zone_region in around:
                            value = _MATCH["inside"]
                        elif zone_region in inside:
                            value = _MATCH["contains"]
                        elif zone_region in beside:
                            value = _MATCH["adjacent"]
                        else:
                            continue
                        best = max(best, value * weight)
                score += best
            scores.append(((muscle, side), score))
    scores.sort(key=lambda item: (-item[1], item[0][0], item[0][1] or ""))
    return scores


# ------------------------------------------------------------------------------------------ synthetic catalogues


def copied(catalogue: tpmap.Catalogue, copy: int) -> tuple[list[Region], list[Muscle]]:
    """Copy ``copy`` of the region tree (under the same root) and of the muscles, with suffixed ids and names."""
    root = next(r.id for r in catalogue.regions.values() if r.parent is None)

    def rid(region: str) -> str:
        return region if region == root else f"{region}_x{copy}"

    region_fields = Region.model_fields
    regions = []
    for region in catalogue.regions.values():
        if region.id == root:
            continue
        changes: dict[str, Any] = {
            "id": rid(region.id),
            "name": f"{region.name} {copy}",
            "parent": rid(region.parent) if region.parent else None,
            "adjacent": tuple(rid(a) for a in region.adjacent),
            "terms": (),
        }
        changes.update({name: () for name in ("choir",) if name in region_fields})
        changes.update({name: None for name in ("xrefs", "uberon") if name in region_fields})
        regions.append(region.model_copy(update=changes))
    muscles = []
    for muscle in catalogue.muscles.values():
        points = tuple(
            tp.model_copy(
                update={
                    "location": tp.location.model_copy(update={"region": rid(tp.location.region)}),
                    "essential": tuple(rid(r) for r in tp.essential),
                    "spillover": tuple(rid(r) for r in tp.spillover),
                }
            )
            for tp in muscle.trigger_points
        )
        changes = {
            "id": f"{muscle.id}_x{copy}",
            "name": f"{muscle.name} {copy}",
            "aliases": (),
            "trigger_points": points,
            "associated": tuple(f"{a}_x{copy}" for a in muscle.associated),
        }
        changes.update({name: None for name in ("xrefs",) if name in Muscle.model_fields})
        muscles.append(muscle.model_copy(update=changes))
    return regions, muscles


def scaled(catalogue: tpmap.Catalogue, times: int) -> tpmap.Catalogue:
    """A catalogue ``times`` as large: the shipped one and ``times - 1`` copies, through the public constructor."""
    regions, muscles = list(catalogue.regions.values()), list(catalogue.muscles.values())
    for copy in range(1, times):
        more_regions, more_muscles = copied(catalogue, copy)
        regions += more_regions
        muscles += more_muscles
    return tpmap.Catalogue(
        sources=catalogue.sources.values(),
        regions=regions,
        conditions=catalogue.conditions.values(),
        movements=catalogue.movements.values(),
        aggravators=catalogue.aggravators.values(),
        muscles=muscles,
        pain_guides=catalogue.pain_guides.values(),
        prevalence=catalogue.prevalence.values(),
        groups=catalogue.groups.values(),
    )


def write_copies(catalogue: tpmap.Catalogue, times: int, folder: Path) -> list[Path]:
    """The copies of :func:`scaled` as YAML files, one per copy (each inside the catalogue file limits)."""
    paths = []
    for copy in range(1, times):
        regions, muscles = copied(catalogue, copy)
        data = {
            "regions": [r.model_dump(mode="json", exclude_defaults=True) for r in regions],
            "muscles": [m.model_dump(mode="json", exclude_defaults=True) for m in muscles],
        }
        path = folder / f"copy_{copy}.yaml"
        path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), "utf-8")
        paths.append(path)
    return paths


# ------------------------------------------------------------------------------------------ reports


def random_reports(catalogue: tpmap.Catalogue, count: int, seed: int = 14) -> list[dict[str, Any]]:
    """``count`` reports of 1 to 6 places (region ids, as a registry holds them), each with a side or none."""
    chooser = random.Random(seed)
    regions = sorted(r for r, region in catalogue.regions.items() if region.parent is not None)
    reports = []
    for _ in range(count):
        side = chooser.choice(["left", "right", None])
        report: dict[str, Any] = {"sites": chooser.sample(regions, chooser.randint(1, 6))}
        if side:
            report["side"] = side
        reports.append(report)
    return reports


def consume(results: Iterable[object], reading: bool) -> int:
    """Take every result of a batch, reading each ranking's first candidate (``reading``) or not."""
    if not reading:
        return len(list(results))
    return sum(1 for result in results if isinstance(result, tpmap.Ranking) and result[0].rank == 1)


def sent_back_seconds(catalogue: tpmap.Catalogue, queries: list[tpmap.Query]) -> float:
    """What the process calling ``rank_many(..., workers=N)`` spends on the rankings of ``queries`` sent back by a
    worker: unpickling them, putting each together and reading its first candidate (median of 3 runs)."""
    from tpmap.ranking import batch, scoring  # noqa: PLC0415 - internals, as they are in the version measured

    ahead = getattr(batch, "_PLACED", None)  # candidates a worker places before sending (none in 0.2.0)
    rankings = [tpmap.score_query(catalogue, q) for q in queries]
    parts = [scoring.ranking_parts(r) if ahead is None else scoring.ranking_parts(r, ahead) for r in rankings]
    sent = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
    weights = tpmap.Weights()
    return median_seconds(
        lambda: [scoring.ranking_from_parts(catalogue, weights, p)[0] for p in pickle.loads(sent)],
        3,
    )


def forget_kept_orders(catalogue: tpmap.Catalogue) -> bool | None:
    """Forget the orders kept for places reported alone (see ``_PriorOrder.placed``); None in a version that keeps
    none."""
    from tpmap.ranking import scoring  # noqa: PLC0415 - internals, as they are in the version measured

    prior = scoring._tables(catalogue).prior(tpmap.Weights()).order((), "active")
    placed = getattr(prior, "placed", None)
    if placed is None:
        return None
    placed.clear()
    return True


def shown_evidence(ranking: tpmap.Ranking) -> int:
    """Make the candidates shown and their evidence, as a reader of the ranking does."""
    return sum(len(c.evidence) for c in ranking[:SHOWN])


# ------------------------------------------------------------------------------------------ processes


def process_seconds(command: Sequence[str], env: dict[str, str]) -> float:
    """The wall-clock time of a process (see :func:`process_times` for its processor time too)."""
    return process_times(command, env)[0]


def process_times(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and processor time (user + system, its own children included) of one process run.

    On a machine shared with other work, processor time moves less than wall-clock time.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} failed: {done.stderr.strip()[-300:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cold_start(repeats: int, env: dict[str, str]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Medians of a process that only imports the dependencies and of a fresh ``tpmap rank``, run in turn: each
    as (wall-clock, processor) seconds."""
    deps = [sys.executable, "-c", "import pydantic, networkx, yaml"]
    rank = [sys.executable, "-m", "tpmap", "rank", "outside of the elbow", "--side", "right"]
    process_seconds(rank, env)  # fills the cache folder, as the first use after installing does
    pairs = [(process_times(deps, env), process_times(rank, env)) for _ in range(repeats)]
    return (
        (statistics.median(p[0][0] for p in pairs), statistics.median(p[0][1] for p in pairs)),
        (statistics.median(p[1][0] for p in pairs), statistics.median(p[1][1] for p in pairs)),
    )


def fresh_load(repeats: int, env: dict[str, str]) -> float:
    """Median of ``load_catalogue()`` in a fresh process (the cache folder filled), its modules imported first."""
    code = (
        "import time, tpmap\nload = tpmap.load_catalogue\n"
        "t = time.perf_counter()\nload()\nprint(time.perf_counter() - t)"
    )
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)]
    runs += [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        for _ in range(repeats)
    ]
    return statistics.median(float(r.stdout) for r in runs[1:])


def batch_file_rate(reports: list[dict[str, Any]], workers: int | None, env: dict[str, str]) -> float:
    """Reports per second of a whole ``tpmap rank-batch`` run (JSON Lines in and out, process start included)."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "reports.jsonl"), Path(folder, "ranked.jsonl")
        source.write_text("".join(json.dumps({"id": i, **r}) + "\n" for i, r in enumerate(reports)), "utf-8")
        command = [sys.executable, "-m", "tpmap", "rank-batch", str(source), "-o", str(target)]
        seconds = process_seconds([*command, *(["--workers", str(workers)] if workers else [])], env)
        if len(target.read_text("utf-8").splitlines()) != len(reports):
            raise RuntimeError("rank-batch wrote another number of lines than it was given")
    return len(reports) / seconds


def held_bytes(catalogue: tpmap.Catalogue, queries: list[tpmap.Query]) -> float:
    """Bytes a ranking takes when kept (a list of the rankings of ``queries``, unread), traced by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        held = [tpmap.score_query(catalogue, query) for query in queries]
        gc.collect()
        size = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return size / len(held)


def worker_memory(reports: int, env: dict[str, str]) -> float:
    """Peak resident memory (MB) of one process that has ranked ``reports`` reports, as a batch worker does."""
    # The peak of this process only: ru_maxrss would count the benchmark's own memory, inherited at the fork.
    code = (
        "import resource, sys, tpmap\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from bench_engine import random_reports\n"
        "cat = tpmap.load_catalogue()\n"
        "for _ in tpmap.rank_many(cat, random_reports(cat, int(sys.argv[2]))): pass\n"
        "try:\n"
        "    status = open('/proc/self/status').read()\n"
        "    print(int(status.split('VmHWM:')[1].split()[0]))\n"
        "except (OSError, IndexError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    here = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", code, here, str(reports)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return math.nan
    return float(done.stdout) / 1024  # kilobytes on Linux


# ------------------------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Line:
    what: str
    figure: str
    goal: str
    passed: bool | None  # None: for information

    def __str__(self) -> str:
        verdict = "" if self.passed is None else ("PASS" if self.passed else "FAIL")
        return f"{self.what:<64} {self.figure:>12}   {self.goal:<26} {verdict}"


def at_most(ratio: float, limit: float) -> bool:
    return ratio <= limit


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="runs per median (default 21)")
    parser.add_argument("--reports", type=int, default=2000, help="random reports for rank_many (default 2000)")
    parser.add_argument("--quick", action="store_true", help="leave out the 100x load (the slowest figure)")
    args = parser.parse_args(None if argv is None else list(argv))
    repeats = args.repeats
    lines: list[Line] = []

    def say(line: Line) -> None:
        lines.append(line)
        print(line, flush=True)

    catalogue = tpmap.load_catalogue()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"tpmap {tpmap.__version__}, Python {sys.version.split()[0]}, {cores} cores; {catalogue!r}")
    print(f"medians of {repeats} runs; 'rank' = score_query on a built query + the evidence of the first {SHOWN}\n")

    floor = Floor(catalogue)
    queries = {name: tpmap.build_query(catalogue, *sites, **options) for name, (sites, options) in REPORTS.items()}
    ranks: dict[str, float] = {}
    for name, query in queries.items():
        shown_evidence(tpmap.score_query(catalogue, query))  # tables built once per catalogue, before timing
        ranks[name] = median_seconds(
            lambda q=query: shown_evidence(tpmap.score_query(catalogue, q)),  # type: ignore[misc]
            repeats,
            warmup=WARMUP,
        )
        floor_time = median_seconds(lambda q=query: floor.rank(q), repeats, warmup=WARMUP)  # type: ignore[misc]
        ratio = ranks[name] / floor_time
        say(
            Line(
                f"rank vs the floor, {name}",
                f"{ratio:.1f}x",
                f"<= 3x ({ranks[name] * 1e3:.2f} / {floor_time * 1e3:.3f} ms)",
                ratio <= 3,
            )
        )
        if len(query.sites) == 1 and forget_kept_orders(catalogue) is not None:
            # The same report ranked again reads the order kept from its first ranking: the first ranking of a place
            # is timed too, that order forgotten before each run.
            first = median_seconds(
                lambda q=query: shown_evidence(tpmap.score_query(catalogue, q)),  # type: ignore[misc]
                repeats,
                setup=lambda: forget_kept_orders(catalogue),
                warmup=WARMUP,
            )
            say(
                Line(
                    f"  the same, a place not ranked before, vs the floor, {name}",
                    f"{first / floor_time:.1f}x",
                    f"(information) ({first * 1e3:.2f} ms)",
                    None,
                )
            )
    # Right after the rank they are compared with, so that both see the same process (a later heap, grown by the
    # large catalogues below, makes every allocation-heavy call slower).
    name = "6 sites + absent + condition"
    query = queries[name]
    fresh: list[tpmap.Ranking] = []

    def new_ranking() -> None:
        fresh.append(tpmap.score_query(catalogue, query))

    analyses: dict[str, Callable[[tpmap.Ranking], object]] = {
        "next questions": lambda r: r.next_questions(),
        "cover": lambda r: r.cover(),
        "satellites": lambda r: r.satellites(),
    }
    for label, analysis in analyses.items():
        analysis(tpmap.score_query(catalogue, query))
        seconds = median_seconds(lambda a=analysis: a(fresh.pop()), repeats, setup=new_ranking, warmup=WARMUP)  # type: ignore[misc]
        ratio = seconds / ranks[name]
        say(Line(f"{label} / rank, {name}", f"{ratio:.2f}x", "<= 2x", ratio <= 2))

    for name, (sites, options) in REPORTS.items():
        words = median_seconds(
            lambda s=sites, o=options: shown_evidence(tpmap.rank(catalogue, *s, **o)),  # type: ignore[misc]
            repeats,
            warmup=WARMUP,
        )
        say(Line(f"rank from plain words, {name}", f"{words * 1e3:.2f} ms", "(information)", None))
    catalogue.graph  # noqa: B018 -- built (and networkx imported) before timing the walk
    for name, query in queries.items():
        walk = median_seconds(lambda q=query: naive_walk(catalogue, q), max(3, repeats // 4))  # type: ignore[misc]
        speedup = walk / ranks[name]
        say(
            Line(
                f"naive networkx walk / rank, {name}", f"{speedup:.0f}x", f">= 30x ({walk * 1e3:.1f} ms)", speedup >= 30
            )
        )

    for times in (10, 100):
        start = time.perf_counter()
        big = scaled(catalogue, times)
        built = time.perf_counter() - start
        say(
            Line(
                f"{times}x catalogue built in memory ({len(big.muscles)} muscles)",
                f"{built:.2f} s",
                "(information)",
                None,
            )
        )
        for name, query in queries.items():
            shown_evidence(tpmap.score_query(big, query))
            seconds = median_seconds(
                lambda q=query, c=big: shown_evidence(tpmap.score_query(c, q)),  # type: ignore[misc]
                repeats,
                warmup=WARMUP,
            )
            ratio = seconds / ranks[name]
            say(Line(f"{times}x catalogue: query / 1x query, {name}", f"{ratio:.2f}x", "<= 3x", ratio <= 3))
        del big

    with tempfile.TemporaryDirectory() as folder:
        one = median_seconds(lambda: tpmap.load_files(shipped_paths()), max(3, repeats // 3))
        say(Line("load the shipped files (load_files, no cache)", f"{one * 1e3:.0f} ms", "(information)", None))
        if not args.quick:
            paths = [*shipped_paths(), *write_copies(catalogue, 100, Path(folder))]
            ratios, hundreds = [], []
            for _ in range(3):  # each 100x load next to a 1x load, so that both see the same machine
                one_now = median_seconds(lambda: tpmap.load_files(shipped_paths()), 3)
                hundreds.append(median_seconds(lambda: tpmap.load_files(paths), 1))
                ratios.append(hundreds[-1] / one_now)
            ratio, hundred = statistics.median(ratios), statistics.median(hundreds)
            goal = f"<= 100x ({hundred:.1f} s)"
            say(Line("100x catalogue: load / 1x load (from YAML files)", f"{ratio:.0f}x", goal, ratio <= 100))

    with tempfile.TemporaryDirectory() as cache:
        # New processes as after an install: bytecode written once (to a folder of its own, so that a
        # PYTHONDONTWRITEBYTECODE setting does not make every run recompile what changed since the last .pyc).
        env = {**os.environ, "TPMAP_CACHE_DIR": cache, "PYTHONPYCACHEPREFIX": os.path.join(cache, "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        try:
            load = fresh_load(repeats, env)
        except subprocess.CalledProcessError as error:
            say(Line("load_catalogue() in a fresh process", "failed", "<= 40 ms", False))
            print(f"  {error.stderr.strip()[-300:]}")
        else:
            say(Line("load_catalogue() in a fresh process", f"{load * 1e3:.1f} ms", "<= 40 ms", load <= 0.040))
        try:
            (deps, deps_cpu), (cold, cold_cpu) = cold_start(repeats, env)
        except RuntimeError as error:
            say(Line("cold `tpmap rank` / a process importing the deps", "failed", "<= 1.5x", False))
            print(f"  {error}")
        else:
            ratio = cold / deps
            goal = f"<= 1.5x ({cold * 1e3:.0f}/{deps * 1e3:.0f} ms)"
            say(Line("cold `tpmap rank` / a process importing the deps", f"{ratio:.2f}x", goal, ratio <= 1.5))
            goal = f"({cold_cpu * 1e3:.0f}/{deps_cpu * 1e3:.0f} ms)"
            say(Line("  the same in processor time", f"{cold_cpu / deps_cpu:.2f}x", goal, None))

        reports = random_reports(catalogue, args.reports)
        rank_many = getattr(tpmap, "rank_many", None)
        if rank_many is None:
            say(Line("rank_many, one core", "not available", ">= 20,000/s", None))
        else:
            queried = [tpmap.build_query(catalogue, *r["sites"], side=r.get("side")) for r in reports]
            for label, batch in (("report mappings of region ids", reports), ("built queries", queried)):
                seconds = median_seconds(lambda b=batch: list(rank_many(catalogue, b)), 3)  # type: ignore[misc]
                rate = len(batch) / seconds
                say(Line(f"rank_many, one core, {label}", f"{rate:,.0f}/s", ">= 20,000/s", rate >= 20_000))
            # The lines above keep every ranking (a list), as a caller that holds a registry's results does; a
            # caller that writes each one out and drops it spares the garbage collector the rankings held.
            seconds = median_seconds(lambda: sum(1 for _ in rank_many(catalogue, queried)), 3)
            rate = len(queried) / seconds
            say(Line("  the same, each ranking dropped once made", f"{rate:,.0f}/s", "(information)", None))
            say(
                Line(
                    "memory a ranking holds, kept unread",
                    f"{held_bytes(catalogue, queried) / 1024:.1f} KB",
                    "(information)",
                    None,
                )
            )
            # Where one report's time goes: its mapping read into a query, then the query scored.
            reading_s = median_seconds(
                lambda: [tpmap.build_query(catalogue, *r["sites"], side=r.get("side")) for r in reports], 3
            )
            scoring_s = median_seconds(lambda: [tpmap.score_query(catalogue, q) for q in queried], 3)
            per = 1e6 / len(reports)
            say(
                Line(
                    "one report of rank_many: read into a query / scored",
                    f"{reading_s * per:.0f} / {scoring_s * per:.0f} us",
                    "(information)",
                    None,
                )
            )
            # What this process does with a ranking a worker sends back: unpickle it, put it together, read its
            # first candidate (placed by the worker, see batch._PLACED).
            back_s = sent_back_seconds(catalogue, queried)
            say(
                Line(
                    "a ranking sent back by a worker: unpickled, put together, first candidate read",
                    f"{back_s * per:.0f} us",
                    "(information)",
                    None,
                )
            )
            # Rankings sent back by workers are placed in this process when first read beyond the candidates the
            # worker placed: the goal reads the first candidate of each, as a caller does; the figure without
            # reading them is given too.
            for reading, label, goal in ((True, "", ">= 1.5x"), (False, ", the rankings not read", "(information)")):
                one_core = len(reports) / median_seconds(lambda r=reading: consume(rank_many(catalogue, reports), r), 3)  # type: ignore[misc]
                two = len(reports) / median_seconds(
                    lambda r=reading: consume(rank_many(catalogue, reports, workers=2), r),  # type: ignore[misc]
                    3,
                )
                say(
                    Line(
                        f"rank_many, workers=2 / one core{label}",
                        f"{two / one_core:.2f}x",
                        f"{goal} ({two:,.0f} / {one_core:,.0f} per s)",
                        two >= 1.5 * one_core if reading else None,
                    )
                )
                if reading:  # how the rate grows with the workers themselves (the caller's share in both)
                    one_worker = len(reports) / median_seconds(
                        lambda: consume(rank_many(catalogue, reports, workers=1), True), 3
                    )
                    say(
                        Line(
                            "rank_many, workers=2 / workers=1",
                            f"{two / one_worker:.2f}x",
                            f"(information) ({two:,.0f} / {one_worker:,.0f} per s)",
                            None,
                        )
                    )
            for workers in (None, 2):
                try:
                    rate = batch_file_rate(reports, workers, env)
                except RuntimeError as error:
                    say(Line(f"tpmap rank-batch, workers={workers}", "failed", "(information)", None))
                    print(f"  {error}")
                else:
                    label = f"tpmap rank-batch {len(reports)} reports, JSONL, workers={workers or 1}"
                    say(Line(label, f"{rate:,.0f}/s", "(information)", None))
            memory = worker_memory(args.reports, env)
            say(
                Line(
                    f"peak memory of one process ranking {args.reports} reports",
                    f"{memory:.0f} MB",
                    "(information)",
                    None,
                )
            )

    failed = [line for line in lines if line.passed is False]
    print(f"\n{sum(line.passed is True for line in lines)} goals met, {len(failed)} missed")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this benchmark process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

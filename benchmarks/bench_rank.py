"""Benchmarks: loading the shipped catalogue, ranking reports of growing size, and the analysis and charts.

Run from the top of the checkout::

    python benchmarks/bench_rank.py            # medians over 15 repeats
    python benchmarks/bench_rank.py --repeats 50

Prints the median and the ratio of each case to the single-site warm ranking; the analysis (smallest
explaining set, next questions, satellites) and the charts are timed on the 6-site report's ranking.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import tpmap
from tpmap.catalogue.loader import shipped_paths

REPORTS: dict[str, tuple[tuple[str, ...], dict[str, object]]] = {
    "1 site": (("outside of the elbow",), {"side": "right"}),
    "3 sites + sensation": (("buttock", "back of the thigh", "calf"), {"side": "left", "sensations": ["tingling"]}),
    "6 sites, absent, condition": (
        ("temple", "jaw", "upper teeth", "back of the neck", "top of the shoulder", "behind the ear"),
        {"absent": ["forehead"], "conditions": ["tension-type headache"]},
    ),
}


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    repeats = parser.parse_args().repeats

    paths = shipped_paths()
    load = median_seconds(lambda: tpmap.load_files(paths), repeats)
    cold = median_seconds(lambda: tpmap.rank(tpmap.load_files(paths), "outside of the elbow"), max(3, repeats // 3))
    catalogue = tpmap.load_catalogue()
    shared = median_seconds(tpmap.load_catalogue, repeats)
    print(f"{catalogue!r}")
    print(f"{'case':<40} {'median':>10}")
    print(f"{'read the shipped files (load_files)':<40} {load * 1e3:8.1f} ms")
    print(f"{'load_catalogue() again (read once, shared)':<40} {shared * 1e3:8.3f} ms")
    print(f"{'read + first rank (cold)':<40} {cold * 1e3:8.1f} ms")
    warm: dict[str, float] = {}
    for name, (sites, options) in REPORTS.items():
        tpmap.rank(catalogue, *sites, **options)  # type: ignore[arg-type]  # warm the background cache
        warm[name] = median_seconds(lambda: tpmap.rank(catalogue, *sites, **options), repeats)  # type: ignore[arg-type]  # noqa: B023
    base = warm["1 site"]
    for name, seconds in warm.items():
        print(f"{'rank, warm: ' + name:<40} {seconds * 1e3:8.2f} ms  ({seconds / base:.1f}x)")
    sites, options = REPORTS["6 sites, absent, condition"]
    ranking = tpmap.rank(catalogue, *sites, **options)  # type: ignore[arg-type]
    extras: dict[str, Callable[[], object]] = {
        "cover() on the 6-site ranking": ranking.cover,
        "next_questions() on it": ranking.next_questions,
        "satellites() on it": ranking.satellites,
        "to_dict() with all the analysis": ranking.to_dict,
        "ranking chart (SVG)": ranking.chart,
        "muscle chart (SVG), trapezius": lambda: tpmap.muscle_chart(catalogue, "trapezius"),
    }
    for name, action in extras.items():
        seconds = median_seconds(action, repeats)
        print(f"{name:<40} {seconds * 1e3:8.2f} ms  ({seconds / base:.1f}x)")


if __name__ == "__main__":
    main()

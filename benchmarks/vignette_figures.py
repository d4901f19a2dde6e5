"""How well the ranking puts the references' muscles first, over the clinical and the held-out vignettes.

Run from the top of the checkout::

    python benchmarks/vignette_figures.py             # the current model and catalogue
    python benchmarks/vignette_figures.py --before    # also the model without the frequency data and coverage
    python benchmarks/vignette_figures.py --misses    # list the vignettes whose first-named muscle misses

For each vignette file (``tests/vignettes.yaml`` and, when written, ``tests/frequency_vignettes.yaml``, the
held-out set) prints how often the first-named muscle ranks in the top 3 ("primary in top 3") and the median
rank of every expected muscle (ties share a rank; a group ranks where its best member ranks). ``--before`` ranks
the same reports on the catalogue without ``frequency.yaml`` and with ``Weights(coverage_floor=1.0)``, which is
the model as it was before the frequency prior and the coverage rule.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

import yaml

import tpmap
from tpmap.catalogue.loader import shipped_paths

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

from test_vignettes import GROUPS  # noqa: E402  (the tests folder is not a package)


def vignette_sets() -> list[tuple[str, list[dict[str, Any]], dict[str, list[str]]]]:
    """(name, vignettes, groups) for each vignette file that exists."""
    found = []
    for name in ("vignettes.yaml", "frequency_vignettes.yaml"):
        path = TESTS / name
        if path.is_file():
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            found.append((name, document["vignettes"], {**GROUPS, **document.get("groups", {})}))
    return found


def ranks(
    catalogue: tpmap.Catalogue,
    vignette: dict[str, Any],
    groups: dict[str, list[str]],
    weights: tpmap.Weights,
    ties_last: bool = False,
) -> dict[str, int]:
    """Rank of each expected muscle or group: 1 + the muscles scored strictly higher on their best side, or with
    ``ties_last`` the number scored at least as high (a tie counts against it: the order within it is arbitrary)."""
    report = vignette["report"]
    fields: dict[str, Any] = {key: value for key, value in report.items() if key != "sites"}
    result = tpmap.rank(catalogue, *report.get("sites", []), weights=weights, **fields)
    best: dict[str, float] = {}
    for candidate in result:
        best.setdefault(candidate.muscle.id, candidate.score)
    if ties_last:
        rank_of = {muscle: sum(1 for other in best.values() if other >= score) for muscle, score in best.items()}
    else:
        rank_of = {muscle: 1 + sum(1 for other in best.values() if other > score) for muscle, score in best.items()}
    names = [name for group in vignette["expect"] for name in group["muscles"]]
    return {name: min(rank_of[m] for m in groups.get(name, [name])) for name in names}


def figures(
    catalogue: tpmap.Catalogue, weights: tpmap.Weights, misses: bool, ties_last: bool = False
) -> tuple[int, int, list[int]]:
    """Print the figures of each vignette set; return (primary hits, vignettes, every expected rank) overall."""
    hits = total = 0
    every: list[int] = []
    for name, vignettes, groups in vignette_sets():
        primary = singled = singled_hits = 0
        found: list[int] = []
        for vignette in vignettes:
            got = ranks(catalogue, vignette, groups, weights, ties_last)
            first = vignette["expect"][0]["muscles"][0]
            primary += got[first] <= 3
            if vignette["expect"][0]["k"] <= 3:  # the reference singles the muscle out
                singled += 1
                singled_hits += got[first] <= 3
            found += got.values()
            if misses and got[first] > 3:
                print(f"    miss: {vignette['id']}: {first} ranked {got[first]}")
        print(
            f"  {name:<26} {len(vignettes):>4} vignettes   primary in top 3: {primary}/{len(vignettes)} "
            f"= {primary / len(vignettes):.1%} (singled out, k <= 3: {singled_hits}/{singled})   "
            f"median rank of expected muscles: {statistics.median(found):g}"
        )
        hits, total, every = hits + primary, total + len(vignettes), every + found
    print(
        f"  {'all':<26} {total:>4} vignettes   primary in top 3: {hits}/{total} = {hits / total:.1%}   "
        f"median rank of expected muscles: {statistics.median(every):g}"
    )
    return hits, total, every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="also rank without frequency data and coverage")
    parser.add_argument("--misses", action="store_true", help="list the vignettes whose first muscle misses")
    parser.add_argument(
        "--ties-last", action="store_true", help="count a tie against each of its members (rank = end of the tie)"
    )
    args = parser.parse_args()
    how = " (ties counted last)" if args.ties_last else ""
    if args.before:
        print(f"before (no frequency.yaml, Weights(coverage_floor=1.0)){how}:")
        without = tpmap.load_files([p for p in shipped_paths() if p.name != "frequency.yaml"])
        figures(without, tpmap.Weights(coverage_floor=1.0), args.misses, args.ties_last)
    print(f"now{how}:")
    figures(tpmap.load_catalogue(), tpmap.Weights(), args.misses, args.ties_last)


if __name__ == "__main__":
    main()

"""How often the ranking ties at the top: every region ranked alone, without a side.

Run from the top of the checkout::

    python benchmarks/ties.py              # the tie distribution and the issue's six reports
    python benchmarks/ties.py --worst 15   # also the regions with the biggest ties

For each region of the shipped catalogue, ranks a report naming only that region and counts the candidates
that share rank 1 (equal top score). The figures are taken over the regions with three or more candidates,
a candidate being a muscle with a zone that explains the region (the zone is the region, lies inside it or
contains it). Goal: median 1 and 90th percentile at most 2. Then prints the top three, with scores, for the
six reports of the issue that motivated the frequency prior.
"""

from __future__ import annotations

import argparse
import math
import statistics

import tpmap
from tpmap.ranking.results import EXPLAINING

COMMAND = "python benchmarks/ties.py"
REPORTS = ("lower back", "shoulder", "foot", "knee", "headache", "shin")


def percentile(values: list[int], fraction: float) -> float:
    """The ``fraction`` quantile by the nearest-rank method (no interpolation: ties are whole numbers)."""
    ordered = sorted(values)
    return float(ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)])


def region_ties(catalogue: tpmap.Catalogue) -> dict[str, tuple[int, int]]:
    """(candidates, candidates sharing rank 1) for every region with three or more candidates."""
    found: dict[str, tuple[int, int]] = {}
    for rid in sorted(catalogue.regions):
        ranking = tpmap.rank(catalogue, rid)
        candidates = [c for c in ranking if any(e.kind == "site" and e.relation in EXPLAINING for e in c.evidence)]
        if len(candidates) >= 3:
            found[rid] = (len(candidates), sum(1 for c in ranking if c.shared_rank == 1))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N regions with most ties")
    worst = parser.parse_args().worst
    catalogue = tpmap.load_catalogue()
    ties = region_ties(catalogue)
    tied = [top for _, top in ties.values()]
    print(f"reproduce: {COMMAND}")
    print(f"{catalogue!r}")
    print(f"regions with 3+ candidates: {len(ties)}")
    print(f"candidates sharing rank 1: median {statistics.median(tied):g}, 90th percentile {percentile(tied, 0.9):g}")
    print(f"regions with a tie at the top: {sum(1 for t in tied if t > 1)}; largest tie: {max(tied)}")
    if worst:
        print(f"\n{'region':<28} {'candidates':>10} {'tied at 1':>10}")
        for rid, (count, top) in sorted(ties.items(), key=lambda item: (-item[1][1], item[0]))[:worst]:
            print(f"{rid:<28} {count:>10} {top:>10}")
    print()
    for phrase in REPORTS:
        ranking = tpmap.rank(catalogue, phrase)
        leaders = ", ".join(f"{c.muscle.id} {c.score:.2f}" for c in ranking[:3])
        print(f"{phrase!r:<14} tied at 1: {sum(1 for c in ranking if c.shared_rank == 1):>2}   top 3: {leaders}")


if __name__ == "__main__":
    main()

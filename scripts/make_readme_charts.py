"""Regenerate the example charts that the README shows, from the shipped catalogue.

Run from the top of the checkout:  python scripts/make_readme_charts.py
"""

from __future__ import annotations

from pathlib import Path

import tpmap
from tpmap.render.chart import muscle_chart, ranking_chart

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


def main() -> None:
    """Write docs/images/muscle_infraspinatus.svg and docs/images/ranking_example.svg."""
    catalogue = tpmap.load_catalogue()
    IMAGES.mkdir(parents=True, exist_ok=True)
    muscle_chart(catalogue, "infraspinatus", side="right").save(IMAGES / "muscle_infraspinatus.svg")
    ranking = tpmap.rank(
        catalogue,
        "front of the shoulder",
        "outside of the upper arm",
        "thumb side of the hand",
        side="right",
    )
    ranking_chart(ranking, top=5).save(IMAGES / "ranking_example.svg")
    for name in ("muscle_infraspinatus.svg", "ranking_example.svg"):
        print(IMAGES.relative_to(IMAGES.parents[1]) / name)


if __name__ == "__main__":
    main()

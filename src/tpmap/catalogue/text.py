"""Names as people write them: folding for comparison, and close matches for what was mistyped.

>>> normalise("  Golfer’s-Elbow ")
"golfer's elbow"
>>> close_matches("elbw", ["elbow", "lateral elbow", "knee"])
['elbow']
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def normalise(text: str) -> str:
    """Fold case, apostrophes, hyphens and spacing so that names compare as people mean them."""
    text = text.casefold().replace("\u2019", "'").replace("-", " ").replace("_", " ")
    return " ".join(text.split())


def close_matches(name: str, known: Iterable[str], *, limit: int = 5, cutoff: float = 0.6) -> list[str]:
    """The entries of ``known`` closest in spelling to ``name`` (both compared normalised), best first.

    Entries are returned as given; ties in closeness keep the sorted order of ``known``, so the answer is
    the same every time.
    """
    by_form: dict[str, str] = {}
    for entry in sorted(known):
        by_form.setdefault(normalise(entry), entry)
    found = difflib.get_close_matches(normalise(name), list(by_form), n=limit, cutoff=cutoff)
    return [by_form[form] for form in found]

"""Names as people write them: folding for comparison, and close matches for what was mistyped.

>>> normalise("  Golfer’s-Elbow ")
"golfer's elbow"
>>> close_matches("elbw", ["elbow", "lateral elbow", "knee"])
['elbow']
>>> close_matches("wrist_thumb_side", ["radial_wrist", "wrist"], names={"radial_wrist": ["thumb side of the wrist"]})
['radial_wrist']
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Mapping

_MARGIN = 0.2
"""How much weaker than the best match another match of several names may be and still be offered."""
# Words that carry no place: "thumb side of the wrist" and "wrist thumb side" name the same thing.
_FILLER = frozenset(("a", "an", "at", "in", "my", "of", "on", "the", "to"))


def normalise(text: str) -> str:
    """Fold case, apostrophes, hyphens and spacing so that names compare as people mean them."""
    text = text.casefold().replace("\u2019", "'").replace("-", " ").replace("_", " ")
    return " ".join(text.split())


def close_matches(
    name: str,
    known: Iterable[str],
    *,
    limit: int = 5,
    cutoff: float = 0.6,
    names: Mapping[str, Iterable[str]] | None = None,
) -> list[str]:
    """The entries of ``known`` closest in spelling to ``name`` (both compared normalised), best first.

    Entries are returned as given; ties in closeness keep the sorted order of ``known``, so the answer is
    the same every time.

    Args:
        name: What was written.
        known: The entries to choose from (ids, or names).
        limit: At most this many matches.
        cutoff: How close (0 to 1) a match must be.
        names: Other names of each entry of ``known`` (a region's lay terms, a muscle's aliases): an entry
            matches when its id or any of these names is close, in any word order and without filler words
            ("wrist thumb side" finds the region called "thumb side of the wrist"); matches far weaker than
            the best one are left out.
    """
    if names is None:
        by_form: dict[str, str] = {}
        for entry in sorted(known):
            by_form.setdefault(normalise(entry), entry)
        found = difflib.get_close_matches(normalise(name), list(by_form), n=limit, cutoff=cutoff)
        return [by_form[form] for form in found]
    wanted = normalise(name)
    words = _words(wanted)
    wanted_words = frozenset(words.split())
    spelling, wording = difflib.SequenceMatcher(), difflib.SequenceMatcher()
    spelling.set_seq2(wanted)  # the matcher caches facts about its second sequence: the one compared many times
    wording.set_seq2(words)
    scored: list[tuple[float, str]] = []
    for entry, forms in _prepared(known, names):
        best = 0.0
        for form, form_words, word_set in forms:
            best = max(best, _closeness(spelling, form, cutoff))
            if word_set & wanted_words:  # in another order, only names that share a word can be close
                best = max(best, _closeness(wording, form_words, cutoff))
        if best >= cutoff:
            scored.append((-best, entry))
    scored.sort(key=lambda pair: pair[0])  # stable: equal closeness keeps the sorted order
    best = -scored[0][0] if scored else 0.0
    # With many names to match, a far weaker match than the best is noise ("supinatr" is the supinator).
    return [entry for score, entry in scored[:limit] if -score >= best - _MARGIN]


_Prepared = tuple[tuple[str, tuple[tuple[str, str, frozenset[str]], ...]], ...]
_last: list[tuple[Mapping[str, Iterable[str]], tuple[str, ...], _Prepared]] = []
_last_lock = threading.Lock()


def _prepared(known: Iterable[str], names: Mapping[str, Iterable[str]]) -> _Prepared:
    """Each entry of ``known`` (sorted) with its forms: normalised, as sorted words, and as a set of words.

    The same table of names is usually asked about many times in a row (every unknown reference of a file), so
    the last one prepared is kept.
    """
    entries = tuple(sorted(known))
    with _last_lock:
        if _last and _last[0][0] is names and _last[0][1] == entries:
            return _last[0][2]
    prepared = tuple(
        (
            entry,
            tuple(
                (form, _words(form), frozenset(form.split()))
                for form in dict.fromkeys(normalise(text) for text in (entry, *names.get(entry, ())))
            ),
        )
        for entry in entries
    )
    with _last_lock:
        _last[:] = [(names, entries, prepared)]
    return prepared


def _words(text: str) -> str:
    """The words of ``text`` that name something, in sorted order (word order and filler words do not count)."""
    return " ".join(sorted(word for word in text.split() if word not in _FILLER))


def _closeness(matcher: difflib.SequenceMatcher[str], form: str, cutoff: float) -> float:
    """How close ``form`` is to the matcher's second sequence; 0 when the cheap upper bounds already fall short."""
    matcher.set_seq1(form)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0
    return matcher.ratio()

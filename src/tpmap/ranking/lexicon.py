"""Read a place or a condition written in plain words.

Patients say "outside of the elbow", not ``lateral_elbow``. A phrase is read in three steps:

1. exactly, against every region's id, name and lay terms and every condition's name and aliases;
2. word by word, after folding lay words into anatomical ones (outside → lateral, inside → medial,
   back/behind → posterior, front → anterior, top/upper → superior, bottom/lower → inferior), dropping
   filler ("pain in my …") and plurals, so "the back of my head" meets the lay term "back of the head";
3. by the longest region name whose every word is in the phrase ("sharp pain at the outer elbow joint").

"left" and "right" in a phrase set the side. A phrase with no reading raises
:class:`~tpmap.errors.UnknownNameError` with the closest names; one with several equally good readings
raises :class:`~tpmap.errors.AmbiguousNameError` listing them.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> resolve(cat, "outside of the elbow").target
'lateral_elbow'
>>> r = resolve(cat, "pain at the back of my left head")
>>> r.kind, r.target, r.side
('region', 'occiput', 'left')
>>> resolve(cat, "tennis elbow").kind
'condition'
>>> resolve(cat, "elbw")
Traceback (most recent call last):
tpmap.errors.UnknownNameError: unknown place or condition 'elbw'; did you mean: elbow, ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, TypeAlias

from ..catalogue.catalogue import Catalogue, kept_with
from ..catalogue.loader import cached_beside
from ..catalogue.records import Aggravator, Movement, Side
from ..catalogue.text import close_matches, normalise
from ..errors import AmbiguousNameError, UnknownNameError, wrong_type

__all__ = [
    "LAY_WORDS",
    "SIDE_WORDS",
    "ReadSide",
    "Resolution",
    "content_words",
    "known_words",
    "phrase_readings",
    "resolve",
    "resolve_term",
    "term_key",
]

LAY_WORDS: dict[str, str] = {
    "outside": "lateral",
    "outer": "lateral",
    "inside": "medial",
    "inner": "medial",
    "back": "posterior",
    "behind": "posterior",
    "rear": "posterior",
    "front": "anterior",
    "top": "superior",
    "upper": "superior",
    "bottom": "inferior",
    "lower": "inferior",
    "underneath": "inferior",
    "underside": "inferior",
}
"""Lay words and the anatomical direction each stands for."""

FILLER = frozenset(
    (
        "a",
        "an",
        "and",
        "at",
        "my",
        "the",
        "of",
        "on",
        "in",
        "to",
        "is",
        "it",
        "its",
        "i",
        "me",
        "feel",
        "feels",
        "felt",
        "pain",
        "pains",
        "painful",
        "ache",
        "aches",
        "aching",
        "hurts",
        "hurt",
        "hurting",
        "sore",
        "soreness",
        "tender",
        "area",
        "region",
        "part",
        "spot",
        "around",
        "sharp",
        "dull",
    )
)
"""Words that say nothing about where: dropped before matching word by word."""

Named: TypeAlias = Movement | Aggravator

ReadSide = Literal["left", "right", "both"]
"""A side as people say it: one side, or ``"both"`` for a place on each side."""

SIDE_WORDS: dict[str, ReadSide] = {
    "left": "left",
    "right": "right",
    "left side": "left",
    "right side": "right",
    "left sided": "left",
    "right sided": "right",
    "both": "both",
    "both sides": "both",
    "bilateral": "both",
    "bilaterally": "both",
    "on both sides": "both",
    "either side": "both",
    "each side": "both",
    "left and right": "both",
    "right and left": "both",
}
"""The words that say a side, read in whole descriptions; a single place phrase takes only "left" and "right"."""

_ONE_SIDE: dict[str, Side] = {"left": "left", "right": "right"}
"""The side words of one place phrase (:func:`resolve`): a place has one side."""

Kind = Literal["region", "condition"]


@dataclass(frozen=True)
class Resolution:
    """How a phrase was read: a region or a condition, the side it named, and how it matched."""

    phrase: str
    kind: Kind
    target: str
    side: Side | None
    how: Literal["exact", "words", "partial"]


@dataclass(frozen=True)
class _Index:
    exact: dict[str, tuple[Kind, str]]
    by_words: dict[frozenset[str], frozenset[tuple[Kind, str]]]
    vocabulary: frozenset[str]
    names: tuple[str, ...]
    words: frozenset[str]


def resolve(catalogue: Catalogue, phrase: str) -> Resolution:
    """Read ``phrase`` as a region or a condition of ``catalogue`` (see the module docstring)."""
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    if not isinstance(phrase, str):
        raise wrong_type("phrase", "a string", phrase)
    index = _index(catalogue)
    text = normalise(phrase)
    words = re.findall(r"[a-z0-9']+", text)
    sides = {_ONE_SIDE[w] for w in words if w in _ONE_SIDE}
    if len(sides) > 1:
        raise AmbiguousNameError("place", phrase, ["the left side", "the right side"])
    side = next(iter(sides), None)
    rest = " ".join(w for w in words if w not in _ONE_SIDE)

    found = index.exact.get(rest) or index.exact.get(text)
    if found is not None:
        return Resolution(phrase, found[0], found[1], side, "exact")

    key = _content_words(rest, index.vocabulary)
    if not key:
        raise UnknownNameError("place or condition", phrase, _suggestions(index, rest))
    readings = index.by_words.get(key)
    if readings:
        return _one(catalogue, phrase, readings, side, "words")
    partial = [(len(words_), targets) for words_, targets in index.by_words.items() if words_ <= key]
    if partial:
        best = max(size for size, _ in partial)
        targets = frozenset().union(*(t for size, t in partial if size == best))
        return _one(catalogue, phrase, targets, side, "partial")
    wider = frozenset().union(*(t for words_, t in index.by_words.items() if key < words_))
    if wider:  # "outside": the phrase says less than some names; one of them, if only one fits
        return _one(catalogue, phrase, wider, side, "partial")
    raise UnknownNameError("place or condition", phrase, _suggestions(index, rest))


def _one(
    catalogue: Catalogue,
    phrase: str,
    readings: frozenset[tuple[Kind, str]],
    side: Side | None,
    how: Literal["words", "partial"],
) -> Resolution:
    if len(readings) > 1:
        names = [
            f"{(catalogue.regions if kind == 'region' else catalogue.conditions)[ident].name.lower()} ({ident})"
            for kind, ident in sorted(readings, key=lambda reading: (reading[0] != "region", reading[1]))
        ]
        raise AmbiguousNameError("place", phrase, names)
    kind, ident = next(iter(readings))
    return Resolution(phrase, kind, ident, side, how)


def phrase_readings(catalogue: Catalogue, phrase: str) -> tuple[Literal["exact", "words"], frozenset[tuple[Kind, str]]]:
    """Every reading of ``phrase`` taken whole, for readers of longer text: its exact name, else the names
    with the same content words (no partial matches). Sides are left to the caller; empty if none.

    >>> import tpmap
    >>> phrase_readings(tpmap.load_catalogue(), "the outer elbow")
    ('words', frozenset({('region', 'lateral_elbow')}))
    """
    index = _index(catalogue)
    text = normalise(phrase)
    found = index.exact.get(text)
    if found is not None:
        return "exact", frozenset((found,))
    key = _content_words(text, index.vocabulary)
    return "words", index.by_words.get(key, frozenset()) if key else frozenset()


def content_words(catalogue: Catalogue, phrase: str) -> frozenset[str]:
    """The words of ``phrase`` that say where, folded as names are matched ("back" -> "posterior")."""
    return _content_words(normalise(phrase), _index(catalogue).vocabulary)


def known_words(catalogue: Catalogue) -> frozenset[str]:
    """Every word of every region and condition name and lay term, as written (for spelling checks)."""
    return _index(catalogue).words


def _content_words(text: str, vocabulary: frozenset[str] = frozenset()) -> frozenset[str]:
    words: set[str] = set()
    for raw in re.findall(r"[a-z0-9']+", text):
        if raw in FILLER or raw in _ONE_SIDE:
            continue
        word = LAY_WORDS.get(raw, raw)
        if word.endswith("s") and word[:-1] in vocabulary:
            word = word[:-1]  # "shoulders" -> "shoulder", "eyes" -> "eye" (both may be lay terms)
        words.add(word)
    return frozenset(words)


def _suggestions(index: _Index, text: str) -> list[str]:
    return close_matches(text, index.names, cutoff=0.5)


def _index(catalogue: Catalogue) -> _Index:
    """The catalogue's name tables, built once per catalogue (and read back from the cache folder by a new process
    when it is the shipped one: building them is a tenth of a first ranking)."""
    return kept_with(catalogue, "place names", _read_index)


def _read_index(catalogue: Catalogue) -> _Index:
    build = partial(_built_index, catalogue)
    return cached_beside(catalogue, "place-names", _Index, build, code=(Path(__file__),))


def _built_index(catalogue: Catalogue) -> _Index:
    exact: dict[str, tuple[Kind, str]] = {}
    for name, rid in catalogue.region_names().items():
        exact.setdefault(name, ("region", rid))
    for name, cid in catalogue.condition_names().items():
        exact.setdefault(name, ("condition", cid))
    vocabulary = frozenset(word for name in exact for word in _content_words(name))
    by_words: dict[frozenset[str], set[tuple[Kind, str]]] = {}
    for name, target in exact.items():
        key = _content_words(name, vocabulary)
        if key:
            by_words.setdefault(key, set()).add(target)
    return _Index(
        exact,
        {key: frozenset(targets) for key, targets in by_words.items()},
        vocabulary,
        tuple(sorted(exact)),
        frozenset(word for name in exact for word in re.findall(r"[a-z0-9']+", name)),
    )


# ------------------------------------------------------------------------ movements and aggravators

TERM_FILLER = FILLER | frozenset(
    (
        "can't",
        "cant",
        "cannot",
        "can",
        "not",
        "unable",
        "hard",
        "difficult",
        "trouble",
        "when",
        "while",
        "during",
        "after",
        "with",
        "by",
        "from",
        "for",
        "worse",
        "worst",
        "bad",
        "gets",
        "get",
        "got",
        "makes",
        "make",
        "made",
        "it's",
        "i'm",
        "am",
        "be",
        "being",
        "too",
        "that",
        "this",
        "very",
        "much",
        "lot",
        "or",
    )
)
"""Words that say how a movement or factor feels, not which one it is: dropped before matching."""


def resolve_term(entries: Mapping[str, Named], phrase: str, kind: str) -> str:
    """Read a restricted movement or an aggravating factor written in plain words; return its id.

    ``entries`` maps ids to records with ``name`` and ``terms`` (a catalogue's ``movements`` or
    ``aggravators``). A phrase matches exactly (id, name or term), or else by the entry whose every content
    word is in the phrase, the most specific entry winning; words are compared by a crude stem (``reaching``
    meets ``reach``). No reading raises :class:`~tpmap.errors.UnknownNameError` with the closest names;
    two equally good ones raise :class:`~tpmap.errors.AmbiguousNameError`.

    >>> import tpmap
    >>> cat = tpmap.load_catalogue()
    >>> resolve_term(cat.movements, "can't reach behind my back", "movement")
    'reaching_behind_back'
    >>> resolve_term(cat.aggravators, "worse in the cold", "aggravating factor")
    'cold'
    >>> resolve_term(cat.movements, "juggling", "movement")
    Traceback (most recent call last):
    tpmap.errors.UnknownNameError: unknown movement 'juggling'; did you mean: ...
    """
    if phrase in entries:
        return phrase
    wanted = normalise(phrase)
    readings: dict[str, list[frozenset[str]]] = {}
    for ident, entry in entries.items():
        texts = (ident.replace("_", " "), entry.name, *entry.terms)
        if wanted in {normalise(t) for t in texts}:
            return ident
        readings[ident] = [_stems(t) for t in texts]
    said = _stems(phrase)
    best: dict[str, int] = {}
    for ident, keys in readings.items():
        sizes = [len(key) for key in keys if key and key <= said]
        if sizes:
            best[ident] = max(sizes)
    if best:
        top = max(best.values())
        winners = sorted(ident for ident, size in best.items() if size == top)
        if len(winners) == 1:
            return winners[0]
        raise AmbiguousNameError(kind, phrase, [f"{entries[i].name.lower()} ({i})" for i in winners])
    raise UnknownNameError(kind, phrase, _closest(entries, said, wanted))


def term_key(text: str) -> frozenset[str]:
    """The words of a movement or factor that say which one it is, crudely stemmed ("reaching" -> "reach").

    >>> sorted(term_key("when I'm reaching behind my back"))
    ['back', 'behind', 'reach']
    """
    return _stems(text)


def _stem(word: str) -> str:
    """A crude English stem, enough to meet "reaching" with "reach" and "sneezes" with "sneeze"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix) and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # "running" -> "runn" -> "run"
    return word.removesuffix("e") if len(word) > 3 else word


def _stems(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in re.findall(r"[a-z0-9']+", normalise(text)) if w not in TERM_FILLER)


def _closest(entries: Mapping[str, Named], said: frozenset[str], wanted: str) -> list[str]:
    """Entries sharing the most words with the phrase, else the names closest in spelling."""
    overlap = sorted(
        (
            (len(said & _stems(text)), entry.name.lower())
            for entry in entries.values()
            for text in (entry.name, *entry.terms)
        ),
        key=lambda row: (-row[0], row[1]),
    )
    shared = list(dict.fromkeys(name for count, name in overlap if count))[:5]
    if shared:
        return shared
    return close_matches(wanted, {e.name.lower() for e in entries.values()}, cutoff=0.4)

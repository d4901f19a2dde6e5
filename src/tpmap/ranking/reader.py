"""Read a whole pain description, one sentence or several, into the report it gives.

People do not describe pain one place at a time: "numb and tingling little finger on the left, worse when I
grip, carpal tunnel was ruled out". :func:`read_report` reads such text into a :class:`Reading`: every place
(with its own side, depth and spread), the places that do not hurt, the sensations and the places they go
with, conditions named, suspected, denied or ruled out, restricted movements, aggravating factors, timing, intensity
and the side of the whole report. Every finding keeps the character spans of the words it came from, and the
words that were not used are listed, so nothing is dropped silently.

How text is read:

1. The text is cut into words and clauses (at ``. , ; : ! ?`` and at "but", "although", "except").
2. In each clause, every run of words that names something is found: a region or condition name or lay term
   (through the lexicon: "back of my head", "the outer elbow"), a lay sensation ("pins and needles"), a movement
   or aggravating factor ("when I grip", "going down stairs"), a timing, intensity, side or depth word, or a
   cue ("not", "is fine", "ruled out", "thought to be"). A word of a movement or factor must be one of its
   words or a regular inflection ("biting"), never a word a crude stem joins to it ("bit"); "lift" and
   "raise" are read for one another ("lift my arm overhead"), and a place inside a movement phrase is part of
   the movement. Where runs overlap, the reading that uses the most
   words wins, so a direction word binds to the body word next to it ("back of my calf", "upper back",
   "back teeth").
3. Cues apply within a clause: a place after "no", "not", "without", before "is fine", or followed by "is
   not" or "doesn't" ("my neck is not the problem") does not hurt, but a negation with only a sensation
   between it and the place, or after it ("no numbness in my hand", "my hand is not numb"), denies the
   sensation and leaves the place out (with a note); a condition is ruled out only by a check ("checked",
   "clear", "normal", "ruled out", "no sign of", or a test named in the clause), and one merely negated ("I
   don't have a headache") is denied: listed and noted, but evidence neither for nor against it; one after
   "thought to be", "feels like" or "maybe" is suspected; a side word next to a place is that place's side,
   one elsewhere ("on the left") the side of the clause's other places, and one in a clause without a place
   the side of the whole report; a sensation goes with the places of its clause (or, in a clause without one,
   with every place); a place after "down", "to", "into" or "radiating" is reached by spread, and "down the
   arm" or "down the back of the leg" is the places along the way.
   A movement or factor said to ease the pain ("better when I walk", "walking helps", "relieved by") is not
   scored: its words are listed as not used, with a note. A negation of pain with no place after it ("my hand is
   numb, but doesn't hurt") speaks of the places before it: one with a sensation is kept with it and a note
   says pain was denied (the model scores no sensation without pain); one without does not hurt. A side named
   only on a place that does not hurt, or after a negation ("pain in my knee, not on the left"), is not the side
   of the painful places.
   A headache said to be sudden or the worst ever ("sudden worst headache of my life") is the red flag of
   migraine in the catalogue: migraine is read as suspected, before the headache, so its emergency note comes
   first, with the note "rule out first"; a plain "headache" is read as before.
4. A misspelt word is read as the nearest known word ("sholder") with a note; a phrase that can be read two
   ways is read the best way, and the note lists the alternatives.

Only text in which nothing at all is recognised raises :class:`~tpmap.errors.UnknownNameError` (with
suggestions drawn from the words people use, never an unrelated body part).

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> reading = read_report(cat, "Numb and tingling left little finger, worse when I grip; not in my wrist")
>>> [(p.region, p.side, p.sensations) for p in reading.places]
[('little_finger', 'left', ('numbness', 'tingling'))]
>>> [a.region for a in reading.absent], [m.subject for m in reading.aggravators + reading.movements]
(['wrist'], ['gripping'])
>>> place = reading.places[0]
>>> [reading.text[start:end] for start, end in place.spans]
['left little finger']
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeAlias

from ..catalogue.catalogue import Catalogue, kept_with
from ..catalogue.loader import cached_beside
from ..catalogue.records import Aggravator, Movement, Sensation, Side
from ..catalogue.text import close_matches, normalise
from ..errors import QueryError, UnknownNameError, wrong_type
from .lexicon import (
    FILLER,
    LAY_WORDS,
    SIDE_WORDS,
    TERM_FILLER,
    ReadSide,
    content_words,
    known_words,
    phrase_readings,
    term_key,
)

__all__ = [
    "DEPTH_WORDS",
    "INTENSITY_WORDS",
    "SENSATION_WORDS",
    "TIMING_WORDS",
    "Finding",
    "Reading",
    "Unused",
    "read_report",
    "sensation_named",
]

Span: TypeAlias = tuple[int, int]
"""Character offsets ``(start, end)`` into the text read: ``text[start:end]`` is the words."""
Depth = Literal["deep", "surface"]
Status = Literal["named", "suspected", "ruled_out", "denied"]
Denial = Literal["said", "not", "checked", "sensation"]
"""How a clause speaks of a finding: ``said`` (it is so), ``not`` (denied: "no headache", "my neck is fine"),
``checked`` (a check found it is not: "heart checked", "angina ruled out"), or for a place ``sensation`` (only a
sensation there is denied: "no numbness in my hand")."""
FindingKind = Literal["place", "absent", "sensation", "condition", "movement", "aggravator", "timing", "intensity"]

MAX_LENGTH = 5000
"""The longest text read, in characters (a description, not a document)."""

# ------------------------------------------------------------------------------------ vocabularies

SENSATION_WORDS: dict[str, Sensation] = {
    **dict.fromkeys(
        ("tingling", "tingle", "tingles", "tingly", "pins and needles", "prickling", "prickly", "buzzing"),
        "tingling",
    ),
    **dict.fromkeys(("numb", "numbness", "no feeling", "loss of feeling", "lost feeling", "deadness"), "numbness"),
    **dict.fromkeys(("burning", "burns", "burning feeling", "searing"), "burning"),
    **dict.fromkeys(("itchy", "itch", "itching", "itches"), "itching"),
    **dict.fromkeys(
        ("electric", "electrical", "electric shock", "electric shocks", "shooting", "shock", "shocks", "zapping"),
        "electric",
    ),
    **dict.fromkeys(("coldness", "feels cold", "cold feeling", "icy", "icy cold", "ice cold"), "coldness"),
    **dict.fromkeys(("watery", "watering", "teary", "tearing", "tears"), "tearing"),
    **dict.fromkeys(("reddening", "redness", "red", "reddened", "bloodshot"), "reddening"),
    **dict.fromkeys(
        ("blurred vision", "blurry vision", "blurred", "blurry", "blurring", "vision blurs", "blurs"), "blurred_vision"
    ),
    **dict.fromkeys(("runny", "runny nose", "running nose", "stuffy nose"), "runny_nose"),
    **dict.fromkeys(("dizzy", "dizziness", "lightheaded", "light headed", "giddy", "spinning"), "dizziness"),
    **dict.fromkeys(("unsteady", "off balance", "loss of balance", "imbalance", "wobbly"), "imbalance"),
    **dict.fromkeys(("ringing", "tinnitus", "buzzing in the ear", "buzzing in the ears"), "tinnitus"),
    **dict.fromkeys(("blocked", "fullness", "feels full", "plugged", "stuffy ear"), "ear_fullness"),
    **dict.fromkeys(("nausea", "nauseous", "nauseated", "queasy", "feel sick", "feeling sick"), "nausea"),
    **dict.fromkeys(("sweating", "sweaty", "sweats"), "sweating"),
    **dict.fromkeys(("goosebumps", "goose bumps", "gooseflesh", "goose pimples"), "goosebumps"),
}
"""The lay words for each referred sensation (``tpmap sensations`` lists them): one table, read here only."""

TIMING_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "morning",
            "mornings",
            "in the morning",
            "in the mornings",
            "first thing in the morning",
            "on waking",
            "when i wake up",
            "when i wake",
            "waking up",
            "on getting up",
        ),
        "morning",
    ),
    **dict.fromkeys(
        ("night", "nights", "at night", "nighttime", "night time", "in bed", "wakes me up", "wakes me", "in the night"),
        "night",
    ),
    **dict.fromkeys(("evening", "evenings", "in the evening", "in the evenings"), "evening"),
    **dict.fromkeys(
        (
            "after exercise",
            "after exercising",
            "after training",
            "after a workout",
            "after sport",
            "after sports",
            "after the gym",
            "after a run",
        ),
        "after_exercise",
    ),
    **dict.fromkeys(("constant", "constantly", "all the time", "all day", "always there", "nonstop"), "constant"),
    **dict.fromkeys(("comes and goes", "on and off", "off and on", "intermittent", "now and then"), "intermittent"),
    **dict.fromkeys(("at rest", "when resting", "when i rest", "at rest too"), "at_rest"),
}
"""Timing words, kept in the report (they are not scored: the catalogue records no timing)."""

INTENSITY_WORDS: dict[str, int] = {
    "slight": 2,
    "mild": 3,
    "moderate": 5,
    "strong": 7,
    "intense": 8,
    "severe": 8,
    "terrible": 8,
    "awful": 8,
    "very bad": 8,
    "very severe": 9,
    "excruciating": 9,
    "unbearable": 9,
    "agonising": 9,
    "agonizing": 9,
}
"""Intensity words and the 0–10 value each is read as (a score such as "7/10" is read as written; one outside
0–10, such as "11/10", is not used, with a note)."""

DEPTH_WORDS: dict[str, Depth] = {
    "deep": "deep",
    "deep in": "deep",
    "deep inside": "deep",
    "deep within": "deep",
    "deep down in": "deep",
    "on the surface": "surface",
    "superficial": "surface",
    "on the skin": "surface",
    "skin": "surface",
    "surface": "surface",
    "under the skin": "surface",
}
"""Depth words: recorded on the place they come before (the model does not score depth)."""

Cue = Literal[
    "negation", "cleared", "checked", "suspect", "named", "restrict", "spread", "test", "boundary", "relief", "worse"
]

CUES: dict[str, Cue] = {
    **dict.fromkeys(
        (
            "no",
            "not",
            "never",
            "without",
            "nothing",
            "none",
            "neither",
            "nor",
            "isn't",
            "isnt",
            "aren't",
            "doesn't",
            "doesnt",
            "don't",
            "dont",
            "didn't",
            "hasn't",
            "haven't",
            "free of",
            "no longer",
        ),
        "negation",
    ),
    **dict.fromkeys(("fine", "ok", "okay", "unaffected", "spared", "all right", "alright"), "cleared"),
    **dict.fromkeys(
        (
            "normal",
            "clear",
            "checked",
            "checked out",
            "ruled out",
            "excluded",
            "negative",
            "negative for",
            "came back clear",
            "came back normal",
            "came back fine",
            "nothing found",
            "no sign of",
            "no signs of",
            "no evidence of",
        ),
        "checked",
    ),
    **dict.fromkeys(
        (
            "maybe",
            "might",
            "might be",
            "could be",
            "possibly",
            "possible",
            "probably",
            "probable",
            "perhaps",
            "thought to be",
            "think",
            "thinks",
            "i think",
            "suspected",
            "suspect",
            "query",
            "feels like",
            "feel like",
            "like",
            "looks like",
            "sounds like",
            "not sure",
            "unsure",
            "wondering",
            "worried",
            "thought",
            "i thought",
            "wondered",
            "wondered about",
            "wondering about",
            "worried about",
        ),
        "suspect",
    ),
    **dict.fromkeys(("diagnosed", "diagnosed with", "diagnosed as", "told", "told i have", "has", "have"), "named"),
    **dict.fromkeys(
        (
            "can't",
            "cant",
            "cannot",
            "can not",
            "unable",
            "unable to",
            "hard to",
            "difficult to",
            "difficulty",
            "trouble",
            "struggle",
            "struggle to",
            "limited",
            "hurts to",
            "painful to",
        ),
        "restrict",
    ),
    **dict.fromkeys(
        (
            "down",
            "up",
            "into",
            "to",
            "towards",
            "toward",
            "through",
            "from",
            "radiating",
            "radiates",
            "radiate",
            "spreading",
            "spreads",
            "spread",
            "travelling",
            "traveling",
            "travels",
            "goes",
            "going",
            "running",
            "runs",
            "all the way",
            "extending",
            "extends",
            "running down",
            "runs down",
            "running up",
            "runs up",
            "going down",
            "goes down",
            "going up",
            "goes up",
            "going into",
            "goes into",
        ),
        "spread",
    ),
    **dict.fromkeys(
        (
            "scan",
            "scans",
            "x ray",
            "x rays",
            "xray",
            "mri",
            "ct",
            "ultrasound",
            "tests",
            "test",
            "blood tests",
            "ecg",
            "ekg",
            "bloods",
            "nerve tests",
            "nerve conduction",
        ),
        "test",
    ),
    **dict.fromkeys(("but", "although", "though", "except", "however", "whereas", "apart from"), "boundary"),
    **dict.fromkeys(
        (
            "better",
            "better when",
            "better with",
            "better after",
            "better if",
            "feels better",
            "eases",
            "eased",
            "easier",
            "eases with",
            "eased by",
            "eases off",
            "relieved",
            "relieved by",
            "relief",
            "relieves",
            "helps",
            "helped",
            "improves",
            "improved",
            "improves with",
            "soothes",
            "settles",
            "settles with",
        ),
        "relief",
    ),
    **dict.fromkeys(("worse", "worse when", "worse with", "worsens", "aggravated by", "aggravates"), "worse"),
}
"""Words that say how findings are meant rather than what they are (see the module docstring). ``cleared``
says a finding is not so ("my shoulder is fine"); ``checked`` says a check found it is not ("heart checked");
``relief`` says what eases the pain ("better when I walk"), ``worse`` what makes it worse."""

_CLEARED: frozenset[Cue] = frozenset(("cleared", "checked"))
_CHECK_BEFORE = frozenset(("ruled out", "excluded", "negative for", "no sign of", "no signs of", "no evidence of"))
"""Check words that also speak of what follows them ("no sign of sciatica", "ruled out angina")."""
_VERB_NEGATIONS = frozenset(
    ("not", "isn't", "isnt", "aren't", "doesn't", "doesnt", "don't", "dont", "didn't", "hasn't", "haven't")
) | {"never", "no longer"}
"""Negations that may follow the place they deny ("my neck is not the problem", "my knees don't hurt")."""
_LINKS = frozenset(
    ("is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "really", "actually", "itself")
)
"""The only words that may stand between a place and a negation after it ("my neck is not …")."""

CHECKED_ORGANS: dict[str, str] = {"heart": "angina", "kidney": "kidney_pain", "kidneys": "kidney_pain"}
"""Organs people say were checked: the condition a normal check rules out ("heart checked and fine"). Like
``ALONG`` and ``LIMB_PATHS``, read against each catalogue keeping only the ids it has."""

THUNDERCLAP = "migraine"
"""The condition whose red flag is the sudden, worst-ever headache: a headache said that way names it as suspected,
so its emergency note comes first (read only against a catalogue that has it)."""
SUDDEN_WORDS = frozenset(("sudden", "suddenly", "abrupt", "abruptly", "thunderclap"))
WORST_EVER_WORDS = frozenset(("ever", "life"))
"""With "worst": "the worst headache ever", "worst of my life"."""

ALONG: dict[str, tuple[str, ...]] = {
    "back of the leg": ("posterior_thigh", "calf"),
    "outside of the leg": ("lateral_thigh", "lateral_leg"),
    "side of the leg": ("lateral_thigh", "lateral_leg"),
    "inside of the leg": ("medial_thigh", "medial_leg"),
    "front of the arm": ("anterior_upper_arm", "anterior_forearm"),
    "inside of the arm": ("medial_upper_arm", "ulnar_forearm"),
    "outside of the arm": ("lateral_upper_arm", "radial_forearm"),
}
"""Stretches of a limb that no single region names: the regions along them."""

LIMB_PATHS: dict[str, tuple[str, ...]] = {
    "upper_limb": ("upper_arm", "forearm"),
    "lower_limb": ("thigh", "lower_leg"),
}
"""A whole limb reached by spread ("shooting down the arm"): the places along the way."""

PLACE_ADJECTIVES = frozenset(
    ("abdominal", "cervical", "thoracic", "facial", "gluteal", "plantar", "occipital", "lumbar", "pelvic")
)
"""Adjectives that are lay terms of a region ("abdominal pain"): in a condition's own name followed by anything
but a pain word ("plantar fasciitis", "thoracic outlet syndrome") they name the kind of condition, not a place."""

PAIN_WORDS = frozenset(
    ("pain", "pains", "painful", "ache", "aches", "aching", "hurts", "hurt", "hurting", "sore", "tender", "throbs")
)
EXTRA_FILLER = frozenset(
    (
        "also",
        "too",
        "really",
        "quite",
        "very",
        "so",
        "that",
        "this",
        "there",
        "have",
        "has",
        "had",
        "been",
        "was",
        "were",
        "are",
        "do",
        "does",
        "did",
        "just",
        "kind",
        "sort",
        "bit",
        "some",
        "all",
        "across",
        "sometimes",
        "often",
        "mostly",
        "mainly",
        "especially",
        "side",
        "sides",
        "sided",
        "which",
        "who",
        "where",
        "as",
        "well",
        "both",
        "stabbing",
        "throbbing",
        "nagging",
        "gnawing",
        "cramping",
        "stiff",
        "stiffness",
        "tight",
        "tightness",
        "dull",
        "sharp",
        "sensation",
        "feeling",
        "pressure",
        "discomfort",
        "problem",
        "problems",
        "issue",
        "issues",
    )
)
"""Words that say nothing on their own: never reported as unused."""

EVERYDAY_WORDS = frozenset(
    [
        "they",
        "them",
        "then",
        "than",
        "there",
        "these",
        "those",
        "this",
        "that",
        "what",
        "when",
        "where",
        "while",
        "which",
        "with",
        "will",
        "would",
        "well",
        "were",
        "said",
        "says",
        "say",
        "tell",
        "told",
        "asked",
        "think",
        "thought",
        "wondered",
        "wonder",
        "worried",
        "sure",
        "since",
        "ago",
        "week",
        "weeks",
        "day",
        "days",
        "month",
        "months",
        "year",
        "years",
        "time",
        "times",
        "long",
        "last",
        "first",
        "next",
        "after",
        "before",
        "about",
        "into",
        "onto",
        "over",
        "under",
        "again",
        "still",
        "now",
        "only",
        "more",
        "most",
        "less",
        "some",
        "same",
        "other",
        "another",
        "each",
        "every",
        "any",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "ten",
        "half",
        "both",
        "also",
        "because",
        "doctor",
        "dentist",
        "physio",
        "nurse",
        "surgeon",
        "specialist",
        "gp",
        "started",
        "start",
        "began",
        "begin",
        "noticed",
        "help",
        "work",
        "home",
        "gym",
        "sport",
        "car",
        "bed",
        "job",
        "kids",
        "hard",
        "easy",
        "came",
        "come",
        "went",
        "goes",
        "going",
        "get",
        "gets",
        "got",
        "make",
        "makes",
        "made",
        "take",
        "took",
        "give",
        "gave",
        "see",
        "seen",
        "look",
        "looks",
        "keep",
        "kept",
        "feel",
        "feels",
        "felt",
        "seems",
        "seem",
        "better",
        "worse",
        "best",
        "worst",
        "good",
        "bad",
        "blurs",
        "blur",
        "heat",
        "hot",
        "warm",
        "warmth",
        "rest",
        "massage",
        "stretch",
        "stretching",
        "shower",
        "bath",
    ]
)
"""Everyday words that are never read as a misspelling of a body word ("since" is not "spine")."""

_DIRECTIONS = frozenset(LAY_WORDS.values())
_DETERMINERS = {"my": "the", "your": "the", "his": "the", "her": "the", "their": "the", "a": "the", "an": "the"}
_MAX_WORDS = 8
_TOKEN = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)\s*(?:/|out\s+of)\s*10\b|[^\W_]+(?:['\u2019][^\W_]+)*|[.;:!?,()]")
_BOUNDARY = frozenset(".;:!?,()")
_INTENSITY_TOKEN = "<intensity>"


# ------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class Finding:
    """One thing read from the text, with the spans of the words it came from."""

    kind: FindingKind
    subject: str
    """The id it names: a region, sensation, condition, movement, aggravator, timing word, or an intensity."""
    spans: tuple[Span, ...]
    words: str
    """The words it came from, as written (spans joined by " … ")."""
    side: ReadSide | None = None
    depth: Depth | None = None
    spread: bool = False
    """True for a place reached by spread ("down the arm", "to the calf")."""
    sensations: tuple[Sensation, ...] = ()
    """For a place: the sensations felt there."""
    status: Status | None = None
    """For a condition: named, suspected, ruled out (by a check) or denied (said not to be so)."""

    @property
    def region(self) -> str:
        """The region id (for places and absent places)."""
        return self.subject

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, leaving out what does not apply."""
        data: dict[str, Any] = {"kind": self.kind, "subject": self.subject, "words": self.words}
        data["spans"] = [list(span) for span in self.spans]
        for name in ("side", "depth", "status"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.spread:
            data["spread"] = True
        if self.sensations:
            data["sensations"] = list(self.sensations)
        return data


@dataclass(frozen=True)
class Unused:
    """Words the reading did not use."""

    words: str
    span: Span


@dataclass(frozen=True)
class Reading:
    """A description as read: its findings, each with spans, the notes on how it was read, and the words
    not used."""

    text: str
    places: tuple[Finding, ...] = ()
    absent: tuple[Finding, ...] = ()
    sensations: tuple[Finding, ...] = ()
    """Every sensation mentioned (those said to be absent are left out, with a note)."""
    conditions: tuple[Finding, ...] = ()
    """Conditions named or suspected (``status``); ruled-out ones are in ``ruled_out``, denied ones in ``denied``."""
    ruled_out: tuple[Finding, ...] = ()
    """Conditions a check found absent ("heart checked and fine", "angina ruled out")."""
    denied: tuple[Finding, ...] = ()
    """Conditions said not to be present without a check ("I don't have a headache"): not evidence either way."""
    movements: tuple[Finding, ...] = ()
    aggravators: tuple[Finding, ...] = ()
    timing: tuple[Finding, ...] = ()
    intensity: Finding | None = None
    side: ReadSide | None = None
    """The side of the whole report: one side, ``"both"``, or None when no side is said."""
    notes: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = field(default=(), repr=False)
    """The notes about words that could be read another way (``strict=True`` refuses them)."""
    unused: tuple[Unused, ...] = ()

    def findings(self) -> tuple[Finding, ...]:
        """Every finding, in the order of the text."""
        found = (
            *self.places,
            *self.absent,
            *self.sensations,
            *self.conditions,
            *self.ruled_out,
            *self.denied,
            *self.movements,
            *self.aggravators,
            *self.timing,
            *((self.intensity,) if self.intensity else ()),
        )
        return tuple(sorted(found, key=lambda f: (f.spans[0] if f.spans else (0, 0), f.kind, f.subject)))

    def describe(self, catalogue: Catalogue, *, spans: bool = False) -> str:
        """The reading in a few lines of plain words ("read as" in ``tpmap rank``; ``tpmap read`` adds the
        character spans of the words with ``spans=True``)."""

        def source(f: Finding) -> str:
            where = " at " + ", ".join(f"{a}-{b}" for a, b in f.spans) if spans else ""
            return f"← {f.words!r}{where}"

        def place(f: Finding) -> str:
            extra = [x for x in (f.side, f.depth, "spread" if f.spread else None) if x]
            extra += [s.replace("_", " ") for s in f.sensations]
            name = catalogue.regions[f.subject].name.lower()
            detail = f" ({', '.join(extra)})" if extra else ""
            return f"{name}{detail} {source(f)}"

        def named(f: Finding, table: Mapping[str, Any]) -> str:
            return f"{table[f.subject].name.lower()} {source(f)}"

        lines: list[str] = []
        lines += [f"pain: {place(f)}" for f in self.places]
        lines += [f"no pain: {place(f)}" for f in self.absent]
        lines += [f"condition ({f.status}): {named(f, catalogue.conditions)}" for f in self.conditions]
        lines += [f"ruled out: {named(f, catalogue.conditions)}" for f in self.ruled_out]
        lines += [f"denied: {named(f, catalogue.conditions)}" for f in self.denied]
        lines += [f"movement: {named(f, catalogue.movements)}" for f in self.movements]
        lines += [f"worse with: {named(f, catalogue.aggravators)}" for f in self.aggravators]
        lines += [f"timing: {f.subject.replace('_', ' ')} {source(f)}" for f in self.timing]
        if self.intensity:
            lines.append(f"intensity: {self.intensity.subject}/10 {source(self.intensity)}")
        if self.side:
            lines.append(f"side: {self.side}")
        lines += [f"note: {n}" for n in self.notes]
        if self.unused:
            lines.append("not used: " + ", ".join(repr(u.words) for u in self.unused))
        if spans and self.sensations:
            lines.append(
                "sensations: " + ", ".join(f"{f.subject.replace('_', ' ')} {source(f)}" for f in self.sensations)
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the text, every finding with its spans, the notes and the unused words."""
        return {
            "text": self.text,
            "places": [f.to_dict() for f in self.places],
            "absent": [f.to_dict() for f in self.absent],
            "sensations": [f.to_dict() for f in self.sensations],
            "conditions": [f.to_dict() for f in self.conditions],
            "ruled_out": [f.to_dict() for f in self.ruled_out],
            "denied": [f.to_dict() for f in self.denied],
            "movements": [f.to_dict() for f in self.movements],
            "aggravators": [f.to_dict() for f in self.aggravators],
            "timing": [f.to_dict() for f in self.timing],
            "intensity": self.intensity.to_dict() if self.intensity else None,
            "side": self.side,
            "notes": list(self.notes),
            "unused": [{"words": u.words, "span": list(u.span)} for u in self.unused],
        }


# ------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class _Token:
    form: str
    start: int
    end: int


@dataclass(frozen=True)
class _Match:
    """A run of words ``[i, j)`` of one clause that names something."""

    i: int
    j: int
    kind: str
    value: Any
    side: ReadSide | None = None
    note: str | None = None
    exact: int = 0
    """1 for a place or condition matched by its exact name."""


@dataclass
class _Place:
    region: str
    spans: list[Span]
    side: ReadSide | None
    absent: bool = False
    depth: Depth | None = None
    spread: bool = False
    sensations: list[Sensation] = field(default_factory=list)


@dataclass(frozen=True)
class _Vocabulary:
    words: frozenset[str]
    """Every word the reader knows (for spelling checks)."""
    correctable: tuple[str, ...]
    """The words a misspelling may be read as: place, condition and sensation words of four letters or more."""
    terms: Mapping[frozenset[str], tuple[tuple[str, str], ...]]
    """Movement and aggravator keys (see ``lexicon.term_key``) -> (kind, id) readings."""
    tables: Mapping[str, tuple[str, Any]]
    """Every table phrase -> (kind, value)."""
    stems: frozenset[str]
    """Every stemmed word of a movement or aggravator (``stressed`` is a form of ``stress``)."""
    first_stems: Mapping[frozenset[str], frozenset[str]]
    """For each movement or aggravator key, the stems its phrases start with."""
    term_words: frozenset[str]
    """Every word of a movement or aggravator as written: a word said must be one of them or an inflection."""
    region_words: frozenset[str]
    """The words of region names and lay terms that say where (a list after a comma goes on with one)."""
    organs: Mapping[str, str]
    along: Mapping[str, tuple[str, ...]]
    limb_paths: Mapping[str, tuple[str, ...]]
    """``CHECKED_ORGANS``, ``ALONG`` and ``LIMB_PATHS`` with only the ids the catalogue has."""


def sensation_named(words: str) -> Sensation | None:
    """The sensation a lay word or id names ("pins and needles" -> tingling), or None.

    >>> sensation_named("Pins and needles"), sensation_named("blurred vision"), sensation_named("ache")
    ('tingling', 'blurred_vision', None)
    """
    text = normalise(words)
    found = SENSATION_WORDS.get(text)
    if found is None and text.replace(" ", "_") in set(SENSATION_WORDS.values()):
        found = text.replace(" ", "_")  # type: ignore[assignment]
    return found


def read_report(catalogue: Catalogue, text: str, *, side: Side | None = None) -> Reading:
    """Read a description in plain words (one sentence or several) into a :class:`Reading`.

    Args:
        catalogue: whose regions, conditions, movements and aggravators the words are read against.
        text: what the person said.
        side: the side of every place that names none, when it is known besides the text (a form's side
            field): it beats the side the reader would infer, and a side the text names otherwise gets a note.

    Raises:
        UnknownNameError: nothing in the text is recognised; the message suggests lay names close to its words.
        QueryError: the text is empty or longer than ``MAX_LENGTH`` characters, or ``side`` is not a side.
        ArgumentTypeError: ``catalogue`` is not a Catalogue, ``text`` is not a string or ``side`` not a string.

    >>> import tpmap
    >>> reading = read_report(tpmap.load_catalogue(), "outside of my elbow and my left wrist", side="right")
    >>> [(p.region, p.side) for p in reading.places]
    [('lateral_elbow', 'right'), ('wrist', 'left')]
    """
    if not isinstance(catalogue, Catalogue):
        raise wrong_type("catalogue", "a Catalogue (see tpmap.load_catalogue)", catalogue)
    if not isinstance(text, str):
        raise wrong_type("text", "a string", text)
    if side is not None and not isinstance(side, str):
        raise wrong_type("side", "'left', 'right' or None", side)
    if side not in (None, "left", "right"):
        raise QueryError(f"side must be 'left' or 'right', not {side!r}")
    if not text.strip():
        raise QueryError("the description is empty: say where it hurts")
    if len(text) > MAX_LENGTH:
        raise QueryError(f"the description is {len(text)} characters long; at most {MAX_LENGTH} are read")
    return _Reader(catalogue, text, side).read()


class _Denials:
    """How the cues of one clause deny its findings (the module docstring, step 3)."""

    def __init__(self, words: list[str], chosen: list[_Match], tested: bool) -> None:
        self.words, self.chosen, self.tested = words, chosen, tested
        self.segments = self._segments(words)
        cues = [m for m in chosen if m.kind == "cue"]
        tests = [m.i for m in cues if m.value == "test"]
        self.negations = [m for m in cues if m.value == "negation"]
        # "a scan that was clear": the word clear is about the test, not a place
        self.cleared = [m for m in cues if m.value in _CLEARED and not any(t < m.i for t in tests)]
        self.checks_before = [m for m in cues if m.value == "checked" and self._phrase(m) in _CHECK_BEFORE]

    def of(self, m: _Match) -> Denial:
        """How the clause speaks of the finding ``m``."""
        place = m.kind in ("place", "along")
        before = [d for n in self.negations if n.i < m.i and (d := self._scope(n, m)) != "said"]
        after = [d for n in self.negations if place and self._follows(n, m) and (d := self._scope(n, m)) != "said"]
        cleared = [c for c in self.cleared if c.i >= m.j and self._same_claim(m.i, c.i)]
        if any(c.i < m.i for c in self.checks_before) or any(c.value == "checked" for c in cleared):
            return "checked"
        if "not" in before or "not" in after or cleared:
            return "checked" if self.tested and m.kind != "sensation" else "not"
        return "sensation" if before or after else "said"

    def _phrase(self, m: _Match) -> str:
        return " ".join(self.words[m.i : m.j])

    def _scope(self, negation: _Match, m: _Match) -> Denial:
        """What a negation denies of a place: the place ("no pain in my hand"), only a sensation between them
        or after it ("no numbness in my hand", "my hand is not numb"), or nothing, when the place's own
        "and"-segment says it hurts ("no numbness and my hand hurts")."""
        if m.kind not in ("place", "along"):
            return "not"
        segment = self.segments[m.i]
        if self.segments[negation.i] != segment and any(
            w in PAIN_WORDS for w, s in zip(self.words, self.segments, strict=True) if s == segment
        ):
            return "said"
        start, end = negation.j, m.i
        if negation.i > m.i:  # up to the end of the place's "and"-segment
            later = (k for k in range(negation.j, len(self.words)) if self.segments[k] != self.segments[m.i])
            end = next(later, len(self.words))
        if any(w in PAIN_WORDS for w in self.words[start:end]):
            return "not"
        sensation = any(x.kind == "sensation" and start <= x.i and x.j <= end for x in self.chosen)
        return "sensation" if sensation else "not"

    def _follows(self, negation: _Match, m: _Match) -> bool:
        """Whether a negation after the place ``m`` speaks of it: "my neck is not the problem", "my knees don't
        hurt" (only linking words between; "pain in my knee that does not go away" is not one)."""
        return (
            negation.i >= m.j
            and self._phrase(negation) in _VERB_NEGATIONS
            and all(w in _LINKS for w in self.words[m.j : negation.i])
            and not any(w in PAIN_WORDS for w in self.words[m.i : m.j])
        )

    @staticmethod
    def _segments(words: list[str]) -> list[int]:
        """The "and"-segment of each word: findings joined by "and" are separate claims."""
        segment, out = 0, []
        for word in words:
            if word == "and":
                segment += 1
            out.append(segment)
        return out

    def _same_claim(self, at: int, cue: int) -> bool:
        """Whether a "fine"/"clear" word at ``cue`` speaks of the finding at ``at``: in the same "and"-segment,
        or in an earlier one that says nothing but places ("jaw and ear are fine")."""
        segments = self.segments
        if segments[at] == segments[cue]:
            return True
        own = [k for k, segment in enumerate(segments) if segment == segments[at]]
        if any(self.words[k] in PAIN_WORDS for k in own):
            return False  # "pain in my shoulder and my neck is fine": the shoulder hurts
        return not any(m.kind == "sensation" and segments[m.i] == segments[at] for m in self.chosen)


class _Reader:
    """One reading of one text (a fresh object per call: no state is shared between readings)."""

    def __init__(self, catalogue: Catalogue, text: str, side: Side | None = None) -> None:
        self.catalogue = catalogue
        self.text = text
        self.side = side
        self.vocabulary = _vocabulary(catalogue)
        self.notes: list[str] = []
        self.ambiguous: list[str] = []
        self.places: list[_Place] = []
        self.sensations: list[tuple[Finding, int, bool]] = []  # finding, clause, attached to a place
        self.conditions: list[Finding] = []
        self.ruled_out: list[Finding] = []
        self.denied: list[Finding] = []
        self.movements: list[Finding] = []
        self.aggravators: list[Finding] = []
        self.timing: list[Finding] = []
        self.intensities: list[Finding] = []
        self.report_sides: list[ReadSide] = []
        self.unused: list[Unused] = []
        self.last_places: list[_Place] = []
        """The places of the last clause that named any ("my hand is numb, but doesn't hurt")."""
        self.heard = False
        """Whether anything was recognised that leaves no finding (a sensation said to be absent)."""

    # -------------------------------------------------------------------- words and clauses

    def _tokens(self) -> list[_Token]:
        tokens: list[_Token] = []
        for m in _TOKEN.finditer(self.text):
            if m.group(1) is not None:
                tokens.append(_Token(f"{_INTENSITY_TOKEN}{m.group(1)}", m.start(), m.end()))
            else:
                tokens.append(_Token(m.group().casefold().replace("\u2019", "'"), m.start(), m.end()))
        return tokens

    def _clauses(self, tokens: list[_Token]) -> list[list[_Token]]:
        clauses: list[list[_Token]] = [[]]
        for index, token in enumerate(tokens):
            if token.form == "," and self._list_goes_on(tokens[index + 1 :]):
                continue  # "my neck, shoulder and arm": a list goes on after a comma
            if token.form in _BOUNDARY or CUES.get(token.form) == "boundary":
                clauses.append([])
            else:
                clauses[-1].append(token)
        return [c for c in clauses if c]

    def _list_goes_on(self, rest: list[_Token]) -> bool:
        """Whether the words after a comma go on with a list of places: a place word first, and no cue."""
        if not rest or rest[0].form not in self.vocabulary.region_words:
            return False
        for token in rest:
            if token.form in _BOUNDARY:
                break
            if token.form in CUES and CUES[token.form] not in ("spread",):
                return False
        return True

    def _spell(self, tokens: list[_Token]) -> list[_Token]:
        """Read misspelt words as the nearest known word, with a note."""
        known = self.vocabulary.words
        fixed: list[_Token] = []
        for original in tokens:
            token, form = original, original.form
            inflected = term_key(form) <= self.vocabulary.stems and term_key(form) != {form}  # "stressed"
            everyday = form in EVERYDAY_WORDS
            if len(form) >= 3 and form.isalpha() and form not in known and not inflected and not everyday:
                near = [w for w in close_matches(form, self.vocabulary.correctable, limit=3, cutoff=0.8)]
                near = [w for w in near if w[0] == form[0]]
                if near:
                    self.notes.append(f"read {self.text[token.start : token.end]!r} as {near[0]!r} (spelling)")
                    if len(near) > 1:
                        self.ambiguous.append(f"{form!r} could also be {', '.join(map(repr, near[1:]))}")
                    token = _Token(near[0], token.start, token.end)
            fixed.append(token)
        return fixed

    # -------------------------------------------------------------------- matching runs of words

    def _candidates(self, words: list[str]) -> list[_Match]:
        found: list[_Match] = []
        for i in range(len(words)):
            if words[i].startswith(_INTENSITY_TOKEN):
                found += self._intensity(words[i].removeprefix(_INTENSITY_TOKEN), i)
                continue
            for j in range(i + 1, min(len(words), i + _MAX_WORDS) + 1):
                found += self._runs(words, i, j)
        return found

    def _intensity(self, number: str, i: int) -> list[_Match]:
        """A score out of ten ("7/10"); one outside 0–10 ("11/10", "-3/10") is not used, with a note."""
        value = float(number)
        if not 0 <= value <= 10:
            self.notes.append(f"{number}/10 is outside the scale of 0 to 10: not used as an intensity")
            return []
        whole = math.floor(value + 0.5)
        if whole != value:
            self.notes.append(f"read {number}/10 as {whole}/10 (intensities are whole numbers)")
        return [_Match(i, i + 1, "intensity", whole)]

    def _runs(self, words: list[str], i: int, j: int) -> list[_Match]:
        run = words[i:j]
        if any(w.startswith(_INTENSITY_TOKEN) for w in run):
            return []
        phrase = " ".join(_DETERMINERS.get(w, w) for w in run)
        found: list[_Match] = []
        table = self.vocabulary.tables.get(phrase)
        if table is not None:
            found.append(_Match(i, j, table[0], table[1]))
        sides = [SIDE_WORDS[w] for w in run if w in ("left", "right")]
        body = [w for w in run if w not in ("left", "right")]
        if run == ["back"] and words[j : j + 1] == ["of"]:
            body = []  # "the back of my calf": a direction, not the back
        if body and run[-1] not in ("left", "right"):
            side: ReadSide | None = None
            if sides:
                side = sides[0] if len(set(sides)) == 1 else "both"
            found += self._places(run, body, i, j, side)
        key = term_key(" ".join(run))
        if key and run[0] not in TERM_FILLER and run[-1] not in TERM_FILLER and not {"and", "or"} & set(run):
            if not all(_inflection_of(w, self.vocabulary.term_words) for w in run if w not in TERM_FILLER):
                return found  # "bit" is no form of "bite", though a crude stem joins them
            first = next(iter(term_key(run[0])), "")
            seen: set[tuple[str, str]] = set()
            # the words as said, then with a verb read as its synonym ("lift my arm overhead": raising it)
            for said, said_first in ((key, first), *_synonyms(key, first)):
                for kind, ident in self.vocabulary.terms.get(said, ()):
                    # "thumb when I pinch" is no way of saying "pinch"
                    if said_first in self.vocabulary.first_stems[said] and (kind, ident) not in seen:
                        seen.add((kind, ident))
                        found.append(_Match(i, j, kind, ident))
        return found

    def _places(self, run: list[str], body: list[str], i: int, j: int, side: ReadSide | None) -> list[_Match]:
        text = " ".join(_DETERMINERS.get(w, w) for w in body)
        along = self.vocabulary.along.get(text)
        if along is not None:
            return [_Match(i, j, "along", along, side)]
        if len(body) == 1 and body[0] in self.vocabulary.organs:
            return [_Match(i, j, "organ", self.vocabulary.organs[body[0]], side)]
        how, readings = phrase_readings(self.catalogue, " ".join(body))
        if how != "exact":  # "the side of my neck" is the lay term "side of the neck"
            canonical = phrase_readings(self.catalogue, " ".join(_DETERMINERS.get(w, w) for w in body))
            if canonical[0] == "exact":
                how, readings = canonical
        if not readings:
            return []
        if how == "words" and (body[-1] in FILLER or body[0] in FILLER or run[0] in FILLER):
            return []  # a run read by its words starts and ends on a word that says where
        if how == "words" and not content_words(self.catalogue, " ".join(body)) - _DIRECTIONS:
            return []  # "behind" alone is a direction, not a place
        regions = sorted(ident for kind, ident in readings if kind == "region")
        conditions = sorted(ident for kind, ident in readings if kind == "condition")
        exact = int(how == "exact")
        if conditions and (how == "exact" or not regions):
            # a condition's own name; the place it names, if any ("tennis elbow", "stiff neck", "ear pain"), too
            return [_Match(i, j, "condition", (conditions[0], self._implied_place(body)), side, exact=exact)]
        note = None
        if conditions:
            names = ", ".join(self.catalogue.conditions[c].name for c in conditions)
            note = f"read {{words!r}} as a place; it is also the name of a condition ({names}): name it to use it"
        return [_Match(i, j, "place", regions[0], side, note, exact=exact)]

    def _implied_place(self, words: list[str]) -> str | None:
        """The longest run of a condition's words that names a region."""
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                run = words[start : start + size]
                if run[0] in FILLER or run[-1] in FILLER:
                    continue
                after = words[start + size : start + size + 1]
                if size == 1 and run[0] in PLACE_ADJECTIVES and after and after[0] not in PAIN_WORDS:
                    continue
                _, readings = phrase_readings(self.catalogue, " ".join(run))
                regions = sorted(ident for kind, ident in readings if kind == "region")
                if regions:
                    return regions[0]
        return None

    def _ellipsis(self, words: list[str], chosen: list[_Match]) -> list[_Match]:
        """ "ring and little finger": a word before "and" that names a place with the next place's last word."""
        starts = {m.i: m for m in chosen}
        used = {k for m in chosen for k in range(m.i, m.j)}
        added: list[_Match] = []
        for i in range(len(words) - 2):
            after = starts.get(i + 2)
            if i in used or words[i + 1] != "and" or after is None or after.kind != "place":
                continue
            _, readings = phrase_readings(self.catalogue, f"{words[i]} {words[after.j - 1]}")
            regions = sorted(ident for kind, ident in readings if kind == "region")
            if regions:
                added.append(_Match(i, i + 1, "place", regions[0], after.side))
        return sorted((*chosen, *added), key=lambda m: m.i)

    @staticmethod
    def _best(candidates: list[_Match], words: list[str]) -> list[_Match]:
        """The non-overlapping matches that use the most words that say something, then the fewest names read
        by their words rather than exactly, then the fewest and longest matches, by dynamic programming over the
        clause; ties go to ``_PRIORITY``."""
        by_end: dict[int, list[_Match]] = {}
        for m in candidates:
            by_end.setdefault(m.j, []).append(m)
        best: list[tuple[tuple[int, int, int, int, int], list[_Match]]] = [((0, 0, 0, 0, 0), [])]
        for end in range(1, len(words) + 1):
            options = [best[end - 1]]
            for m in by_end.get(end, ()):
                (used, loose, pieces, size, priority), chosen = best[m.i]
                said = sum(1 for w in words[m.i : m.j] if w not in FILLER)
                inexact = int(m.kind in ("place", "condition") and not m.exact)
                score = (used + said, loose - inexact, pieces - 1, size + m.j - m.i, priority - _PRIORITY[m.kind])
                options.append((score, [*chosen, m]))
            best.append(max(options, key=lambda o: o[0]))
        return best[len(words)][1]

    # -------------------------------------------------------------------- reading clauses

    def read(self) -> Reading:
        tokens = self._spell(self._tokens())
        for number, clause in enumerate(self._clauses(tokens)):
            self._clause(number, clause)
        return self._finish()

    def _clause(self, number: int, clause: list[_Token]) -> None:
        words = [t.form for t in clause]
        chosen = self._best(self._candidates(words), words)
        chosen = self._ellipsis(words, chosen)
        covered: set[int] = set()
        for m in chosen:
            covered.update(range(m.i, m.j))
        cues = [(m.i, m.value) for m in chosen if m.kind == "cue"]
        restrict = any(c == "restrict" for _, c in cues)
        tests = [i for i, c in cues if c == "test"]
        test_clear = any(c in _CLEARED for i, c in cues if any(t < i for t in tests))
        denials = _Denials(words, chosen, bool(tests))

        def span(m: _Match) -> Span:
            return (clause[m.i].start, clause[m.j - 1].end)

        def negated(m: _Match) -> bool:
            return denials.of(m) not in ("said", "sensation")

        clause_places: list[_Place] = []
        loose_sides: list[tuple[int, ReadSide]] = []
        depth: tuple[int, Depth] | None = None
        spread_from: int | None = None
        sensations: list[tuple[_Match, bool]] = []
        test = False
        for m in chosen:
            here = span(m)
            if m.kind == "cue" and m.value == "spread":
                if words[m.i] != "from":  # "from the buttock": the place the pain starts
                    spread_from = m.i if spread_from is None else spread_from
            elif m.kind == "cue" and m.value == "test":
                test = True
            elif m.kind == "side" and any(n.j <= m.i for n in denials.negations) and not clause_places:
                # "pain in my knee, not on the left": a side said not to hurt is not the side of the pain
                self.notes.append(f"{self.text[here[0] : here[1]]!r} is said not to hurt: not used as a side")
            elif m.kind == "side":
                loose_sides.append((m.i, m.value))
            elif m.kind == "depth":
                depth = (m.j, m.value)
            elif m.kind in ("place", "along"):
                regions = (m.value,) if m.kind == "place" else m.value
                side = m.side or self._side_before(words, chosen, m)
                spread = spread_from is not None and spread_from < m.i
                if m.kind == "place" and spread and m.value in self.vocabulary.limb_paths:
                    regions = self.vocabulary.limb_paths[m.value]
                    self.notes.append(
                        f"read {self.text[here[0] : here[1]]!r} as the places along it: "
                        + ", ".join(self.catalogue.regions[r].name.lower() for r in regions)
                    )
                if m.note:
                    self.notes.append(m.note.format(words=self.text[here[0] : here[1]]))
                    self.ambiguous.append(m.note.format(words=self.text[here[0] : here[1]]))
                place_depth = depth[1] if depth is not None and depth[0] <= m.i else None
                if words[m.i] == "deep":
                    place_depth = "deep"
                checked = self._checked_organ(m, words) if negated(m) else None
                if checked is not None:  # "ears checked and fine": the ear's condition is ruled out
                    self._add_condition(checked, here, "ruled_out")
                    continue
                if denials.of(m) == "sensation":  # "no numbness in my hand": the hand is not said to hurt
                    self.heard = True
                    self.notes.append(
                        f"{self.text[here[0] : here[1]]!r} is named only as where a sensation is absent: "
                        "not read as a painful place"
                    )
                    continue
                for region in regions:
                    place = _Place(region, [here], side, negated(m), place_depth, spread or m.kind == "along")
                    clause_places.append(place)
                depth = None
            elif m.kind == "condition":
                self._condition(m, here, denials.of(m), cues, words, chosen, clause_places)
            elif m.kind == "organ":
                if negated(m):  # "heart checked and fine" rules angina out; "no heart problems" only denies it
                    self._add_condition(m.value, here, "ruled_out" if denials.of(m) == "checked" else "denied")
                elif any(i < m.i and c == "suspect" for i, c in cues):  # "I thought it was my kidney"
                    self._add_condition(m.value, here, "suspected")
                else:
                    covered.difference_update(range(m.i, m.j))  # "heart" alone says nothing to use
            elif m.kind == "sensation":
                sensations.append((m, negated(m)))
            elif m.kind in ("movement", "aggravator") and self._eases(m, cues, denials):
                covered.difference_update(range(m.i, m.j))  # listed as not used, with the note
                self.heard = True
                self.notes.append(f"{self.text[here[0] : here[1]]!r} read as what eases it: not scored")
            elif m.kind in ("movement", "aggravator"):
                self._term(m, here, restrict, chosen)
            elif m.kind == "timing":
                self.timing.append(Finding("timing", m.value, (here,), self.text[here[0] : here[1]]))
            elif m.kind in {"intensity", "intensity_word"}:
                value = int(m.value)  # 0–10: words by the table, numbers by _intensity
                self.intensities.append(Finding("intensity", str(value), (here,), self.text[here[0] : here[1]]))
        if (
            test
            and (denials.cleared or test_clear)
            and not any(f.spans and f.spans[0][0] >= clause[0].start for f in self.ruled_out)
        ):
            self.notes.append(
                f"a test was reported clear ({self.text[clause[0].start : clause[-1].end]!r}): it names no "
                "condition, so nothing is ruled out"
            )
        for place in clause_places:
            if place.side is None:
                loose = {s for _, s in loose_sides}
                if len(loose) == 1:
                    place.side = next(iter(loose))
                elif len(loose) > 1:
                    place.side = "both"
        if loose_sides and not clause_places:
            self.report_sides += [s for _, s in loose_sides]
        present = [p for p in clause_places if not p.absent]
        for m, denied in sensations:
            here = span(m)
            finding = Finding("sensation", m.value, (here,), self.text[here[0] : here[1]])
            if denied:
                self.notes.append(f"{finding.words!r} is said to be absent: not used")
                self.heard = True
                continue
            self.sensations.append((finding, number, bool(present)))
            for place in present:
                place.sensations.append(m.value)
        self._thunderclap(words, chosen, span, covered)
        self._pain_denied(words, chosen, denials, clause_places or self.last_places)
        self.places += clause_places
        if clause_places:  # a clause that says its places hurt leaves none that a later "no pain" may speak of
            self.last_places = [] if PAIN_WORDS & set(words) else clause_places
        self._unused(clause, covered)

    def _thunderclap(
        self, words: list[str], chosen: list[_Match], span: Callable[[_Match], Span], covered: set[int]
    ) -> None:
        """A headache said to be sudden or the worst ever: the red flag of ``THUNDERCLAP``, named as suspected
        before the headache, with a note to rule it out first."""
        if THUNDERCLAP not in self.catalogue.conditions:
            return
        headaches = [m for m in chosen if m.kind == "condition" and {"headache", "headaches"} & set(words[m.i : m.j])]
        worst = "worst" in words and bool(WORST_EVER_WORDS & set(words))
        cues = [k for k, w in enumerate(words) if w in SUDDEN_WORDS or (worst and w in {"worst", *WORST_EVER_WORDS})]
        said = [span(m) for m in headaches]
        # only a headache that is said (not denied or ruled out) is read this way
        headache = next((k for k, f in enumerate(self.conditions) if set(f.spans) & set(said)), None)
        if headache is None or not cues:
            return
        covered.update(cues)
        here = span(_Match(min(cues[0], headaches[0].i), max(cues[-1] + 1, headaches[0].j), "condition", None))
        words_said = self.text[here[0] : here[1]]
        self.conditions.insert(headache, Finding("condition", THUNDERCLAP, (here,), words_said, status="suspected"))
        self.notes.append(f"{words_said!r}: a sudden, worst-ever headache: rule out first")

    def _pain_denied(self, words: list[str], chosen: list[_Match], denials: _Denials, places: list[_Place]) -> None:
        """A negation of pain with no place after it ("… but doesn't hurt", "numb hand, no pain") speaks of the
        places before it: one with a sensation is a sensation-only finding, which the model does not score, so it
        is kept with its sensation and a note says pain was denied; one without becomes a place that does not hurt.
        """
        negation = next(
            (
                n
                for n in denials.negations
                if any(w in PAIN_WORDS for w in words[n.j :])
                and not any(m.kind in ("place", "along") and m.i >= n.i for m in chosen)
            ),
            None,
        )
        if negation is None or PAIN_WORDS & set(words[: negation.i]):
            return  # "my neck hurts, not …": the pain said first stands
        said = " ".join(words[negation.i :])
        for place in places:
            if place.absent:
                continue
            name = self.catalogue.regions[place.region].name.lower()
            if place.sensations:
                felt = " and ".join(dict.fromkeys(s.replace("_", " ") for s in place.sensations))
                self.notes.append(
                    f"pain is denied at the {name} ({said!r}): read as where {felt} is felt, which is scored as a "
                    "painful place (the model has no finding for a sensation without pain)"
                )
            else:
                place.absent = True
                self.notes.append(f"pain is denied at the {name} ({said!r}): read as a place that does not hurt")

    @staticmethod
    def _eases(m: _Match, cues: list[tuple[int, Cue]], denials: _Denials) -> bool:
        """Whether a movement or factor is said to ease the pain, not to hurt: the nearest of "better"/"worse"
        words before it is one that eases ("better when I walk"), or, with none before, one after it in the same
        "and"-segment ("walking helps")."""
        before = [c for i, c in cues if i < m.i and c in ("relief", "worse")]
        if before:
            return before[-1] == "relief"
        segment = denials.segments[m.i]
        return any(i >= m.j and c == "relief" and denials.segments[i] == segment for i, c in cues)

    def _checked_organ(self, m: _Match, words: list[str]) -> str | None:
        """The condition of a place said to be checked ("ears were checked and fine" rules out earache)."""
        if m.kind != "place" or not any(w in ("checked", "tested", "examined", "scanned") for w in words[m.j :]):
            return None
        body = [w for w in words[m.i : m.j] if w not in ("left", "right")]
        _, readings = phrase_readings(self.catalogue, " ".join((*body, "pain")))
        conditions = sorted(ident for kind, ident in readings if kind == "condition")
        return conditions[0] if conditions else None

    @staticmethod
    def _side_before(words: list[str], chosen: list[_Match], place: _Match) -> ReadSide | None:
        """A side word just before a place ("my left jaw"), or the side of the place before it joined by "and"."""
        previous = [m for m in chosen if m.j <= place.i]
        if previous and previous[-1].kind == "side":
            gap = words[previous[-1].j : place.i]
            if all(w in FILLER for w in gap):
                return previous[-1].value  # type: ignore[no-any-return]
        for m in reversed(previous):
            if m.kind in ("place", "along") and m.side is not None:
                return m.side
            if m.kind not in ("place", "along", "cue", "depth"):
                break
        return None

    def _condition(
        self,
        m: _Match,
        here: Span,
        denial: Denial,
        cues: list[tuple[int, Cue]],
        words: list[str],
        chosen: list[_Match],
        places: list[_Place],
    ) -> None:
        ident, implied = m.value
        if denial != "said":  # only a check rules a condition out; "no headache" denies it, no more
            self._add_condition(ident, here, "ruled_out" if denial == "checked" else "denied")
            return
        suspected = any(i < m.i and c == "suspect" for i, c in cues)
        self._add_condition(ident, here, "suspected" if suspected else "named")
        if implied is not None:
            side = m.side or self._side_before(words, chosen, m)
            places.append(_Place(implied, [here], side))

    def _add_condition(self, ident: str, here: Span, status: Status) -> None:
        finding = Finding("condition", ident, (here,), self.text[here[0] : here[1]], status=status)
        found = {"ruled_out": self.ruled_out, "denied": self.denied}.get(status, self.conditions)
        found.append(finding)

    def _term(self, m: _Match, here: Span, restrict: bool, chosen: list[_Match]) -> None:
        words = self.text[here[0] : here[1]]
        readings = self.vocabulary.terms.get(term_key(words), ((m.kind, m.value),))
        kinds = {kind for kind, _ in readings}
        # a movement and a factor with the same words: "can't …" makes it a restricted movement
        kind = ("movement" if restrict else "aggravator") if len(kinds) > 1 else m.kind
        ident = next(i for k, i in readings if k == kind)
        (self.movements if kind == "movement" else self.aggravators).append(Finding(kind, ident, (here,), words))  # type: ignore[arg-type]
        others = [i for k, i in readings if k != kind]
        if others:
            table = self.catalogue.aggravators if kind == "movement" else self.catalogue.movements
            note = (
                f"read {words!r} as {'a restricted movement' if kind == 'movement' else 'what makes it worse'}; "
                f"it could also be {'what makes it worse' if kind == 'movement' else 'a restricted movement'}: "
                + ", ".join(table[o].name.lower() for o in others)
            )
            self.notes.append(note)
            self.ambiguous.append(note)

    def _unused(self, clause: list[_Token], covered: set[int]) -> None:
        run: list[int] = []

        def flush() -> None:
            if run:
                start, end = clause[run[0]].start, clause[run[-1]].end
                self.unused.append(Unused(self.text[start:end], (start, end)))
                run.clear()

        for index, token in enumerate(clause):
            if index in covered:
                flush()
            elif token.form in FILLER or token.form in EXTRA_FILLER or token.form in TERM_FILLER:
                continue  # filler between unused words joins them; alone it is nothing to report
            else:
                run.append(index)
        flush()

    # -------------------------------------------------------------------- the whole report

    def _finish(self) -> Reading:
        report_side = _one_side(self.report_sides)
        # a side named only on a place that does not hurt says nothing of the painful ones
        named_sides = {p.side for p in self.places if p.side is not None and not p.absent}
        if self.side is not None:  # the side given with the text beats any side inferred from it
            said = sorted({*self.report_sides, *named_sides} - {self.side})
            if said:
                self.notes.append(
                    f"the side given is {self.side}, but the text names the {' and '.join(said)} side: places that "
                    f"name their own side keep it, the others are read as on the {self.side}"
                )
            report_side = self.side
        elif report_side is None and len(named_sides) == 1 and named_sides != {"both"}:
            report_side = next(iter(named_sides))  # "my right elbow …, tingling in my hand": the right hand
            if any(p.side is None for p in self.places):
                self.notes.append(f"places without a side are read as on the {report_side}, like the others")
        for place in self.places:
            if place.side is None and report_side is not None:
                place.side = report_side
        loose = [f for f, _, attached in self.sensations if not attached]
        present = [p for p in self.places if not p.absent]
        for finding in loose:
            for place in present:
                place.sensations.append(finding.subject)  # type: ignore[arg-type]
            if not present:
                self.notes.append(f"{finding.words!r} is not said to be felt at any place: not used in a ranking")
        places, absent = (
            self._merge([p for p in self.places if not p.absent]),
            self._merge([p for p in self.places if p.absent]),
        )
        ruled = {f.subject for f in self.ruled_out}
        self.denied = [f for f in self.denied if f.subject not in ruled]  # a check says more than a denial
        denied = {f.subject for f in self.denied}
        for finding in self.conditions:
            if finding.subject in ruled:  # "ear pain …, ears were checked and fine": ruled out wins
                self.notes.append(f"{finding.words!r} names a condition that is said to be ruled out")
            elif finding.subject in denied:
                self.notes.append(f"{finding.words!r} names a condition that is also denied: not used either way")
        self.conditions = [f for f in self.conditions if f.subject not in ruled | denied]
        for finding in _unique(self.denied):
            name = self.catalogue.conditions[finding.subject].name.lower()
            self.notes.append(
                f"{finding.words!r} denies {name} without a check: not evidence either way (only a check, a test "
                "or a clear result rules a condition out)"
            )
        intensity = None
        if self.intensities:
            # a number said ("7/10") over a word ("severe"); of several, the highest
            numbers = [f for f in self.intensities if any(ch.isdigit() for ch in f.words)] or self.intensities
            intensity = max(numbers, key=lambda f: (int(f.subject), -f.spans[0][0]))
            if len({f.subject for f in numbers}) > 1:
                self.notes.append(f"several intensities were given; the highest ({intensity.subject}/10) is used")
        sides = {p.side for p in places if p.side is not None}
        side: ReadSide | None = None
        if sides:
            side = next(iter(sides)) if len(sides) == 1 else "both"
        elif report_side is not None:
            side = report_side
        found = bool(
            places
            or absent
            or self.sensations
            or self.conditions
            or self.ruled_out
            or self.denied
            or self.movements
            or self.aggravators
            or self.timing
            or self.intensities
            or self.report_sides
            or self.heard
        )
        if not found:
            raise UnknownNameError("place or condition", self.text, self._suggestions())
        return Reading(
            text=self.text,
            places=places,
            absent=absent,
            sensations=tuple(f for f, _, _ in self.sensations),
            conditions=_unique(self.conditions),
            ruled_out=_unique(self.ruled_out),
            denied=_unique(self.denied),
            movements=_unique(self.movements),
            aggravators=_unique(self.aggravators),
            timing=_unique(self.timing),
            intensity=intensity,
            side=side,
            notes=tuple(dict.fromkeys(self.notes)),
            ambiguous=tuple(dict.fromkeys(self.ambiguous)),
            unused=tuple(self.unused),
        )

    def _merge(self, places: list[_Place]) -> tuple[Finding, ...]:
        """One finding per place and side; the same place said twice keeps both spans."""
        merged: dict[tuple[str, ReadSide | None], _Place] = {}
        # A place said without a side takes the side it was first said with (read before any is merged: a
        # midline place's side is dropped as it is merged).
        said_with: dict[str, ReadSide] = {}
        for place in places:
            if place.side is not None:
                said_with.setdefault(place.region, place.side)
        for place in places:
            if place.side is None:
                place.side = said_with.get(place.region)
            side = None if self.catalogue.regions[place.region].laterality == "midline" else place.side
            key = (place.region, side)
            if key in merged:
                earlier = merged[key]
                earlier.spans += [s for s in place.spans if s not in earlier.spans]
                earlier.sensations += place.sensations
                earlier.depth = earlier.depth or place.depth
                earlier.spread = earlier.spread or place.spread
            else:
                place.side = side
                merged[key] = place
        return tuple(
            Finding(
                "absent" if p.absent else "place",
                p.region,
                tuple(p.spans),
                " … ".join(self.text[a:b] for a, b in p.spans),
                side=p.side,
                depth=p.depth,
                spread=p.spread,
                sensations=tuple(dict.fromkeys(p.sensations)),
            )
            for p in merged.values()
        )

    def _suggestions(self) -> list[str]:
        """Lay names sharing a word (or a word's close spelling) with the text; never an unrelated place."""
        words = {t.form for t in self._tokens()} - FILLER - EXTRA_FILLER - TERM_FILLER
        near: set[str] = set()
        for word in words:
            if len(word) >= 3 and word.isalpha():
                near.update(w for w in close_matches(word, self.vocabulary.correctable, cutoff=0.76) if w[0] == word[0])
        cat = self.catalogue
        names = {  # lay names and terms, not ids
            normalise(name)
            for entry in (
                *((r.name, *r.terms) for r in cat.regions.values()),
                *((c.name, *c.aliases) for c in cat.conditions.values()),
            )
            for name in entry
        }
        hits = sorted((name for name in names if near & set(name.split())), key=lambda name: (len(name.split()), name))
        return hits[:5]


_PRIORITY: dict[str, int] = {
    "sensation": 0,
    "condition": 1,
    "place": 1,
    "along": 1,
    "organ": 2,
    "movement": 3,
    "aggravator": 3,
    "timing": 4,
    "intensity": 4,
    "intensity_word": 4,
    "side": 5,
    "depth": 5,
    "cue": 6,
}
"""Among readings that use as many words, the lower number wins."""


VERB_SYNONYMS: dict[str, str] = {"lift": "rais", "rais": "lift"}
"""Stems of verbs said for one another in movements ("lift my arm overhead" is raising it)."""


def _synonyms(key: frozenset[str], first: str) -> list[tuple[frozenset[str], str]]:
    """The movement key ``key`` (first stem ``first``) with one verb read as its synonym."""
    return [
        (key - {stem} | {other}, other if first == stem else first)
        for stem, other in VERB_SYNONYMS.items()
        if stem in key
    ]


def _inflection_of(word: str, forms: frozenset[str]) -> bool:
    """Whether ``word`` is one of ``forms`` (the words of movements and factors and their regular bases, see
    :func:`_bases`) or a regular inflection of one ("stressed", "biting", "running"); a crude stem may join
    words of other meanings ("bit" and "bite"), so it is not enough.

    >>> forms = frozenset(("bite", "run", "stress", "carry", "typing", *_bases("typing")))
    >>> [_inflection_of(w, forms) for w in ("biting", "bites", "running", "stressed", "carried", "type", "bit")]
    [True, True, True, True, True, True, False]
    """
    return word in forms or any(base in forms for base in _bases(word))


def _bases(word: str) -> tuple[str, ...]:
    """The words ``word`` may be a regular inflection of ("biting" -> "bit", "bite"; "carried" -> "carry")."""
    bases: list[str] = []
    if word.endswith("s") and not word.endswith("ss"):
        bases.append(word[:-1])
        if word.endswith(("ses", "xes", "zes", "ches", "shes")):
            bases.append(word[:-2])
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            base = word[: -len(suffix)]
            bases += [base, base + "e"]  # "reaching", "biting"
            if len(base) > 2 and base[-1] == base[-2]:
                bases.append(base[:-1])  # "running"
    if word.endswith(("ied", "ies")):
        bases.append(word[:-3] + "y")  # "carried"
    return tuple(bases)


def _one_side(sides: Iterable[ReadSide]) -> ReadSide | None:
    found = set(sides)
    if not found:
        return None
    return next(iter(found)) if len(found) == 1 else "both"


def _unique(findings: list[Finding]) -> tuple[Finding, ...]:
    """One finding per subject, with every span it was said at (named once and suspected once: named)."""
    merged: dict[str, Finding] = {}
    for f in findings:
        key = f.subject
        if key in merged:
            earlier = merged[key]
            spans = (*earlier.spans, *f.spans)
            merged[key] = Finding(
                earlier.kind,
                earlier.subject,
                spans,
                f"{earlier.words} … {f.words}",
                status="named" if "named" in (earlier.status, f.status) else earlier.status,
            )
        else:
            merged[key] = f
    return tuple(merged.values())


def _kept(table: Mapping[str, tuple[str, ...]], regions: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """``table`` with only the regions a catalogue has; an entry left with none is dropped."""
    kept = {key: tuple(r for r in path if r in regions) for key, path in table.items()}
    return {key: path for key, path in kept.items() if path}


def _vocabulary(catalogue: Catalogue) -> _Vocabulary:
    """The reader's word tables for a catalogue, built once per catalogue (and read back from the cache folder by
    a new process when it is the shipped one: building them is a tenth of a first ranking)."""
    return kept_with(catalogue, "vocabulary", _read_vocabulary)


def _read_vocabulary(catalogue: Catalogue) -> _Vocabulary:
    build = partial(_built_vocabulary, catalogue)
    return cached_beside(catalogue, "vocabulary", _Vocabulary, build, code=_VOCABULARY_CODE)


_VOCABULARY_CODE = (Path(__file__), Path(__file__).with_name("lexicon.py"))
"""The modules the vocabulary is worked out by: a change to either works it out anew."""


def _built_vocabulary(catalogue: Catalogue) -> _Vocabulary:
    tables: dict[str, tuple[str, Any]] = {}
    for source, kind in (
        (CUES, "cue"),
        (SIDE_WORDS, "side"),
        (DEPTH_WORDS, "depth"),
        (TIMING_WORDS, "timing"),
        (INTENSITY_WORDS, "intensity_word"),
        (SENSATION_WORDS, "sensation"),
    ):
        for phrase, value in source.items():
            tables[" ".join(_DETERMINERS.get(w, w) for w in normalise(phrase).split())] = (kind, value)
    terms: dict[frozenset[str], list[tuple[str, str]]] = {}
    firsts: dict[frozenset[str], set[str]] = {}
    term_words: set[str] = set()
    named: tuple[tuple[str, Mapping[str, Movement | Aggravator]], ...] = (
        ("movement", catalogue.movements),
        ("aggravator", catalogue.aggravators),
    )
    for kind, entries in named:
        for ident, entry in sorted(entries.items()):
            for phrase in (ident.replace("_", " "), entry.name, *entry.terms):
                term_words.update(normalise(phrase).split())
                key = term_key(phrase)
                if key and (kind, ident) not in terms.setdefault(key, []):
                    terms[key].append((kind, ident))
                head = [w for w in normalise(phrase).split() if w not in TERM_FILLER]
                if key and head:
                    firsts.setdefault(key, set()).update(term_key(head[0]))
    place_words = known_words(catalogue)
    table_words = {w for phrase in tables for w in phrase.split()}
    words = frozenset(
        place_words
        | table_words
        | term_words
        | FILLER
        | TERM_FILLER
        | EXTRA_FILLER
        | {w for phrase in ALONG for w in phrase.split()}
        | set(CHECKED_ORGANS)
        | set(_DETERMINERS)
    )
    correctable = tuple(
        sorted(w for w in place_words | {w for p in SENSATION_WORDS for w in p.split()} if len(w) >= 3 and w.isalpha())
    )
    stems = frozenset(word for key in terms for word in key)
    region_words = frozenset(
        w
        for name in catalogue.region_names()
        for w in name.split()
        if w not in FILLER and w not in CUES and w not in EXTRA_FILLER  # "just below the belt line": not "just"
    )
    return _Vocabulary(
        words,
        correctable,
        {k: tuple(v) for k, v in terms.items()},
        tables,
        stems,
        {k: frozenset(v) for k, v in firsts.items()},
        frozenset(term_words | {base for word in term_words for base in _bases(word)}),
        region_words - frozenset(LAY_WORDS),
        {word: ident for word, ident in CHECKED_ORGANS.items() if ident in catalogue.conditions},
        _kept(ALONG, catalogue.regions),
        _kept({limb: path for limb, path in LIMB_PATHS.items() if limb in catalogue.regions}, catalogue.regions),
    )

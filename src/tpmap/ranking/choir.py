"""CHOIR body-map segment codes read as the catalogue's places: each code becomes its regions, on its side.

The CHOIR body map (Collaborative Health Outcomes Information Registry, Stanford Pain Management Center;
validated in Scherrer et al., *PAIN Reports* 2021;6(1):e880) divides the body into 74 segments: codes 101–136
on the front figure and 201–238 on the back. Sides are the patient's own. The female figure numbers six front
segments (112–117) differently; the male numbering, that of the published code table, is the default, and
``choir_map="female"`` recodes a female figure's codes first (as the CHOIRBM analysis package does).

Regions carry the codes of the segments they are drawn in (``choir`` in ``data/regions.yaml``). A code is read
as every region that carries it, less those lying inside another of them (the chest stands for the breastbone
too): a segment is far coarser than a referral zone, so one code is often several places.

>>> import tpmap
>>> cat = tpmap.load_catalogue()
>>> [(p.region, p.side) for p in choir_places(cat, [112, 205])]
[('upper_arm', 'left'), ('lateral_neck', 'left'), ('posterior_neck', 'left')]
>>> [(p.region, p.side) for p in choir_places(cat, "112", choir_map="female")]   # the female figure's 112
[('abdomen', 'right')]
>>> choir_places(cat, [139])  # doctest: +ELLIPSIS
Traceback (most recent call last):
tpmap.errors.QueryError: unknown CHOIR body-map code 139: the codes are ...; did you mean: 136, 135, 134?
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from ..catalogue.catalogue import Catalogue, kept_with
from ..catalogue.records import Side
from ..errors import QueryError, shown, wrong_type

__all__ = [
    "CHOIR_MAPS",
    "CHOIR_PREFIX",
    "SEGMENTS",
    "ChoirMap",
    "ChoirPlace",
    "choir_code_in",
    "choir_codes",
    "choir_places",
]

ChoirMap = Literal["male", "female"]
"""Which figure's numbering a code uses. ``male`` is the numbering of the published code table."""
CHOIR_MAPS: tuple[ChoirMap, ...] = get_args(ChoirMap)

CHOIR_PREFIX = "choir:"
"""A place written as ``choir:112`` is a CHOIR code, wherever a painful place is taken."""

# The 74 segments (code: published label, patient side), in the male numbering. Source: the CHOIR body map,
# Stanford Pain Management Center; Scherrer et al., PAIN Reports 2021;6(1):e880. Codes and labels are facts.
SEGMENTS: Mapping[int, tuple[str, Side]] = {
    101: ("Cranium (front-right)", "right"),
    102: ("Cranium (front-left)", "left"),
    103: ("Face (front-right)", "right"),
    104: ("Face (front-left)", "left"),
    105: ("Neck (front-right)", "right"),
    106: ("Neck (front-left)", "left"),
    107: ("Shoulder (front-right)", "right"),
    108: ("Chest (front-right)", "right"),
    109: ("Chest (front-left)", "left"),
    110: ("Shoulder (front-left)", "left"),
    111: ("Bicep (front-right)", "right"),
    112: ("Bicep (front-left)", "left"),
    113: ("Elbow (front-right)", "right"),
    114: ("Elbow (front-left)", "left"),
    115: ("Forearm (front-right)", "right"),
    116: ("Abdomen (front-right)", "right"),
    117: ("Abdomen (front-left)", "left"),
    118: ("Forearm (front-left)", "left"),
    119: ("Wrist (front-right)", "right"),
    120: ("Hip (front-right)", "right"),
    121: ("Pubic (front-right)", "right"),
    122: ("Pubic (front-left)", "left"),
    123: ("Hip (front-left)", "left"),
    124: ("Wrist (front-left)", "left"),
    125: ("Hand (palm-right)", "right"),
    126: ("Upper Leg (front-right)", "right"),
    127: ("Upper Leg (front-left)", "left"),
    128: ("Hand (palm-left)", "left"),
    129: ("Knee (front-right)", "right"),
    130: ("Knee (front-left)", "left"),
    131: ("Lower Leg (front-right)", "right"),
    132: ("Lower Leg (front-left)", "left"),
    133: ("Ankle (front-right)", "right"),
    134: ("Ankle (front-left)", "left"),
    135: ("Foot (top-right)", "right"),
    136: ("Foot (top-left)", "left"),
    201: ("Cranium (back-left)", "left"),
    202: ("Cranium (back-right)", "right"),
    203: ("Head (back-left)", "left"),
    204: ("Head (back-right)", "right"),
    205: ("Neck (back-left)", "left"),
    206: ("Neck (back-right)", "right"),
    207: ("Shoulder (back-left)", "left"),
    208: ("Upper Back (back-left)", "left"),
    209: ("Upper Back (back-right)", "right"),
    210: ("Shoulder (back-right)", "right"),
    211: ("Bicep (back-left)", "left"),
    212: ("Middle Back (back-left)", "left"),
    213: ("Middle Back (back-right)", "right"),
    214: ("Bicep (back-right)", "right"),
    215: ("Elbow (back-left)", "left"),
    216: ("Elbow (back-right)", "right"),
    217: ("Forearm (back-left)", "left"),
    218: ("Lower Back (back-left)", "left"),
    219: ("Lower Back (back-right)", "right"),
    220: ("Forearm (back-right)", "right"),
    221: ("Wrist (back-left)", "left"),
    222: ("Hip (back-left)", "left"),
    223: ("Buttocks (back-left)", "left"),
    224: ("Buttocks (back-right)", "right"),
    225: ("Hip (back-right)", "right"),
    226: ("Wrist (back-right)", "right"),
    227: ("Hand (top-left)", "left"),
    228: ("Upper Leg (back-left)", "left"),
    229: ("Upper Leg (back-right)", "right"),
    230: ("Hand (top-right)", "right"),
    231: ("Knee (back-left)", "left"),
    232: ("Knee (back-right)", "right"),
    233: ("Lower Leg (back-left)", "left"),
    234: ("Lower Leg (back-right)", "right"),
    235: ("Ankle (back-left)", "left"),
    236: ("Ankle (back-right)", "right"),
    237: ("Foot (bottom-left)", "left"),
    238: ("Foot (bottom-right)", "right"),
}

_FEMALE_TO_MALE: Mapping[int, int] = {112: 116, 113: 117, 114: 112, 115: 113, 116: 114, 117: 115}
"""The female figure's codes for the six segments it numbers differently, as the male figure numbers them."""

_RANGES = "the codes are 101-136 (front) and 201-238 (back)"


@dataclass(frozen=True)
class ChoirPlace:
    """One catalogue region a CHOIR code stands for, on the code's side (None for a midline region)."""

    code: int
    """The code as given."""
    segment: int
    """The segment in the male numbering (the code itself unless a female figure's code was recoded)."""
    region: str
    side: Side | None

    def describe(self, choir_map: ChoirMap = "male") -> str:
        """The code in words: ``CHOIR 112 (Bicep (front-left))``, with the recoding of a female figure's code.

        >>> ChoirPlace(112, 116, "abdomen", "right").describe("female")
        'CHOIR 112 on the female map (116 on the male map: Abdomen (front-right))'
        """
        return _described(self.code, self.segment, choir_map)


def _described(code: int, segment: int, choir_map: ChoirMap) -> str:
    label = SEGMENTS[segment][0]
    if code != segment:
        return f"CHOIR {code} on the {choir_map} map ({segment} on the male map: {label})"
    return f"CHOIR {code} ({label})"


def choir_code_in(text: str) -> str | None:
    """The code written after ``choir:`` in ``text`` (a place), or None when ``text`` is not a CHOIR code.

    >>> choir_code_in("choir:112"), choir_code_in(" CHOIR: 205 "), choir_code_in("elbow")
    ('112', '205', None)
    """
    stripped = text.strip()
    if stripped[: len(CHOIR_PREFIX)].lower() != CHOIR_PREFIX:
        return None
    return stripped[len(CHOIR_PREFIX) :].strip()


def choir_codes(value: object, argument: str = "choir") -> tuple[int, ...]:
    """The codes of ``value``: a list of codes (numbers or digit strings), or one string of codes separated by
    commas (or semicolons, or spaces), as CHOIR exports write them. Each code is checked; repeats are kept once.

    >>> choir_codes("106, 109,208"), choir_codes([112, "205"]), choir_codes("")
    ((106, 109, 208), (112, 205), ())

    Raises:
        QueryError: a code is not a whole number, or not a code of the body map (the message names it and the
            codes closest to it).
        ArgumentTypeError: ``value`` is neither a string nor a list.
    """
    if isinstance(value, str):
        items: tuple[object, ...] = tuple(part for part in re.split(r"[,;\s]+", value) if part)
    elif isinstance(value, Iterable) and not isinstance(value, bytes | Mapping):
        items = tuple(value)
    else:
        raise wrong_type(argument, 'a list of CHOIR codes, or a string of codes such as "112,205"', value)
    return tuple(dict.fromkeys(_code(item, argument) for item in items))


def _code(item: object, argument: str) -> int:
    """One code, checked: a whole number (or its digits) that names a segment of the body map."""
    if isinstance(item, bool) or not isinstance(item, int | str):
        raise wrong_type(f"{argument} code", "a whole number such as 112, or its digits", item)
    text = str(item).strip()
    if not text.isdecimal():
        raise QueryError(f"a CHOIR body-map code is a whole number such as 112, not {shown(item)}")
    code = int(text)
    if code not in SEGMENTS:
        near = ", ".join(str(c) for c in _near(code))
        raise QueryError(f"unknown CHOIR body-map code {code}: {_RANGES}; did you mean: {near}?")
    return code


def _near(code: int) -> tuple[int, ...]:
    """The codes closest to an unknown one: the segment numbered ``code`` on either figure when only its last
    digits were given (12 → 112, 212), else the nearest codes by number."""
    if code < 100:
        shorthand = tuple(c for c in (100 + code, 200 + code) if c in SEGMENTS)
        if shorthand:
            return shorthand
    return tuple(sorted(SEGMENTS, key=lambda c: (abs(c - code), c))[:3])


def choir_places(catalogue: Catalogue, codes: object, *, choir_map: ChoirMap = "male") -> tuple[ChoirPlace, ...]:
    """The places a selection of CHOIR codes stands for, code by code, in the order given.

    Args:
        catalogue: whose regions carry the codes.
        codes: codes as :func:`choir_codes` takes them.
        choir_map: ``"male"`` (default) or ``"female"``: which figure's numbering the codes use.

    Raises:
        QueryError: a code is unknown, ``choir_map`` is neither, or no region of ``catalogue`` carries a code
            (never silently left out).
    """
    if not isinstance(choir_map, str) or choir_map not in CHOIR_MAPS:
        raise QueryError(f"choir_map must be 'male' or 'female', not {shown(choir_map)}")
    table = _table(catalogue)
    places: list[ChoirPlace] = []
    for code in choir_codes(codes):
        segment = _FEMALE_TO_MALE.get(code, code) if choir_map == "female" else code
        regions = table.get(segment, ())
        if not regions:
            raise QueryError(
                f"{_described(code, segment, choir_map)} is not drawn in this catalogue: no region carries its code"
            )
        side = SEGMENTS[segment][1]
        places += [
            ChoirPlace(code, segment, region, None if catalogue.regions[region].laterality == "midline" else side)
            for region in regions
        ]
    return tuple(places)


def _table(catalogue: Catalogue) -> Mapping[int, tuple[str, ...]]:
    """Code → the broadest regions carrying it (sorted by id), built once per catalogue."""
    return kept_with(catalogue, "choir", _built_table)


def _built_table(catalogue: Catalogue) -> Mapping[int, tuple[str, ...]]:
    carriers: dict[int, list[str]] = {}
    for region in catalogue.regions.values():
        for code in region.choir:
            carriers.setdefault(code, []).append(region.id)
    table = {
        code: tuple(sorted(r for r in regions if not any(o != r and catalogue.is_within(r, o) for o in regions)))
        for code, regions in carriers.items()
    }
    return table

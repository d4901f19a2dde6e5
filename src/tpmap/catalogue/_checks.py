"""The consistency rules every catalogue obeys, however it is built, and the plain words of each broken rule.

Every id points at a record that exists, the regions form one tree, names identify one muscle, and zones do
not repeat. :func:`consistency_problems` checks them over tables of records and reports each broken rule
through a *locator*, so the loader can point at file:line:column while a catalogue built in Python names the
entry and field. An unknown id comes with the close matches among the ids *and* the names people use
(``wrist_thumb_side`` suggests ``radial_wrist``, the thumb side of the wrist). :func:`schema_message` says
what a record's field rule wants, in plain words rather than the validator's.

>>> schema_message({"type": "too_short", "loc": ("sources",), "msg": "", "input": (), "ctx": {"min_length": 1}})
'needs at least 1 item (the list is empty)'
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

from ..errors import Problem, shown
from .text import close_matches

FieldPath = tuple[str | int, ...]
Tables = Mapping[str, Mapping[str, Any]]
"""Records by section (those of :data:`SECTIONS`), then id."""
Locator = Callable[[str, str, FieldPath, str], Problem]
"""Turns (section, entry id, field path inside the entry, message) into a located :class:`Problem`."""

SECTIONS = (
    "sources",
    "regions",
    "conditions",
    "movements",
    "aggravators",
    "muscles",
    "pain_guides",
    "prevalence",
    "groups",
)

_ENTRY_NAMES = {
    "regions": "region",
    "pain_guides": "pain guide",
    "prevalence": "prevalence study",
    "groups": "muscle group",
}


SUGGESTED_PROBLEMS = 100
"""Unknown references that get close-match suggestions; past these (more than are listed) none is computed."""


def entry_name(section: str) -> str:
    """What one entry of ``section`` is called in a message: ``"muscle"``, ``"pain guide"``, ``"prevalence study"``.

    >>> entry_name("muscles"), entry_name("prevalence")
    ('muscle', 'prevalence study')
    """
    return _ENTRY_NAMES.get(section, section.removesuffix("s"))


def unlocated(section: str, ident: str, field: FieldPath, message: str) -> Problem:
    """A problem in a catalogue built in Python: no file, so the entry and field name it."""
    path = f"{section}[{ident}]"
    for part in field:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return Problem("<catalogue>", 0, 0, path, message)


def suggestion(
    name: str, known: Mapping[str, Any] | list[str], names: Mapping[str, Iterable[str]] | None = None
) -> str:
    """``"; did you mean: a, b?"`` for the close matches of ``name`` (among ``names`` too), or nothing."""
    matches = close_matches(name, list(known), limit=3, names=names)
    return f"; did you mean: {', '.join(matches)}?" if matches else ""


def other_names(records: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The names people use for each record besides its id: its name, aliases and lay terms."""
    found: dict[str, tuple[str, ...]] = {}
    for ident, record in records.items():
        name = getattr(record, "name", None)
        more = (*getattr(record, "aliases", ()), *getattr(record, "terms", ()))
        found[ident] = (name, *more) if isinstance(name, str) else more
    return found


def consistency_problems(
    tables: Tables, locate: Locator = unlocated, *, invalid: Mapping[str, Collection[str]] | None = None
) -> Iterator[Problem]:
    """Every id that points nowhere, the region tree's shape, and names that clash.

    ``invalid`` holds, by section, the ids of entries that were written but failed their own checks: a
    reference to one of them is not reported again (the entry's own problems say what is wrong with it).
    """

    unknown = 0
    skipped = invalid or {}
    names: dict[str, dict[str, tuple[str, ...]]] = {}

    def check(section: str, target: str, owner: tuple[str, str], field: FieldPath) -> Iterator[Problem]:
        nonlocal unknown
        if target not in tables[section] and target not in skipped.get(section, ()):
            unknown += 1
            # Close matches cost a scan of the section each: only the first problems, the ones listed, get them.
            hint = ""
            if unknown <= SUGGESTED_PROBLEMS:
                if section not in names:
                    names[section] = other_names(tables[section])
                hint = suggestion(target, tables[section], names[section])
            yield locate(*owner, field, f"unknown {entry_name(section)} {target!r}{hint}")

    regions = tables["regions"]
    roots = [rid for rid, region in regions.items() if region.parent is None]
    for rid, region in regions.items():
        owner = ("regions", rid)
        if region.parent is not None:
            yield from check("regions", region.parent, owner, ("parent",))
        for index, other in enumerate(region.adjacent):
            if other == rid:
                yield locate(*owner, ("adjacent", index), "a region cannot be adjacent to itself")
            yield from check("regions", other, owner, ("adjacent", index))
    if regions and (len(roots) > 1 or (not roots and not skipped.get("regions"))):  # the root may be an invalid one
        rid = roots[1] if len(roots) > 1 else next(iter(regions))
        yield locate("regions", rid, ("parent",), f"the region tree needs exactly one root; found {roots or 'none'}")
    yield from _cycle_problems(regions, locate)

    for mid, muscle in tables["muscles"].items():
        owner = ("muscles", mid)
        seen_tps: set[str] = set()
        for t, tp in enumerate(muscle.trigger_points):
            base: FieldPath = ("trigger_points", t)
            if tp.id in seen_tps:
                yield locate(*owner, (*base, "id"), f"duplicate trigger point id {tp.id!r} in {mid!r}")
            seen_tps.add(tp.id)
            yield from check("regions", tp.location.region, owner, (*base, "location", "region"))
            for kind in ("essential", "spillover"):
                for z, rid in enumerate(getattr(tp, kind)):
                    yield from check("regions", rid, owner, (*base, kind, z))
            for z, rid in enumerate(tp.spillover):
                if rid in tp.essential:
                    yield locate(*owner, (*base, "spillover", z), f"{rid!r} is already in the essential zone")
            view, where = tp.position and tp.position.view, regions.get(tp.location.region)
            if view and where is not None and view not in where.views:  # else it would be marked in another view
                drawn = f"in the {' or '.join(where.views)} view" if where.views else "in no view"
                message = f"{where.id!r} is drawn {drawn}, not the {view} view"
                yield locate(*owner, (*base, "position", "view"), message)
        for section in ("conditions", "movements", "aggravators"):
            for index, ident in enumerate(getattr(muscle, section)):
                yield from check(section, ident, owner, (section, index))
        for index, ident in enumerate(muscle.associated):
            if ident == mid:
                yield locate(*owner, ("associated", index), "a muscle cannot be associated with itself")
            yield from check("muscles", ident, owner, ("associated", index))
        for index, ref in enumerate(muscle.sources):
            yield from check("sources", ref.source, owner, ("sources", index, "source"))
    yield from _name_clashes(tables["muscles"], locate)

    for cid, condition in tables["conditions"].items():
        owner = ("conditions", cid)
        for index, rid in enumerate(condition.red_flag_places):
            yield from check("regions", rid, owner, ("red_flag_places", index))
        if condition.red_flag_places and not condition.red_flag:
            yield locate(*owner, ("red_flag_places",), "red_flag_places needs a red_flag note to raise")
        if condition.red_flag_sensations and not condition.red_flag:
            yield locate(*owner, ("red_flag_sensations",), "red_flag_sensations needs a red_flag note to raise")
        if condition.urgency and not condition.red_flag:
            yield locate(*owner, ("urgency",), "urgency needs a red_flag note to rank")
        if condition.red_flag and not condition.sources:  # a warning people act on must say where it comes from
            yield locate(*owner, ("red_flag",), "a red_flag note must cite a source (sources)")
        for index, ref in enumerate(condition.sources):
            yield from check("sources", ref.source, owner, ("sources", index, "source"))
    yield from _guide_problems(tables, locate, check)
    yield from _prevalence_problems(tables, locate, check)
    yield from _group_problems(tables, locate, check)


def _group_problems(tables: Tables, locate: Locator, check: Check) -> Iterator[Problem]:
    """A muscle group names known muscles, each once, and no muscle's id is also a group's id."""
    for gid, group in tables.get("groups", {}).items():
        owner = ("groups", gid)
        if gid in tables["muscles"]:
            yield locate(*owner, ("id",), f"{gid!r} is a muscle id; a group needs an id of its own")
        for index, ref in enumerate(group.sources):
            yield from check("sources", ref.source, owner, ("sources", index, "source"))
        yield from _listed_twice(group.members, owner, "members", locate)
        for index, mid in enumerate(group.members):
            yield from check("muscles", mid, owner, ("members", index))


Check = Callable[[str, str, tuple[str, str], FieldPath], Iterator[Problem]]


def _listed_twice(muscles: tuple[str, ...], owner: tuple[str, str], field: str, locate: Locator) -> Iterator[Problem]:
    """A problem for each muscle a list names again (the list of a group's members, or a study's muscles)."""
    seen: set[str] = set()
    for index, mid in enumerate(muscles):
        if mid in seen:
            yield locate(*owner, (field, index), f"muscle {mid!r} is listed twice")
        seen.add(mid)


def _guide_problems(tables: Tables, locate: Locator, check: Check) -> Iterator[Problem]:
    """A pain guide names a known region and muscles, each once, each with a zone that overlaps the region.

    A zone overlaps the region when it is the region, lies inside it or contains it: a guide that lists a muscle
    whose catalogue pattern does not reach the area disagrees with the zones, and one of them must be fixed.
    """
    regions = tables["regions"]
    for gid, guide in tables["pain_guides"].items():
        owner = ("pain_guides", gid)
        yield from check("regions", guide.region, owner, ("region",))
        for index, ref in enumerate(guide.sources):
            yield from check("sources", ref.source, owner, ("sources", index, "source"))
        area = _lineage(regions, guide.region) if guide.region in regions else frozenset()
        seen: set[str] = set()
        for index, entry in enumerate(guide.muscles):
            field: FieldPath = ("muscles", index, "muscle")
            if entry.muscle in seen:
                yield locate(*owner, field, f"muscle {entry.muscle!r} is listed twice")
            seen.add(entry.muscle)
            if index == 0 and entry.with_previous:
                yield locate(
                    *owner,
                    ("muscles", 0, "with_previous"),
                    "the first muscle of a guide has no muscle before it to be listed with",
                )
            muscle = tables["muscles"].get(entry.muscle)
            if muscle is None:
                yield from check("muscles", entry.muscle, owner, field)
                continue
            if not area:
                continue
            zones = {rid for tp in muscle.trigger_points for rid in (*tp.essential, *tp.spillover) if rid in regions}
            if not any(guide.region in _lineage(regions, rid) or rid in area for rid in zones):
                yield locate(
                    *owner,
                    field,
                    f"muscle {entry.muscle!r} has no zone in or around region {guide.region!r}: fix its zones "
                    "(with a source) or leave it out of the guide and say why in notes",
                )


def _prevalence_problems(tables: Tables, locate: Locator, check: Check) -> Iterator[Problem]:
    """A study names a known condition and muscles, examines each muscle once, and gives shares only for them."""
    for sid, study in tables["prevalence"].items():
        owner = ("prevalence", sid)
        yield from check("conditions", study.condition, owner, ("condition",))
        for index, ref in enumerate(study.sources):
            yield from check("sources", ref.source, owner, ("sources", index, "source"))
        yield from _listed_twice(study.examined, owner, "examined", locate)
        for index, mid in enumerate(study.examined):
            yield from check("muscles", mid, owner, ("examined", index))
        seen = set(study.examined)
        for kind in ("active", "latent"):
            for mid in getattr(study, kind):
                if mid not in seen:
                    yield locate(
                        *owner,
                        (kind, mid),
                        f"muscle {mid!r} has a share but is not in examined (list every muscle the study examined)",
                    )


def _lineage(regions: Mapping[str, Any], region_id: str) -> frozenset[str]:
    """The region and every region containing it (parent links only; a cycle is reported elsewhere)."""
    found: list[str] = []
    current: str | None = region_id
    while current is not None and current in regions and current not in found:
        found.append(current)
        current = regions[current].parent
    return frozenset(found)


def _cycle_problems(regions: Mapping[str, Any], locate: Locator) -> Iterator[Problem]:
    """Each cycle in the parent links, once; every region is walked at most once (linear time)."""
    done: set[str] = set()
    for start in regions:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current in regions and current not in done and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = regions[current].parent
        if current is not None and current in on_path:
            cycle = path[path.index(current) :]
            yield locate(
                "regions", current, ("parent",), f"the region tree has a cycle: {' -> '.join([*cycle, current])}"
            )
        done.update(path)


def _name_clashes(muscles: Mapping[str, Any], locate: Locator) -> Iterator[Problem]:
    """Names and aliases must identify one muscle, whatever their case."""
    owner: dict[str, str] = {mid.replace("_", " "): mid for mid in muscles}
    for mid, muscle in muscles.items():
        for field, name in [(("name",), muscle.name), *((("aliases", i), a) for i, a in enumerate(muscle.aliases))]:
            other = owner.setdefault(name.casefold(), mid)
            if other != mid:
                yield locate("muscles", mid, field, f"name {name!r} already names muscle {other!r}")


# What each pattern of the record types asks for, in the words of someone writing a catalogue file.
_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "must be an id: lower-case letters, digits and underscores, starting with a letter "
    "(like 'lateral_elbow')",
    r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5])$": "must be a spinal root such as C5, T4, L2 or S1",
    r"^https?://\S+$": "must be a web address starting with http:// or https://, without spaces",
    r"^UBERON:\d{7}$": "must be an UBERON id: 'UBERON:' and seven digits",
    r"^FMA:\d+$": "must be an FMA id: 'FMA:' and digits",
}
_KINDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "tuple_type": "must be a list (write [a, b], or [a] for one)",
    "list_type": "must be a list (write [a, b], or [a] for one)",
    "dict_type": "must be a mapping of names to values",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def schema_message(error: Mapping[str, Any]) -> str:
    """What a field's rule wants, in plain words, for one error of a record's validation (pydantic's
    ``ValidationError.errors()``), with the value written when there is one.

    >>> schema_message({"type": "literal_error", "loc": ("side",), "msg": "", "input": "sam",
    ...                 "ctx": {"expected": "'same', 'both' or 'opposite'"}})
    "must be one of 'same', 'both' or 'opposite'; did you mean: same? (got 'sam')"
    """
    kind = str(error["type"])
    context = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return _KINDS[kind]
    if kind == "literal_error":
        expected = str(context.get("expected", ""))
        choices = [part.strip(" '") for part in expected.replace(" or ", ", ").split(",")]
        hint = suggestion(value, choices) if isinstance(value, str) else ""
        message = f"must be one of {expected}{hint}"
    elif kind == "string_pattern_mismatch":
        message = _PATTERNS.get(str(context.get("pattern")), "is not written in the expected form")
    elif kind == "too_short":
        least = context.get("min_length", 1)
        message = f"needs at least {least} item{'s' if least != 1 else ''} (the list is empty)"
        if context.get("actual_length"):
            message = f"needs at least {least} items (it has {context['actual_length']})"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "too_long":
        message = f"may hold at most {context.get('max_length')} items"
    elif kind == "string_too_long":
        message = f"is too long: at most {context.get('max_length')} characters"
    elif kind in ("greater_than_equal", "greater_than"):
        bound = context.get("ge", context.get("gt"))
        message = f"must be {'at least' if kind == 'greater_than_equal' else 'more than'} {bound}"
    elif kind in ("less_than_equal", "less_than"):
        bound = context.get("le", context.get("lt"))
        message = f"must be {'at most' if kind == 'less_than_equal' else 'less than'} {bound}"
    else:
        message = _KINDS.get(kind) or str(error.get("msg", "is not valid")).lower()
    if ("input" not in error) or kind in ("too_short", "string_too_short"):  # the message says what was written
        return message
    message += f" (got {'nothing' if value is None else shown(value)})"
    if isinstance(value, bool) and kind != "bool_type":
        message += "; YAML reads yes/no/on/off as true/false, so put the word in quotes"
    return message

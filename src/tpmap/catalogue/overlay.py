"""Overlays that keep data: edits that change one field of an entry, and the record of what each overlay did.

An overlay file (or a plug-in's file) merges over the catalogue in two ways. An entry in a section (``muscles:``
…) with an id already in the catalogue replaces that entry *as a whole*; a new id adds one. An entry of the
``edits`` section changes an entry and keeps every field it does not name: ``add`` appends to list fields (a
trigger point, a zone of a trigger point, an alias, a condition, a source), ``set`` gives a field a new value,
and ``sources`` cites where the change comes from. :func:`apply_edit` does one edit; every change, of either kind,
is kept as a :class:`Change`, so a catalogue can say which entries its overlays changed and a ranking can name
those among its candidates.

>>> from tpmap.catalogue.records import Edit, Location, Muscle, SourceRef, TriggerPoint
>>> muscle = Muscle(id="demo", name="Demo", area="trunk", aliases=("D",), sources=(SourceRef(source="book"),),
...                 trigger_points=(TriggerPoint(id="t1", location=Location(region="chest", description="x"),
...                                              essential=("chest",)),))
>>> edit = Edit(muscle="demo", trigger_point="t1", add={"spillover": ["sternum"]}, sources=[{"source": "paper"}])
>>> edited = apply_edit(muscle, edit)
>>> edited.record.trigger_points[0].spillover, edited.record.aliases, [s.source for s in edited.record.sources]
(('sternum',), ('D',), ['book', 'paper'])
>>> edited.details
("trigger point 't1': added 'sternum' to spillover", "cited source 'paper'")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ._checks import FieldPath, entry_name, suggestion
from .records import EDIT_TARGETS, Edit, Muscle, TriggerPoint
from .text import normalise

__all__ = ["Change", "ChangeKind", "EditResult", "apply_edit", "edit_target", "overlay_note", "replaced_details"]

ChangeKind = Literal["added", "replaced", "edited"]
"""What an overlay did to an entry: added a new one, replaced one as a whole, or edited some of its fields."""

SECTION_OF = {
    "source": "sources",
    "region": "regions",
    "condition": "conditions",
    "movement": "movements",
    "aggravator": "aggravators",
    "muscle": "muscles",
    "pain_guide": "pain_guides",
    "prevalence": "prevalence",
    "group": "groups",
}
"""The section each target key of an edit names an entry of."""

# Fields whose change is a fact about the body and must say where it comes from; names, notes and sources are not.
_WORDS_ONLY = frozenset(("name", "aliases", "terms", "notes", "sources"))
_NOTE_LIMIT = 5
"""Changed candidates a ranking's note names; it counts the rest."""


@dataclass(frozen=True)
class Change:
    """What one overlay file did to one catalogue entry.

    >>> print(Change("mine.yaml", "muscles", "infraspinatus", "edited", ("added 'infra' to aliases",)))
    muscle 'infraspinatus' edited by mine.yaml: added 'infra' to aliases
    """

    file: str
    """The overlay file, as problems name it."""
    section: str
    entry: str
    """The entry's id."""
    kind: ChangeKind
    details: tuple[str, ...] = ()
    """Each edit in plain words; for a replacement, the fields of the replaced entry that are gone."""
    plugin: str = ""
    """The plug-in whose file it is (empty for a file of your own)."""

    @property
    def by(self) -> str:
        """Who made the change, shortly: the plug-in, or the file."""
        return f"plug-in {self.plugin}" if self.plugin else self.file

    def __str__(self) -> str:
        where = f"{self.by} ({self.file})" if self.plugin else self.file
        text = f"{entry_name(self.section)} {self.entry!r} {self.kind} by {where}"
        return f"{text}: {'; '.join(self.details)}" if self.details else text


@dataclass(frozen=True)
class EditResult:
    """One edit applied: the new record and what changed, or the problems (paths inside the edit) and no record.

    ``errors`` are in the shape of pydantic's ``ValidationError.errors()``, with each ``loc`` a path inside the
    edit (``("add", "trigger_points", 0, "essential", 1)``), so they are reported where they are written.
    """

    record: Any = None
    details: tuple[str, ...] = ()
    errors: tuple[dict[str, Any], ...] = field(default=())
    moved: tuple[tuple[FieldPath, FieldPath], ...] = ()
    """Each path in the edited record that the edit wrote, longest first, and where in the edit it is written."""


def edit_target(edit: Edit) -> tuple[str, str] | None:
    """The (section, id) an edit names, or None unless it names exactly one entry."""
    named = [(SECTION_OF[key], value) for key in EDIT_TARGETS if (value := getattr(edit, key)) is not None]
    return named[0] if len(named) == 1 else None


def _error(loc: FieldPath, message: str, kind: str = "value_error", value: Any = None) -> dict[str, Any]:
    """An error in the validator's shape; ``msg`` is already plain words."""
    return {"type": kind, "loc": loc, "msg": message, "input": value}


def apply_edit(record: BaseModel, edit: Edit) -> EditResult:
    """``record`` with ``edit`` applied, every field the edit does not name kept; or the edit's problems.

    The result is validated as a whole, like any entry: a zone added with a misspelt id is still caught by the
    catalogue's reference checks, a trigger point added without its location here.
    """
    data = record.model_dump()
    errors: list[dict[str, Any]] = []
    details: list[str] = []
    model: type[BaseModel] = type(record)
    target: dict[str, Any] = data
    base: FieldPath = ()
    prefix = ""
    if edit.trigger_point is not None:
        if not isinstance(record, Muscle):
            return EditResult(errors=(_error(("trigger_point",), "trigger_point edits a muscle's trigger point"),))
        ids = [tp.id for tp in record.trigger_points]
        if edit.trigger_point not in ids:
            hint = suggestion(edit.trigger_point, ids)
            message = f"muscle {record.id!r} has no trigger point {edit.trigger_point!r}{hint}"
            return EditResult(errors=(_error(("trigger_point",), message),))
        index = ids.index(edit.trigger_point)
        target, base, prefix = (
            data["trigger_points"][index],
            ("trigger_points", index),
            f"trigger point {ids[index]!r}: ",
        )
        model = TriggerPoint
    fields = model.model_fields
    moved: list[tuple[FieldPath, FieldPath]] = []  # a path in the edited record -> where the edit wrote it
    if not edit.add and not edit.set and not edit.sources:
        errors.append(_error((), "an edit needs add, set or sources: what to change"))
    for name, items in edit.add.items():
        if name not in fields:
            errors.append(_unknown(("add", name), name, model))
            continue
        if not _is_list(model, name):
            errors.append(_error(("add", name), f"{name} is not a list, so nothing can be added to it: use set"))
            continue
        existing = tuple(target.get(name) or ())
        known = {_key(item) for item in existing}
        for offset, item in enumerate(items):
            if _key(item) in known:
                errors.append(_error(("add", name, offset), f"{_label(item)} is already in {name}", value=item))
            known.add(_key(item))
            moved.append(((*base, name, len(existing) + offset), ("add", name, offset)))
            details.append(f"{prefix}added {_label(item)} to {name}")
        target[name] = (*existing, *items)
    for name, value in edit.set.items():
        if name not in fields:
            errors.append(_unknown(("set", name), name, model))
            continue
        if name == "id":
            errors.append(
                _error(("set", name), "an edit keeps the entry's id; to add an entry, write it in its section")
            )
            continue
        target[name] = value
        moved.append(((*base, name), ("set", name)))
        details.append(f"{prefix}set {name}")
    if errors:
        return EditResult(errors=tuple(errors))
    uncited = _cite(record, edit, data, moved, details)  # said together with the problems of the values
    try:
        edited = type(record).model_validate(data)
    except ValidationError as exc:
        return EditResult(errors=(*uncited, *(_moved(error, moved) for error in exc.errors(include_url=False))))
    if uncited:
        return EditResult(errors=tuple(uncited))
    if edit.notes:  # kept with the change, where people see what was changed
        details.append(f"why: {edit.notes}")
    return EditResult(edited, tuple(details), moved=tuple(sorted(moved, key=lambda pair: -len(pair[0]))))


def _cite(
    record: BaseModel, edit: Edit, data: dict[str, Any], moved: list[tuple[FieldPath, FieldPath]], details: list[str]
) -> list[dict[str, Any]]:
    """Add the edit's ``sources`` to the entry's; a change of facts in an entry that cites sources must cite one."""
    if "sources" not in type(record).model_fields:
        if edit.sources:
            return [_error(("sources",), f"a {type(record).__name__.lower()} has no sources to add to")]
        return []
    changed = {*edit.add, *edit.set} - _WORDS_ONLY - {"id"}
    if (changed or edit.trigger_point) and not edit.sources and "sources" not in edit.add:
        return [
            _error(
                (),
                f"an edit that changes {', '.join(sorted(changed)) or 'a trigger point'} must cite where it comes "
                "from: give sources: [{source: <id>, locator: <chapter or page>}]",
            )
        ]
    existing = data.get("sources") or ()
    if not isinstance(existing, list | tuple):  # set to a wrong value by the edit: validation says what is wrong
        return []
    existing = tuple(existing)
    known = {_key(item) for item in existing}
    added: list[dict[str, Any]] = []
    for offset, ref in enumerate(edit.sources):
        item = ref.model_dump()
        if _key(item) not in known:
            known.add(_key(item))
            moved.append((("sources", len(existing) + len(added)), ("sources", offset)))
            added.append(item)
            details.append(f"cited source {ref.source!r}")
    data["sources"] = (*existing, *added)
    return []


def _is_list(model: type[BaseModel], name: str) -> bool:
    """Whether the field holds a list (a tuple of items), possibly empty or absent."""
    annotation = model.model_fields[name].annotation
    options = get_args(annotation) if get_origin(annotation) is not tuple else (annotation,)
    return any(get_origin(option) is tuple for option in (annotation, *options))


def _key(item: Any) -> Any:
    """What makes two items of a list the same: an id, a cited source and place, or the value (names folded)."""
    if isinstance(item, Mapping):
        if "id" in item:
            key: Any = ("id", item["id"])
        elif "source" in item:
            key = ("source", item["source"], item.get("locator"))
        else:
            key = ("mapping", repr(sorted(item.items(), key=repr)))
    else:
        key = normalise(item) if isinstance(item, str) else item
    try:
        hash(key)
    except TypeError:  # a list where a name belongs: the validator says what is wrong with it
        return ("value", repr(item))
    return key


def _label(item: Any) -> str:
    """An added item as a change or problem names it."""
    if isinstance(item, Mapping):
        return repr(item.get("id", item.get("source", "")))
    return repr(item)


def _unknown(loc: FieldPath, name: str, model: type[BaseModel]) -> dict[str, Any]:
    hint = suggestion(name, [f for f in model.model_fields if f != "id"])
    return _error(loc, f"a {model.__name__} has no field {name!r}{hint}", "unknown_field")


def _moved(error: Any, moved: list[tuple[FieldPath, FieldPath]]) -> dict[str, Any]:
    """A validation error of the edited record, with its location moved to where the edit wrote the value."""
    loc = tuple(error["loc"])
    for inside, written in sorted(moved, key=lambda pair: -len(pair[0])):
        if loc[: len(inside)] == inside:
            return {**error, "loc": (*written, *loc[len(inside) :])}
    return {**error, "loc": ()}  # a rule of the whole entry (it cannot come from a field the edit left alone)


def replaced_details(previous: BaseModel, replacement: BaseModel, previous_file: str) -> tuple[str, ...]:
    """What a whole-entry replacement drops: the fields the old entry had that the new one does not give."""
    gone = [
        name
        for name in type(previous).model_fields
        if name not in replacement.model_fields_set and getattr(previous, name) not in (None, (), {})
    ]
    text = f"replaces the whole entry of {previous_file}"
    if gone:
        text += f"; its {', '.join(gone)} are gone (an entry of edits: would keep them)"
    return (text,)


def overlay_note(changes: tuple[Change, ...]) -> str | None:
    """The note a ranking carries when overlay files or plug-ins replaced or edited muscles (every muscle is a
    candidate): which, and how; None when none was.

    >>> print(overlay_note((Change("mine.yaml", "muscles", "b", "edited", ("set notes",)),)))
    Overlay files changed 1 muscle of this catalogue, ranked here like the others: b (edited by mine.yaml).
    """
    by_muscle: dict[str, list[str]] = {}
    for change in changes:
        if change.section == "muscles" and change.kind != "added":  # a new muscle changes none of the others
            by_muscle.setdefault(change.entry, []).append(f"{change.kind} by {change.by}")
    if not by_muscle:
        return None
    named = [f"{muscle} ({', '.join(how)})" for muscle, how in sorted(by_muscle.items())]
    more = len(named) - _NOTE_LIMIT
    text = ", ".join(named[:_NOTE_LIMIT]) + (f" and {more} more (see catalogue.changes)" if more > 0 else "")
    count = f"{len(named)} muscle{'s' if len(named) != 1 else ''}"
    return f"Overlay files changed {count} of this catalogue, ranked here like the others: {text}."

"""Reference pages generated from the code at the start of a Sphinx build, so they cannot drift from it.

Written into ``docs/_generated/`` (git-ignored) and included by the pages of ``docs/reference/``:

- ``api.md``: an autodoc entry for every name in ``tpmap.__all__``, grouped by the part of tpmap it comes from;
- ``format.md``: the catalogue file format, field by field, from the records' JSON Schema (types, allowed
  values, defaults and the fields' descriptions);
- ``output-schema.md``: the command line's JSON outputs, from their JSON Schema (``tpmap schema --output``),
  and the schema itself as ``static/schema/...json`` for the site's ``_static/`` folder.

:func:`format_reference` and :func:`api_reference` are plain Python; :func:`setup` registers the hook.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tpmap
from tpmap.catalogue.records import CatalogueFile

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__all__ = ["api_reference", "format_reference", "output_schema", "output_schema_reference", "setup", "write_generated"]

ID_PATTERN = "^[a-z][a-z0-9_]*$"
SECTIONS_OF_API = (
    ("tpmap.catalogue", "Catalogues", "Loading catalogue files, the `Catalogue` and its records."),
    ("tpmap.ranking", "Reading and ranking", "From a report to a ranking, its results and the analyses of it."),
    ("tpmap.render", "Charts", "Body charts of a muscle's pattern or of a ranking."),
    ("tpmap.errors", "Errors", "Every error a caller can cause is a `TpmapError` and also the builtin it resembles."),
)


# ------------------------------------------------------------------------------------------ the API


def api_reference() -> str:
    """MyST text with an autodoc directive for every public name, grouped by subpackage."""
    groups: dict[str, list[tuple[str, Any]]] = {prefix: [] for prefix, _, _ in SECTIONS_OF_API}
    for name in sorted(tpmap.__all__, key=str.lower):
        value = getattr(tpmap, name)
        module = getattr(value, "__module__", "") or ""
        for prefix, members in groups.items():
            if module == prefix or module.startswith(prefix + "."):
                members.append((name, value))
                break
    out: list[str] = []
    for prefix, title, blurb in SECTIONS_OF_API:
        if not groups[prefix]:
            continue
        out += [f"## {title}", "", blurb, "", "```{eval-rst}"]
        # functions first (what people call), then classes, then exceptions
        groups[prefix].sort(key=lambda item: (_kind_order(item[1]), item[0].lower()))
        for name, value in groups[prefix]:
            if inspect.isclass(value) and issubclass(value, BaseException):
                out.append(f".. autoexception:: tpmap.{name}")
            elif inspect.isclass(value):
                out.append(f".. autoclass:: tpmap.{name}")
            else:
                out.append(f".. autofunction:: tpmap.{name}")
            out.append("")
        out += ["```", ""]
    return "\n".join(out)


def _kind_order(value: Any) -> int:
    if not inspect.isclass(value):
        return 0
    return 2 if issubclass(value, BaseException) else 1


# ------------------------------------------------------------------------------------------ schemas as tables


def format_reference() -> str:
    """MyST text describing every section and record of a catalogue file, field by field."""
    schema = _printed_json(["schema"]) or CatalogueFile.model_json_schema()
    out = ["## Sections", "", "| section | holds | meaning |", "| --- | --- | --- |"]
    for section, spec in schema["properties"].items():
        out.append(f"| `{section}` | {_type(spec, 'format')} | {_cell(spec.get('description', ''))} |")
    out += ["", _download(schema, "The JSON Schema of a catalogue file (what `tpmap schema` prints)"), ""]
    out += ["## Records", "", "The entries of each section, and the records inside them.", ""]
    return "\n".join(out) + _tables(schema, schema["properties"], "format")


def output_schema() -> dict[str, Any] | None:
    """``tpmap schema --output`` as parsed JSON, or None when this version of the command has no output schema."""
    return _printed_json(["schema", "--output"])


def _printed_json(argv: list[str]) -> dict[str, Any] | None:
    """What ``tpmap ARGV`` prints, parsed as JSON; None if the command fails."""
    from tpmap.cli import main  # noqa: PLC0415 - the command line only when its output is asked for

    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
            status = main(argv)
    except SystemExit as exc:  # a parser without an option exits with a usage error
        status = exc.code if isinstance(exc.code, int) else 2
    if status != 0:
        return None
    value: dict[str, Any] = json.loads(printed.getvalue())
    return value


def output_schema_reference(schema: Mapping[str, Any]) -> str:
    """MyST text describing each JSON output of the command line and the objects inside, field by field."""
    roots = schema.get("oneOf") or schema.get("anyOf") or [schema]
    out = [_prose(schema.get("description", "")), ""]
    if schema.get("schema_version"):
        out += [f"This is version {schema['schema_version']} of the output schema.", ""]
    out += [_download(schema, "The schema as a file"), ""]
    out += ["| `output` | its fields |", "| --- | --- |"]
    mapping = schema.get("discriminator", {}).get("mapping", {})
    for key, ref in mapping.items():
        out.append(f"| `{key}` | {_type({'$ref': ref}, 'output')} |")
    out.append("")
    return "\n".join(out) + _tables(schema, roots, "output")


def _download(schema: Mapping[str, Any], words: str) -> str:
    """A link to the published copy of ``schema`` (see :func:`write_generated`), from a page one folder down."""
    where = str(schema.get("$id", "")).partition("/_static/")[2]
    name = where.rsplit("/", 1)[-1]
    return f'{words}: <a href="../_static/{where}" download>{name}</a>.' if where else ""


def _tables(schema: Mapping[str, Any], roots: Any, prefix: str) -> str:
    """A section with a field table for every definition reachable from ``roots``, first mention first."""
    defs: Mapping[str, Any] = schema.get("$defs", {})
    out: list[str] = []
    for name in _reachable(defs, roots):
        record = defs[name]
        out += [f"({prefix}-{name.lower()})=", f"### {name}", "", _prose(record.get("description", "")), ""]
        properties = record.get("properties", {})
        if not properties:
            out += [f"A {_type(record, prefix)}.", ""]
            continue
        out += ["| field | type and allowed values | required / default | meaning |", "| --- | --- | --- | --- |"]
        required = set(record.get("required", ()))
        for field, spec in properties.items():
            need = "required" if field in required else _default(spec)
            out.append(f"| `{field}` | {_type(spec, prefix)} | {need} | {_cell(spec.get('description', ''))} |")
        out.append("")
    return "\n".join(["", *out])


def _reachable(defs: Mapping[str, Any], roots: Any) -> Iterator[str]:
    """Definition names reachable from ``roots``, each followed by the ones it uses, first mention first."""
    seen: set[str] = set()

    def refs(spec: Any) -> Iterator[str]:
        if isinstance(spec, dict):
            if isinstance(spec.get("$ref"), str) and spec["$ref"].startswith("#/$defs/"):
                yield spec["$ref"].rsplit("/", 1)[-1]
            for value in spec.values():
                yield from refs(value)
        elif isinstance(spec, list):
            for value in spec:
                yield from refs(value)

    def visit(name: str) -> Iterator[str]:
        if name in seen or name not in defs:
            return
        seen.add(name)
        yield name
        for inner in refs(defs[name].get("properties", {})):
            yield from visit(inner)

    for name in refs(roots):
        yield from visit(name)


def _prose(description: str) -> str:
    """A docstring without its examples, its reStructuredText roles written as MyST roles.

    >>> _prose("Like :func:`tpmap.rank`.")
    'Like {func}`tpmap.rank`.'
    """
    lines = []
    for line in description.splitlines():
        if line.lstrip().startswith(">>>"):
            break
        lines.append(line)
    return re.sub(r":(\w+):`", r"{\1}`", "\n".join(lines).strip())


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _default(spec: Mapping[str, Any]) -> str:
    if "default" not in spec:
        return "optional"
    value = spec["default"]
    if value in (None, [], {}):
        return "optional"
    return f"default `{json.dumps(value)}`"


def _type(spec: Any, prefix: str) -> str:
    """A JSON Schema type in words, with allowed values, patterns and bounds; definitions as links."""
    if not isinstance(spec, Mapping):
        return "any value" if spec else "nothing"
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"{{ref}}`{name} <{prefix}-{name.lower()}>`"
    for key in ("anyOf", "oneOf"):
        if key in spec:
            kinds = [_type(option, prefix) for option in spec[key] if option.get("type") != "null"]
            nullable = len(kinds) < len(spec[key])
            return " or ".join(dict.fromkeys(kinds)) + (" or null" if nullable and prefix == "output" else "")
    if "enum" in spec:
        return " \\| ".join(f"`{value}`" for value in spec["enum"])
    if "const" in spec:
        return f"`{json.dumps(spec['const'])}`"
    kind = spec.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array":
        items = spec.get("items") or (spec.get("prefixItems") or [{}])[0]
        words = f"list of {_type(items, prefix)}"
        if spec.get("minItems"):
            words += f", at least {spec['minItems']}"
        return words
    if kind == "object":
        values = spec.get("additionalProperties")
        if not isinstance(values, Mapping):
            values = next(iter(spec.get("patternProperties", {}).values()), None)
        if isinstance(values, Mapping) and values:
            keys = "id" if spec.get("patternProperties") else "name"
            return f"mapping of {keys} to {_type(values, prefix)}"
        return "object"
    if kind == "string":
        pattern = spec.get("pattern")
        if pattern == ID_PATTERN:
            return "id"
        if pattern:
            return f"text matching `{pattern}`"
        limit = spec.get("maxLength")
        return f"text (at most {limit} characters)" if limit else "text"
    if kind in ("integer", "number"):
        word = "whole number" if kind == "integer" else "number"
        low, high = spec.get("minimum"), spec.get("maximum")
        if low is not None and high is not None:
            return f"{word} from {low} to {high}"
        if low is not None:
            return f"{word}, at least {low}"
        return word
    if kind == "boolean":
        return "true or false"
    if kind == "null":
        return "null"
    return "any value"


# ------------------------------------------------------------------------------------------ Sphinx


def write_generated(folder: Path) -> None:
    """Write the generated pieces into ``folder``, each only when its text changed.

    The JSON Schemas of ``tpmap schema`` and ``tpmap schema --output`` are also published as files under
    ``static/`` (served as the site's ``_static/``), at the paths their ``$id`` names, so that the ids resolve
    once the site is online.
    """
    pieces = {"api.md": api_reference(), "format.md": format_reference()}
    schema = output_schema()
    if schema is None:
        pieces["output-schema.md"] = "`tpmap schema --output` is not available in this version.\n"
    else:
        pieces["output-schema.md"] = output_schema_reference(schema)
    for published in (schema, _printed_json(["schema"])):
        where = str((published or {}).get("$id", "")).partition("/_static/")[2]
        if published is not None and where:
            pieces[f"static/{where}"] = json.dumps(published, indent=2) + "\n"
    (folder / "static").mkdir(parents=True, exist_ok=True)
    for name, text in pieces.items():
        path = folder / name
        if not (path.is_file() and path.read_text(encoding="utf-8") == text):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def _on_config_inited(app: Sphinx, config: Config) -> None:
    write_generated(Path(app.srcdir) / "_generated")


def setup(app: Sphinx) -> dict[str, Any]:
    """Write the generated reference pieces when a build starts."""
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": tpmap.__version__}

"""An mkdocs hook: the event catalogue, written at build time from the commands' declarations.

The page ``reference/events.md`` holds a marker; this hook puts in its place every event each
kind of object records (its past-tense name, the command that records it, the payload's fields
with their Python types and JSON shapes) and the JSON shape of each value a payload holds. It reads
``Kind.creation``, ``Kind.commands`` and ``fk.json_schema(fk.Event)``, so the page cannot drift
from the code.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import funnelkit as fk

MARKER = "<!-- event catalogue -->"
PAGE = "reference/events.md"
KINDS: tuple[type[Any], ...] = (fk.Prospect, fk.Lead, fk.Opportunity, fk.Client)
DOCUMENTED = ("funnelkit", "funnelkit.qualification")
"""The packages whose classes have an entry in the API reference to link to."""
Schema = Mapping[str, Any]


def on_page_markdown(markdown: str, page: Any, **_: object) -> str:  # noqa: ANN401 - mkdocs' Page
    """Replace the marker on the event catalogue page with the catalogue."""
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        message = f"{PAGE} lost its marker {MARKER!r}: the event catalogue has nowhere to go"
        raise ValueError(message)
    return markdown.replace(MARKER, catalogue())


def catalogue() -> str:
    """The catalogue: a section per kind of object, an entry per event, then the values."""
    definitions: Mapping[str, Schema] = fk.json_schema(fk.Event)["$defs"]
    lines: list[str] = []
    for kind in KINDS:
        lines.extend((f"## {kind.__name__}", ""))
        for command, declaration in (("create", kind.creation), *kind.commands.items()):
            name = f"{kind.__name__}{declaration.past}"
            lines.extend(_event(kind, command, name, declaration.payload, definitions[f"{name}Payload"]))
    lines.extend(
        (
            "## Values inside payloads",
            "",
            "How each value a payload holds is written in JSON. Every field is required; an object",
            "never has fields other than those listed.",
            "",
        )
    )
    for name, definition in sorted(definitions.items()):
        if not name.endswith("Payload"):
            lines.extend((f"### {name}", "", *_value(definition), ""))
    return "\n".join(lines)


def _event(
    kind: type[Any], command: str, name: str, payload: Mapping[str, Any], schema: Schema
) -> Iterator[str]:
    yield f"### {name}"
    yield ""
    method = f"{kind.__name__}.{command}"
    yield f"Recorded by [`{method}`][funnelkit.{method}]: the stored event's `command` is `{command!r}`."
    yield ""
    if not payload:
        yield "Its payload is empty: `{}`."
        yield ""
        return
    yield "| payload field | Python type | JSON |"
    yield "|---|---|---|"
    properties = schema["properties"]
    for field, hint in payload.items():
        yield f"| `{field}` | {_python(hint)} | {_json(properties[field])} |"
    yield ""


def _value(definition: Schema) -> Iterator[str]:
    description = definition.get("description")
    if description:
        yield description.split("\n\n")[0].replace("\n", " ")
        yield ""
    if "enum" in definition:
        yield f"A string, one of {_json(definition)}."
        return
    if "anyOf" in definition:  # an open vocabulary: a built-in value or a name of the user's own
        built_in, own = definition["anyOf"]
        yield f"A string, one of {_json(built_in)}, or a name of your own matching `{own['pattern']}`."
        return
    yield "| field | JSON |"
    yield "|---|---|"
    for field, schema in definition["properties"].items():
        yield f"| `{field}` | {_json(schema)} |"


def _python(hint: Any) -> str:  # noqa: ANN401 - a type expression
    """A payload field's Python type, linking funnelkit's own classes to their API entries."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " \\| ".join(_python(member) for member in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:
        (item, _) = typing.get_args(hint)
        return f"`tuple[`{_python(item)}`, ...]`"
    if hint is type(None):
        return "`None`"
    module = getattr(hint, "__module__", "")
    if module in DOCUMENTED:
        return f"[`{hint.__name__}`][{module}.{hint.__name__}]"
    return f"`{hint.__name__}`"


def _json(schema: Schema) -> str:
    """A JSON Schema fragment in words: types as code, values as links to their sections."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[`{name}`](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(_json(member) for member in schema["anyOf"])
    if "const" in schema:
        return f"`{schema['const']!r}`"
    if "enum" in schema:
        return ", ".join(f'`"{value}"`' for value in schema["enum"])
    return _json_type(schema)


def _json_type(schema: Schema) -> str:
    """A fragment that gives a JSON type: an array, a string of a format, any other type."""
    kind = schema.get("type")
    if kind == "array":
        return f"array of {_json(schema['items'])}"
    if kind == "string" and "format" in schema:
        return f"`string` ({schema['format']})"
    if kind == "object" and "additionalProperties" in schema:
        return f"object of {_json(schema['additionalProperties'])}"
    return f"`{kind}`"

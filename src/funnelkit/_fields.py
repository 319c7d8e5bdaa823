"""Which fields of the attrs classes stored data holds, and in what form."""

from __future__ import annotations

from typing import Any

import attrs

JSON_AS = "json_as"
"""Field metadata key: ``"value"`` stores a field in JSON as its ``.value`` (a stage as its id)."""
REFERENCE = "reference"
"""The ``JSON_AS`` of a field holding code, such as a framework: stored as its id and version,
it is never rebuilt from stored data; the caller passes what it refers to."""


SINCE = "since"
"""Field metadata key: the schema that added the field; stored data older than that may lack it,
and loads with the field's default."""


def stored_fields(kind: Any) -> list[attrs.Attribute[Any]]:  # noqa: ANN401 - an attrs class
    """The fields of ``kind`` that stored data holds: those it is built from."""
    return [field for field in attrs.fields(kind) if field.init]


STATE_EXCLUDES = ("history",)
"""Fields a snapshot's state leaves out: the history is what a snapshot does without."""


def state_fields(kind: Any) -> dict[str, attrs.Attribute[Any]]:  # noqa: ANN401 - a funnel object's class
    """The fields of a funnel object's class that its snapshot's state holds."""
    return {field.name: field for field in attrs.fields(kind) if field.name not in STATE_EXCLUDES}

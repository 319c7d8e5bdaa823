"""The scalars stored data may hold: exactly what :func:`~funnelkit.dump` writes, checked strictly.

``load`` accepts what ``dump`` writes and nothing it would have to guess at: a whole number is a
JSON integer (not ``true`` or ``"1"``), text is a string, a time is an ISO 8601 string with its
offset (not a number of seconds), a date is an ISO 8601 date, an amount is a decimal string
within the bounds money has. Every check takes time linear in the size of its input, and no
input is nested deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import pydantic

MAX_DEPTH = 64
"""How deeply stored data may nest; dump never writes half as deep."""

MAX_DECIMAL = 40
"""The most characters an amount may take when stored."""

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{5,21}([+-][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?|Z)"
)


def _iso_time(value: object) -> datetime:
    if isinstance(value, datetime):  # say so: its repr looks like the text that is wanted
        raise ValueError("must be an ISO 8601 time as text, not a datetime (store times as strings)")  # noqa: TRY004 - pydantic reads a ValueError
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        raise ValueError("must be an ISO 8601 time with its offset, such as 2026-03-01T09:00:00+00:00")
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    return datetime.fromisoformat(text)


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("must be an ISO 8601 date, such as 2026-03-31")
    return date.fromisoformat(value)


def _decimal_text(value: object) -> Decimal:
    if not isinstance(value, str) or len(value) > MAX_DECIMAL or not _DECIMAL.fullmatch(value):
        raise ValueError(f"must be a decimal number written as a string of at most {MAX_DECIMAL} characters")
    return Decimal(value)


StoredTime = Annotated[pydantic.AwareDatetime, pydantic.BeforeValidator(_iso_time)]
StoredDecimal = Annotated[Decimal, pydantic.BeforeValidator(_decimal_text)]
StoredDate = Annotated[date, pydantic.BeforeValidator(_iso_date)]
StoredFloat = Annotated[float, pydantic.Field(strict=True, allow_inf_nan=False)]
"""A JSON number (a whole one too), never text, a boolean, NaN or an infinity."""

STRICT: dict[Any, Any] = {
    str: pydantic.StrictStr,
    int: pydantic.StrictInt,
    bool: pydantic.StrictBool,
    datetime: StoredTime,
    date: StoredDate,
    Decimal: StoredDecimal,
    float: StoredFloat,
}
"""The strict stored form of each scalar type."""


def depth_problem(data: object) -> str | None:
    """Say so if ``data`` nests deeper than ``MAX_DEPTH``, walking it a level at a time without recursion.

    Only containers are carried to the next level, so a flat mapping of scalars costs one pass.
    """
    level: list[object] = [data]
    for _ in range(MAX_DEPTH + 1):
        below: list[object] = []
        for value in level:
            if isinstance(value, dict):
                below.extend(value.values())
            elif isinstance(value, (list, tuple)):
                below.extend(value)
        if not below:
            return None
        level = [value for value in below if isinstance(value, (dict, list, tuple))]
    return f"nests deeper than {MAX_DEPTH} levels; nothing funnelkit stores does"

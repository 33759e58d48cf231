"""The Python annotations Strawberry maps to each GraphQL scalar a shape can name."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, NewType

import strawberry

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("Long must be an integer")
    number = int(value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError("Long must fit in 64 bits")
    return number


Long = NewType("Long", int)

# Strawberry maps the Long annotation through StrawberryConfig.scalar_map
SCALAR_MAP: dict[object, Any] = {
    Long: strawberry.scalar(
        name="Long",
        serialize=int,
        parse_value=_parse_long,
        description="A 64-bit signed integer, such as an amount in minor units (a JSON number; "
        "exact in JavaScript up to 2^53, past which clients should use a big-integer type).",
    )
}

SCALAR_TYPES: dict[str, Any] = {
    "ID": strawberry.ID,
    "String": str,
    "Int": int,
    "Long": Long,
    "Float": float,
    "Boolean": bool,
    "DateTime": dt.datetime,
    "Date": dt.date,
    "Time": dt.time,
    "Decimal": Decimal,
    "UUID": uuid.UUID,
}

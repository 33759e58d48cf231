"""The Python annotations Strawberry maps to each GraphQL scalar a shape can name."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import strawberry

SCALAR_TYPES: dict[str, Any] = {
    "ID": strawberry.ID,
    "String": str,
    "Int": int,
    "Float": float,
    "Boolean": bool,
    "DateTime": dt.datetime,
    "Date": dt.date,
    "Time": dt.time,
    "Decimal": Decimal,
    "UUID": uuid.UUID,
}

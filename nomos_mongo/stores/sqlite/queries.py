"""BasicQuery as SQL over a snapshot table, agreeing with `query.apply_query`.

Each snapshot row keeps `q`, the state's queryable JSON: keyed by Python attribute names
as queries are, with values whose SQLite order is the Python order. `json_extract` gives
NULL for null and missing alike (as `field_value` gives None), true/false as 1/0 (Python
orders bools as ints), numbers as numbers and text as UTF-8, whose byte order is code
point order. Datetimes become fixed-width UTC ISO strings, so text order is time order.
Ordering and range filters use the expression indexes of `schema.ensure_snapshot_table`.

What SQL cannot say the way Python does is left to two small SQL functions written in
Python (`nomos_icontains`: Unicode case folding; `nomos_compare`: list comparisons).
"""

from __future__ import annotations

import operator
import re
import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, RootModel

from ...errors import InvalidArgument
from ...model import Aggregate
from ...query import BasicQuery, FieldFilter, plain
from ..mongo.queries import is_array_field
from .jsontext import dumps, loads
from .schema import json_path

NEVER = ("0", ())
_SEQUENCES = (list, tuple, set, frozenset)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

Clause = tuple[str, tuple[Any, ...]]


def queryable(aggregate: Aggregate) -> str:
    return dumps(_fields(aggregate))


def to_q(value: Any) -> Any:
    if isinstance(value, Enum):
        return to_q(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, RootModel):
        return to_q(value.root)
    if isinstance(value, BaseModel):
        return _fields(value)
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): to_q(v) for k, v in value.items()}
    if isinstance(value, _SEQUENCES):
        return [to_q(v) for v in value]
    return str(value)


def _fields(model: BaseModel) -> dict[str, Any]:
    return {name: to_q(getattr(model, name)) for name in type(model).model_fields}


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parameter(value: Any) -> Any:
    """A query value as an SQL parameter compared with `json_extract` (lists and objects as JSON text)."""
    q = to_q(value)
    if isinstance(q, list | dict):
        return dumps(q)
    return q


def expression(path: str) -> str:
    if not _IDENTIFIER.match(path):
        raise InvalidArgument("field", f"{path!r} is not a field path")
    return f"json_extract(q, '{json_path(path)}')"


def _typed(x: str, value: Any) -> str:
    """Python refuses to order a number against text (the comparison is False); SQLite would not."""
    if isinstance(value, str):
        return f"typeof({x}) = 'text'"
    return f"typeof({x}) IN ('integer', 'real')"


def condition(aggregate_type: type[Aggregate], f: FieldFilter) -> Clause | None:
    x = expression(f.field)
    array = is_array_field(aggregate_type, f.field)
    if f.op == "in":
        values = [parameter(v) for v in f.value]
        if array:
            lists = tuple(parameter(v) for v in f.value if isinstance(to_q(v), list))
            return (f"{x} IN ({', '.join('json(?)' for _ in lists)})", lists) if lists else NEVER
        present = tuple(v for v in values if v is not None)
        parts = [f"{x} IN ({', '.join('?' for _ in present)})"] if present else []
        if None in values:
            parts.append(f"{x} IS NULL")
        return (f"({' OR '.join(parts)})", present) if parts else NEVER
    value = parameter(f.value)
    if f.op == "contains":
        if array:
            path = json_path(f.field)
            return f"EXISTS (SELECT 1 FROM json_each(q, '{path}') WHERE json_each.value = ?)", (value,)
        if isinstance(value, str):
            return f"nomos_icontains({x}, ?)", (value,)
        return NEVER
    if array:
        if not isinstance(to_q(f.value), list):
            return None if f.op == "ne" else NEVER  # a list never equals, nor orders against, a scalar
        return f"nomos_compare({x}, ?, ?)", (f.op, value)
    if f.op == "eq":
        return (f"{x} IS NULL", ()) if value is None else (f"{x} = ?", (value,))
    if f.op == "ne":
        return (f"{x} IS NOT NULL", ()) if value is None else (f"{x} IS NOT ?", (value,))
    if value is None or isinstance(to_q(f.value), list | dict):
        return NEVER
    symbol = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}[f.op]
    return f"{x} {symbol} ? AND {_typed(x, value)}", (value,)


def where(aggregate_type: type[Aggregate], workspace_id: str, timeline_id: str, query: BasicQuery) -> Clause:
    clauses = ["workspace_id = ?", "timeline_id = ?"]
    params: list[Any] = [workspace_id, timeline_id]
    if not query.include_deleted:
        clauses.append("deleted = 0")
    for f in query.filters:
        found = condition(aggregate_type, f)
        if found is not None:
            clauses.append(f"({found[0]})")
            params.extend(found[1])
    if query.after is not None:
        sql, values = _after(query)
        clauses.append(f"({sql})")
        params.extend(values)
    return " AND ".join(clauses), tuple(params)


def order_by(query: BasicQuery) -> str:
    direction = "DESC" if query.descending else "ASC"
    if query.order_by_field is None:
        return f"aggregate_id {direction}"
    return f"{expression(query.order_by_field)} {direction}, aggregate_id {direction}"


def _after(query: BasicQuery) -> Clause:
    """Rows strictly after the cursor in the query's order (NULL sorts first ascending, as None does)."""
    assert query.after is not None
    past = "<" if query.descending else ">"
    last_id = query.after.aggregate_id
    if query.order_by_field is None:
        return f"aggregate_id {past} ?", (last_id,)
    x = expression(query.order_by_field)
    value = parameter(plain(query.after.sort_value))
    if value is None:
        if query.descending:
            return f"{x} IS NULL AND aggregate_id < ?", (last_id,)
        return f"({x} IS NULL AND aggregate_id > ?) OR {x} IS NOT NULL", (last_id,)
    if query.descending:
        return f"{x} < ? OR {x} IS NULL OR ({x} = ? AND aggregate_id < ?)", (value, value, last_id)
    return f"{x} > ? OR ({x} = ? AND aggregate_id > ?)", (value, value, last_id)


def select(
    table: str, aggregate_type: type[Aggregate], workspace_id: str, timeline_id: str, query: BasicQuery
) -> Clause:
    sql, params = where(aggregate_type, workspace_id, timeline_id, query)
    statement = f'SELECT seq, version, state, aggregate_id FROM "{table}" WHERE {sql} ORDER BY {order_by(query)}'
    if query.limit is not None:
        statement += f" LIMIT {int(query.limit)}"
    return statement, params


# SQL functions ----------------------------------------------------------------------------
def _icontains(haystack: Any, needle: Any) -> int:
    return int(isinstance(haystack, str) and isinstance(needle, str) and needle.lower() in haystack.lower())


_ORDERS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def _compare(left: Any, op: str, right: Any) -> int:
    """Two JSON lists compared as Python compares lists; what Python cannot order is False."""
    if not isinstance(left, str) or not isinstance(right, str):
        return 0
    try:
        return int(bool(_ORDERS[op](loads(left), loads(right))))
    except (TypeError, ValueError, KeyError):
        return 0


def install_functions(connection: sqlite3.Connection) -> None:
    connection.create_function("nomos_icontains", 2, _icontains, deterministic=True)
    connection.create_function("nomos_compare", 3, _compare, deterministic=True)

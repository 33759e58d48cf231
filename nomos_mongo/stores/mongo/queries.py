"""BasicQuery as a MongoDB filter and sort, agreeing with `query.apply_query`.

Snapshot documents keep the aggregate's JSON in `state` (what is decoded) and a queryable
copy in `q`, keyed by Python attribute names as queries are, with values whose BSON order is
the Python order: datetimes become fixed-width UTC ISO strings (exact to the microsecond,
where a BSON date keeps milliseconds), decimals Decimal128, enums and value objects their
plain value. Array fields are told apart by the aggregate's annotations, because MongoDB
matches a scalar against an array by membership where Python compares the whole list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from bson.decimal128 import Decimal128
from pydantic import BaseModel, RootModel

from ...model import Aggregate
from ...query import BasicQuery, FieldFilter

SortSpec = list[tuple[str, int]]

NEVER: dict[str, Any] = {"_id": {"$in": []}}
_SEQUENCES = (list, tuple, set, frozenset)


def queryable(aggregate: Aggregate) -> dict[str, Any]:
    return _fields(aggregate)


def to_bson(value: Any) -> Any:
    if isinstance(value, Enum):
        return to_bson(value.value)
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if isinstance(value, RootModel):
        return to_bson(value.root)
    if isinstance(value, BaseModel):
        return _fields(value)
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return Decimal128(value)
    if isinstance(value, Mapping):
        return {str(k): to_bson(v) for k, v in value.items()}
    if isinstance(value, _SEQUENCES):
        return [to_bson(v) for v in value]
    return str(value)


def _fields(model: BaseModel) -> dict[str, Any]:
    return {name: to_bson(getattr(model, name)) for name in type(model).model_fields}


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        return value.isoformat(timespec="microseconds")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def is_array_field(aggregate_type: type[Aggregate], path: str) -> bool:
    annotation: Any = aggregate_type
    for part in path.split("."):
        model = _model_of(annotation)
        if model is None or part not in model.model_fields:
            return False
        annotation = model.model_fields[part].annotation
    return _is_array(annotation)


def _unwrap(annotation: Any) -> Any:
    if get_origin(annotation) is Annotated:
        return _unwrap(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not NoneType]
        if len(members) == 1:
            return _unwrap(members[0])
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        return _unwrap(annotation.model_fields["root"].annotation)
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_array(annotation: Any) -> bool:
    annotation = _unwrap(annotation)
    origin = get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, _SEQUENCES)


def is_null(path: str) -> dict[str, Any]:
    """The path is None as `field_value` reads it: null or missing, or under a null parent.

    MongoDB reads a path under a null parent as missing; the parents are spelled out because
    mongomock does not, and it costs the server nothing.
    """
    parts = path.split(".")
    prefixes = [".".join(parts[:n]) for n in range(2, len(parts) + 1)]
    if len(prefixes) == 1:
        return {prefixes[0]: None}
    return {"$or": [{prefix: None} for prefix in prefixes]}


def is_not_null(path: str) -> dict[str, Any]:
    parts = path.split(".")
    prefixes = [".".join(parts[:n]) for n in range(2, len(parts) + 1)]
    return {"$and": [{prefix: {"$ne": None}} for prefix in prefixes]}


def condition(aggregate_type: type[Aggregate], f: FieldFilter) -> dict[str, Any]:
    field = f"q.{f.field}"
    array = is_array_field(aggregate_type, f.field)
    value = to_bson(f.value)
    if f.op == "in":
        values = [to_bson(v) for v in f.value]
        if array:
            values = [v for v in values if isinstance(v, list)]
            return {field: {"$in": values}} if values else NEVER
        if None in values:
            return {"$or": [{field: {"$in": values}}, is_null(field)]}
        return {field: {"$in": values}}
    if f.op == "contains":
        if array:
            return {field: {"$elemMatch": {"$eq": value}}}
        if isinstance(value, str):
            return {field: {"$regex": re.escape(value), "$options": "i"}}
        return NEVER
    if array and not isinstance(value, list):
        return {} if f.op == "ne" else NEVER
    if value is None and f.op in ("eq", "ne"):
        return is_null(field) if f.op == "eq" else is_not_null(field)
    if f.op in ("eq", "ne"):
        return {field: {f"${f.op}": value}}
    if value is None:
        return NEVER
    return {field: {f"${f.op}": value}}


def mongo_filter(
    workspace_id: str, timeline_id: str, aggregate_type: type[Aggregate], query: BasicQuery
) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = [{"workspace_id": workspace_id, "timeline_id": timeline_id}]
    if not query.include_deleted:
        clauses.append({"q.deleted": {"$ne": True}})
    clauses.extend(c for c in (condition(aggregate_type, f) for f in query.filters) if c)
    if query.after is not None:
        clauses.append(_after(query))
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def mongo_sort(query: BasicQuery) -> SortSpec:
    direction = -1 if query.descending else 1
    if query.order_by_field is None:
        return [("aggregate_id", direction)]
    return [(f"q.{query.order_by_field}", direction), ("aggregate_id", direction)]


def _after(query: BasicQuery) -> dict[str, Any]:
    """Rows strictly after the cursor in the query's order (None sorts first ascending)."""
    assert query.after is not None
    after_op = "$lt" if query.descending else "$gt"
    last_id = query.after.aggregate_id
    if query.order_by_field is None:
        return {"aggregate_id": {after_op: last_id}}
    field = f"q.{query.order_by_field}"
    value = to_bson(query.after.sort_value)
    past_id: dict[str, Any] = {"aggregate_id": {after_op: last_id}}
    if value is None:
        same: dict[str, Any] = {"$and": [is_null(field), past_id]}
        return same if query.descending else {"$or": [same, is_not_null(field)]}
    same = {field: {"$eq": value}, **past_id}
    if not query.descending:
        return {"$or": [{field: {after_op: value}}, same]}
    return {"$or": [{field: {after_op: value}}, is_null(field), same]}

"""Listing queries over snapshots: filter, order, limit, keyset cursor.

Field names are Python attribute names of the aggregate (dotted for nested value objects).
`matches` and `sort_key` define the semantics; every adapter must agree with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, RootModel

from .errors import InvalidArgument
from .model import Aggregate

FilterOp = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "contains"]
FILTER_OPS: frozenset[str] = frozenset(("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains"))
MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class FieldFilter:
    field: str
    value: Any
    op: FilterOp = "eq"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Position after which a page starts: the sort value and id of the last row seen."""

    sort_value: Any
    aggregate_id: str


@dataclass(frozen=True, slots=True)
class BasicQuery:
    filters: tuple[FieldFilter, ...] = ()
    order_by_field: str | None = None
    descending: bool = False
    limit: int | None = None
    after: Cursor | None = None
    include_deleted: bool = False

    def check(self, aggregate_type: type[Aggregate]) -> None:
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or not 0 < self.limit <= MAX_LIMIT
        ):
            raise InvalidArgument("limit", f"must be an integer from 1 to {MAX_LIMIT}")
        fields = [f.field for f in self.filters]
        if self.order_by_field is not None:
            fields.append(self.order_by_field)
        for path in fields:
            check_field_path(aggregate_type, path)
        for f in self.filters:
            if f.op not in FILTER_OPS:
                raise InvalidArgument("filter", f"unknown operator {f.op!r}; use one of {sorted(FILTER_OPS)}")
            if f.op == "in" and not isinstance(f.value, list | tuple | set | frozenset):
                raise InvalidArgument("filter", f"operator 'in' on {f.field!r} needs a list")

    @property
    def key(self) -> tuple[Any, ...]:
        """Hashable identity of the query, for sharing live evaluations."""
        filters = tuple(
            (f.field, f.op, tuple(f.value) if isinstance(f.value, list | set | frozenset) else f.value)
            for f in self.filters
        )
        after = (self.after.sort_value, self.after.aggregate_id) if self.after else None
        return (filters, self.order_by_field, self.descending, self.limit, after, self.include_deleted)


def check_field_path(aggregate_type: type[Aggregate], path: str) -> None:
    model: Any = aggregate_type
    for part in path.split("."):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            raise InvalidArgument("field", f"{aggregate_type.type_name} has no field {path!r}")
        annotation = fields[part].annotation
        model = _model_in(annotation)


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def plain(value: Any) -> Any:
    """The comparable form of a field value: value objects unwrapped, enums to their value."""
    if isinstance(value, RootModel):
        return plain(value.root)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value
    return value


def field_value(aggregate: Aggregate, path: str) -> Any:
    value: Any = aggregate
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return plain(value)


def _compare(left: Any, op: str, right: Any) -> bool:
    right = plain(right)
    try:
        if op == "eq":
            return bool(left == right)
        if op == "ne":
            return bool(left != right)
        if op == "in":
            return left in [plain(v) for v in right]
        if op == "contains":
            if isinstance(left, str) and isinstance(right, str):
                return right.lower() in left.lower()
            return isinstance(left, list) and right in left
        if left is None or right is None:
            return False
        if op == "lt":
            return bool(left < right)
        if op == "lte":
            return bool(left <= right)
        if op == "gt":
            return bool(left > right)
        if op == "gte":
            return bool(left >= right)
    except TypeError:
        return False
    return False


def matches(aggregate: Aggregate, query: BasicQuery) -> bool:
    if aggregate.deleted and not query.include_deleted:
        return False
    return all(_compare(field_value(aggregate, f.field), f.op, f.value) for f in query.filters)


def sort_key(aggregate: Aggregate, query: BasicQuery) -> tuple[Any, ...]:
    if query.order_by_field is None:
        return (0, "", aggregate.id)
    value = field_value(aggregate, query.order_by_field)
    # None sorts first ascending (as MongoDB does); mixed types compare by type name
    return (0 if value is None else 1, _orderable(value), aggregate.id)


def _orderable(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return tuple(_orderable(v) for v in value)
    if isinstance(value, dict):
        return str(sorted(value.items()))
    return value


def apply_query(aggregates: Sequence[Aggregate], query: BasicQuery) -> list[Aggregate]:
    """The reference evaluation of a query over states in memory."""
    rows = [a for a in aggregates if matches(a, query)]
    rows.sort(key=lambda a: sort_key(a, query), reverse=query.descending)
    if query.after is not None:
        pivot = (
            (0, "", query.after.aggregate_id)
            if query.order_by_field is None
            else (
                0 if query.after.sort_value is None else 1,
                _orderable(plain(query.after.sort_value)),
                query.after.aggregate_id,
            )
        )
        if query.descending:
            rows = [a for a in rows if sort_key(a, query) < pivot]
        else:
            rows = [a for a in rows if sort_key(a, query) > pivot]
    if query.limit is not None:
        rows = rows[: query.limit]
    return rows

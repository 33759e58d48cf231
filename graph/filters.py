"""Filter, order and cursor of the listing queries, derived from an aggregate's scalar fields."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

import strawberry

from nomos_mongo import Aggregate, BasicQuery, Cursor, FieldFilter
from nomos_mongo.query import field_value

from .enums import EnumTypes, graphql_enum
from .errors import BadUserInput
from .fields import Attribute, make_type
from .naming import TypeNames, camel, enum_member_name
from .scalars import SCALAR_TYPES
from .shapes import EnumShape, ListShape, OptionalShape, ScalarShape, Shape, field_shape

_ORDERED = ("eq", "ne", "lt", "lte", "gt", "gte", "in")
ENUM_OPERATORS: tuple[str, ...] = ("eq", "ne", "in")
_OPERATORS: dict[str, tuple[str, ...]] = {
    "ID": ("eq", "ne", "in"),
    "String": (*_ORDERED, "contains"),
    "Boolean": ("eq", "ne"),
}


@dataclass(frozen=True)
class FilterField:
    python_name: str
    graphql_name: str
    shape: ScalarShape | EnumShape
    is_list: bool


@dataclass(frozen=True)
class Listing:
    """The filter input and order enum of one aggregate type."""

    filter_type: type | None
    order_type: type[Enum] | None
    fields: tuple[FilterField, ...]


IN_LIST_CAP = 500  # values one `in` condition may list: checked before any is coerced (graph/caps.py)


class Filters:
    def __init__(self, names: TypeNames, enums: EnumTypes) -> None:
        self._names = names
        self._enums = enums
        self._operators: dict[str, type] = {}
        # operator input type name -> field -> most items, as InputTypes.list_caps holds them
        self.list_caps: dict[str, dict[str, int]] = {}

    def listing(self, model: type[Aggregate], type_name: str) -> Listing:
        fields = tuple(_filterable(model))
        if not fields:
            return Listing(None, None, ())
        attributes = [
            Attribute(f.python_name, f.graphql_name, self._operator_type(f) | None, default=strawberry.UNSET)
            for f in fields
        ]
        filter_name = self._names.claim(f"{type_name}Filter", model)
        filter_type = make_type(filter_name, attributes, is_input=True, description="All conditions must hold.")
        orderable = {_order_member(f): f.python_name for f in fields if not f.is_list}
        order_name = self._names.claim(f"{type_name}OrderField", model)
        order_type = graphql_enum(order_name, orderable)
        return Listing(filter_type, order_type, fields)

    def _operator_type(self, f: FilterField) -> type:
        if isinstance(f.shape, EnumShape):
            value: Any = self._enums.graphql_type(f.shape.enum)
            base, operators = f.shape.enum.__name__, ENUM_OPERATORS
        else:
            value = SCALAR_TYPES[f.shape.graphql]
            base, operators = f.shape.graphql, _OPERATORS.get(f.shape.graphql, _ORDERED)
        if f.is_list:
            base, operators = f"{base}List", ("contains",)
        name = f"{base}Filter"
        made = self._operators.get(name)
        if made is None:
            attributes = [
                Attribute(_python(op), op, (list[value] if op == "in" else value) | None, default=strawberry.UNSET)
                for op in operators
            ]
            claimed = self._names.claim(name, ("filter", name))
            if "in" in operators:
                self.list_caps[claimed] = {"in": IN_LIST_CAP}
            made = make_type(claimed, attributes, is_input=True)
            self._operators[name] = made
        return made


def _order_member(f: FilterField) -> str:
    return enum_member_name(f.graphql_name if f.python_name == "id" else f.python_name)


def _filterable(model: type[Aggregate]) -> list[FilterField]:
    out = []
    for name, info in model.model_fields.items():
        shape: Shape = field_shape(info, where=f"{model.__name__}.{name}", field=name)
        if isinstance(shape, OptionalShape):
            shape = shape.inner
        is_list = isinstance(shape, ListShape)
        if isinstance(shape, ListShape):
            shape = shape.item
        if isinstance(shape, ScalarShape | EnumShape) and name != "deleted":
            # `id` is the global id of the object types; the domain id is `aggregateId` everywhere
            graphql_name = "aggregateId" if name == "id" else info.alias or camel(name)
            out.append(FilterField(name, graphql_name, shape, is_list))
    return out


def to_filters(listing: Listing, value: Any) -> tuple[FieldFilter, ...]:
    if value is None or value is strawberry.UNSET:
        return ()
    filters = []
    for f in listing.fields:
        condition = getattr(value, f.python_name)
        if condition is None or condition is strawberry.UNSET:
            continue
        for op in ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains"):
            operand = getattr(condition, _python(op), strawberry.UNSET)
            if operand is strawberry.UNSET or (operand is None and op == "in"):
                continue
            filters.append(FieldFilter(f.python_name, _domain(operand, f.shape), op))  # type: ignore[arg-type]
    return tuple(filters)


def _python(operator: str) -> str:
    return "in_" if operator == "in" else operator


def _domain(value: Any, shape: ScalarShape | EnumShape) -> Any:
    if isinstance(value, list):
        return [_domain(v, shape) for v in value]
    if isinstance(shape, EnumShape) and isinstance(value, Enum):
        return EnumTypes.to_domain(value, shape.enum)
    return value


# cursors ------------------------------------------------------------------------------------
def encode_cursor(state: Aggregate, order_field: str | None, descending: bool) -> str:
    value = field_value(state, order_field) if order_field else None
    payload = [order_field, descending, _jsonable(value), state.id]
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str, order_field: str | None, descending: bool, argument: str = "after") -> Cursor:
    try:
        field, direction, value, aggregate_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise BadUserInput(argument, "not a cursor this API returned") from None
    if field != order_field or direction != descending or not isinstance(aggregate_id, str):
        raise BadUserInput(argument, "the cursor belongs to another ordering; keep orderBy and descending")
    return Cursor(_from_jsonable(value), aggregate_id)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
    if isinstance(value, list):
        return [_from_jsonable(v) for v in value]
    return value


def build_query(
    listing: Listing,
    *,
    filter: Any,
    order_by: Enum | None,
    descending: bool,
    limit: int,
    after: str | None = None,
    cursor_argument: str = "after",
    backward: bool = False,
) -> BasicQuery:
    """The store query of a page; `backward` reads the reverse order from the cursor on (keyset),
    so the rows just before the cursor come first."""
    order_field = order_by.value if order_by is not None else None
    cursor = decode_cursor(after, order_field, descending, cursor_argument) if after else None
    return BasicQuery(
        filters=to_filters(listing, filter),
        order_by_field=order_field,
        descending=descending != backward,
        limit=limit,
        after=cursor,
    )

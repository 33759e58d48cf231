"""What a pydantic field annotation means for GraphQL: a small tree of shapes.

`shape_of` reads one annotation and answers with a Shape; the input and output type
builders turn shapes into Strawberry types and convert values along the same tree. An
annotation nothing here understands raises SchemaBuildError when the schema is built,
never later when a request arrives.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Union

import pydantic
from pydantic import BaseModel, RootModel

from nomos_mongo import LazyBlob

from .naming import camel, upper_first


class SchemaBuildError(TypeError):
    """A domain type the GraphQL layer cannot express; raised while building the schema."""


@dataclass(frozen=True)
class ScalarShape:
    graphql: str  # ID, String, Int, Float, Boolean, DateTime, Date, Time, Decimal, UUID


@dataclass(frozen=True)
class EnumShape:
    enum: type[Enum]


@dataclass(frozen=True)
class ModelShape:
    model: type[BaseModel]


@dataclass(frozen=True)
class UnionShape:
    """Several models: a `@oneOf` input and a union output. `tags` name the members."""

    name: str
    members: tuple[type[BaseModel], ...]
    tags: tuple[str, ...]
    discriminator: str | None  # the python field name holding the tag, if any


@dataclass(frozen=True)
class ListShape:
    item: Shape
    max_length: int | None = field(default=None, compare=False)  # the domain's cap, checked first


@dataclass(frozen=True)
class OptionalShape:
    inner: Shape


@dataclass(frozen=True)
class MapShape:
    """dict[str, V]: a list in GraphQL; keyed by the items' own `key` field when they have one."""

    name: str
    value: Shape
    key_field: str | None
    max_length: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BlobShape:
    pass


Shape = ScalarShape | EnumShape | ModelShape | UnionShape | ListShape | OptionalShape | MapShape | BlobShape

_SCALARS: dict[Any, str] = {
    str: "String",
    int: "Int",
    float: "Float",
    bool: "Boolean",
    dt.datetime: "DateTime",
    pydantic.AwareDatetime: "DateTime",
    pydantic.NaiveDatetime: "DateTime",
    pydantic.PastDatetime: "DateTime",
    pydantic.FutureDatetime: "DateTime",
    dt.date: "Date",
    pydantic.PastDate: "Date",
    pydantic.FutureDate: "Date",
    dt.time: "Time",
    Decimal: "Decimal",
    uuid.UUID: "UUID",
}
_SEQUENCES = (list, tuple, set, frozenset, typing.Sequence, typing.AbstractSet)


INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def field_shape(info: Any, *, where: str, field: str, hint: str = "") -> Shape:
    """The shape of a pydantic field: an Int whose declared bounds pass 32 bits becomes a Long;
    a list keeps the field's `max_length`."""
    shape = capped(shape_of(info.annotation, where=where, field=field, hint=hint), info.metadata)
    inner = shape.inner if isinstance(shape, OptionalShape) else shape
    if inner == ScalarShape("Int") and _beyond_int32(info.metadata):
        return OptionalShape(ScalarShape("Long")) if isinstance(shape, OptionalShape) else ScalarShape("Long")
    return shape


def capped(shape: Shape, metadata: Any) -> Shape:
    """`shape` with the `max_length` (annotated_types.MaxLen) found in pydantic metadata, if a list."""
    limits = [getattr(m, "max_length", None) for m in _flat(metadata)]
    limit = min((n for n in limits if isinstance(n, int)), default=None)
    if limit is None:
        return shape
    if isinstance(shape, OptionalShape):
        return OptionalShape(capped(shape.inner, metadata))
    if isinstance(shape, ListShape | MapShape):
        return replace(shape, max_length=limit)
    return shape


def _flat(metadata: Any) -> list[Any]:
    """Metadata items, with those a `Field(...)` inside `Annotated` carries unpacked."""
    flat: list[Any] = []
    for item in metadata or ():
        flat.append(item)
        flat.extend(getattr(item, "metadata", None) or ())
    return flat


def _beyond_int32(metadata: list[Any]) -> bool:
    for item in metadata:
        for bound in ("ge", "gt", "le", "lt"):
            value = getattr(item, bound, None)
            if isinstance(value, int) and not INT32_MIN <= value <= INT32_MAX:
                return True
    return False


def is_identifier_name(name: str | None) -> bool:
    return name is not None and (name == "id" or name.endswith(("_id", "_ids", "Id", "Ids")))


def shape_of(annotation: Any, *, where: str, field: str | None = None, hint: str = "") -> Shape:
    """The shape of `annotation`, found on `where` (for messages); `hint` names anonymous unions."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        return capped(shape_of(inner, where=where, field=field, hint=hint), metadata)
    if origin in (Union, types.UnionType):
        return _union(annotation, where=where, field=field, hint=hint)
    if origin is Literal:
        return _literal(annotation, where=where)
    if origin in _SEQUENCES or (isinstance(origin, type) and origin in _SEQUENCES):
        args = typing.get_args(annotation)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise SchemaBuildError(f"{where}: fixed-length tuple {annotation!r}; use tuple[X, ...]")
        return ListShape(shape_of(args[0], where=where, field=field, hint=hint))
    if origin in (dict, typing.Mapping):
        return _map(annotation, where=where, field=field, hint=hint)
    if isinstance(annotation, type):
        return _class(annotation, where=where, field=field, hint=hint)
    raise SchemaBuildError(f"{where}: cannot express {annotation!r} in GraphQL")


def _class(cls: type, *, where: str, field: str | None, hint: str) -> Shape:
    if cls in _SCALARS:
        graphql = _SCALARS[cls]
        return ScalarShape("ID" if graphql == "String" and is_identifier_name(field) else graphql)
    if issubclass(cls, Enum):
        return EnumShape(cls)
    if issubclass(cls, LazyBlob):
        return BlobShape()
    if issubclass(cls, RootModel):
        root = cls.model_fields["root"]
        shape = capped(
            shape_of(root.annotation, where=f"{where} ({cls.__name__})", field=field, hint=cls.__name__), root.metadata
        )
        if shape == ScalarShape("String") and cls.__name__.endswith("Id"):
            return ScalarShape("ID")
        return shape
    if issubclass(cls, BaseModel):
        return ModelShape(cls)
    raise SchemaBuildError(f"{where}: cannot express {cls.__module__}.{cls.__qualname__} in GraphQL")


def _union(annotation: Any, *, where: str, field: str | None, hint: str) -> Shape:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if len(args) < len(typing.get_args(annotation)):
        inner = args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007
        return OptionalShape(shape_of(inner, where=where, field=field, hint=hint))
    shapes = [shape_of(a, where=where, field=field, hint=hint) for a in args]
    if all(isinstance(s, ScalarShape) and s.graphql in ("Int", "Float") for s in shapes):
        return ScalarShape("Float")
    if all(isinstance(s, ModelShape) for s in shapes):
        members = tuple(s.model for s in shapes if isinstance(s, ModelShape))
        return _model_union(members, annotation, where=where, field=field, hint=hint)
    raise SchemaBuildError(f"{where}: cannot express the union {annotation!r} in GraphQL")


def _model_union(
    members: tuple[type[BaseModel], ...], annotation: Any, *, where: str, field: str | None, hint: str
) -> UnionShape:
    discriminator = _discriminator(members)
    if discriminator is None:
        tags = tuple(camel(m.__name__) for m in members)
    else:
        tags = tuple(camel(_tag_text(_literal_value(m, discriminator))) for m in members)
    if len(set(tags)) != len(tags):
        raise SchemaBuildError(f"{where}: union members {members} do not have distinct tags")
    name = hint or (upper_first(camel(field)) if field else "")
    if not name:
        raise SchemaBuildError(f"{where}: cannot name the union {annotation!r}; wrap it in a RootModel")
    return UnionShape(name, members, tags, discriminator)


def _discriminator(members: tuple[type[BaseModel], ...]) -> str | None:
    common = set.intersection(*(set(m.model_fields) for m in members))
    for name in sorted(common):
        if all(typing.get_origin(m.model_fields[name].annotation) is Literal for m in members):
            return name
    return None


def _literal_value(model: type[BaseModel], field: str) -> Any:
    return typing.get_args(model.model_fields[field].annotation)[0]


def _tag_text(value: Any) -> str:
    return str(value.value if isinstance(value, Enum) else value)


def _literal(annotation: Any, *, where: str) -> Shape:
    values = typing.get_args(annotation)
    if all(isinstance(v, Enum) for v in values) and len({type(v) for v in values}) == 1:
        return EnumShape(type(values[0]))
    if all(isinstance(v, str) for v in values):
        return ScalarShape("String")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return ScalarShape("Int")
    raise SchemaBuildError(f"{where}: cannot express {annotation!r} in GraphQL")


def _map(annotation: Any, *, where: str, field: str | None, hint: str) -> MapShape:
    key, value = typing.get_args(annotation)
    if key is not str and not (isinstance(key, type) and issubclass(key, RootModel)):
        raise SchemaBuildError(f"{where}: only maps with string keys can be expressed, got {annotation!r}")
    value_shape = shape_of(value, where=where, field=field, hint="")
    name = hint or upper_first(camel(field or "map"))
    return MapShape(name, value_shape, _key_field(value_shape))


def _key_field(shape: Shape) -> str | None:
    """`key` when every model the value can be carries its own key (as custom fields do)."""
    if isinstance(shape, ModelShape):
        models: tuple[type[BaseModel], ...] = (shape.model,)
    elif isinstance(shape, UnionShape):
        models = shape.members
    else:
        return None
    return "key" if all("key" in m.model_fields for m in models) else None

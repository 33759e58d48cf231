"""Object types for domain models, and the conversion of domain values into them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Annotated, Any, Union

import strawberry
from pydantic import BaseModel, RootModel

from nomos_mongo import LazyBlob

from .annotations import ShapeAnnotations
from .enums import EnumTypes
from .fields import Attribute, docstring, make_type
from .naming import TypeNames, camel
from .shapes import (
    BlobShape,
    EnumShape,
    ListShape,
    MapShape,
    ModelShape,
    OptionalShape,
    ScalarShape,
    SchemaBuildError,
    Shape,
    UnionShape,
    field_shape,
)


@strawberry.type(description="Bytes kept with an intent: inline (base64) when small, else by content hash.")
class Blob:
    sha256: str
    size: int
    content_type: str
    base64: str | None = strawberry.field(description="The bytes, when they are kept inline.")


def _unwrap(value: Any) -> Any:
    while isinstance(value, RootModel):
        value = value.root
    return value


class OutputTypes(ShapeAnnotations):
    direction = "output"

    def __init__(self, names: TypeNames, enums: EnumTypes) -> None:
        self._names = names
        self._enums = enums
        self._objects: dict[type[BaseModel], type] = {}
        self._fields: dict[type[BaseModel], list[tuple[str, Shape]]] = {}
        self._building: set[type[BaseModel]] = set()
        self._unions: dict[tuple[type[BaseModel], ...], Any] = {}
        self._entries: dict[str, type] = {}
        self._converters: dict[Shape, Callable[[Any], Any]] = {}
        self._makers: dict[type[BaseModel], Callable[[BaseModel, dict[str, Any]], Any]] = {}
        names.claim("Blob", Blob)

    # types ------------------------------------------------------------------------------
    def object_type(
        self,
        model: type[BaseModel],
        *,
        name: str | None = None,
        interface: type | None = None,
        inherited: frozenset[str] = frozenset(),
    ) -> type:
        """The object type of `model`; fields named in `inherited` come from `interface`."""
        made = self._objects.get(model)
        if made is not None:
            return made
        if model in self._building:
            raise SchemaBuildError(f"{model.__name__} contains itself; recursive models are not supported")
        self._building.add(model)
        try:
            type_name = self._names.claim(name or model.__name__, model)
            shapes: list[tuple[str, Shape]] = []
            attributes: list[Attribute] = []
            taken = {f.graphql_name for f in _interface_fields(interface)}
            for field_name, info in model.model_fields.items():
                where = f"{model.__name__}.{field_name}"
                shape = field_shape(info, where=where, field=field_name)
                shapes.append((field_name, shape))
                if field_name in inherited:
                    continue
                graphql_name = info.alias or camel(field_name)
                if graphql_name in taken:
                    raise SchemaBuildError(f"{where}: GraphQL field {graphql_name!r} clashes with {interface}")
                taken.add(graphql_name)
                attributes.append(Attribute(field_name, graphql_name, self.annotation(shape), info.description))
            if not attributes and interface is None:
                raise SchemaBuildError(f"{model.__name__} has no fields; GraphQL types need at least one")
            bases = (interface,) if interface is not None else ()
            made = make_type(type_name, attributes, bases=bases, description=docstring(model))
        finally:
            self._building.discard(model)
        self._objects[model] = made
        self._fields[model] = shapes
        return made

    def model_annotation(self, shape: ModelShape) -> Any:
        return self.object_type(shape.model)

    def union_annotation(self, shape: UnionShape) -> Any:
        return self._union(shape)

    def entry_annotation(self, shape: MapShape) -> Any:
        return self._entry(shape)

    def blob_annotation(self) -> Any:
        return Blob

    def _union(self, shape: UnionShape) -> Any:
        union = self._unions.get(shape.members)
        if union is None:
            members = tuple(self.object_type(m) for m in shape.members)
            name = self._names.claim(shape.name, shape.members)
            union = Annotated[Union[members], strawberry.union(name)]  # type: ignore[valid-type,misc]  # noqa: UP007
            self._unions[shape.members] = union
        return union

    def _entry(self, shape: MapShape) -> type:
        name = f"{shape.name}Entry"
        entry = self._entries.get(name)
        if entry is None:
            self._names.claim(name, shape)
            value = Attribute("value", "value", self.annotation(shape.value))
            entry = make_type(name, [Attribute("key", "key", str), value])
            self._entries[name] = entry
        return entry

    # values -----------------------------------------------------------------------------
    def instance(self, value: BaseModel, model: type[BaseModel] | None = None, **extra: Any) -> Any:
        """The output object of a domain value; `extra` may replace a field (an aggregate's global `id`)."""
        model = model or type(value)
        make = self._makers.get(model) or self._maker(model)
        return make(value, extra)

    def convert(self, value: Any, shape: Shape) -> Any:
        return self.converter(shape)(value)

    def converter(self, shape: Shape) -> Callable[[Any], Any]:
        """The conversion of a domain value of `shape` into its output, decided once per shape:
        a page of fifty objects converts some six hundred values, each without a dispatch."""
        made = self._converters.get(shape)
        if made is None:
            made = self._converters[shape] = self._compile(shape)
        return made

    def _maker(self, model: type[BaseModel]) -> Callable[[BaseModel, dict[str, Any]], Any]:
        cls = self.object_type(model)
        make = _lazy_type(cls, {name: self.converter(shape) for name, shape in self._fields[model]})
        self._makers[model] = make
        return make

    def _compile(self, shape: Shape) -> Callable[[Any], Any]:
        if isinstance(shape, OptionalShape):
            return self.converter(shape.inner)  # every conversion passes None through
        if isinstance(shape, ScalarShape):
            return _float if shape.graphql == "Float" else _unwrap
        if isinstance(shape, BlobShape):
            return _nullable(blob_of)
        if isinstance(shape, EnumShape):
            enums, enum = self._enums, shape.enum
            return _nullable(lambda value: enums.to_graphql(value, enum))
        if isinstance(shape, ModelShape):
            model = shape.model
            return _nullable(lambda value: self.instance(value, model))
        if isinstance(shape, UnionShape):
            members = shape.members
            return _nullable(lambda value: self.instance(value, next(m for m in members if isinstance(value, m))))
        if isinstance(shape, ListShape):
            item = self.converter(shape.item)
            return _nullable(lambda value: [item(v) for v in value])
        if isinstance(shape, MapShape):
            value_of = self.converter(shape.value)
            if shape.key_field is not None:  # keyed by the items' own field: the items alone
                return _nullable(lambda value: [value_of(v) for v in value.values()])
            entry = self._entry(shape)
            return _nullable(lambda value: [entry(key=str(_unwrap(k)), value=value_of(v)) for k, v in value.items()])
        raise SchemaBuildError(f"cannot convert to {shape!r}")


class _Converted:
    """A field of a lazy output object: converted from the domain value when first read, then kept."""

    __slots__ = ("convert", "name")

    def __init__(self, name: str, convert: Callable[[Any], Any]) -> None:
        self.name = name
        self.convert = convert

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.convert(getattr(instance.__dict__[_SOURCE], self.name))
        return value


_SOURCE = "__nomos_source__"


def _lazy_type(cls: type, plan: dict[str, Callable[[Any], Any]]) -> type:
    """A subclass of the object type `cls` whose fields are converted only when read.

    A query selects a few of an object's fields (a page of assets: four of twelve), and
    converting the rest cost a quarter of the page. An instance holds the domain value and
    the fields given as they are (`extra`: an aggregate's global id); each other field
    converts on first read and is kept (a non-data descriptor, shadowed by the instance's
    dict). It is an instance of `cls` for Strawberry's type resolution, and compares, prints
    and serializes as one.
    """

    def __init__(self: Any, source: BaseModel, extra: dict[str, Any]) -> None:
        self.__dict__.update(extra)
        self.__dict__[_SOURCE] = source

    namespace: dict[str, Any] = {name: _Converted(name, convert) for name, convert in plan.items()}
    namespace.update(__init__=__init__, __module__=cls.__module__, __qualname__=cls.__qualname__)
    return type(cls.__name__, (cls,), namespace)


def _nullable(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def converted(value: Any) -> Any:
        value = _unwrap(value)
        return None if value is None else convert(value)

    return converted


def _float(value: Any) -> float | None:
    value = _unwrap(value)
    return None if value is None else float(value)


def blob_of(blob: LazyBlob) -> Blob:
    if blob.ref is not None:
        return Blob(sha256=blob.ref.sha256, size=blob.ref.size, content_type=blob.content_type, base64=None)
    data = blob.inline or b""
    return Blob(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=blob.content_type,
        base64=base64.b64encode(data).decode("ascii"),
    )


def _interface_fields(interface: type | None) -> list[Any]:
    if interface is None:
        return []
    return list(interface.__strawberry_definition__.fields)  # type: ignore[attr-defined]

"""Input types for domain models, and the conversion of GraphQL input into pydantic's input.

A GraphQL input becomes the dict pydantic validates (camelCase keys, as on the wire), so
every rule of the domain's value objects applies, and a refusal names the field by the
path the client wrote.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Collection
from enum import Enum
from typing import Any

import strawberry
from pydantic import BaseModel

from nomos_mongo import BlobRef

from .annotations import ShapeAnnotations
from .enums import EnumTypes
from .errors import BadUserInput
from .fields import EMPTY, Attribute, docstring, make_type
from .naming import TypeNames, camel
from .shapes import (
    BlobShape,
    EnumShape,
    ListShape,
    MapShape,
    ModelShape,
    OptionalShape,
    SchemaBuildError,
    Shape,
    UnionShape,
    field_shape,
)

FindBlob = Callable[[str], Awaitable[BlobRef | None]]
Path = tuple[str, ...]


@strawberry.input(description="Bytes: `base64` inline, or the `sha256` of a blob sent with uploadBlob.")
class BlobInput:
    base64: str | None = None
    sha256: str | None = None
    content_type: str | None = strawberry.field(default=None, description="Defaults to the upload's type.")


class InputTypes(ShapeAnnotations):
    direction = "input"

    def __init__(self, names: TypeNames, enums: EnumTypes) -> None:
        self._names = names
        self._enums = enums
        self._inputs: dict[tuple[type[BaseModel], str], type] = {}
        self._fields: dict[type, list[tuple[str, str, Shape]]] = {}
        self._building: set[type[BaseModel]] = set()
        self._unions: dict[tuple[type[BaseModel], ...], tuple[type, UnionShape]] = {}
        self._entries: dict[str, type] = {}
        # input type name -> field name -> the most items that field's list may hold
        self.list_caps: dict[str, dict[str, int]] = {}
        names.claim("BlobInput", BlobInput)

    # types ------------------------------------------------------------------------------
    def input_type(
        self, model: type[BaseModel], *, name: str | None = None, exclude: Collection[str] = ()
    ) -> type | None:
        """The input type of `model` without the `exclude`d fields; None when nothing is left."""
        type_name = name or f"{model.__name__}Input"
        made = self._inputs.get((model, type_name))
        if made is not None:
            return made
        if model in self._building:
            raise SchemaBuildError(f"{model.__name__} contains itself; recursive models are not supported")
        self._building.add(model)
        try:
            fields: list[tuple[str, str, Shape]] = []
            attributes: list[Attribute] = []
            caps: dict[str, int] = {}
            for field_name, info in model.model_fields.items():
                if field_name in exclude:
                    continue
                shape = field_shape(info, where=f"{model.__name__}.{field_name}", field=field_name)
                wire = info.alias or field_name
                graphql_name = info.alias or camel(field_name)
                annotation = self.annotation(shape)
                optional = not info.is_required() or isinstance(shape, OptionalShape)
                if optional and not isinstance(shape, OptionalShape):
                    annotation = annotation | None
                default = strawberry.UNSET if optional else EMPTY
                attributes.append(Attribute(field_name, graphql_name, annotation, info.description, default))
                fields.append((field_name, wire, shape))
                listed = shape.inner if isinstance(shape, OptionalShape) else shape
                if isinstance(listed, ListShape | MapShape) and listed.max_length is not None:
                    caps[graphql_name] = listed.max_length
            if not attributes:
                return None
            claimed = self._names.claim(type_name, (model, type_name))
            if caps:
                self.list_caps[claimed] = caps
            made = make_type(
                claimed,
                attributes,
                is_input=True,
                description=docstring(model),
            )
        finally:
            self._building.discard(model)
        self._inputs[(model, type_name)] = made
        self._fields[made] = fields
        return made

    def model_annotation(self, shape: ModelShape) -> Any:
        made = self.input_type(shape.model)
        if made is None:
            raise SchemaBuildError(f"{shape.model.__name__} has no fields to input")
        return made

    def union_annotation(self, shape: UnionShape) -> Any:
        return self._one_of(shape)

    def entry_annotation(self, shape: MapShape) -> Any:
        return self._entry(shape)

    def blob_annotation(self) -> Any:
        return BlobInput

    def _one_of(self, shape: UnionShape) -> type:
        found = self._unions.get(shape.members)
        if found is None:
            exclude = (shape.discriminator,) if shape.discriminator else ()
            attributes = []
            for tag, member in zip(shape.tags, shape.members, strict=True):
                member_input = self.input_type(member, exclude=exclude)
                if member_input is None:
                    raise SchemaBuildError(f"{member.__name__} has no fields to input")
                attributes.append(Attribute(tag, tag, member_input | None, default=strawberry.UNSET))
            name = self._names.claim(f"{shape.name}Input", shape.members)
            found = (make_type(name, attributes, is_input=True, one_of=True), shape)
            self._unions[shape.members] = found
        return found[0]

    def _entry(self, shape: MapShape) -> type:
        name = f"{shape.name}EntryInput"
        entry = self._entries.get(name)
        if entry is None:
            value = Attribute("value", "value", self.annotation(shape.value))
            entry = make_type(self._names.claim(name, shape), [Attribute("key", "key", str), value], is_input=True)
            self._entries[name] = entry
        return entry

    # values -----------------------------------------------------------------------------
    async def wire(self, value: Any, find_blob: FindBlob, path: Path = ("input",)) -> dict[str, Any]:
        """The pydantic input of an instance of a type made by `input_type`."""
        out: dict[str, Any] = {}
        for field_name, wire, shape in self._fields[type(value)]:
            item = getattr(value, field_name)
            if item is strawberry.UNSET:
                continue
            out[wire] = await self._convert(item, shape, find_blob, (*path, wire))
        return out

    async def _convert(self, value: Any, shape: Shape, find_blob: FindBlob, path: Path) -> Any:
        if value is None:
            return None
        if isinstance(shape, OptionalShape):
            return await self._convert(value, shape.inner, find_blob, path)
        if isinstance(shape, EnumShape) and isinstance(value, Enum):
            return EnumTypes.to_domain(value, shape.enum)
        if isinstance(shape, ModelShape):
            return await self.wire(value, find_blob, path)
        if isinstance(shape, UnionShape):
            return await self._convert_one_of(value, shape, find_blob, path)
        if isinstance(shape, ListShape | MapShape):
            check_length(value, shape.max_length, path)
        if isinstance(shape, ListShape):
            return [await self._convert(v, shape.item, find_blob, (*path, str(i))) for i, v in enumerate(value)]
        if isinstance(shape, MapShape):
            return await self._convert_map(value, shape, find_blob, path)
        if isinstance(shape, BlobShape):
            return await _blob(value, find_blob, path)
        return value

    async def _convert_one_of(self, value: Any, shape: UnionShape, find_blob: FindBlob, path: Path) -> Any:
        for tag, member in zip(shape.tags, shape.members, strict=True):
            chosen = getattr(value, tag)
            if chosen is strawberry.UNSET or chosen is None:
                continue
            out = await self.wire(chosen, find_blob, path)
            if shape.discriminator is not None:
                info = member.model_fields[shape.discriminator]
                out[info.alias or shape.discriminator] = typing.get_args(info.annotation)[0]
            return out
        raise BadUserInput(".".join(path), "give exactly one member")

    async def _convert_map(self, value: list[Any], shape: MapShape, find_blob: FindBlob, path: Path) -> Any:
        out: dict[str, Any] = {}
        for i, item in enumerate(value):
            where = (*path, str(i))
            if shape.key_field is not None:
                converted = await self._convert(item, shape.value, find_blob, where)
                key = converted.get(shape.key_field) if isinstance(converted, dict) else None
            else:
                key, converted = item.key, await self._convert(item.value, shape.value, find_blob, (*where, "value"))
            if not isinstance(key, str) or key in out:
                raise BadUserInput(".".join(where), f"each entry needs its own key; {key!r} is repeated or missing")
            out[key] = converted
        return out


def check_length(value: Any, limit: int | None, path: Path) -> None:
    """A list longer than its domain cap is refused before any of its items is looked at."""
    if limit is not None and isinstance(value, list) and len(value) > limit:
        raise BadUserInput(".".join(path), f"at most {limit} items, got {len(value)}", maxItems=limit)


async def _blob(value: BlobInput, find_blob: FindBlob, path: Path) -> dict[str, Any]:
    where = ".".join(path)
    if (value.base64 is None) == (value.sha256 is None):
        raise BadUserInput(where, "give exactly one of base64 or sha256")
    if value.base64 is not None:
        return {"inline": value.base64, "contentType": value.content_type or "application/octet-stream"}
    ref = await find_blob(value.sha256 or "")
    if ref is None:
        raise BadUserInput(
            f"{where}.sha256",
            "no blob uploaded to this workspace or by you has this sha256; send the bytes with uploadBlob first",
        )
    return {"ref": ref, "contentType": value.content_type or ref.content_type}

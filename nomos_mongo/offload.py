"""Moving large inline bytes of an intent to blob storage before it is written."""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel

from .blobs import BlobStorage, LazyBlob
from .options import NomosOptions

M = TypeVar("M", bound=BaseModel)

_UNIONS = (typing.Union, types.UnionType)
_BARE_CONTAINERS = (list, tuple, dict, set, frozenset)
_VISITED: dict[type[BaseModel], tuple[str, ...]] = {}


def _can_hold_blob(annotation: Any, seen: frozenset[type[BaseModel]]) -> bool:
    """Whether a value of this annotation can contain a LazyBlob; unknown annotations can."""
    if annotation is None or annotation is type(None):
        return False
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is typing.Annotated:
        return _can_hold_blob(typing.get_args(annotation)[0], seen)
    if origin is not None:  # list[X], tuple[X, ...], dict[K, V], X | Y, ...
        return any(_can_hold_blob(arg, seen) for arg in typing.get_args(annotation) if arg is not Ellipsis)
    if not isinstance(annotation, type) or annotation in _BARE_CONTAINERS:
        return True  # Any, a TypeVar, a forward reference, a bare list: anything may be inside
    if issubclass(annotation, LazyBlob):
        return True
    if issubclass(annotation, BaseModel):
        return annotation not in seen and any(
            _can_hold_blob(info.annotation, seen | {annotation}) for info in annotation.model_fields.values()
        )
    return annotation is object


def _fields_to_visit(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model whose values can contain a LazyBlob: decided once per type."""
    found = _VISITED.get(cls)
    if found is None:
        seen = frozenset({cls})
        found = tuple(name for name, info in cls.model_fields.items() if _can_hold_blob(info.annotation, seen))
        if cls.__pydantic_complete__:
            _VISITED[cls] = found
    return found


def may_hold_blobs(model: BaseModel) -> bool:
    """False when no field of the model can hold a blob: offload_blobs would return it as it is."""
    return bool(_fields_to_visit(type(model)))


async def offload_blobs(model: M, storage: BlobStorage | None, options: NomosOptions) -> M:
    if storage is None or not options.enable_blob_offload or not _fields_to_visit(type(model)):
        return model
    return await _offload(model, storage, options.blob_offload_threshold_bytes)


async def _offload(model: M, storage: BlobStorage, threshold: int) -> M:
    changes: dict[str, Any] = {}
    for name in _fields_to_visit(type(model)):
        value = getattr(model, name)
        replaced = await _offload_value(value, storage, threshold)
        if replaced is not value:
            changes[name] = replaced
    return model.model_copy(update=changes) if changes else model


async def _offload_value(value: Any, storage: BlobStorage, threshold: int) -> Any:
    if isinstance(value, LazyBlob):
        if value.inline is not None and len(value.inline) > threshold:
            ref = await storage.put(value.inline, value.content_type)
            return LazyBlob(ref=ref, content_type=value.content_type)
        return value
    if isinstance(value, BaseModel):
        return await _offload(value, storage, threshold)
    if isinstance(value, list | tuple):
        items = [await _offload_value(v, storage, threshold) for v in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            return type(value)(items)
    return value

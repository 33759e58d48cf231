"""Moving large inline bytes of an intent to blob storage before it is written."""

from __future__ import annotations

import datetime
import decimal
import enum
import types
import typing
import uuid
from typing import Any, TypeVar

from pydantic import BaseModel

from .blobs import BlobStorage, LazyBlob
from .options import NomosOptions

M = TypeVar("M", bound=BaseModel)

# values of these types are left as they are, so fields holding only them need no visit
_SCALARS = (
    str,
    int,
    float,
    bytes,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    decimal.Decimal,
    uuid.UUID,
    enum.Enum,
)
_UNIONS = (typing.Union, types.UnionType)
_VISITED: dict[type[BaseModel], tuple[str, ...]] = {}


def _scalar(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return True
    if origin is typing.Annotated:
        return _scalar(typing.get_args(annotation)[0])
    if origin in _UNIONS:
        return all(_scalar(arg) for arg in typing.get_args(annotation))
    return (
        isinstance(annotation, type)
        and issubclass(annotation, _SCALARS)
        and not issubclass(annotation, list | tuple | BaseModel)
    )


def _fields_to_visit(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model that may hold a LazyBlob, a model or a list or tuple."""
    found = _VISITED.get(cls)
    if found is None:
        found = tuple(name for name, info in cls.model_fields.items() if not _scalar(info.annotation))
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

"""Upcasting: stored JSON of an older schema version brought to the current one, on decode.

A stored document names its type (`serialisationTargetClassName`) and the version it was
written at (`schemaVersion`; absent means 1). While the version is older than the class's
`schema_version`, the class's upcaster for that version runs: a pure function from the JSON
of version N to the JSON of version N + 1. Steps chain (v1 -> v2 -> v3). A type renamed in
the code lists its old names in `previous_type_names`, and its versions continue across the
rename. An event's upcaster may return several documents (one stored event split in two) or
none (an event that no longer means anything); a returned document that names another type
continues through that type's own upcasters.

Stored documents are never rewritten: the store keeps what was written, and every read
upcasts. Snapshots are the exception, being derived data: see `StaleSnapshot`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import SchemaVersionError, SerializationError, StaleSnapshot
from .model import CONTEXT_VERSION_FIELD, TYPE_FIELD, VERSION_FIELD, Aggregate, JsonObject, NomosModel

Resolve = Callable[[object], type[NomosModel]]
Upcast = tuple[type[NomosModel], JsonObject]
METADATA = frozenset((TYPE_FIELD, VERSION_FIELD, CONTEXT_VERSION_FIELD))
_MAX_HOPS = 64  # an upcaster that keeps naming types it came from would otherwise never end


def stored_version(data: Mapping[str, Any], type_name: str) -> int:
    version = data.get(VERSION_FIELD, 1)
    if type(version) is not int or version < 1:
        raise SerializationError(
            f"{type_name}: {VERSION_FIELD} must be a positive integer, got {version!r}",
            type_name=type_name,
            field=VERSION_FIELD,
        )
    return version


def body_of(data: Mapping[str, Any]) -> JsonObject:
    return {key: value for key, value in data.items() if key not in METADATA}


def needs_upcast(cls: type[NomosModel], data: Mapping[str, Any]) -> bool:
    """False for the common case, a document written by this code: decode it directly."""
    return data.get(TYPE_FIELD) != cls.type_name or data.get(VERSION_FIELD, 1) != cls.schema_version


def upcast(resolve: Resolve, data: Mapping[str, Any], _hops: int = 0) -> list[Upcast]:
    """The current-version documents (class, body) that one stored document stands for."""
    if _hops > _MAX_HOPS:
        raise SerializationError(f"upcasting {data.get(TYPE_FIELD)!r} did not end after {_MAX_HOPS} steps")
    cls = resolve(data.get(TYPE_FIELD))
    name = cls.type_name
    version = stored_version(data, name)
    current = cls.schema_version
    if version > current:
        raise SchemaVersionError.newer(name, version, current)
    if version < current and issubclass(cls, Aggregate):  # state is derived: rebuilt, never upcast
        raise StaleSnapshot(name, str(data.get("id")), version, current)
    body = body_of(data)
    while version < current:
        step = cls.upcasters.get(version)
        if step is None:
            raise SchemaVersionError.missing(name, version, current)
        try:
            produced = step(dict(body))
        except Exception as exc:  # an upcaster is user code: name it, keep the cause
            raise SerializationError(
                f"{name}: upcaster v{version} -> v{version + 1} failed: {type(exc).__name__}: {exc}",
                type_name=name,
            ) from exc
        version += 1
        if isinstance(produced, Mapping) and TYPE_FIELD not in produced:
            body = dict(produced)
            continue
        documents = [produced] if isinstance(produced, Mapping) else produced
        if not isinstance(documents, list) or not all(isinstance(d, Mapping) for d in documents):
            raise SerializationError(
                f"{name}: upcaster v{version - 1} -> v{version} must return a JSON object or a list of them",
                type_name=name,
            )
        found: list[Upcast] = []
        for document in documents:
            if TYPE_FIELD not in document:  # this type at the next version
                document = {**document, TYPE_FIELD: name, VERSION_FIELD: version}
            found += upcast(resolve, document, _hops + 1)
        return found
    return [(cls, body)]


def retyped(type_name: str, body: Mapping[str, Any], version: int = 1) -> JsonObject:
    """For an upcaster: `body` as the stored JSON of another type (at `version`)."""
    return {**body, TYPE_FIELD: type_name, VERSION_FIELD: version}


def renamed_field(old: str, new: str) -> Callable[[JsonObject], JsonObject]:
    """An upcaster for a field renamed from `old` to `new` (JSON names, camelCase)."""

    def step(data: JsonObject) -> JsonObject:
        data = dict(data)
        if old in data:
            data[new] = data.pop(old)
        return data

    return step


def added_field(name: str, default: Any) -> Callable[[JsonObject], JsonObject]:
    """An upcaster for a new required field: older documents get `default`."""

    def step(data: JsonObject) -> JsonObject:
        return {**data, name: data.get(name, default)}

    return step


__all__ = ["added_field", "body_of", "needs_upcast", "renamed_field", "retyped", "stored_version", "upcast"]

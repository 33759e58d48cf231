"""JSON aliases. Validated as JSON-compatible values when used as pydantic field types."""

from __future__ import annotations

from typing import TypeAlias

from pydantic import JsonValue

JsonMap: TypeAlias = dict[str, JsonValue]
JsonArray: TypeAlias = list[JsonValue]
Metadata: TypeAlias = dict[str, JsonValue]

__all__ = ["JsonArray", "JsonMap", "JsonValue", "Metadata"]

"""Identifier rules shared by every public method, and the default id generator (UUIDv7)."""

from __future__ import annotations

import hashlib
import re
import uuid

import uuid_utils

from .errors import InvalidArgument

MAX_ID_LENGTH = 200
_NAMESPACE = uuid.UUID("6f1c2a8e-4b1d-4a57-9d7e-0c5b8f3a2e10")
_NAMESPACE_BYTES = _NAMESPACE.bytes
_CONTROL = re.compile(r"[\x00-\x1f]")


def new_id() -> str:
    """A time-ordered UUIDv7, the default for intent and aggregate ids."""
    return str(uuid_utils.uuid7())


def derived_id(seed: str, label: str) -> str:
    """A deterministic id derived from another id, for ids created while planning an intent."""
    # str(uuid.uuid5(_NAMESPACE, name)), spelled out: it runs once per created aggregate
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{seed}/{label}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def check_id(argument: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(argument, f"must be a string, got {type(value).__name__}")
    if not value or not value.strip():
        raise InvalidArgument(argument, "must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidArgument(argument, f"must be at most {MAX_ID_LENGTH} characters")
    if _CONTROL.search(value) is not None or value != value.strip():
        raise InvalidArgument(argument, "must not contain control characters or surrounding spaces")
    return value


def check_sequence(argument: str, value: object, *, allow_zero: bool = True) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(argument, f"must be an integer, got {type(value).__name__}")
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidArgument(argument, "must be positive" if not allow_zero else "must not be negative")
    return value

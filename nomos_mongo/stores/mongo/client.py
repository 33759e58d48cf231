"""Connecting: the client, what the server can do, and a one-line error when it cannot be reached."""

from __future__ import annotations

import inspect
from typing import Any, NamedTuple

DEFAULT_DATABASE = "nomos"


STAND_IN_BUILD = "mongoeco"  # the gitVersion the mongoeco wire-protocol stand-in reports


class Capabilities(NamedTuple):
    transactions: bool
    change_streams: bool
    server: str
    stand_in: bool = False  # a wire-protocol stand-in, not MongoDB


async def detect_capabilities(database: Any) -> Capabilities:
    try:
        hello = await database.command("hello")
    except NotImplementedError:  # mongomock-motor runs no server commands but ping
        return Capabilities(False, False, "an in-process mock (mongomock)")
    stand_in = hello.get("gitVersion") == STAND_IN_BUILD
    suffix = " (the mongoeco wire-protocol stand-in, not MongoDB)" if stand_in else ""
    if hello.get("setName"):
        return Capabilities(True, True, f"replica set {hello['setName']!r}{suffix}", stand_in)
    if hello.get("msg") == "isdbgrid":
        return Capabilities(True, True, f"a sharded cluster{suffix}", stand_in)
    return Capabilities(False, False, f"a standalone server{suffix}", stand_in)


async def resolved(value: Any) -> Any:
    """Await `value` if needed: PyMongo's async API returns coroutines where
    mongomock-motor, which mirrors Motor, returns values (`aggregate`, `close`)."""
    return await value if inspect.isawaitable(value) else value

"""Connecting: the client, what the server can do, and a one-line error when it cannot be reached."""

from __future__ import annotations

import inspect
import warnings
from typing import TYPE_CHECKING, Any, NamedTuple

from pymongo import AsyncMongoClient
from pymongo.errors import ConfigurationError, ConnectionFailure, PyMongoError

from ...errors import PersistenceError
from .translate import one_line, redact, translated

if TYPE_CHECKING:
    from .persistence import MongoPersistence

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


async def describe_server(uri: str) -> Capabilities:
    """What the server at `uri` is, without touching any database (for reports such as nomos bench)."""
    persistence = await connect(uri)
    try:
        with translated():
            return await detect_capabilities(persistence.database)
    finally:
        await persistence.close()


async def resolved(value: Any) -> Any:
    """Await `value` if needed: PyMongo's async API returns coroutines where
    mongomock-motor, which mirrors Motor, returns values (`aggregate`, `close`)."""
    return await value if inspect.isawaitable(value) else value


async def connect(
    uri: str,
    db_name: str | None = None,
    *,
    server_selection_timeout_ms: int = 5_000,
    app_name: str = "nomos",
    poll_interval: float = 0.5,
) -> MongoPersistence:
    """A started-ready MongoPersistence on `uri`, or PersistenceError with a one-line reason.

    The database is `db_name`, else the one named in the URI, else "nomos".
    """
    from .persistence import MongoPersistence

    try:
        with warnings.catch_warnings():
            # PyMongo only warns about a bad option in the URI, and then ignores it
            warnings.simplefilter("error", UserWarning)
            client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
                uri,
                tz_aware=True,
                serverSelectionTimeoutMS=server_selection_timeout_ms,
                appname=app_name,
            )
    except (ConfigurationError, ValueError, TypeError, UserWarning) as exc:
        raise PersistenceError(f"invalid MongoDB URI {redact(uri)}: {one_line(exc)}") from exc
    try:
        name = db_name or client.get_default_database(DEFAULT_DATABASE).name
        await client.admin.command("ping")
    except ConnectionFailure as exc:
        await client.close()
        raise PersistenceError(
            f"cannot reach MongoDB at {redact(uri)} within {server_selection_timeout_ms} ms: {one_line(exc)}"
        ) from exc
    except (ConfigurationError, PyMongoError) as exc:
        await client.close()
        raise PersistenceError(f"MongoDB at {redact(uri)} refused the connection: {one_line(exc)}") from exc
    return MongoPersistence(client, name, poll_interval=poll_interval, owns_client=True)

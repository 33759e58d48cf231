"""`connect`: a MongoPersistence on a URI, or a one-line error when the server cannot be reached."""

from __future__ import annotations

import warnings
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import ConfigurationError, ConnectionFailure, PyMongoError

from ...errors import PersistenceError
from .client import DEFAULT_DATABASE, Capabilities, detect_capabilities
from .persistence import MongoPersistence
from .translate import one_line, redact, translated


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


async def describe_server(uri: str) -> Capabilities:
    """What the server at `uri` is, without touching any database (for reports such as nomos bench)."""
    persistence = await connect(uri)
    try:
        with translated():
            return await detect_capabilities(persistence.database)
    finally:
        await persistence.close()

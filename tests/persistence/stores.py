"""Every adapter of the persistence port, opened on a fresh database for one test.

This is the one list of adapters: the engine suite (tests/nomos_mongo/conftest.py) and the
API's store tests run on each entry of `ADAPTERS`, and each adapter's contract module
(tests/persistence/test_*_contract.py) opens its store with `open_store`. Adding an adapter
is one branch in `open_store`, one entry in `ADAPTERS` and a contract module of a few lines.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from mongomock_motor import AsyncMongoMockClient

from nomos_mongo import MemoryPersistence, Persistence
from nomos_mongo.stores.mongo import MongoPersistence, connect
from nomos_mongo.stores.sqlite import SqlitePersistence

MONGO_URI = os.environ.get("NOMOS_MONGO_URI")
needs_mongodb = pytest.mark.skipif(not MONGO_URI, reason="NOMOS_MONGO_URI not set")

ADAPTERS = ["memory", "sqlite", "mongomock", pytest.param("mongodb", marks=needs_mongodb)]
# the MongoDB legs, for what only MongoPersistence does
MONGO_ADAPTERS = [a for a in ADAPTERS if (a if isinstance(a, str) else a.values[0]).startswith("mongo")]


def fresh_db_name() -> str:
    return f"nomos_test_{uuid.uuid4().hex[:12]}"


@asynccontextmanager
async def mongo_client(kind: str) -> AsyncIterator[object]:
    """A client for `kind` ("mongomock" or "mongodb"); the caller names the database."""
    if kind == "mongomock":
        yield AsyncMongoMockClient(tz_aware=True)
        return
    assert MONGO_URI is not None
    store = await connect(MONGO_URI, server_selection_timeout_ms=5_000)
    try:
        yield store.client
    finally:
        await store.close()


@asynccontextmanager
async def open_store(kind: str, **options: object) -> AsyncIterator[Persistence]:
    if kind == "memory":
        yield MemoryPersistence()
        return
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="nomos-test-") as directory:
            embedded = SqlitePersistence(f"{directory}/nomos.sqlite3", **options)  # type: ignore[arg-type]
            try:
                yield embedded
            finally:
                await embedded.close()
        return
    async with mongo_client(kind) as client:
        name = fresh_db_name()
        store = MongoPersistence(client, name, **options)  # type: ignore[arg-type]
        try:
            yield store
        finally:
            await store.close()
            await client.drop_database(name)  # type: ignore[attr-defined]

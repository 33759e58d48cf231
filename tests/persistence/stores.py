"""Every adapter of the persistence port, opened on a fresh database for one test.

This is the one list of adapters: the engine suite (tests/nomos_mongo/conftest.py) and the
API's store tests run on each entry of `ADAPTERS`, and each adapter's contract module
(tests/persistence/test_*_contract.py) opens its store with `open_store`. Adding an adapter
is one branch in `open_store`, one entry in `ADAPTERS` and a contract module of a few lines.

memory             the in-process store
sqlite             the embedded store, in a temporary directory
mongomock          MongoPersistence on mongomock-motor (no server, no driver)
wire-standalone    MongoPersistence over PyMongo to the mongoeco wire stand-in, answering as a
                   standalone server: the adapter's path without transactions
wire-replica-set   the same stand-in answering as a replica set member (tests/wire/server.py):
                   the adapter's transaction path
mongodb            a real server at NOMOS_MONGO_URI (a replica set: docker compose up -d mongo)
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
from tests.wire.harness import SERVERS, WireUnavailable

MONGO_URI = os.environ.get("NOMOS_MONGO_URI")
needs_mongodb = pytest.mark.skipif(not MONGO_URI, reason="NOMOS_MONGO_URI not set")
REAL_MONGODB = pytest.param("mongodb", marks=needs_mongodb)

WIRE_ADAPTERS = ["wire-standalone", "wire-replica-set"]
SERVER_ADAPTERS = [*WIRE_ADAPTERS, REAL_MONGODB]
MONGO_ADAPTERS = ["mongomock", *SERVER_ADAPTERS]
ADAPTERS = ["memory", "sqlite", *MONGO_ADAPTERS]

# What the wire stand-in lacks, as skip reasons for tests that need it.
STANDIN_HAS_NO_CHANGE_STREAMS = "the mongoeco stand-in has no change streams ($changeStream)"
STANDIN_CONFLICTS_PER_DATABASE = (
    "the mongoeco stand-in has no per-document write conflicts: it refuses any transaction that "
    "overlapped another at commit, after all its writes, so contending writers outlast the re-plan budget"
)


def fresh_db_name() -> str:
    return f"nomos_test_{uuid.uuid4().hex[:12]}"


def server_uri(kind: str) -> str:
    """The URI of `kind`'s server; skips the test when the wire stand-in cannot run here."""
    if kind == "mongodb":
        assert MONGO_URI is not None
        return MONGO_URI
    try:
        return SERVERS.uri(kind)
    except WireUnavailable as exc:
        pytest.skip(str(exc))


def skip_on_standin(kind: str, reason: str) -> None:
    if kind in WIRE_ADAPTERS:
        pytest.skip(reason)


@asynccontextmanager
async def mongo_client(kind: str) -> AsyncIterator[object]:
    """A client for a MongoDB adapter kind; the caller names the database."""
    if kind == "mongomock":
        yield AsyncMongoMockClient(tz_aware=True)
        return
    store = await connect(server_uri(kind), server_selection_timeout_ms=5_000)
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

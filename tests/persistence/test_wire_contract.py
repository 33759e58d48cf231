"""The persistence contract on MongoPersistence over PyMongo to the mongoeco wire stand-in, on both paths."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from nomos_mongo import Persistence
from nomos_mongo.testing import PersistenceContract
from tests.persistence.stores import open_store


class TestWireStandalonePersistence(PersistenceContract):
    """The adapter's path without transactions: the stand-in answers as a standalone server."""

    def create_store(self) -> AbstractAsyncContextManager[Persistence]:
        return open_store("wire-standalone")


class TestWireReplicaSetPersistence(PersistenceContract):
    """The transaction path: the stand-in answers as a replica set member (tests/wire/server.py)."""

    def create_store(self) -> AbstractAsyncContextManager[Persistence]:
        return open_store("wire-replica-set")

"""The persistence contract on a real MongoDB server, when NOMOS_MONGO_URI is set."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from nomos_mongo import Persistence
from nomos_mongo.testing import PersistenceContract
from tests.persistence.stores import needs_mongodb, open_store


@needs_mongodb
class TestMongoDBPersistence(PersistenceContract):
    def create_store(self) -> AbstractAsyncContextManager[Persistence]:
        return open_store("mongodb")

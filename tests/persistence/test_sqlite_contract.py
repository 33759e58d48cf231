"""The persistence contract on the SQLite store."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from nomos_mongo import Persistence
from nomos_mongo.testing import PersistenceContract
from tests.persistence.stores import open_store


class TestSqlitePersistence(PersistenceContract):
    def create_store(self) -> AbstractAsyncContextManager[Persistence]:
        return open_store("sqlite")

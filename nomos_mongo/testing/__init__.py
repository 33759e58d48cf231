"""Contract suites for adapters of the persistence ports, shipped so any adapter can prove itself.

An adapter, in this repository or outside it, runs the contract by subclassing one class per
port in a pytest module and saying how to open a fresh store; nothing else is configured (no
plugin, no conftest). It needs `pytest` and `pytest-asyncio` (both in the `test` extra)::

    # tests/test_my_store_contract.py
    from contextlib import asynccontextmanager

    from nomos_mongo.testing import PersistenceContract
    from my_package import MyPersistence


    class TestMyPersistence(PersistenceContract):
        @asynccontextmanager
        async def create_store(self):
            store = MyPersistence(...)  # a fresh, empty database
            try:
                yield store
            finally:
                await store.close()

Then `pytest tests/test_my_store_contract.py`. `BlobStorageContract` does the same for blob
storage with `create_blob_storage`. The contract's own small domain (tasks with every kind
of field a query meets, and ledger entries to commit) is `nomos_mongo.testing.domain`.
"""

from .blobs import BlobStorageContract
from .persistence import PersistenceContract

__all__ = ["BlobStorageContract", "PersistenceContract"]

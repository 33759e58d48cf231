"""The blob storage contract: memory, GridFS over a fake bucket, and GridFS on a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from nomos_mongo import BlobStorage, MemoryBlobStorage
from nomos_mongo.stores.mongo import GridFSBlobStorage
from nomos_mongo.testing import BlobStorageContract
from tests.nomos_mongo.stores.mongo.fakes import FakeGridFSBucket
from tests.persistence.stores import needs_mongodb, open_store


class TestMemoryBlobStorage(BlobStorageContract):
    @asynccontextmanager
    async def create_blob_storage(self) -> AsyncIterator[BlobStorage]:
        yield MemoryBlobStorage()


class TestGridFSOverAFakeBucket(BlobStorageContract):
    @asynccontextmanager
    async def create_blob_storage(self) -> AsyncIterator[BlobStorage]:
        yield GridFSBlobStorage(FakeGridFSBucket())


@needs_mongodb
class TestGridFSOnMongoDB(BlobStorageContract):
    @asynccontextmanager
    async def create_blob_storage(self) -> AsyncIterator[BlobStorage]:
        async with open_store("mongodb") as store:
            yield store.blob_storage()  # type: ignore[attr-defined]


class TestGridFSOverTheWire(BlobStorageContract):
    """GridFS through PyMongo to the mongoeco wire stand-in."""

    @asynccontextmanager
    async def create_blob_storage(self) -> AsyncIterator[BlobStorage]:
        async with open_store("wire-standalone") as store:
            yield store.blob_storage()  # type: ignore[attr-defined]

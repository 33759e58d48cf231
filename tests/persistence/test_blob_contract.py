"""The blob storage contract: memory, GridFS over a fake bucket, and GridFS on a real server."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import pytest

from nomos_mongo import BlobNotFound, BlobRef, BlobStorage, InvalidArgument, MemoryBlobStorage
from nomos_mongo.stores.mongo import GridFSBlobStorage
from tests.nomos_mongo.stores.mongo.fakes import FakeGridFSBucket
from tests.persistence.stores import needs_mongodb, open_store

PDF = b"%PDF-1.7 " + bytes(range(256)) * 1200  # several GridFS chunks


@pytest.fixture(params=["memory", "gridfs-fake", pytest.param("mongodb", marks=needs_mongodb)])
async def blobs(request: pytest.FixtureRequest) -> AsyncIterator[BlobStorage]:
    if request.param == "memory":
        yield MemoryBlobStorage()
    elif request.param == "gridfs-fake":
        yield GridFSBlobStorage(FakeGridFSBucket())
    else:
        async with open_store("mongodb") as store:
            yield store.blob_storage()  # type: ignore[attr-defined]


async def test_a_blob_is_addressed_by_its_hash(blobs: BlobStorage) -> None:
    ref = await blobs.upload_blob(PDF, "application/pdf")
    assert ref == BlobRef(sha256=hashlib.sha256(PDF).hexdigest(), size=len(PDF), content_type="application/pdf")
    assert await blobs.exists(ref.sha256)
    assert await blobs.get(ref.sha256) == PDF
    assert await blobs.load(ref) == PDF


async def test_storing_the_same_bytes_again_is_idempotent(blobs: BlobStorage) -> None:
    first = await blobs.upload_blob(b"hello", "text/plain")
    again = await blobs.upload_blob(b"hello", "text/plain")
    assert first == again
    assert await blobs.get(first.sha256) == b"hello"


async def test_a_missing_blob_is_not_found(blobs: BlobStorage) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not await blobs.exists(missing)
    with pytest.raises(BlobNotFound):
        await blobs.get(missing)


async def test_bad_input_is_refused(blobs: BlobStorage) -> None:
    with pytest.raises(InvalidArgument):
        await blobs.upload_blob(b"x", "not a mime type")

"""GridFS blob storage over a fake bucket with AsyncGridFSBucket's documented methods."""

from __future__ import annotations

from nomos_mongo.stores.mongo import GridFSBlobStorage
from tests.nomos_mongo.stores.mongo.fakes import FakeGridFSBucket


async def test_each_content_is_stored_once_named_by_its_hash_with_type_and_size() -> None:
    bucket = FakeGridFSBucket()
    storage = GridFSBlobStorage(bucket)

    ref = await storage.upload_blob(b"hello", "text/plain")
    await storage.upload_blob(b"hello", "text/plain")

    assert len(bucket.files) == 1
    assert bucket.files[0]["filename"] == ref.sha256
    assert bucket.files[0]["metadata"] == {"sha256": ref.sha256, "contentType": "text/plain", "size": 5}


async def test_a_duplicate_left_by_a_race_still_reads_back() -> None:
    bucket = FakeGridFSBucket()
    storage = GridFSBlobStorage(bucket)
    ref = await storage.upload_blob(b"same bytes", "application/octet-stream")
    await bucket.upload_from_stream(ref.sha256, b"same bytes", metadata={"sha256": ref.sha256})

    assert await storage.load(ref) == b"same bytes"

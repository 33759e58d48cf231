"""The blob storage contract: every `BlobStorage` passes these tests unchanged.

Subclass `BlobStorageContract` with `create_blob_storage`, an async context manager that
yields a fresh, empty storage, exactly as `PersistenceContract` does with `create_store`.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest
import pytest_asyncio

from ..blobs import BlobRef, BlobStorage
from ..errors import BlobNotFound, InvalidArgument

PDF = b"%PDF-1.7 " + bytes(range(256)) * 1200  # several GridFS chunks


class BlobStorageContract(ABC):
    pytestmark = pytest.mark.asyncio

    @abstractmethod
    def create_blob_storage(self) -> AbstractAsyncContextManager[BlobStorage]:
        """A fresh, empty blob storage for one test, and its cleanup."""

    @pytest_asyncio.fixture
    async def blobs(self) -> AsyncIterator[BlobStorage]:
        async with self.create_blob_storage() as storage:
            yield storage

    async def test_a_blob_is_addressed_by_its_hash(self, blobs: BlobStorage) -> None:
        ref = await blobs.upload_blob(PDF, "application/pdf")
        assert ref == BlobRef(sha256=hashlib.sha256(PDF).hexdigest(), size=len(PDF), content_type="application/pdf")
        assert await blobs.exists(ref.sha256)
        assert await blobs.get(ref.sha256) == PDF
        assert await blobs.load(ref) == PDF

    async def test_storing_the_same_bytes_again_is_idempotent(self, blobs: BlobStorage) -> None:
        first = await blobs.upload_blob(b"hello", "text/plain")
        again = await blobs.upload_blob(b"hello", "text/plain")
        assert first == again
        assert await blobs.get(first.sha256) == b"hello"

    async def test_a_missing_blob_is_not_found(self, blobs: BlobStorage) -> None:
        missing = hashlib.sha256(b"never stored").hexdigest()
        assert not await blobs.exists(missing)
        with pytest.raises(BlobNotFound):
            await blobs.get(missing)

    async def test_bad_input_is_refused(self, blobs: BlobStorage) -> None:
        with pytest.raises(InvalidArgument):
            await blobs.upload_blob(b"x", "not a mime type")

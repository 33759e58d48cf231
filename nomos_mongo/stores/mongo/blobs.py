"""Blobs in GridFS, addressed by sha256: the file name is the hash, metadata the type and size.

Two processes storing the same bytes at once may leave two identical files; reads take the
newest, and nothing is lost. (Upload with the hash as the GridFS `_id` instead, and the loser
of that race aborts by deleting the chunks, which are the winner's.)
"""

from __future__ import annotations

from typing import Any

from gridfs.errors import NoFile

from ...blobs import BlobRef, BlobStorage, blob_ref_for
from ...errors import BlobNotFound
from .translate import translated


class GridFSBlobStorage(BlobStorage):
    def __init__(self, bucket: Any) -> None:
        self._bucket = bucket

    async def put(self, data: bytes, content_type: str) -> BlobRef:
        ref = blob_ref_for(data, content_type)
        if await self.exists(ref.sha256):
            return ref
        with translated():
            await self._bucket.upload_from_stream(
                ref.sha256,
                data,
                metadata={"sha256": ref.sha256, "contentType": content_type, "size": ref.size},
            )
        return ref

    async def get(self, sha256: str) -> bytes:
        with translated():
            try:
                stream = await self._bucket.open_download_stream_by_name(sha256)
            except NoFile:
                raise BlobNotFound(sha256) from None
            data: bytes = await stream.read()
            return data

    async def exists(self, sha256: str) -> bool:
        with translated():
            async for _ in self._bucket.find({"filename": sha256}, limit=1):
                return True
        return False

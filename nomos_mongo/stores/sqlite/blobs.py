"""Blobs in the database file itself, addressed by sha256.

A blob is stored in its own transaction before the intent that refers to it is
dispatched, so a ledger entry never names a blob that is not there, even after a crash;
the worst a crash leaves is a blob no entry names yet. The database carries blobs up to
SQLite's 1 GB row limit, far above the API's request size limit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from ...blobs import BlobRef, BlobStorage, blob_ref_for
from ...errors import BlobNotFound

Run = Callable[..., Awaitable[Any]]


def _put(connection: sqlite3.Connection, ref: BlobRef, data: bytes) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO blobs (sha256, size, content_type, data) VALUES (?, ?, ?, ?)",
        (ref.sha256, ref.size, ref.content_type, data),
    )


def _get(connection: sqlite3.Connection, sha256: str) -> bytes | None:
    row = connection.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else bytes(row[0])


def _exists(connection: sqlite3.Connection, sha256: str) -> bool:
    return connection.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone() is not None


class SqliteBlobStorage(BlobStorage):
    def __init__(self, read: Run, write: Run) -> None:
        self._read = read  # fn(connection, *args) on a reader thread
        self._write = write  # fn(connection, *args) on the writer thread

    async def put(self, data: bytes, content_type: str) -> BlobRef:
        ref = blob_ref_for(data, content_type)
        await self._write(_put, ref, data)
        return ref

    async def get(self, sha256: str) -> bytes:
        data = await self._read(_get, sha256)
        if data is None:
            raise BlobNotFound(sha256)
        return data

    async def exists(self, sha256: str) -> bool:
        found: bool = await self._read(_exists, sha256)
        return found

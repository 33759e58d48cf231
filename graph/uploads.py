"""Which uploaded blobs a request may refer to by sha256: those its workspace or its user uploaded.

Blob storage is content-addressed and shared: had any sha256 been accepted, a reference would
tell a stranger whether another estate holds a file, and its size. Each upload therefore
leaves two receipts - for the workspace it was made in and for the uploader - and a reference
is accepted only with one of them. A receipt is itself a tiny blob whose bytes (and so whose
address) follow from (scope, sha256): it works on every blob store, survives restarts and is
shared by every API process, with no new collection. Any other sha256, stored or not, gets the
same answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from nomos_mongo import BlobNotFound, BlobRef, NomosApp

SHA256_LENGTH = 64
RECEIPT_TYPE = "application/vnd.nomos.upload-receipt"
FindBlob = Callable[[str], Awaitable[BlobRef | None]]


def _receipt(scope: str, sha256: str) -> bytes:
    return f"nomos upload receipt\n{scope}\n{sha256}\n".encode()


def _scopes(workspace_id: str, user_id: str) -> tuple[str, str]:
    return f"workspace:{workspace_id}", f"user:{user_id}"


async def record_upload(app: NomosApp, workspace_id: str, user_id: str, ref: BlobRef) -> None:
    for scope in _scopes(workspace_id, user_id):
        await app.blob.upload_blob(_receipt(scope, ref.sha256), RECEIPT_TYPE)


async def may_reference(app: NomosApp, workspace_id: str, user_id: str, sha256: str) -> bool:
    for scope in _scopes(workspace_id, user_id):
        if await app.blob.exists(hashlib.sha256(_receipt(scope, sha256)).hexdigest()):
            return True
    return False


def blob_finder(app: NomosApp, workspace_id: str, user_id: str) -> FindBlob:
    """Finds a blob by sha256 for a request in `workspace_id` by `user_id`; None if not theirs."""

    async def find(sha256: str) -> BlobRef | None:
        if len(sha256) != SHA256_LENGTH or any(c not in "0123456789abcdef" for c in sha256):
            return None
        if not await may_reference(app, workspace_id, user_id, sha256):
            return None
        try:
            data = await app.blob.get(sha256)
        except BlobNotFound:
            return None
        return BlobRef(sha256=sha256, size=len(data), content_type="application/octet-stream")

    return find

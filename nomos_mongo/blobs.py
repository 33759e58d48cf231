"""Blob storage: large bytes kept beside the ledger, addressed by their sha256."""

from __future__ import annotations

import base64
import binascii
import hashlib
from abc import ABC, abstractmethod
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator
from pydantic.alias_generators import to_camel

from .errors import BlobNotFound, InvalidArgument

MAX_CONTENT_TYPE = 255


def _from_base64(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("must be base64-encoded bytes") from exc
    return value


Base64Data = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str, when_used="json"),
]


class BlobRef(BaseModel):
    """What the ledger keeps of a blob: its content hash, size and type."""

    model_config = ConfigDict(frozen=True, alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_type: str = Field(min_length=1, max_length=MAX_CONTENT_TYPE)


class BlobStorage(ABC):
    @abstractmethod
    async def put(self, data: bytes, content_type: str) -> BlobRef: ...

    @abstractmethod
    async def get(self, sha256: str) -> bytes: ...

    @abstractmethod
    async def exists(self, sha256: str) -> bool: ...

    async def upload_blob(self, data: bytes, content_type: str = "application/octet-stream") -> BlobRef:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidArgument("data", "must be bytes")
        if not content_type or "/" not in content_type or len(content_type) > MAX_CONTENT_TYPE:
            raise InvalidArgument("content_type", "must be a MIME type such as application/pdf")
        return await self.put(bytes(data), content_type)

    async def load(self, ref: BlobRef) -> bytes:
        data = await self.get(ref.sha256)
        if hashlib.sha256(data).hexdigest() != ref.sha256:
            raise BlobNotFound(ref.sha256)
        return data


def blob_ref_for(data: bytes, content_type: str) -> BlobRef:
    return BlobRef(sha256=hashlib.sha256(data).hexdigest(), size=len(data), content_type=content_type)


class MemoryBlobStorage(BlobStorage):
    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}

    async def put(self, data: bytes, content_type: str) -> BlobRef:
        ref = blob_ref_for(data, content_type)
        self._blobs.setdefault(ref.sha256, data)
        return ref

    async def get(self, sha256: str) -> bytes:
        try:
            return self._blobs[sha256]
        except KeyError:
            raise BlobNotFound(sha256) from None

    async def exists(self, sha256: str) -> bool:
        return sha256 in self._blobs


class LazyBlob(BaseModel):
    """Bytes inside an intent that the engine may move to blob storage.

    Small payloads stay `inline`; over `NomosOptions.blob_offload_threshold_bytes` the
    engine uploads them at dispatch and keeps only `ref`. Read with `await blob.read(storage)`.
    """

    model_config = ConfigDict(frozen=True, alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)

    inline: Base64Data | None = Field(default=None, description="base64 in JSON")
    ref: BlobRef | None = None
    content_type: str = "application/octet-stream"

    @model_validator(mode="after")
    def _one_source(self) -> LazyBlob:
        if self.inline is None and self.ref is None:
            raise ValueError("a blob needs inline bytes or a blob reference")
        return self

    @property
    def size(self) -> int:
        return self.ref.size if self.ref is not None else len(self.inline or b"")

    @property
    def is_offloaded(self) -> bool:
        return self.inline is None

    async def read(self, storage: BlobStorage | None) -> bytes:
        if self.inline is not None:
            return self.inline
        assert self.ref is not None
        if storage is None:
            raise BlobNotFound(self.ref.sha256)
        return await storage.load(self.ref)

"""Payloads and directives of insights: compute in plan (async, server only), store files, record.

Blob storage is runtime wiring, not state: `insights_module(blob_storage=...)` hands it to the
directives its routes build (`bound(...)`). Files are written in plan, never in execute, and
are content-addressed: the same estate and the same `ctx.now` give the same bytes and the
same sha256, so replaying a report writes nothing new and verifies.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, Self, TypeVar

from pydantic import PrivateAttr

from nomos_mongo import (
    Aggregate,
    BlobStorage,
    Directive,
    DirectiveContext,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    ServerExecutionRequired,
    SnapshotReader,
)
from schema.contracts.names import FileName

from .values import ReportFile

A = TypeVar("A", bound=Aggregate)
P = TypeVar("P", bound=Payload)


class ComputingDirective(Directive[A, P]):
    """Creates one record (report, export, dashboard) from what `compute` derives while planning."""

    _blobs: BlobStorage | None = PrivateAttr(default=None)

    def bound(self, blob_storage: BlobStorage | None) -> Self:
        self._blobs = blob_storage
        return self

    # The storage takes no part in equality: a directive read back from the ledger equals this one.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Directive):
            return NotImplemented
        return type(self) is type(other) and self.payload == other.payload

    def __hash__(self) -> int:
        return hash((type(self), self.payload))

    @abstractmethod
    def record_id(self) -> str: ...

    @abstractmethod
    def exists(self, record: A) -> bool: ...

    @abstractmethod
    async def compute(self, ctx: DirectiveContext, snapshots: SnapshotReader) -> P:
        """The payload with its results filled in."""

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Any
    ) -> Sequence[ExecutionTarget[A, P]]:
        if not ctx.is_server_runtime:
            raise ServerExecutionRequired(intent.type_name)
        if self._blobs is None:  # no storage of its own: the app's, through the directive context
            self._blobs = ctx.blobs
        record = await self.current(self.record_id(), snapshots, staged)
        if self.exists(record):
            raise IntentRejected(
                "insights.record_exists",
                f"{self.aggregate_type.type_name} {self.record_id()} exists already; choose a new id",
            )
        return [ExecutionTarget(self.record_id(), await self.compute(ctx, snapshots), record)]

    @property
    def blob_storage(self) -> BlobStorage:
        if self._blobs is None:
            raise IntentRejected(
                "insights.blob_storage_unavailable",
                "this server has no blob storage for report files: build the module with "
                "insights_module(blob_storage=app_blob_storage)",
            )
        return self._blobs

    async def store(self, data: bytes, content_type: str, file_name: str) -> ReportFile:
        ref = await self.blob_storage.upload_blob(data, content_type)
        return ReportFile(file_name=FileName(file_name), blob=ref)

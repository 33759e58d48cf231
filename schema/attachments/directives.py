"""How attachment intents change attachments: create (V1 and V2), delete, move, detach."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from nomos_mongo import (
    Aggregate,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    LazyBlob,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.attachments.group import GROUP
from schema.contracts import AttachmentId, FileName, FolderId, UserId

from .aggregates import AttachmentAggregate
from .events import AttachmentCreatedEvent, AttachmentDeletedEvent, AttachmentDetachedEvent, AttachmentMovedEvent
from .services import ServiceDirective
from .targets import require_folder, require_target
from .values import AttachmentTarget


@GROUP.payload
class CreateAttachmentPayload(Payload):
    attachment_id: AttachmentId
    file_name: FileName
    content: LazyBlob
    created_by: UserId
    created_at: datetime
    folder_id: FolderId | None = None
    target: AttachmentTarget | None = None


@GROUP.payload
class DeleteAttachmentPayload(Payload):
    attachment_id: AttachmentId
    deleted_by: UserId
    deleted_at: datetime


@GROUP.payload
class MoveAttachmentPayload(Payload):
    attachment_id: AttachmentId
    from_folder_id: FolderId | None
    to_folder_id: FolderId | None
    moved_by: UserId
    moved_at: datetime


@GROUP.payload
class DetachAttachmentPayload(Payload):
    attachment_id: AttachmentId
    target: AttachmentTarget | None  # None: whatever it is attached to
    detached_by: UserId
    detached_at: datetime


def existing(snapshot: AttachmentAggregate) -> AttachmentAggregate:
    if not snapshot.exists:
        raise IntentRejected(
            "attachments.not_found", f"attachment {snapshot.id} does not exist in this estate", field="attachmentId"
        )
    return snapshot


def folder_label(folder_id: FolderId | None) -> str:
    return f"folder {folder_id}" if folder_id is not None else "no folder"


@GROUP.directive
class CreateAttachmentDirective(ServiceDirective[AttachmentAggregate, CreateAttachmentPayload]):
    """Both versions of CreateAttachment: V1 embeds the bytes, V2 references a stored blob.

    With blob storage wired in (see services.py), a blob reference must name stored bytes;
    without it only the reference's shape is checked (by BlobRef).
    """

    aggregate_type = AttachmentAggregate

    def target_id(self) -> str:
        return self.payload.attachment_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[AttachmentAggregate, CreateAttachmentPayload]]:
        payload = self.payload
        if payload.folder_id is not None:
            await require_folder(snapshots, payload.folder_id, "folderId")
        if payload.target is not None:
            await require_target(snapshots, payload.target, ctx.workspace_id)
        ref, storage = payload.content.ref, self.services.blob_storage or ctx.blobs
        if ref is not None and storage is not None and not await storage.exists(ref.sha256):
            raise IntentRejected(
                "attachments.blob_not_found",
                f"no blob with sha256 {ref.sha256} in blob storage; upload the bytes first "
                "(app.blob.upload_blob or the blob upload mutation) and pass the reference it returns",
                field="blobRef",
            )
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: AttachmentAggregate, payload: CreateAttachmentPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "attachments.exists",
                f"attachment {payload.attachment_id} exists already; choose another id",
                field="attachmentId",
            )
        return [
            AttachmentCreatedEvent(
                file_name=payload.file_name,
                content=payload.content,
                content_type=payload.content.content_type,
                size_bytes=payload.content.size,
                created_by=payload.created_by,
                created_at=payload.created_at,
                folder_id=payload.folder_id,
                target=payload.target,
            )
        ]


P = TypeVar("P", bound=DeleteAttachmentPayload | MoveAttachmentPayload | DetachAttachmentPayload)


class _OnAttachment(SingleAggregateDirective[AttachmentAggregate, P]):
    aggregate_type = AttachmentAggregate

    def target_id(self) -> str:
        return self.payload.attachment_id.value


@GROUP.directive
class DeleteAttachmentDirective(_OnAttachment[DeleteAttachmentPayload]):
    """Deletes the attachment; its bytes stay in blob storage, which undo and history need."""

    def execute(self, snapshot: AttachmentAggregate, payload: DeleteAttachmentPayload) -> Sequence[Event]:
        existing(snapshot)
        return [AttachmentDeletedEvent(deleted_by=payload.deleted_by, deleted_at=payload.deleted_at)]


@GROUP.directive
class MoveAttachmentDirective(_OnAttachment[MoveAttachmentPayload]):
    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[AttachmentAggregate, MoveAttachmentPayload]]:
        folders = {"fromFolderId": self.payload.from_folder_id, "toFolderId": self.payload.to_folder_id}
        for field, folder_id in folders.items():
            if folder_id is not None:
                await require_folder(snapshots, folder_id, field)
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: AttachmentAggregate, payload: MoveAttachmentPayload) -> Sequence[Event]:
        existing(snapshot)
        if snapshot.folder_id != payload.from_folder_id:
            raise IntentRejected(
                "attachments.not_in_folder",
                f"{snapshot.file_name} is in {folder_label(snapshot.folder_id)}, "
                f"not in {folder_label(payload.from_folder_id)}; reload and try again",
                field="fromFolderId",
            )
        if payload.to_folder_id == payload.from_folder_id:
            raise IntentRejected(
                "attachments.same_folder",
                f"{snapshot.file_name} is already in {folder_label(payload.to_folder_id)}",
                field="toFolderId",
            )
        return [
            AttachmentMovedEvent(
                from_folder_id=payload.from_folder_id,
                to_folder_id=payload.to_folder_id,
                moved_by=payload.moved_by,
                moved_at=payload.moved_at,
            )
        ]


@GROUP.directive
class DetachAttachmentDirective(_OnAttachment[DetachAttachmentPayload]):
    def execute(self, snapshot: AttachmentAggregate, payload: DetachAttachmentPayload) -> Sequence[Event]:
        existing(snapshot)
        if snapshot.target is None or (payload.target is not None and payload.target != snapshot.target):
            attached = f"{snapshot.target.label} {snapshot.target.target_id}" if snapshot.target else "nothing"
            raise IntentRejected(
                "attachments.not_attached",
                f"{snapshot.file_name} is attached to {attached}; there is nothing to detach",
                field="target",
            )
        return [
            AttachmentDetachedEvent(
                target=snapshot.target, detached_by=payload.detached_by, detached_at=payload.detached_at
            )
        ]

"""Routes of the attachment intents, built around the module's services, and name resolvers."""

from __future__ import annotations

from nomos_mongo import Directive, DirectiveContext, Intent, LazyBlob, SnapshotReader
from nomos_mongo.policy import Route
from schema.attachments.group import GROUP
from schema.contracts import AttachmentId, FolderId

from .aggregates import AttachmentAggregate, FolderAggregate
from .directives import (
    CreateAttachmentDirective,
    CreateAttachmentPayload,
    DeleteAttachmentDirective,
    DeleteAttachmentPayload,
    DetachAttachmentDirective,
    DetachAttachmentPayload,
    MoveAttachmentDirective,
    MoveAttachmentPayload,
)
from .folder_directives import CreateFolderDirective, CreateFolderPayload, DeleteFolderDirective, DeleteFolderPayload
from .intents import (
    CreateAttachmentIntent,
    CreateAttachmentIntentV2,
    CreateFolderIntent,
    DeleteAttachmentIntent,
    DeleteFolderIntent,
    DetachAttachmentIntent,
    MoveAttachmentBetweenFoldersIntent,
    TranscribeVoiceNoteIntent,
    UpdateVoiceNoteTranscriptionIntent,
)
from .services import AttachmentServices
from .voice_notes import (
    TranscribeVoiceNoteDirective,
    TranscribeVoiceNotePayload,
    UpdateTranscriptionPayload,
    UpdateVoiceNoteTranscriptionDirective,
)

Directives = list[Directive]  # type: ignore[type-arg]


def _create(
    intent: CreateAttachmentIntent | CreateAttachmentIntentV2,
    content: LazyBlob,
    ctx: DirectiveContext,
    services: AttachmentServices,
) -> Directives:
    payload = CreateAttachmentPayload(
        attachment_id=intent.attachment_id or AttachmentId(ctx.derive_id("attachment")),
        file_name=intent.file_name,
        content=content,
        created_by=intent.created_by,
        created_at=ctx.now,
        folder_id=intent.folder_id,
        target=intent.target,
    )
    return [CreateAttachmentDirective(payload=payload).bound(services)]


def delete_attachment(intent: DeleteAttachmentIntent, ctx: DirectiveContext) -> Directives:
    payload = DeleteAttachmentPayload(
        attachment_id=intent.attachment_id, deleted_by=intent.deleted_by, deleted_at=ctx.now
    )
    return [DeleteAttachmentDirective(payload=payload)]


def move_attachment(intent: MoveAttachmentBetweenFoldersIntent, ctx: DirectiveContext) -> Directives:
    payload = MoveAttachmentPayload(
        attachment_id=intent.attachment_id,
        from_folder_id=intent.from_folder_id,
        to_folder_id=intent.to_folder_id,
        moved_by=intent.moved_by,
        moved_at=ctx.now,
    )
    return [MoveAttachmentDirective(payload=payload)]


def detach_attachment(intent: DetachAttachmentIntent, ctx: DirectiveContext) -> Directives:
    payload = DetachAttachmentPayload(
        attachment_id=intent.attachment_id, target=intent.target, detached_by=intent.detached_by, detached_at=ctx.now
    )
    return [DetachAttachmentDirective(payload=payload)]


def create_folder(intent: CreateFolderIntent, ctx: DirectiveContext) -> Directives:
    payload = CreateFolderPayload(
        folder_id=intent.folder_id or FolderId(ctx.derive_id("folder")),
        name=intent.name,
        created_by=intent.created_by,
        created_at=ctx.now,
        parent_folder_id=intent.parent_folder_id,
    )
    return [CreateFolderDirective(payload=payload)]


def delete_folder(intent: DeleteFolderIntent, ctx: DirectiveContext) -> Directives:
    payload = DeleteFolderPayload(folder_id=intent.folder_id, deleted_by=intent.deleted_by, deleted_at=ctx.now)
    return [DeleteFolderDirective(payload=payload)]


def update_transcription(intent: UpdateVoiceNoteTranscriptionIntent, ctx: DirectiveContext) -> Directives:
    payload = UpdateTranscriptionPayload(
        attachment_id=intent.attachment_id,
        transcription=intent.transcription,
        updated_by=intent.updated_by,
        updated_at=ctx.now,
    )
    return [UpdateVoiceNoteTranscriptionDirective(payload=payload)]


def routes(services: AttachmentServices) -> dict[type[Intent], Route]:
    """The routes, with `services` handed to the directives that need them."""

    def create_v1(intent: CreateAttachmentIntent, ctx: DirectiveContext) -> Directives:
        return _create(intent, intent.file_bytes, ctx, services)

    def create_v2(intent: CreateAttachmentIntentV2, ctx: DirectiveContext) -> Directives:
        content = LazyBlob(ref=intent.blob_ref, content_type=intent.blob_ref.content_type)
        return _create(intent, content, ctx, services)

    def transcribe(intent: TranscribeVoiceNoteIntent, ctx: DirectiveContext) -> Directives:
        payload = TranscribeVoiceNotePayload(
            attachment_id=intent.attachment_id, requested_by=intent.requested_by, requested_at=ctx.now
        )
        return [TranscribeVoiceNoteDirective(payload=payload).bound(services)]

    return {
        CreateAttachmentIntent: create_v1,
        CreateAttachmentIntentV2: create_v2,
        DeleteAttachmentIntent: delete_attachment,
        MoveAttachmentBetweenFoldersIntent: move_attachment,
        DetachAttachmentIntent: detach_attachment,
        CreateFolderIntent: create_folder,
        DeleteFolderIntent: delete_folder,
        TranscribeVoiceNoteIntent: transcribe,
        UpdateVoiceNoteTranscriptionIntent: update_transcription,
    }


@GROUP.name_resolver("attachment")
async def attachment_name(reader: SnapshotReader, attachment_id: str) -> str | None:
    attachment = await reader.get(AttachmentAggregate, attachment_id, include_deleted=True)
    return (attachment.file_name.value or None) if attachment is not None else None


@GROUP.name_resolver("folder")
async def folder_name(reader: SnapshotReader, folder_id: str) -> str | None:
    folder = await reader.get(FolderAggregate, folder_id, include_deleted=True)
    return (folder.name.value or None) if folder is not None else None

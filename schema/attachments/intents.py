"""What users ask of attachments and folders. All live in the estate's workspace and need
write access to it (the default `Access.WRITE`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import field_validator

from nomos_mongo import ACTOR, BlobRef, DescribeContext, IntentDescription, LazyBlob
from schema.attachments.group import GROUP
from schema.common import Co2Intent
from schema.contracts import AttachmentId, FileName, FolderId, FolderName, UserId, VoiceNoteTranscription

from .values import AttachmentTarget, mime_type


def _named(value: FileName | FolderName) -> FileName | FolderName:
    if value.is_unresolved:
        raise ValueError("must not be empty")
    return value


class _NewAttachment(Co2Intent):
    file_name: FileName
    created_by: Annotated[UserId, ACTOR]
    attachment_id: AttachmentId | None = None
    folder_id: FolderId | None = None
    target: AttachmentTarget | None = None

    _file_name_required = field_validator("file_name")(_named)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        variables: dict[str, Any] = {"actor": ctx.actor_name(fallback=self.created_by.value), "file": self.file_name}
        if self.target is None:
            return IntentDescription("{actor} uploaded {file}", variables)
        variables["kind"] = self.target.label
        variables["target"] = ctx.resource_name(self.target.target_type.value, self.target.target_id.value)
        return IntentDescription("{actor} uploaded {file} to {kind} {target}", variables)


@GROUP.intent
class CreateAttachmentIntent(_NewAttachment):
    """Deprecated: embeds the file's bytes in the intent. Use CreateAttachmentIntentV2.

    Still works: the engine moves bytes over its offload threshold to blob storage at
    dispatch, so the ledger keeps only their reference.
    """

    file_bytes: LazyBlob

    @field_validator("file_bytes")
    @classmethod
    def _mime_typed(cls, value: LazyBlob) -> LazyBlob:
        return value.model_copy(update={"content_type": mime_type(value.content_type)})


@GROUP.intent
class CreateAttachmentIntentV2(_NewAttachment):
    """Recommended: upload the bytes first (`await app.blob.upload_blob(data, content_type)`),
    then create the attachment with the reference that returns."""

    blob_ref: BlobRef

    @field_validator("blob_ref")
    @classmethod
    def _mime_typed(cls, value: BlobRef) -> BlobRef:
        return value.model_copy(update={"content_type": mime_type(value.content_type)})


def _file(ctx: DescribeContext, attachment_id: AttachmentId) -> Any:
    return ctx.resource_name("attachment", attachment_id.value)


@GROUP.intent
class DeleteAttachmentIntent(Co2Intent):
    attachment_id: AttachmentId
    deleted_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} deleted attachment {file}",
            {"actor": ctx.actor_name(fallback=self.deleted_by.value), "file": _file(ctx, self.attachment_id)},
        )


def _folder(ctx: DescribeContext, folder_id: FolderId | None) -> Any:
    return ctx.resource_name("folder", folder_id.value) if folder_id is not None else "the top level"


@GROUP.intent
class MoveAttachmentBetweenFoldersIntent(Co2Intent):
    """Moves an attachment from one folder to another; no folder (None) is the top level."""

    attachment_id: AttachmentId
    moved_by: Annotated[UserId, ACTOR]
    from_folder_id: FolderId | None = None
    to_folder_id: FolderId | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} moved {file} from {source} to {destination}",
            {
                "actor": ctx.actor_name(fallback=self.moved_by.value),
                "file": _file(ctx, self.attachment_id),
                "source": _folder(ctx, self.from_folder_id),
                "destination": _folder(ctx, self.to_folder_id),
            },
        )


@GROUP.intent
class DetachAttachmentIntent(Co2Intent):
    """Dissociates an attachment from what it documents; the file itself stays."""

    attachment_id: AttachmentId
    detached_by: Annotated[UserId, ACTOR]
    target: AttachmentTarget | None = None  # when given, it must be what the attachment is attached to

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        variables: dict[str, Any] = {
            "actor": ctx.actor_name(fallback=self.detached_by.value),
            "file": _file(ctx, self.attachment_id),
        }
        if self.target is None:
            return IntentDescription("{actor} detached {file}", variables)
        variables["kind"] = self.target.label
        variables["target"] = ctx.resource_name(self.target.target_type.value, self.target.target_id.value)
        return IntentDescription("{actor} detached {file} from {kind} {target}", variables)


@GROUP.intent
class CreateFolderIntent(Co2Intent):
    name: FolderName
    created_by: Annotated[UserId, ACTOR]
    folder_id: FolderId | None = None
    parent_folder_id: FolderId | None = None

    _name_required = field_validator("name")(_named)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        variables: dict[str, Any] = {"actor": ctx.actor_name(fallback=self.created_by.value), "name": self.name}
        if self.parent_folder_id is None:
            return IntentDescription("{actor} created folder {name}", variables)
        variables["parent"] = _folder(ctx, self.parent_folder_id)
        return IntentDescription("{actor} created folder {name} in {parent}", variables)


@GROUP.intent
class DeleteFolderIntent(Co2Intent):
    folder_id: FolderId
    deleted_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} deleted folder {folder}",
            {"actor": ctx.actor_name(fallback=self.deleted_by.value), "folder": _folder(ctx, self.folder_id)},
        )


@GROUP.intent
class TranscribeVoiceNoteIntent(Co2Intent):
    """Turns a voice note's audio into text with the server's transcriber."""

    requires_server_execution = True

    attachment_id: AttachmentId
    requested_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} transcribed voice note {file}",
            {"actor": ctx.actor_name(fallback=self.requested_by.value), "file": _file(ctx, self.attachment_id)},
        )


@GROUP.intent
class UpdateVoiceNoteTranscriptionIntent(Co2Intent):
    """A person's correction of a voice note's text (or the text itself, without a transcriber)."""

    attachment_id: AttachmentId
    transcription: VoiceNoteTranscription
    updated_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} corrected the transcription of {file}",
            {"actor": ctx.actor_name(fallback=self.updated_by.value), "file": _file(ctx, self.attachment_id)},
        )

"""What happened to attachments and folders."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Event, LazyBlob
from schema.attachments.group import GROUP
from schema.contracts import FileName, FolderId, FolderName, UserId, VoiceNoteTranscription

from .values import AttachmentTarget


@GROUP.event
class AttachmentCreatedEvent(Event):
    file_name: FileName
    content: LazyBlob  # V2: a blob reference; V1: the bytes, or their reference once offloaded
    content_type: str
    size_bytes: int
    created_by: UserId
    created_at: datetime
    folder_id: FolderId | None = None
    target: AttachmentTarget | None = None


@GROUP.event
class AttachmentDeletedEvent(Event):
    deleted_by: UserId
    deleted_at: datetime


@GROUP.event
class AttachmentMovedEvent(Event):
    from_folder_id: FolderId | None
    to_folder_id: FolderId | None
    moved_by: UserId
    moved_at: datetime


@GROUP.event
class AttachmentDetachedEvent(Event):
    target: AttachmentTarget
    detached_by: UserId
    detached_at: datetime


@GROUP.event
class VoiceNoteTranscribedEvent(Event):
    transcription: VoiceNoteTranscription
    engine: str
    requested_by: UserId
    transcribed_at: datetime


@GROUP.event
class VoiceNoteTranscriptionUpdatedEvent(Event):
    transcription: VoiceNoteTranscription
    updated_by: UserId
    updated_at: datetime


@GROUP.event
class FolderCreatedEvent(Event):
    name: FolderName
    created_by: UserId
    created_at: datetime
    parent_folder_id: FolderId | None = None


@GROUP.event
class FolderDeletedEvent(Event):
    deleted_by: UserId
    deleted_at: datetime

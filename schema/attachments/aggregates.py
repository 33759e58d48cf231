"""Attachments and the folders that organize them, in the estate's workspace.

A folder's contents are found by query (attachments and folders naming it as their
folder), not kept in a list on the folder, so that filing an attachment touches only the
attachment.
"""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Aggregate, Event, LazyBlob
from schema.attachments.group import GROUP
from schema.contracts import FileName, FolderId, FolderName, UserId, VoiceNoteTranscription

from .events import (
    AttachmentCreatedEvent,
    AttachmentDeletedEvent,
    AttachmentDetachedEvent,
    AttachmentMovedEvent,
    FolderCreatedEvent,
    FolderDeletedEvent,
    VoiceNoteTranscribedEvent,
    VoiceNoteTranscriptionUpdatedEvent,
)
from .values import AttachmentTarget, is_voice_note


@GROUP.aggregate
class AttachmentAggregate(Aggregate):
    file_name: FileName = FileName.unresolved
    content: LazyBlob | None = None  # read the bytes with `await content.read(app.blob)`
    content_type: str = ""
    size_bytes: int = 0
    folder_id: FolderId | None = None
    target: AttachmentTarget | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None
    transcription: VoiceNoteTranscription | None = None
    transcription_engine: str | None = None  # None once a person has corrected the text

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    @property
    def is_voice_note(self) -> bool:
        return is_voice_note(self.content_type)

    def apply(self, event: Event) -> AttachmentAggregate:
        match event:
            case AttachmentCreatedEvent():
                return self.evolve(
                    file_name=event.file_name,
                    content=event.content,
                    content_type=event.content_type,
                    size_bytes=event.size_bytes,
                    folder_id=event.folder_id,
                    target=event.target,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case AttachmentDeletedEvent():
                return self.evolve(deleted=True, updated_by=event.deleted_by, updated_at=event.deleted_at)
            case AttachmentMovedEvent():
                return self.evolve(folder_id=event.to_folder_id, updated_by=event.moved_by, updated_at=event.moved_at)
            case AttachmentDetachedEvent():
                return self.evolve(target=None, updated_by=event.detached_by, updated_at=event.detached_at)
            case VoiceNoteTranscribedEvent():
                return self.evolve(
                    transcription=event.transcription,
                    transcription_engine=event.engine,
                    updated_by=event.requested_by,
                    updated_at=event.transcribed_at,
                )
            case VoiceNoteTranscriptionUpdatedEvent():
                return self.evolve(
                    transcription=event.transcription,
                    transcription_engine=None,
                    updated_by=event.updated_by,
                    updated_at=event.updated_at,
                )
        return self


@GROUP.aggregate
class FolderAggregate(Aggregate):
    name: FolderName = FolderName.unresolved
    parent_folder_id: FolderId | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> FolderAggregate:
        match event:
            case FolderCreatedEvent():
                return self.evolve(
                    name=event.name,
                    parent_folder_id=event.parent_folder_id,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case FolderDeletedEvent():
                return self.evolve(deleted=True)
        return self

"""Attachments: files (V1 embedded bytes, V2 blob references), folders, and voice notes with
their transcriptions, in the estate's workspace.

Transcription needs two things that are not stored state: the blob storage that holds the
audio and a speech engine. Directives read the app's blob storage through the directive
context (`ctx.blobs`), and `MODULE` (what `schema.co2_modules()` loads) transcribes with
PocketSphinx, offline. `attachments_module(transcriber=..., blob_storage=...)` builds the
module around other services (a test double, another engine, a separate store);
`transcriber=None` switches transcription off, and such intents are refused by rule.
"""

from __future__ import annotations

from nomos_mongo import BlobStorage, NomosModule

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
from .folder_directives import CreateFolderDirective, CreateFolderPayload, DeleteFolderDirective, DeleteFolderPayload
from .intents import (
    INTENTS,
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
from .policy import NAME_RESOLVERS, routes
from .services import AttachmentServices
from .transcription import PocketSphinxTranscriber, Transcriber, default_transcriber
from .values import AttachmentTarget
from .voice_notes import (
    TranscribeVoiceNoteDirective,
    TranscribeVoiceNotePayload,
    UpdateTranscriptionPayload,
    UpdateVoiceNoteTranscriptionDirective,
)

_DEFAULT = object()


def attachments_module(
    *, transcriber: Transcriber | object | None = _DEFAULT, blob_storage: BlobStorage | None = None
) -> NomosModule:
    """The attachments module; `transcriber=None` turns transcription off."""
    chosen = default_transcriber() if transcriber is _DEFAULT else transcriber
    services = AttachmentServices(transcriber=chosen, blob_storage=blob_storage)  # type: ignore[arg-type]
    return NomosModule(
        name="co2.attachments",
        intents=INTENTS,
        directives=(
            CreateAttachmentDirective,
            DeleteAttachmentDirective,
            MoveAttachmentDirective,
            DetachAttachmentDirective,
            CreateFolderDirective,
            DeleteFolderDirective,
            TranscribeVoiceNoteDirective,
            UpdateVoiceNoteTranscriptionDirective,
        ),
        events=(
            AttachmentCreatedEvent,
            AttachmentDeletedEvent,
            AttachmentMovedEvent,
            AttachmentDetachedEvent,
            FolderCreatedEvent,
            FolderDeletedEvent,
            VoiceNoteTranscribedEvent,
            VoiceNoteTranscriptionUpdatedEvent,
        ),
        aggregates=(AttachmentAggregate, FolderAggregate),
        payloads=(
            CreateAttachmentPayload,
            DeleteAttachmentPayload,
            MoveAttachmentPayload,
            DetachAttachmentPayload,
            CreateFolderPayload,
            DeleteFolderPayload,
            TranscribeVoiceNotePayload,
            UpdateTranscriptionPayload,
        ),
        routes=routes(services),
        name_resolvers=NAME_RESOLVERS,
    )


MODULE = attachments_module()

__all__ = [
    "INTENTS",
    "MODULE",
    "AttachmentAggregate",
    "AttachmentServices",
    "AttachmentTarget",
    "CreateAttachmentIntent",
    "CreateAttachmentIntentV2",
    "CreateFolderIntent",
    "DeleteAttachmentIntent",
    "DeleteFolderIntent",
    "DetachAttachmentIntent",
    "FolderAggregate",
    "MoveAttachmentBetweenFoldersIntent",
    "PocketSphinxTranscriber",
    "TranscribeVoiceNoteIntent",
    "Transcriber",
    "UpdateVoiceNoteTranscriptionIntent",
    "attachments_module",
]

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

# importing a module declares its classes in GROUP
from . import (  # noqa: F401
    aggregates,
    directives,
    events,
    folder_directives,
    intents,
    policy,
    services,
    targets,
    transcription,
    values,
    voice_notes,
)
from .group import GROUP
from .policy import routes
from .services import AttachmentServices
from .transcription import PocketSphinxTranscriber, Transcriber, default_transcriber
from .values import AttachmentTarget

_DEFAULT = object()


def attachments_module(
    *, transcriber: Transcriber | object | None = _DEFAULT, blob_storage: BlobStorage | None = None
) -> NomosModule:
    """The attachments module; `transcriber=None` turns transcription off."""
    chosen = default_transcriber() if transcriber is _DEFAULT else transcriber
    wired = AttachmentServices(transcriber=chosen, blob_storage=blob_storage)  # type: ignore[arg-type]
    return GROUP.module(routes=routes(wired))


MODULE = attachments_module()

# the group's classes by name: `from schema.attachments import AttachmentAggregate`
__getattr__ = GROUP.member

__all__ = [
    "GROUP",
    "MODULE",
    "AttachmentServices",
    "AttachmentTarget",
    "PocketSphinxTranscriber",
    "Transcriber",
    "attachments_module",
]

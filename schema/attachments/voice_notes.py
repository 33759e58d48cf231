"""Voice-note transcription: the speech engine runs in `plan`, the text travels in the payload.

Transcribing is an impure side effect (it reads blob storage and runs a model), so it never
happens in `execute`; `execute` turns the text `plan` produced into an event. Replaying the
timeline folds that event and does not transcribe again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from nomos_mongo import (
    Aggregate,
    BlobNotFound,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.attachments.group import GROUP
from schema.contracts import AttachmentId, UserId, VoiceNoteTranscription

from .aggregates import AttachmentAggregate
from .directives import existing
from .events import VoiceNoteTranscribedEvent, VoiceNoteTranscriptionUpdatedEvent
from .services import ServiceDirective
from .transcription import TranscriberUnavailable, TranscriptionError

NO_TRANSCRIBER = (
    "no transcriber configured on this server: install pocketsphinx "
    "(a dependency of nomos-mongo) or build the module with attachments_module(transcriber=...)"
)


@GROUP.payload
class TranscribeVoiceNotePayload(Payload):
    attachment_id: AttachmentId
    requested_by: UserId
    requested_at: datetime
    transcription: VoiceNoteTranscription | None = None  # filled by plan
    engine: str | None = None  # filled by plan


@GROUP.payload
class UpdateTranscriptionPayload(Payload):
    attachment_id: AttachmentId
    transcription: VoiceNoteTranscription
    updated_by: UserId
    updated_at: datetime


def voice_note(snapshot: AttachmentAggregate) -> AttachmentAggregate:
    existing(snapshot)
    if not snapshot.is_voice_note:
        raise IntentRejected(
            "attachments.not_a_voice_note",
            f"{snapshot.file_name} is {snapshot.content_type or 'not audio'}; only audio attachments are voice notes",
            field="attachmentId",
        )
    return snapshot


@GROUP.directive
class TranscribeVoiceNoteDirective(ServiceDirective[AttachmentAggregate, TranscribeVoiceNotePayload]):
    aggregate_type = AttachmentAggregate

    def target_id(self) -> str:
        return self.payload.attachment_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[AttachmentAggregate, TranscribeVoiceNotePayload]]:
        note = voice_note(await self.current(self.target_id(), snapshots, staged))
        transcriber = self.services.transcriber
        if transcriber is None or note.content is None:
            raise IntentRejected("attachments.no_transcriber", NO_TRANSCRIBER)
        try:
            audio = await note.content.read(self.services.blob_storage or ctx.blobs)
            text = await transcriber.transcribe(audio, note.content_type)
        except BlobNotFound as exc:
            raise IntentRejected(
                "attachments.audio_unavailable",
                f"the audio of {note.file_name} is not in this server's blob storage ({exc})",
                field="attachmentId",
            ) from exc
        except TranscriberUnavailable as exc:
            raise IntentRejected("attachments.no_transcriber", f"{NO_TRANSCRIBER} ({exc})") from exc
        except TranscriptionError as exc:
            raise IntentRejected("attachments.unsupported_audio", str(exc), field="attachmentId") from exc
        payload = self.payload.model_copy(
            update={"transcription": VoiceNoteTranscription(text), "engine": transcriber.name}
        )
        return [ExecutionTarget(self.target_id(), payload, note)]

    def execute(self, snapshot: AttachmentAggregate, payload: TranscribeVoiceNotePayload) -> Sequence[Event]:
        voice_note(snapshot)
        if payload.transcription is None or payload.engine is None:
            raise IntentRejected("attachments.no_transcriber", NO_TRANSCRIBER)
        return [
            VoiceNoteTranscribedEvent(
                transcription=payload.transcription,
                engine=payload.engine,
                requested_by=payload.requested_by,
                transcribed_at=payload.requested_at,
            )
        ]


@GROUP.directive
class UpdateVoiceNoteTranscriptionDirective(SingleAggregateDirective[AttachmentAggregate, UpdateTranscriptionPayload]):
    aggregate_type = AttachmentAggregate

    def target_id(self) -> str:
        return self.payload.attachment_id.value

    def execute(self, snapshot: AttachmentAggregate, payload: UpdateTranscriptionPayload) -> Sequence[Event]:
        voice_note(snapshot)
        return [
            VoiceNoteTranscriptionUpdatedEvent(
                transcription=payload.transcription, updated_by=payload.updated_by, updated_at=payload.updated_at
            )
        ]

"""Every attachment intent is registered, routed and estate-scoped, and every intent, event and
aggregate of the group round-trips through JSON."""

from __future__ import annotations

import pytest

from nomos_mongo import BlobRef, NomosApp
from schema.attachments import (
    MODULE,
    AttachmentTarget,
    CreateAttachmentIntent,
    CreateAttachmentIntentV2,
    CreateFolderIntent,
    DeleteAttachmentIntent,
    DeleteFolderIntent,
    DetachAttachmentIntent,
    MoveAttachmentBetweenFoldersIntent,
    PocketSphinxTranscriber,
    TranscribeVoiceNoteIntent,
    UpdateVoiceNoteTranscriptionIntent,
)
from schema.attachments.directives import CreateAttachmentDirective, CreateAttachmentPayload
from schema.attachments.services import AttachmentServices
from schema.common import Access, Co2Intent, Scope
from tests.schema.attachments.library import ASSET, ESTATE, PDF, build_estate, wav
from tests.schema.helpers import estate_ctx

TARGET = AttachmentTarget(target_type="trackableAsset", target_id=ASSET)
PDF_REF = BlobRef(sha256="ab" * 32, size=len(PDF), content_type="application/pdf")

EXAMPLES: dict[type[Co2Intent], Co2Intent] = {
    CreateFolderIntent: CreateFolderIntent(folder_id="folder-a", name="Reports", created_by="alice"),
    CreateAttachmentIntent: CreateAttachmentIntent(
        attachment_id="att-v1",
        file_bytes={"inline": wav(0.1), "content_type": "audio/wav"},
        file_name="memo.wav",
        created_by="alice",
        folder_id="folder-a",
        target=TARGET,
    ),
    CreateAttachmentIntentV2: CreateAttachmentIntentV2(
        attachment_id="att-v2", blob_ref=PDF_REF, file_name="report.pdf", created_by="alice", target=TARGET
    ),
    MoveAttachmentBetweenFoldersIntent: MoveAttachmentBetweenFoldersIntent(
        attachment_id="att-v2", to_folder_id="folder-a", moved_by="alice"
    ),
    DetachAttachmentIntent: DetachAttachmentIntent(attachment_id="att-v2", target=TARGET, detached_by="alice"),
    TranscribeVoiceNoteIntent: TranscribeVoiceNoteIntent(attachment_id="att-v1", requested_by="alice"),
    UpdateVoiceNoteTranscriptionIntent: UpdateVoiceNoteTranscriptionIntent(
        attachment_id="att-v1", transcription="Check the filter", updated_by="alice"
    ),
    DeleteAttachmentIntent: DeleteAttachmentIntent(attachment_id="att-v2", deleted_by="alice"),
    DeleteFolderIntent: DeleteFolderIntent(folder_id="folder-b", deleted_by="alice"),
}


def test_the_examples_cover_every_intent() -> None:
    assert set(EXAMPLES) == set(MODULE.intents) == set(MODULE.routes)


@pytest.mark.parametrize("intent_type", MODULE.intents, ids=lambda t: t.__name__)
def test_each_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert (intent_type.scope, intent_type.access) == (Scope.WORKSPACE, Access.WRITE)
    example = EXAMPLES[intent_type]
    assert co2_app.registry.intent_from_json(example.to_json()) == example


async def test_events_and_aggregates_round_trip(co2_app: NomosApp) -> None:
    await build_estate(co2_app)
    await co2_app.dispatch(CreateFolderIntent(folder_id="folder-b", name="Old", created_by="alice"), estate_ctx(ESTATE))
    registry = co2_app.registry
    for intent in EXAMPLES.values():
        if isinstance(intent, TranscribeVoiceNoteIntent) and not PocketSphinxTranscriber.available():
            continue
        if isinstance(intent, CreateAttachmentIntentV2):  # the server checks the bytes were uploaded
            uploaded = await co2_app.blob.upload_blob(b"%PDF-1.7 example", intent.blob_ref.content_type)
            intent = intent.model_copy(update={"blob_ref": uploaded})
        entry = await co2_app.dispatch(intent, estate_ctx(ESTATE))
        assert entry.events, f"{intent.type_name} changed nothing"
        for record in entry.events:
            assert registry.event_from_json(record.event.to_json()) == record.event
            state = await co2_app.read_latest(
                registry.aggregate_type(record.aggregate_type),
                ESTATE,
                "main",
                record.aggregate_id,
                include_deleted=True,
            )
            assert state is not None
            assert registry.aggregate_from_json(state.to_json()) == state
        for directive in entry.directives:
            assert registry.directive_from_json(directive.to_json()) == directive
    assert (await co2_app.verify_timeline(ESTATE, "main")).divergence is None


def test_services_are_wiring_not_data() -> None:
    payload = CreateAttachmentPayload(
        attachment_id="a",
        file_name="a.pdf",
        content={"ref": PDF_REF.model_dump()},
        created_by="alice",
        created_at="2026-01-01T00:00:00Z",
    )
    bound = CreateAttachmentDirective(payload=payload).bound(AttachmentServices(transcriber=None))
    assert bound == CreateAttachmentDirective(payload=payload)
    assert hash(bound) == hash(CreateAttachmentDirective(payload=payload))
    assert "services" not in str(bound.to_json())

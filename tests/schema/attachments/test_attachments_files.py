"""Attachments: V1 and V2 uploads, delete, move between folders, detach."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import BlobRef, IntentRejected, MemoryBlobStorage, MemoryPersistence, NomosApp
from schema.access import ACCESS_MODULE
from schema.attachments import (
    AttachmentAggregate,
    AttachmentTarget,
    CreateAttachmentIntent,
    CreateAttachmentIntentV2,
    DeleteAttachmentIntent,
    DetachAttachmentIntent,
    MoveAttachmentBetweenFoldersIntent,
    attachments_module,
)
from schema.attachments.events import (
    AttachmentCreatedEvent,
    AttachmentDeletedEvent,
    AttachmentDetachedEvent,
    AttachmentMovedEvent,
)
from schema.contracts import FileName, ResourceType, UserId
from tests.schema.attachments.library import (
    ASSET,
    ESTATE,
    PDF,
    SITE,
    build_estate,
    create_folder,
    head,
    upload_v1,
    upload_v2,
)
from tests.schema.helpers import estate_ctx

ASSET_TARGET = AttachmentTarget(target_type=ResourceType.trackable_asset, target_id=ASSET)


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    await build_estate(co2_app)
    return co2_app


async def attachment(app: NomosApp, attachment_id: str) -> AttachmentAggregate:
    found = await app.read_latest(AttachmentAggregate, ESTATE, "main", attachment_id)
    assert found is not None
    return found


async def rejected(app: NomosApp, intent: object) -> IntentRejected:
    before = await head(app)
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(ESTATE, "alice"))  # type: ignore[arg-type]
    assert await head(app) == before, "a rejected intent must write nothing"
    return caught.value


# V2 --------------------------------------------------------------------------------------
async def test_document_example_v2_upload_the_blob_then_reference_it(app: NomosApp) -> None:
    pdf_bytes = PDF
    blob_ref = await app.blob.upload_blob(pdf_bytes, "application/pdf")
    intent = CreateAttachmentIntentV2(
        blob_ref=blob_ref, file_name=FileName("compliance_report.pdf"), created_by=UserId("alice")
    )
    entry = await app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    [record] = entry.events
    assert isinstance(record.event, AttachmentCreatedEvent)
    report = await attachment(app, record.aggregate_id)
    assert report.file_name == FileName("compliance_report.pdf")
    assert (report.content_type, report.size_bytes) == ("application/pdf", len(pdf_bytes))
    assert report.content is not None and report.content.ref == blob_ref
    assert await report.content.read(app.blob) == pdf_bytes
    assert entry.description == "Alice uploaded compliance_report.pdf"
    assert app.registry.intent_from_json(intent.to_json()) == intent


async def test_document_example_v2_generic_document(app: NomosApp) -> None:
    file_bytes = b"%PDF-1.4 document"
    blob_ref = await app.blob.upload_blob(file_bytes, "application/pdf")
    intent = CreateAttachmentIntentV2(blob_ref=blob_ref, file_name=FileName("document.pdf"), created_by=UserId("alice"))
    entry = await app.dispatch(intent, estate_ctx(ESTATE, "alice"))
    assert (await attachment(app, entry.events[0].aggregate_id)).file_name.value == "document.pdf"


async def test_a_v2_upload_in_a_folder_attached_to_an_asset(app: NomosApp) -> None:
    await create_folder(app, "folder-manuals", "Manuals")
    attachment_id = await upload_v2(
        app, name="manual.pdf", attachment_id="att-1", folder_id="folder-manuals", target=ASSET_TARGET
    )
    manual = await attachment(app, attachment_id)
    assert (manual.id, manual.folder_id.value, manual.target) == ("att-1", "folder-manuals", ASSET_TARGET)  # type: ignore[union-attr]
    entry = (await app.read_timeline(ESTATE, "main"))[-1]
    assert entry.description == "Alice uploaded manual.pdf to asset HVAC Unit A"


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"attachment_id": "att-1"}, "attachments.exists", "attachmentId"),
        ({"folder_id": "folder-404"}, "attachments.folder_not_found", "folderId"),
        ({"target": {"target_type": "room", "target_id": "room-404"}}, "attachments.target_not_found", "target"),
        ({"target": {"target_type": "estate", "target_id": "estate-002"}}, "attachments.target_not_found", "target"),
    ],
)
async def test_a_v2_upload_is_refused(app: NomosApp, changes: dict[str, object], rule: str, field: str) -> None:
    await upload_v2(app, attachment_id="att-1")
    blob_ref = await app.blob.upload_blob(PDF, "application/pdf")
    intent = CreateAttachmentIntentV2(blob_ref=blob_ref, file_name="again.pdf", created_by="alice", **changes)  # type: ignore[arg-type]
    refused = await rejected(app, intent)
    assert (refused.rule, refused.field) == (rule, field)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"blob_ref": {"sha256": "not-a-hash", "size": 1, "content_type": "application/pdf"}}, "blob_ref"),
        ({"blob_ref": {"sha256": "a" * 64, "size": -1, "content_type": "application/pdf"}}, "blob_ref"),
        ({"blob_ref": {"sha256": "a" * 64, "size": 1, "content_type": "pdf"}}, "blob_ref"),
        ({"file_name": "../etc/passwd"}, "file_name"),
        ({"file_name": " "}, "file_name"),
        ({"target": {"target_type": "folder", "target_id": "f-1"}}, "target"),
    ],
)
def test_v2_fields_are_validated_early(changes: dict[str, object], field: str) -> None:
    fields = {
        "blob_ref": {"sha256": "a" * 64, "size": 1, "content_type": "application/pdf"},
        "file_name": "ok.pdf",
        "created_by": "alice",
        **changes,
    }
    with pytest.raises(ValidationError) as invalid:
        CreateAttachmentIntentV2.model_validate(fields)
    assert invalid.value.errors()[0]["loc"][0] == field


async def test_with_blob_storage_wired_in_a_v2_reference_must_name_stored_bytes() -> None:
    blobs = MemoryBlobStorage()
    app = NomosApp(
        MemoryPersistence(),
        blob_storage=blobs,
        modules=[ACCESS_MODULE, attachments_module(transcriber=None, blob_storage=blobs)],
    )
    stored = await blobs.upload_blob(PDF, "application/pdf")
    missing = BlobRef(sha256="0" * 64, size=3, content_type="application/pdf")
    async with app:
        await app.dispatch(
            CreateAttachmentIntentV2(blob_ref=stored, file_name="a.pdf", created_by="alice"), estate_ctx(ESTATE)
        )
        with pytest.raises(IntentRejected) as refused:
            await app.dispatch(
                CreateAttachmentIntentV2(blob_ref=missing, file_name="b.pdf", created_by="alice"), estate_ctx(ESTATE)
            )
        assert (refused.value.rule, refused.value.field) == ("attachments.blob_not_found", "blobRef")
        assert await app.head(ESTATE, "main") == 1


# V1 -----------------------------------------------------------------------------------
async def test_document_example_v1_embeds_bytes_and_still_works(app: NomosApp) -> None:
    large_file_data = b"x" * 100_000  # over the engine's offload threshold
    intent = CreateAttachmentIntent(
        file_bytes={"inline": large_file_data, "content_type": "application/pdf"},
        file_name=FileName("doc.pdf"),
        created_by=UserId("alice"),
    )
    entry = await app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    stored_intent = entry.intent
    assert isinstance(stored_intent, CreateAttachmentIntent)
    assert stored_intent.file_bytes.is_offloaded, "the ledger keeps a reference, not 100 kB of base64"
    doc = await attachment(app, entry.events[0].aggregate_id)
    assert doc.size_bytes == len(large_file_data)
    assert doc.content is not None and await doc.content.read(app.blob) == large_file_data
    assert entry.description == "Alice uploaded doc.pdf"


async def test_a_small_v1_file_stays_inline(app: NomosApp) -> None:
    attachment_id = await upload_v1(app, b"hello", "text/plain", "note.txt", target=ASSET_TARGET)
    note = await attachment(app, attachment_id)
    assert note.content is not None and note.content.inline == b"hello"
    assert (note.content_type, note.target) == ("text/plain", ASSET_TARGET)
    with pytest.raises(ValidationError):
        CreateAttachmentIntent(file_bytes={"inline": b"x", "content_type": "text"}, file_name="a", created_by="alice")


# delete ---------------------------------------------------------------------------------
async def test_delete_an_attachment(app: NomosApp) -> None:
    attachment_id = await upload_v2(app)
    entry = await app.dispatch(
        DeleteAttachmentIntent(attachment_id=attachment_id, deleted_by="alice"), estate_ctx(ESTATE)
    )

    assert isinstance(entry.events[0].event, AttachmentDeletedEvent)
    assert await app.read_latest(AttachmentAggregate, ESTATE, "main", attachment_id) is None
    assert entry.description == "Alice deleted attachment compliance_report.pdf"
    again = await rejected(app, DeleteAttachmentIntent(attachment_id=attachment_id, deleted_by="alice"))
    assert (again.rule, again.field) == ("attachments.not_found", "attachmentId")


# move -----------------------------------------------------------------------------------
async def test_move_an_attachment_between_folders(app: NomosApp) -> None:
    await create_folder(app, "folder-inbox", "Inbox")
    await create_folder(app, "folder-archive", "Archive")
    attachment_id = await upload_v2(app, folder_id="folder-inbox")
    move = MoveAttachmentBetweenFoldersIntent(
        attachment_id=attachment_id, from_folder_id="folder-inbox", to_folder_id="folder-archive", moved_by="alice"
    )
    entry = await app.dispatch(move, estate_ctx(ESTATE))

    assert isinstance(entry.events[0].event, AttachmentMovedEvent)
    assert (await attachment(app, attachment_id)).folder_id.value == "folder-archive"  # type: ignore[union-attr]
    assert entry.description == "Alice moved compliance_report.pdf from Inbox to Archive"

    to_top = MoveAttachmentBetweenFoldersIntent(
        attachment_id=attachment_id, from_folder_id="folder-archive", moved_by="alice"
    )
    entry = await app.dispatch(to_top, estate_ctx(ESTATE))
    assert (await attachment(app, attachment_id)).folder_id is None
    assert entry.description == "Alice moved compliance_report.pdf from Archive to the top level"


@pytest.mark.parametrize(
    ("source", "destination", "rule", "field"),
    [
        ("folder-inbox", "folder-404", "attachments.folder_not_found", "toFolderId"),
        ("folder-404", "folder-inbox", "attachments.folder_not_found", "fromFolderId"),
        ("folder-archive", "folder-inbox", "attachments.not_in_folder", "fromFolderId"),
        ("folder-inbox", "folder-inbox", "attachments.same_folder", "toFolderId"),
    ],
)
async def test_a_move_is_refused(app: NomosApp, source: str, destination: str, rule: str, field: str) -> None:
    await create_folder(app, "folder-inbox", "Inbox")
    await create_folder(app, "folder-archive", "Archive")
    attachment_id = await upload_v2(app, folder_id="folder-inbox")
    move = MoveAttachmentBetweenFoldersIntent(
        attachment_id=attachment_id, from_folder_id=source, to_folder_id=destination, moved_by="alice"
    )
    refused = await rejected(app, move)
    assert (refused.rule, refused.field) == (rule, field)


# detach ---------------------------------------------------------------------------------
async def test_detach_an_attachment_from_its_target(app: NomosApp) -> None:
    attachment_id = await upload_v2(app, target=ASSET_TARGET)
    detach = DetachAttachmentIntent(attachment_id=attachment_id, target=ASSET_TARGET, detached_by="alice")
    entry = await app.dispatch(detach, estate_ctx(ESTATE))

    assert isinstance(entry.events[0].event, AttachmentDetachedEvent)
    detached = await attachment(app, attachment_id)
    assert detached.target is None and detached.content is not None, "the file stays; only the link goes"
    assert entry.description == "Alice detached compliance_report.pdf from asset HVAC Unit A"
    again = await rejected(app, DetachAttachmentIntent(attachment_id=attachment_id, detached_by="alice"))
    assert (again.rule, again.field) == ("attachments.not_attached", "target")


async def test_detach_names_the_wrong_target(app: NomosApp) -> None:
    attachment_id = await upload_v2(app, target=AttachmentTarget(target_type="site", target_id=SITE))
    entry_description = (await app.read_timeline(ESTATE, "main"))[-1].description
    assert entry_description == "Alice uploaded compliance_report.pdf to site Building A"
    wrong = DetachAttachmentIntent(attachment_id=attachment_id, target=ASSET_TARGET, detached_by="alice")
    assert (await rejected(app, wrong)).rule == "attachments.not_attached"

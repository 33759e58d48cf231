"""Drawing export and archives: files in blob storage, referenced from the ExportAggregate."""

from __future__ import annotations

import io
import json
import zipfile

from nomos_mongo import MemoryBlobStorage, NomosApp
from schema.attachments import AttachmentAggregate
from schema.attachments.values import AttachmentTarget
from schema.contracts import ResourceType
from schema.insights import (
    CreateDrawingExportIntent,
    CreateEstateMediaArchiveIntent,
    CreateVoiceNoteArchiveIntent,
    ExportAggregate,
    ExportKind,
)
from tests.schema.insights.insights_setup import ESTATE, dispatch, estate_world, media_world


async def export(app: NomosApp, export_id: str) -> ExportAggregate:
    state = await app.read_latest(ExportAggregate, ESTATE, "main", export_id)
    assert state is not None and state.file is not None
    assert app.registry.aggregate_from_json(state.to_json()) == state
    return state


async def archive(app: NomosApp, state: ExportAggregate) -> zipfile.ZipFile:
    assert state.file is not None and state.file.blob.content_type == "application/zip"
    return zipfile.ZipFile(io.BytesIO(await app.blob.load(state.file.blob)))


async def test_drawing_of_building_footprints(reporting_app: NomosApp) -> None:
    app = reporting_app
    await estate_world(app)
    entry = await dispatch(app, CreateDrawingExportIntent(export_id="dwg-1", requested_by="alice"))
    assert entry.description == "alice exported a drawing of Corporate Campus"
    state = await export(app, "dwg-1")
    assert state.kind is ExportKind.drawing
    assert [i.building_id.root for i in state.items] == ["b-north"]  # type: ignore[union-attr]
    assert [(s.building_id.root, s.reason) for s in state.skipped] == [  # type: ignore[union-attr]
        ("b-south", "the building has no footprint")
    ]
    assert state.file is not None and state.file.blob.content_type == "image/svg+xml"
    svg = (await app.blob.load(state.file.blob)).decode()
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg.count("<polygon ") == 1 and ">North Wing</text>" in svg
    assert "<title>Corporate Campus - buildings</title>" in svg
    assert (await app.verify_timeline(ESTATE, "main")).ok


async def test_drawing_of_one_site_and_chosen_buildings(reporting_app: NomosApp) -> None:
    await estate_world(reporting_app)
    entry = await dispatch(
        reporting_app, CreateDrawingExportIntent(site_id="site-1", building_ids=("b-north",), requested_by="alice")
    )
    assert entry.description == "alice exported a drawing of HQ"
    state = await export(reporting_app, entry.events[0].aggregate_id)
    assert state.skipped == ()


async def test_voice_note_archive(reporting_app: NomosApp) -> None:
    app = reporting_app
    await estate_world(app)
    await media_world(app)
    entry = await dispatch(app, CreateVoiceNoteArchiveIntent(export_id="vn-1", requested_by="alice"))
    assert entry.description == "alice archived the voice notes of Corporate Campus"
    state = await export(app, "vn-1")
    assert [(i.path, i.attachment_id.root, i.size_bytes) for i in state.items] == [  # type: ignore[union-attr]
        ("voice-notes/note.wav", "a-note", len(b"RIFF-voice-1"))
    ]
    with await archive(app, state) as zipped:
        assert zipped.namelist() == ["manifest.json", "voice-notes/note.wav", "voice-notes/note.wav.txt"]
        assert zipped.read("voice-notes/note.wav") == b"RIFF-voice-1"
        assert zipped.read("voice-notes/note.wav.txt") == b"Filter clogged\n"
        manifest = json.loads(zipped.read("manifest.json"))
        assert manifest["files"][0]["transcription"] == "Filter clogged"
        assert manifest["files"][0]["target"] == {"targetType": "trackableAsset", "targetId": "hvac-1"}
    target = AttachmentTarget(target_type=ResourceType.trackable_asset, target_id="hvac-1")
    await dispatch(app, CreateVoiceNoteArchiveIntent(export_id="vn-2", target=target, requested_by="alice"))
    assert len((await export(app, "vn-2")).items) == 1
    assert (await app.verify_timeline(ESTATE, "main")).ok


async def test_estate_media_archive(reporting_app: NomosApp) -> None:
    app = reporting_app
    await estate_world(app)
    await media_world(app)
    entry = await dispatch(app, CreateEstateMediaArchiveIntent(export_id="media-1", requested_by="alice"))
    assert entry.description == "alice archived the media of Corporate Campus"
    state = await export(app, "media-1")
    with await archive(app, state) as zipped:
        assert sorted(zipped.namelist()) == [
            "Plans/photo (a-photo-2).jpg",
            "Plans/photo.jpg",
            "manifest.json",
            "note.wav",
            "report.pdf",
        ]
        assert zipped.read("Plans/photo.jpg") == b"\xff\xd8jpeg"
        assert zipped.read("Plans/photo (a-photo-2).jpg") == b"\xff\xd8jpeg-2"
        assert {f["attachmentId"] for f in json.loads(zipped.read("manifest.json"))["files"]} == {
            "a-note",
            "a-photo",
            "a-photo-2",
            "a-report",
        }
    await dispatch(
        app, CreateEstateMediaArchiveIntent(export_id="media-2", include_voice_notes=False, requested_by="alice")
    )
    assert "a-note" not in {i.attachment_id.root for i in (await export(app, "media-2")).items}  # type: ignore[union-attr]


async def test_an_archive_skips_files_whose_bytes_are_gone(reporting_app: NomosApp, blobs: MemoryBlobStorage) -> None:
    app = reporting_app
    await estate_world(app)
    await media_world(app)
    report = await app.read_latest(AttachmentAggregate, ESTATE, "main", "a-report")
    assert report is not None and report.content is not None and report.content.ref is not None
    del blobs._blobs[report.content.ref.sha256]
    await dispatch(app, CreateEstateMediaArchiveIntent(export_id="media-1", requested_by="alice"))
    state = await export(app, "media-1")
    assert [(s.attachment_id.root, s.reason) for s in state.skipped] == [  # type: ignore[union-attr]
        ("a-report", "the file's bytes are not in blob storage")
    ]

"""An estate to report on: a site with two buildings, rooms, costed assets, voice notes and media."""

from __future__ import annotations

from nomos_mongo import IntentLedgerEntry, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.assets import CreateTrackableAssetIntent
from schema.attachments import (
    CreateAttachmentIntentV2,
    CreateFolderIntent,
    UpdateVoiceNoteTranscriptionIntent,
)
from schema.attachments.values import AttachmentTarget
from schema.contracts import CustomField, CustomFieldMap, GeoPoint, Money, ResourceType, StructuralAssignment
from schema.estates import (
    CreateBuildingIntent,
    CreateEstateIntent,
    CreateRoomIntent,
    CreateSiteWithTopologyDraftIntent,
    SetBuildingFootprintIntent,
)
from tests.schema.helpers import estate_ctx

ESTATE = "estate-1"
NORTH_FOOTPRINT = (
    GeoPoint(latitude=51.5010, longitude=-0.1200),
    GeoPoint(latitude=51.5010, longitude=-0.1190),
    GeoPoint(latitude=51.5000, longitude=-0.1190),
    GeoPoint(latitude=51.5000, longitude=-0.1200),
)


async def dispatch(app: NomosApp, intent: object, actor: str = "alice", estate: str = ESTATE) -> IntentLedgerEntry:
    entry = await app.dispatch(intent, estate_ctx(estate, actor))  # type: ignore[arg-type]
    assert app.registry.intent_from_json(intent.to_json()) == intent  # type: ignore[attr-defined]
    for record in entry.events:
        assert app.registry.event_from_json(record.event.to_json()) == record.event
    # the whole ledger entry (directives and payloads too) as a store keeps it
    assert entry_from_document(app.registry, entry_to_document(entry)) == entry
    return entry


def _asset(
    asset_id: str, asset_type: str, room: str | None, building: str = "b-north", cost: Money | None = None, **text: str
) -> CreateTrackableAssetIntent:
    fields = CustomFieldMap.of(
        [CustomField.text(k, v) for k, v in text.items()]
        + ([CustomField.money("replacement_cost", cost)] if cost else [])
    )
    assignment = StructuralAssignment(room_id=room, building_id=building) if room else None
    return CreateTrackableAssetIntent(
        asset_id=asset_id,
        name=asset_id.upper(),
        asset_type=asset_type,
        custom_fields=fields,
        structural_assignment=assignment,
        created_by_user_id="alice",
    )


async def estate_world(app: NomosApp) -> None:
    await dispatch(app, CreateEstateIntent(estate_id=ESTATE, name="Corporate Campus"))
    await dispatch(app, CreateSiteWithTopologyDraftIntent(site_id="site-1", site_name="HQ", estate_id=ESTATE))
    await dispatch(app, CreateBuildingIntent(building_id="b-north", site_id="site-1", name="North Wing", level_count=2))
    await dispatch(app, CreateBuildingIntent(building_id="b-south", site_id="site-1", name="South Wing"))
    await dispatch(app, SetBuildingFootprintIntent(building_id="b-north", footprint=NORTH_FOOTPRINT))
    for room_id, building, name, level in (
        ("r-plant", "b-north", "Plant Room", 0),
        ("r-office", "b-north", "Office", 1),
        ("r-store", "b-south", "Store", 0),
    ):
        await dispatch(app, CreateRoomIntent(room_id=room_id, building_id=building, name=name, level=level))
    for intent in (
        _asset("hvac-1", "hvac", "r-plant", cost=Money.eur(12_000)),
        _asset("hvac-2", "hvac", "r-plant", cost=Money.eur(8_000), refrigerant="R410A"),
        _asset("chiller-1", "chiller", "r-office", cost=Money.gbp(50_000)),
        _asset("desk-1", "generic", None),
    ):
        await dispatch(app, intent)


async def media_world(app: NomosApp) -> None:
    """A voice note about hvac-1 with its transcription, a photo in folder Plans, a report at the root."""
    await dispatch(app, CreateFolderIntent(folder_id="f-plans", name="Plans", created_by="alice"))
    files = (
        (
            "a-note",
            "note.wav",
            b"RIFF-voice-1",
            "audio/wav",
            None,
            AttachmentTarget(target_type=ResourceType.trackable_asset, target_id="hvac-1"),
        ),
        ("a-photo", "photo.jpg", b"\xff\xd8jpeg", "image/jpeg", "f-plans", None),
        ("a-photo-2", "photo.jpg", b"\xff\xd8jpeg-2", "image/jpeg", "f-plans", None),
        ("a-report", "report.pdf", b"%PDF-1.7", "application/pdf", None, None),
    )
    for attachment_id, name, data, content_type, folder, target in files:
        ref = await app.blob.upload_blob(data, content_type)
        await dispatch(
            app,
            CreateAttachmentIntentV2(
                attachment_id=attachment_id,
                blob_ref=ref,
                file_name=name,
                folder_id=folder,
                target=target,
                created_by="alice",
            ),
        )
    await dispatch(
        app,
        UpdateVoiceNoteTranscriptionIntent(attachment_id="a-note", transcription="Filter clogged", updated_by="alice"),
    )

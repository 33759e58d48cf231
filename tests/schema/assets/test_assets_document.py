"""Every code example of the intents document about trackable assets, as a test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, MemoryPersistence, NomosApp, SerializationError, SnapshotReader
from schema import co2_modules
from schema.assets import (
    AssetChanges,
    BulkUpdateTrackableAssetsIntent,
    CreateTrackableAssetIntent,
    TrackableAssetAggregate,
)
from schema.contracts import (
    AssetNickname,
    AssetType,
    CustomField,
    CustomFieldMap,
    RoomId,
    StructuralAssignment,
    TrackableAssetId,
    UserId,
)
from tests.schema.estates.campus import ESTATE, Campus, build_campus
from tests.schema.helpers import estate_ctx

CTX = estate_ctx(ESTATE, "alice")
user_id = current_user_id = UserId("alice")


async def _display_name(reader: SnapshotReader, user: str) -> str | None:
    return {"alice": "Alice"}.get(user)


@pytest.fixture
async def named_app() -> AsyncIterator[NomosApp]:
    """The CO2 app, where the user alice is called Alice."""
    app = NomosApp(MemoryPersistence(), modules=co2_modules(), name_resolvers={"user": _display_name})
    async with app:
        yield app


@pytest.fixture
async def campus(co2_app: NomosApp) -> Campus:
    return await build_campus(co2_app)


def hvac_unit_a() -> CreateTrackableAssetIntent:
    # final intent = CreateTrackableAssetIntent(name: AssetNickname('HVAC Unit A'),
    #   assetType: AssetType.fromCode('hvac'), createdByUserId: userId,
    #   structuralAssignment: StructuralAssignment(roomId: RoomId('room-123')));
    return CreateTrackableAssetIntent(
        name=AssetNickname("HVAC Unit A"),
        asset_type=AssetType.from_code("hvac"),
        created_by_user_id=user_id,
        structural_assignment=StructuralAssignment(room_id=RoomId("room-123")),
    )


def test_the_documents_camel_case_spelling_builds_the_same_intent() -> None:
    room = StructuralAssignment(roomId=RoomId("room-123"))  # type: ignore[call-arg]
    spelled_as_in_the_document = CreateTrackableAssetIntent(  # type: ignore[call-arg]
        name=AssetNickname("HVAC Unit A"),
        assetType=AssetType.from_code("hvac"),
        createdByUserId=user_id,
        structuralAssignment=room,
    )
    assert spelled_as_in_the_document == hvac_unit_a()


def test_to_json_writes_the_documents_keys(co2_app: NomosApp) -> None:
    intent = hvac_unit_a()
    data = intent.to_json()
    assert {key: data[key] for key in ("name", "assetType", "createdByUserId", "serialisationTargetClassName")} == {
        "name": "HVAC Unit A",
        "assetType": "hvac",
        "createdByUserId": "alice",
        "serialisationTargetClassName": "CreateTrackableAssetIntent",
    }
    assert data["assetId"] is None and data["description"] is None and data["customFields"] == {}
    assert data["structuralAssignment"]["roomId"] == "room-123"
    assert co2_app.registry.intent_from_json(data) == intent


def test_from_json_reads_what_the_document_writes(co2_app: NomosApp) -> None:
    document_json = {
        "id": "0190f1c2-0000-7000-8000-000000000001",
        "assetId": None,
        "name": "HVAC Unit A",
        "description": None,
        "assetType": "hvac",
        "createdByUserId": "user-123",
        "customFields": None,  # fromJson reads a null map as empty
        "serialisationTargetClassName": "CreateTrackableAssetIntent",
    }
    intent = co2_app.registry.intent_from_json(document_json)
    assert isinstance(intent, CreateTrackableAssetIntent)
    assert intent.custom_fields == CustomFieldMap.empty()
    assert str(intent) == "CreateTrackableAssetIntent(HVAC Unit A: hvac)"


def test_json_without_the_type_field_is_refused(co2_app: NomosApp) -> None:
    data = hvac_unit_a().to_json()
    del data["serialisationTargetClassName"]
    with pytest.raises(SerializationError, match='must contain a "serialisationTargetClassName" field'):
        co2_app.registry.intent_from_json(data)


async def test_describe_renders_alice_created_asset_hvac_unit_a(named_app: NomosApp) -> None:
    await build_campus(named_app)
    entry = await named_app.dispatch(hvac_unit_a(), CTX)
    assert entry.description == "Alice created asset HVAC Unit A (hvac)"

    # typeLabel is left out for generic assets
    generic = CreateTrackableAssetIntent(
        name=AssetNickname("New Asset"), asset_type=AssetType.from_code("generic"), created_by_user_id=current_user_id
    )
    assert (await named_app.dispatch(generic, CTX)).description == "Alice created asset New Asset"


async def test_the_example_asset_is_placed_in_room_123(co2_app: NomosApp, campus: Campus) -> None:
    entry = await co2_app.dispatch(hvac_unit_a(), CTX)

    # Intent -> ProvisionAssetDirective -> AssetCreatedEvent, as the document's table has it
    assert [d.type_name for d in entry.directives] == ["ProvisionAssetDirective"]
    (record,) = entry.events
    assert record.event.type_name == "AssetCreatedEvent"
    asset = await co2_app.read_latest(TrackableAssetAggregate, ESTATE, "main", record.aggregate_id)
    assert asset is not None
    assert asset.name == AssetNickname("HVAC Unit A") and asset.asset_type.code == "hvac"
    assignment = asset.structural_assignment
    assert assignment is not None and assignment.room_id == RoomId("room-123")
    assert assignment.building_id is not None and assignment.building_id.value == campus.building_id
    assert assignment.site_id is not None and assignment.site_id.value == campus.site_id


async def test_the_example_with_custom_fields(co2_app: NomosApp, campus: Campus) -> None:
    room_id = RoomId(campus.room_id)
    intent = CreateTrackableAssetIntent(
        name=AssetNickname("HVAC Unit"),
        asset_type=AssetType.from_code("hvac"),
        created_by_user_id=user_id,
        structural_assignment=StructuralAssignment(room_id=room_id),
        custom_fields=CustomFieldMap({"temperature_setpoint": "72"}),
    )
    entry = await co2_app.dispatch(intent, CTX)

    asset = await co2_app.read_latest(TrackableAssetAggregate, ESTATE, "main", entry.events[0].aggregate_id)
    assert asset is not None
    assert asset.custom_fields["temperature_setpoint"] == CustomField.text("temperature_setpoint", "72")


async def test_create_and_dispatch_a_generic_asset(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateTrackableAssetIntent(
        name=AssetNickname("New Asset"),
        asset_type=AssetType.from_code("generic"),
        created_by_user_id=current_user_id,
    )
    entry = await co2_app.dispatch(intent, CTX)
    assert entry.success and entry.description == "alice created asset New Asset"


async def test_always_use_domain_types_example(co2_app: NomosApp, campus: Campus) -> None:
    # "Good": CreateTrackableAssetIntent(name: AssetNickname('Unit A'), createdByUserId: UserId('user-123'))
    intent = CreateTrackableAssetIntent(name=AssetNickname("Unit A"), created_by_user_id=UserId("user-123"))
    assert intent.asset_type == AssetType.generic  # no type given: generic, as AssetType.fromCode(null)

    # The field names who acts: dispatched by anyone else, the engine refuses it.
    with pytest.raises(IntentRejected) as caught:
        await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))
    assert caught.value.rule == "intent.actor_mismatch" and caught.value.field == "createdByUserId"
    assert (await co2_app.dispatch(intent, estate_ctx(ESTATE, "user-123"))).success


def test_intents_track_who_initiated_the_action() -> None:
    # createdByUserId: currentUserId, // Always set this
    with pytest.raises(ValidationError) as caught:
        CreateTrackableAssetIntent(name=AssetNickname("Asset"), asset_type=AssetType.from_code("generic"))  # type: ignore[call-arg]
    assert caught.value.errors()[0]["loc"] == ("createdByUserId",)


def test_validate_early() -> None:
    # if (name.value.isEmpty) throw ArgumentError('Asset name cannot be empty');
    with pytest.raises(ValidationError) as caught:
        CreateTrackableAssetIntent(name=AssetNickname(""), created_by_user_id=user_id)
    assert caught.value.errors()[0]["loc"] == ("name",)
    # if (structuralAssignment != null && roomId == null) throw ArgumentError('Room ID required ...');
    with pytest.raises(ValidationError) as caught:
        CreateTrackableAssetIntent.model_validate(
            {"name": "Unit A", "createdByUserId": "alice", "structuralAssignment": {"buildingId": "b-1"}}
        )
    assert caught.value.errors()[0]["loc"] == ("structuralAssignment", "roomId")


def test_dispatched_intents_cannot_be_modified() -> None:
    intent = hvac_unit_a()
    with pytest.raises(ValidationError, match="frozen"):
        intent.name = AssetNickname("Renamed")  # type: ignore[misc]


async def test_for_large_datasets_use_one_bulk_intent(co2_app: NomosApp, campus: Campus) -> None:
    asset1, asset2, asset3 = (TrackableAssetId(f"asset-{n}") for n in (1, 2, 3))
    for asset in (asset1, asset2, asset3):
        create = CreateTrackableAssetIntent(asset_id=asset, name=AssetNickname(asset.value), created_by_user_id=user_id)
        await co2_app.dispatch(create, CTX)
    before = await co2_app.head(ESTATE, "main")

    # BulkUpdateTrackableAssetsIntent(assetIds: [asset1, asset2, asset3], updates: {...})
    intent = BulkUpdateTrackableAssetsIntent(
        asset_ids=[asset1, asset2, asset3],
        updates=AssetChanges(asset_type=AssetType.from_code("chiller")),
        updated_by=current_user_id,
    )
    entry = await co2_app.dispatch(intent, CTX)

    assert entry.workspace_intent_sequence == before + 1
    assert sorted(r.aggregate_id for r in entry.events) == ["asset-1", "asset-2", "asset-3"]
    assert entry.description == "alice updated 3 assets (type)"
    for asset in (asset1, asset2, asset3):
        state = await co2_app.read_latest(TrackableAssetAggregate, ESTATE, "main", asset.value)
        assert state is not None and state.asset_type.code == "chiller"

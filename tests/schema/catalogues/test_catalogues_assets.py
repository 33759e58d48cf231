"""Assets made from catalogue listings in an estate: ordinary TrackableAssetAggregates."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from nomos_mongo import BasicQuery, IntentRejected, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.assets import AssetPosition, TrackableAssetAggregate
from schema.assets.events import AssetCreatedEvent, AssetMovedEvent
from schema.catalogues import (
    MAX_ASSETS_FROM_LISTING,
    BulkCreateAssetsFromListingIntent,
    CreateAssetFromListingIntent,
    CreateAssetFromListingWithPositionIntent,
    CreateCatalogueIntent,
    CreateCatalogueListingIntent,
    ListingChanges,
    UpdateListingAggregateIntent,
)
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import (
    AssetDescription,
    AssetNickname,
    AssetType,
    BuildingId,
    BuildingLevel,
    CatalogueId,
    CatalogueListingId,
    CatalogueName,
    CustomField,
    CustomFieldMap,
    CustomFieldSource,
    ListingDescription,
    ListingStatus,
    ListingTitle,
    RoomId,
    RoomName,
    StructuralAssignment,
    TrackableAssetId,
    UserId,
)
from schema.estates import CreateRoomIntent
from tests.schema.estates.campus import ESTATE, Campus, build_campus
from tests.schema.helpers import estate_ctx, system_ctx

LISTING = CatalogueListingId("listing-123")
ALICE = UserId("alice")


@pytest.fixture
async def campus(co2_app: NomosApp) -> Campus:
    """The campus of the estates tests, with room-456 too, and an active chiller listing."""
    campus = await build_campus(co2_app)
    room = CreateRoomIntent(
        room_id=RoomId("room-456"),
        building_id=BuildingId(campus.building_id),
        name=RoomName("Roof"),
        level=BuildingLevel(2),
    )
    await co2_app.dispatch(room, estate_ctx(ESTATE, "alice"))
    await co2_app.dispatch(
        CreateCatalogueIntent(catalogue_id=CatalogueId("cat-hvac"), name=CatalogueName("HVAC"), created_by=ALICE),
        system_ctx("alice"),
    )
    await co2_app.dispatch(
        CreateCatalogueListingIntent(
            catalogue_id=CatalogueId("cat-hvac"),
            listing_id=LISTING,
            title=ListingTitle("Standard Chiller Unit"),
            description=ListingDescription("Air-cooled, 350 kW"),
            asset_type=AssetType.from_code("chiller"),
            default_custom_fields=CustomFieldMap({"refrigerant": "R-134a", "serial": "unknown"}),
            created_by=ALICE,
        ),
        system_ctx("alice"),
    )
    return campus


async def asset(app: NomosApp, asset_id: str) -> TrackableAssetAggregate:
    found = await app.read_latest(TrackableAssetAggregate, ESTATE, "main", asset_id)
    assert found is not None
    return found


async def assert_rejected(app: NomosApp, intent: object, rule: str) -> IntentRejected:
    before = await app.head(ESTATE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(ESTATE, "alice"))  # type: ignore[arg-type]
    assert caught.value.rule == rule, caught.value
    assert await app.head(ESTATE, "main") == before
    return caught.value


async def assert_ledger_round_trips(app: NomosApp, workspace_id: str) -> None:
    """Every stored intent, directive and event survives the JSON a MongoDB ledger stores,
    and re-executing the timeline reproduces its events and snapshots."""
    entries = await app.read_timeline(workspace_id, "main")
    assert entries
    for entry in entries:
        stored = json.loads(json.dumps(entry_to_document(entry)))
        back = entry_from_document(app.registry, stored)
        assert (back.intent, back.directives, back.events) == (entry.intent, entry.directives, entry.events)
    for state in (await app.state_at_sequence(workspace_id, "main", inclusive_sequence=len(entries))).values():
        assert app.registry.aggregate_from_json(json.loads(json.dumps(state.to_json()))) == state
    report = await app.verify_timeline(workspace_id, "main")
    assert report.ok, report.divergence


async def test_the_documents_example_places_a_listing_asset_in_room_456(co2_app: NomosApp, campus: Campus) -> None:
    user_id = ALICE
    intent = CreateAssetFromListingWithPositionIntent(
        listing_id=CatalogueListingId("listing-123"),
        structural_assignment=StructuralAssignment(room_id=RoomId("room-456")),
        custom_nickname=AssetNickname("HVAC Unit B"),
        created_by=user_id,
    )
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    [record] = entry.events
    assert isinstance(record.event, AssetCreatedEvent)
    created = await asset(co2_app, record.aggregate_id)
    assert created.name == AssetNickname("HVAC Unit B")
    assert created.asset_type == AssetType.from_code("chiller")
    assert created.description == AssetDescription("Air-cooled, 350 kW")
    assert created.structural_assignment == StructuralAssignment(
        room_id=RoomId("room-456"), building_id=BuildingId(campus.building_id), site_id=campus.site_id, level=2
    )
    assert created.custom_fields["refrigerant"].source is CustomFieldSource.listing
    assert co2_app.registry.aggregate_from_json(created.to_json()) == created
    assert entry.description == "alice created asset HVAC Unit B from listing Standard Chiller Unit"


async def test_an_unplaced_asset_named_after_its_listing(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateAssetFromListingIntent(
        listing_id=LISTING,
        asset_id=TrackableAssetId("chiller-1"),
        custom_fields=CustomFieldMap({"serial": "SN-77"}),
        created_by=ALICE,
    )
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    created = await asset(co2_app, "chiller-1")
    assert created.name == AssetNickname("Standard Chiller Unit") and created.structural_assignment is None
    assert created.custom_fields["serial"] == CustomField.text("serial", "SN-77")  # the user's value wins
    assert created.custom_fields["refrigerant"].text_value == "R-134a"
    assert entry.description == "alice created an asset from listing Standard Chiller Unit"
    await assert_rejected(co2_app, intent.model_copy(update={"id": None}), "asset.exists")


async def test_an_asset_at_a_position_on_the_earth(co2_app: NomosApp, campus: Campus) -> None:
    position = AssetPosition(latitude=-33.8688, longitude=151.2093)
    intent = CreateAssetFromListingWithPositionIntent(
        listing_id=LISTING, asset_id=TrackableAssetId("chiller-roof"), position=position, created_by=ALICE
    )

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    assert [type(r.event) for r in entry.events] == [AssetCreatedEvent, AssetMovedEvent]
    created = await asset(co2_app, "chiller-roof")
    assert created.position == position and created.structural_assignment is None
    with pytest.raises(ValidationError, match="structuralAssignment"):
        CreateAssetFromListingWithPositionIntent(listing_id=LISTING, created_by=ALICE)
    with pytest.raises(ValidationError, match="structuralAssignment"):
        CreateAssetFromListingWithPositionIntent(
            listing_id=LISTING,
            position=position,
            structural_assignment=StructuralAssignment(room_id=RoomId("room-456")),
            created_by=ALICE,
        )


async def test_assets_come_from_an_active_listing_into_an_existing_room(co2_app: NomosApp, campus: Campus) -> None:
    missing = CreateAssetFromListingIntent(listing_id=CatalogueListingId("listing-none"), created_by=ALICE)
    await assert_rejected(co2_app, missing, "catalogues.listing_not_found")
    elsewhere = CreateAssetFromListingWithPositionIntent(
        listing_id=LISTING, structural_assignment=StructuralAssignment(room_id=RoomId("room-999")), created_by=ALICE
    )
    await assert_rejected(co2_app, elsewhere, "asset.room_not_found")

    archive = UpdateListingAggregateIntent(
        listing_id=LISTING, changes=ListingChanges(status=ListingStatus.archived), updated_by=ALICE
    )
    await co2_app.dispatch(archive, system_ctx("alice"))
    error = await assert_rejected(
        co2_app, CreateAssetFromListingIntent(listing_id=LISTING, created_by=ALICE), "catalogues.listing_not_active"
    )
    assert "is archived" in error.reason


async def test_assets_need_an_estate(co2_app: NomosApp, campus: Campus) -> None:
    with pytest.raises(IntentRejected) as caught:
        await co2_app.dispatch(
            CreateAssetFromListingIntent(listing_id=LISTING, created_by=ALICE), estate_ctx("estate-none", "alice")
        )
    assert caught.value.rule == "asset.estate_not_found"


async def test_bulk_creation_is_one_atomic_write(co2_app: NomosApp, campus: Campus) -> None:
    intent = BulkCreateAssetsFromListingIntent(
        listing_id=LISTING,
        count=25,
        structural_assignment=StructuralAssignment(room_id=RoomId("room-123")),
        created_by=ALICE,
    )
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent
    before = await co2_app.head(ESTATE, "main")

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    assert entry.workspace_intent_sequence == before + 1
    assert len(entry.events) == 25 and len({r.aggregate_id for r in entry.events}) == 25
    assets = await co2_app.query(TrackableAssetAggregate, ESTATE, "main", BasicQuery(order_by_field="created_at"))
    names = sorted(a.name.value for a in assets)
    assert names[:3] == ["Standard Chiller Unit 1", "Standard Chiller Unit 10", "Standard Chiller Unit 11"]
    assert all(a.structural_assignment and a.structural_assignment.room_id == RoomId("room-123") for a in assets)
    assert all(a.structural_assignment and a.structural_assignment.level == BuildingLevel(1) for a in assets)
    assert entry.description == "alice created 25 assets from listing Standard Chiller Unit"
    await assert_ledger_round_trips(co2_app, ESTATE)
    await assert_ledger_round_trips(co2_app, SYSTEM_WORKSPACE)


async def test_bulk_names_follow_a_prefix(co2_app: NomosApp, campus: Campus) -> None:
    intent = BulkCreateAssetsFromListingIntent(
        listing_id=LISTING, count=2, nickname_prefix=AssetNickname("Roof chiller"), created_by=ALICE
    )

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    names = [(await asset(co2_app, r.aggregate_id)).name.value for r in entry.events]
    assert names == ["Roof chiller 1", "Roof chiller 2"]


async def test_bulk_creation_is_capped_and_all_or_nothing(co2_app: NomosApp, campus: Campus) -> None:
    too_many = BulkCreateAssetsFromListingIntent(
        listing_id=LISTING, count=MAX_ASSETS_FROM_LISTING + 1, created_by=ALICE
    )
    error = await assert_rejected(co2_app, too_many, "catalogues.bulk_limit")
    assert f"at most {MAX_ASSETS_FROM_LISTING} assets" in error.reason and error.field == "count"
    with pytest.raises(ValidationError, match="count"):
        BulkCreateAssetsFromListingIntent(listing_id=LISTING, count=0, created_by=ALICE)

    nowhere = BulkCreateAssetsFromListingIntent(
        listing_id=LISTING,
        count=3,
        structural_assignment=StructuralAssignment(room_id=RoomId("room-999")),
        created_by=ALICE,
    )
    await assert_rejected(co2_app, nowhere, "asset.room_not_found")
    assert await co2_app.query(TrackableAssetAggregate, ESTATE, "main") == []


async def test_the_cap_is_reachable(co2_app: NomosApp, campus: Campus) -> None:
    intent = BulkCreateAssetsFromListingIntent(listing_id=LISTING, count=MAX_ASSETS_FROM_LISTING, created_by=ALICE)
    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))
    assert len(entry.events) == MAX_ASSETS_FROM_LISTING

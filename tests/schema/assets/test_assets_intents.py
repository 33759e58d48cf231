"""Trackable-asset intents on the engine: events, resulting aggregates, rules and sentences."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import BasicQuery, FieldFilter, NomosApp
from schema.assets import MODULE as ASSETS
from schema.assets import (
    AssetChanges,
    AssetPosition,
    BulkUpdateTrackableAssetsIntent,
    CreateTrackableAssetCommentIntent,
    CreateTrackableAssetIntent,
    DeleteTrackableAssetIntent,
    MoveTrackableAssetsIntent,
    TrackableAssetAggregate,
    TrackableAssetCommentAggregate,
    UpdateTrackableAssetIntent,
)
from schema.common import Access, Co2Intent, Scope
from schema.contracts import (
    AssetDescription,
    AssetMovePayload,
    AssetNickname,
    AssetType,
    BuildingId,
    BuildingLevel,
    CommentText,
    CustomField,
    CustomFieldMap,
    RoomId,
    RoomName,
    StructuralAssignment,
    TrackableAssetId,
    UserId,
)
from schema.estates import CreateRoomIntent
from tests.schema.estates.campus import (
    ESTATE,
    Campus,
    assert_rejected,
    assert_round_trips,
    build_campus,
    create_estate_intent,
)
from tests.schema.helpers import estate_ctx

CTX = estate_ctx(ESTATE, "alice")
ALICE = UserId("alice")
UNIT_A = TrackableAssetId("unit-a")
UNIT_B = TrackableAssetId("unit-b")


@pytest.fixture
async def campus(co2_app: NomosApp) -> Campus:
    campus = await build_campus(co2_app)
    for asset_id, name in ((UNIT_A, "HVAC Unit A"), (UNIT_B, "HVAC Unit B")):
        create = CreateTrackableAssetIntent(
            asset_id=asset_id,
            name=AssetNickname(name),
            asset_type=AssetType.from_code("hvac"),
            created_by_user_id=ALICE,
            custom_fields=CustomFieldMap({"serial": "SN-1", "filter": "F7"}),
        )
        await co2_app.dispatch(create, CTX)
    return campus


async def asset(app: NomosApp, asset_id: TrackableAssetId = UNIT_A) -> TrackableAssetAggregate:
    state = await app.read_latest(TrackableAssetAggregate, ESTATE, "main", asset_id.value)
    assert state is not None
    return state


def update(changes: AssetChanges, asset_id: TrackableAssetId = UNIT_A) -> UpdateTrackableAssetIntent:
    return UpdateTrackableAssetIntent(asset_id=asset_id, updates=changes, updated_by=ALICE)


def into_room(room_id: str, *asset_ids: TrackableAssetId) -> MoveTrackableAssetsIntent:
    assignment = StructuralAssignment(room_id=RoomId(room_id))
    return MoveTrackableAssetsIntent(asset_ids=asset_ids, structural_assignment=assignment, moved_by=ALICE)


# registration ---------------------------------------------------------------------------
@pytest.mark.parametrize("intent_type", ASSETS.intents, ids=lambda t: t.__name__)
def test_every_asset_intent_is_registered_routed_and_estate_scoped(
    co2_app: NomosApp, intent_type: type[Co2Intent]
) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert (intent_type.scope, intent_type.access) == (Scope.WORKSPACE, Access.WRITE)


async def test_every_intent_event_and_aggregate_round_trips_through_json(co2_app: NomosApp, campus: Campus) -> None:
    for intent in (
        update(AssetChanges(description=AssetDescription("Rooftop unit"), removed_custom_fields=("filter",))),
        BulkUpdateTrackableAssetsIntent(
            asset_ids=(UNIT_A, UNIT_B), updates=AssetChanges(asset_type=AssetType("chiller")), updated_by=ALICE
        ),
        into_room(campus.room_id, UNIT_A),
        MoveTrackableAssetsIntent(
            positions=(AssetMovePayload(asset_id=UNIT_B, latitude=-33.8688, longitude=151.2093),), moved_by=ALICE
        ),
        CreateTrackableAssetCommentIntent(asset_id=UNIT_A, text=CommentText("Filter replaced"), created_by=ALICE),
        DeleteTrackableAssetIntent(asset_id=UNIT_B, deleted_by=ALICE),
    ):
        await co2_app.dispatch(intent, CTX)
    entries = await co2_app.read_timeline(ESTATE, "main")
    assert {type(e.intent) for e in entries} >= set(ASSETS.intents)
    await assert_round_trips(co2_app, entries)
    state = await co2_app.state_at_sequence(ESTATE, "main", inclusive_sequence=len(entries))
    assert {"TrackableAssetAggregate", "TrackableAssetCommentAggregate"} <= {ref.type for ref in state}


# create ---------------------------------------------------------------------------------
async def test_an_asset_needs_an_estate(co2_app: NomosApp) -> None:
    intent = CreateTrackableAssetIntent(name=AssetNickname("Pump"), created_by_user_id=ALICE)
    await assert_rejected(co2_app, intent, CTX, "asset.estate_not_found")


async def test_a_structural_assignment_needs_an_existing_room_in_this_estate(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateTrackableAssetIntent(
        name=AssetNickname("Pump"),
        created_by_user_id=ALICE,
        structural_assignment=StructuralAssignment(room_id=RoomId("room-999")),
    )
    rejection = await assert_rejected(co2_app, intent, CTX, "asset.room_not_found")
    assert rejection.field == "structuralAssignment.roomId"

    # A room of another estate is not a room of this one.
    other = estate_ctx("estate-002")
    await co2_app.dispatch(create_estate_intent("estate-002"), other)
    in_this_room = intent.model_copy(update={"structural_assignment": StructuralAssignment(room_id=RoomId("room-123"))})
    await assert_rejected(co2_app, in_this_room, other, "asset.room_not_found")


async def test_a_structural_assignment_must_agree_with_its_room(co2_app: NomosApp, campus: Campus) -> None:
    wrong_level = StructuralAssignment(room_id=RoomId(campus.room_id), level=BuildingLevel(2))
    intent = CreateTrackableAssetIntent(
        name=AssetNickname("Pump"), created_by_user_id=ALICE, structural_assignment=wrong_level
    )
    rejection = await assert_rejected(co2_app, intent, CTX, "asset.assignment_mismatch")
    assert rejection.field == "structuralAssignment.level"
    assert rejection.reason == "room room-123 is in level 1, not 2"


async def test_an_asset_id_is_taken_once(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateTrackableAssetIntent(asset_id=UNIT_A, name=AssetNickname("Again"), created_by_user_id=ALICE)
    await assert_rejected(co2_app, intent, CTX, "asset.exists")


async def test_a_new_asset_is_generic_unassigned_and_fieldless_by_default(co2_app: NomosApp, campus: Campus) -> None:
    entry = await co2_app.dispatch(
        CreateTrackableAssetIntent(name=AssetNickname("Pump"), created_by_user_id=ALICE), CTX
    )
    state = await asset(co2_app, TrackableAssetId(entry.events[0].aggregate_id))
    assert state.asset_type == AssetType.generic
    assert state.structural_assignment is None and state.position is None
    assert state.custom_fields == CustomFieldMap.empty()
    assert state.created_by == ALICE and state.created_at is not None


# update ---------------------------------------------------------------------------------
async def test_update_changes_details_and_custom_fields(co2_app: NomosApp, campus: Campus) -> None:
    changes = AssetChanges(
        name=AssetNickname("Rooftop HVAC"),
        description=AssetDescription("Serves floors 1-3"),
        custom_fields=CustomFieldMap.of([CustomField.number("age_years", 5), CustomField.text("serial", "SN-2")]),
        removed_custom_fields=("filter",),
    )
    entry = await co2_app.dispatch(update(changes), CTX)

    assert entry.description == "alice updated asset HVAC Unit A (name, description, custom fields)"
    assert [r.event.type_name for r in entry.events] == ["AssetUpdatedEvent"]
    state = await asset(co2_app)
    assert state.name == AssetNickname("Rooftop HVAC")
    assert state.description == AssetDescription("Serves floors 1-3")
    assert sorted(state.custom_fields.keys()) == ["age_years", "serial"]
    assert state.custom_fields["serial"].text_value == "SN-2"
    assert state.updated_by == ALICE

    await co2_app.dispatch(update(AssetChanges(description=AssetDescription(""))), CTX)
    assert (await asset(co2_app)).description is None  # an empty description clears it


async def test_update_assigns_and_unassigns_a_room(co2_app: NomosApp, campus: Campus) -> None:
    await co2_app.dispatch(
        update(AssetChanges(structural_assignment=StructuralAssignment(room_id=RoomId(campus.room_id)))), CTX
    )
    placed = (await asset(co2_app)).structural_assignment
    assert placed is not None and placed.building_id == BuildingId(campus.building_id)

    await co2_app.dispatch(update(AssetChanges(clear_structural_assignment=True)), CTX)
    assert (await asset(co2_app)).structural_assignment is None

    missing_room = AssetChanges(structural_assignment=StructuralAssignment(room_id=RoomId("room-999")))
    rejection = await assert_rejected(co2_app, update(missing_room), CTX, "asset.room_not_found")
    assert rejection.field == "updates.structuralAssignment.roomId"


async def test_updating_a_missing_or_deleted_asset_is_refused(co2_app: NomosApp, campus: Campus) -> None:
    rename = AssetChanges(name=AssetNickname("Renamed"))
    await assert_rejected(co2_app, update(rename, TrackableAssetId("nope")), CTX, "asset.not_found")
    await co2_app.dispatch(DeleteTrackableAssetIntent(asset_id=UNIT_A, deleted_by=ALICE), CTX)
    await assert_rejected(co2_app, update(rename), CTX, "asset.not_found")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, "names no change"),
        ({"name": " "}, "must not be empty"),
        ({"structuralAssignment": {"roomId": "r"}, "clearStructuralAssignment": True}, "both set and clear"),
        ({"customFields": {"serial": "x"}, "removedCustomFields": ["serial"]}, "serial also set"),
    ],
)
def test_updates_are_validated_early(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        UpdateTrackableAssetIntent.model_validate({"assetId": "unit-a", "updates": changes, "updatedBy": "alice"})
    assert caught.value.errors()[0]["loc"][0] == "updates"


# bulk update ----------------------------------------------------------------------------
async def test_a_bulk_update_is_all_or_nothing(co2_app: NomosApp, campus: Campus) -> None:
    intent = BulkUpdateTrackableAssetsIntent(
        asset_ids=(UNIT_A, TrackableAssetId("nope"), UNIT_B),
        updates=AssetChanges(asset_type=AssetType("chiller")),
        updated_by=ALICE,
    )
    rejection = await assert_rejected(co2_app, intent, CTX, "asset.not_found")
    assert "nope" in rejection.reason
    assert (await asset(co2_app)).asset_type.code == "hvac"


async def test_a_bulk_update_of_one_asset_names_it(co2_app: NomosApp, campus: Campus) -> None:
    intent = BulkUpdateTrackableAssetsIntent(
        asset_ids=(UNIT_B,), updates=AssetChanges(custom_fields=CustomFieldMap({"zone": "north"})), updated_by=ALICE
    )
    entry = await co2_app.dispatch(intent, CTX)
    assert entry.description == "alice updated asset HVAC Unit B (custom fields)"


@pytest.mark.parametrize(("asset_ids", "problem"), [([], "at least 1"), (["a", "b", "a"], "names a more than once")])
def test_bulk_asset_ids_are_validated(asset_ids: list[str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        BulkUpdateTrackableAssetsIntent.model_validate(
            {"assetIds": asset_ids, "updates": {"assetType": "pump"}, "updatedBy": "alice"}
        )
    assert caught.value.errors()[0]["loc"] == ("assetIds",)


# move -----------------------------------------------------------------------------------
async def test_assets_move_into_a_room(co2_app: NomosApp, campus: Campus) -> None:
    await co2_app.dispatch(
        CreateRoomIntent(
            room_id=RoomId("room-201"),
            building_id=BuildingId(campus.building_id),
            name=RoomName("Server Room"),
            level=BuildingLevel(2),
        ),
        CTX,
    )
    entry = await co2_app.dispatch(into_room("room-201", UNIT_A, UNIT_B), CTX)

    assert entry.description == "alice moved 2 assets to Server Room"
    assert [r.event.type_name for r in entry.events] == ["AssetMovedEvent", "AssetMovedEvent"]
    for asset_id in (UNIT_A, UNIT_B):
        placed = (await asset(co2_app, asset_id)).structural_assignment
        assert placed is not None
        assert (placed.room_id, placed.level) == (RoomId("room-201"), BuildingLevel(2))


async def test_assets_move_to_geographic_positions(co2_app: NomosApp, campus: Campus) -> None:
    await co2_app.dispatch(into_room(campus.room_id, UNIT_A), CTX)
    sydney = AssetMovePayload(
        asset_id=UNIT_A, latitude=-33.8688, longitude=151.2093, altitude_meters=100.5, horizontal_accuracy_meters=5.0
    )
    entry = await co2_app.dispatch(MoveTrackableAssetsIntent(positions=(sydney,), moved_by=ALICE), CTX)

    assert entry.description == "alice moved asset HVAC Unit A to -33.8688, 151.209"
    state = await asset(co2_app)
    assert state.position == AssetPosition(
        latitude=-33.8688, longitude=151.2093, altitude_meters=100.5, horizontal_accuracy_meters=5.0
    )
    assert state.structural_assignment is None  # placed on the map, it has left its room

    both = MoveTrackableAssetsIntent(
        positions=(sydney, AssetMovePayload(asset_id=UNIT_B, latitude=1, longitude=2)), moved_by=ALICE
    )
    entry = await co2_app.dispatch(both, CTX)
    assert entry.description == "alice moved 2 assets to their new positions"
    assert (await asset(co2_app, UNIT_B)).position == AssetPosition(latitude=1, longitude=2)


async def test_moving_a_missing_asset_or_into_a_missing_room_is_refused(co2_app: NomosApp, campus: Campus) -> None:
    await assert_rejected(co2_app, into_room(campus.room_id, UNIT_A, TrackableAssetId("nope")), CTX, "asset.not_found")
    await assert_rejected(co2_app, into_room("room-999", UNIT_A), CTX, "asset.room_not_found")
    lost = AssetMovePayload(asset_id=TrackableAssetId("nope"), latitude=0, longitude=0)
    await assert_rejected(co2_app, MoveTrackableAssetsIntent(positions=(lost,), moved_by=ALICE), CTX, "asset.not_found")


@pytest.mark.parametrize(
    ("move", "problem"),
    [
        ({}, "give a room"),
        ({"structuralAssignment": {"roomId": "r"}}, "name the assets"),
        (
            {
                "structuralAssignment": {"roomId": "r"},
                "assetIds": ["a"],
                "positions": [{"assetId": "a", "latitude": 0, "longitude": 0}],
            },
            "not both",
        ),
        ({"assetIds": ["a"], "positions": [{"assetId": "a", "latitude": 0, "longitude": 0}]}, "leave assetIds empty"),
        ({"positions": [{"assetId": "a", "latitude": 95, "longitude": 0}]}, "less than or equal to 90"),
    ],
)
def test_a_move_has_one_kind_of_destination(move: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        MoveTrackableAssetsIntent.model_validate({**move, "movedBy": "alice"})


# delete and comment ---------------------------------------------------------------------
async def test_a_deleted_asset_keeps_its_name_in_the_audit_trail(co2_app: NomosApp, campus: Campus) -> None:
    entry = await co2_app.dispatch(DeleteTrackableAssetIntent(asset_id=UNIT_A, deleted_by=ALICE), CTX)

    assert [r.event.type_name for r in entry.events] == ["AssetDeletedEvent"]
    assert entry.description == "alice deleted asset HVAC Unit A"
    assert await co2_app.read_latest(TrackableAssetAggregate, ESTATE, "main", UNIT_A.value) is None
    assert await co2_app.describe(entry) == "alice deleted asset HVAC Unit A"
    await assert_rejected(
        co2_app, DeleteTrackableAssetIntent(asset_id=UNIT_A, deleted_by=ALICE), CTX, "asset.not_found"
    )


async def test_comments_are_their_own_aggregates(co2_app: NomosApp, campus: Campus) -> None:
    for text in ("Filter replaced", "Noisy fan"):
        intent = CreateTrackableAssetCommentIntent(asset_id=UNIT_A, text=CommentText(text), created_by=ALICE)
        entry = await co2_app.dispatch(intent, CTX)
    assert entry.description == "alice commented on asset HVAC Unit A"

    query = BasicQuery(filters=(FieldFilter("asset_id", UNIT_A.value),), order_by_field="created_at")
    comments = await co2_app.query(TrackableAssetCommentAggregate, ESTATE, "main", query)
    assert [c.text.value for c in comments] == ["Filter replaced", "Noisy fan"]
    assert all(c.created_by == ALICE for c in comments)


async def test_a_comment_needs_its_asset_and_some_text(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateTrackableAssetCommentIntent(
        asset_id=TrackableAssetId("nope"), text=CommentText("?"), created_by=ALICE
    )
    await assert_rejected(co2_app, intent, CTX, "asset.not_found")
    with pytest.raises(ValidationError) as caught:
        CreateTrackableAssetCommentIntent.model_validate({"assetId": "unit-a", "text": "  ", "createdBy": "alice"})
    assert caught.value.errors()[0]["loc"] == ("text",)

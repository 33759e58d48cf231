"""Estate-structure intents on the engine: events, resulting aggregates, rules and sentences."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import NomosApp
from schema.common import Access, Co2Intent, Scope
from schema.contracts import (
    BuildingId,
    BuildingLevel,
    Distance,
    DistanceUnit,
    EstateId,
    GeoPoint,
    RoomId,
    RoomName,
    SiteId,
    SiteName,
)
from schema.estates import MODULE as ESTATES
from schema.estates import (
    AddFloorPlanTileImageIntent,
    BuildingAggregate,
    CreateBuildingIntent,
    CreateRoomIntent,
    CreateSiteWithTopologyDraftIntent,
    DeleteEstateIntent,
    EstateAggregate,
    FloorPlanTileAggregate,
    PublishSiteTopologyIntent,
    RoomAggregate,
    SetBuildingFootprintIntent,
    SetSiteAnchorIntent,
    SiteAggregate,
    SiteAnchor,
    TileCoordinate,
    TopologyDraftAggregate,
    TopologyStatus,
)
from tests.schema.estates.campus import (
    ESTATE,
    Campus,
    assert_rejected,
    assert_round_trips,
    build_campus,
    create_estate_intent,
    create_site_intent,
)
from tests.schema.helpers import estate_ctx

CTX = estate_ctx(ESTATE)
BOSTON = SiteAnchor(latitude=42.3601, longitude=-71.0589, altitude=Distance(43, DistanceUnit.meters))
SQUARE = (
    GeoPoint(latitude=42.0, longitude=-71.0),
    GeoPoint(latitude=42.0, longitude=-71.001),
    GeoPoint(latitude=42.001, longitude=-71.001),
    GeoPoint(latitude=42.001, longitude=-71.0),
)


@pytest.fixture
async def campus(co2_app: NomosApp) -> Campus:
    return await build_campus(co2_app)


async def draft_of(app: NomosApp, site_id: str = "site-001") -> TopologyDraftAggregate:
    draft = await app.read_latest(TopologyDraftAggregate, ESTATE, "main", site_id)
    assert draft is not None
    return draft


# registration ---------------------------------------------------------------------------
@pytest.mark.parametrize("intent_type", ESTATES.intents, ids=lambda t: t.__name__)
def test_every_estate_intent_is_registered_routed_and_estate_scoped(
    co2_app: NomosApp, intent_type: type[Co2Intent]
) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert intent_type.scope is Scope.WORKSPACE


def test_who_may_dispatch_what() -> None:
    access = {t.__name__: t.access for t in ESTATES.intents}
    assert access.pop("CreateEstateIntent") is Access.AUTHENTICATED
    assert access.pop("DeleteEstateIntent") is Access.OWNER
    assert access.pop("PublishSiteTopologyIntent") is Access.ADMIN
    assert set(access.values()) == {Access.WRITE}


async def test_every_intent_event_and_aggregate_round_trips_through_json(co2_app: NomosApp, campus: Campus) -> None:
    building = BuildingId(campus.building_id)
    image = await co2_app.blob.upload_blob(b"\x89PNG tile", "image/png")
    for intent in (
        SetSiteAnchorIntent(site_id=SiteId(campus.site_id), anchor=BOSTON),
        SetBuildingFootprintIntent(building_id=building, footprint=SQUARE),
        AddFloorPlanTileImageIntent(building_id=building, level=BuildingLevel(0), image=image),
        CreateBuildingIntent(site_id=SiteId(campus.site_id), name="Annex", lowest_level=BuildingLevel(-1)),
        PublishSiteTopologyIntent(site_id=SiteId(campus.site_id)),
    ):
        await co2_app.dispatch(intent, CTX)
    entries = await co2_app.read_timeline(ESTATE, "main")
    assert {type(e.intent) for e in entries} == set(ESTATES.intents) - {DeleteEstateIntent}
    await assert_round_trips(co2_app, entries)
    state = await co2_app.state_at_sequence(ESTATE, "main", inclusive_sequence=len(entries))
    assert {ref.type for ref in state} >= {t.__name__ for t in ESTATES.aggregates}


# estates --------------------------------------------------------------------------------
async def test_an_existing_estate_cannot_be_created_again(co2_app: NomosApp, campus: Campus) -> None:
    await assert_rejected(co2_app, create_estate_intent(), CTX, "estate.exists")


async def test_an_estate_is_created_in_its_own_workspace(co2_app: NomosApp) -> None:
    rejection = await assert_rejected(
        co2_app, create_estate_intent(), estate_ctx("elsewhere"), "estate.workspace_mismatch"
    )
    assert rejection.field == "estateId"


def test_an_estate_needs_a_name() -> None:
    with pytest.raises(ValidationError) as caught:
        create_estate_intent().model_validate({"estateId": "e-1", "name": "   "})
    assert caught.value.errors()[0]["loc"] == ("name",)


async def test_deleting_an_estate_with_sites_is_refused_with_a_reason(co2_app: NomosApp, campus: Campus) -> None:
    rejection = await assert_rejected(co2_app, DeleteEstateIntent(estate_id=EstateId(ESTATE)), CTX, "estate.has_sites")
    assert "still has 1 site(s) (site-001)" in rejection.reason


async def test_an_estate_without_sites_is_deleted_and_its_id_not_reused(co2_app: NomosApp) -> None:
    await co2_app.dispatch(create_estate_intent(), CTX)
    entry = await co2_app.dispatch(DeleteEstateIntent(estate_id=EstateId(ESTATE)), CTX)

    assert [r.event.type_name for r in entry.events] == ["EstateDeletedEvent"]
    await assert_round_trips(co2_app, [entry])
    assert entry.description == "alice deleted estate Corporate Campus"
    assert await co2_app.read_latest(EstateAggregate, ESTATE, "main", ESTATE) is None
    await assert_rejected(co2_app, create_estate_intent(), CTX, "estate.exists")
    await assert_rejected(co2_app, create_site_intent(), CTX, "estate.estate_not_found")
    await assert_rejected(co2_app, DeleteEstateIntent(estate_id=EstateId(ESTATE)), CTX, "estate.estate_not_found")


async def test_undoing_the_only_site_lets_the_estate_go(co2_app: NomosApp) -> None:
    await co2_app.dispatch(create_estate_intent(), CTX)
    await co2_app.dispatch(create_site_intent(), CTX)
    await co2_app.undo_latest(ESTATE, "main")

    assert await co2_app.read_latest(SiteAggregate, ESTATE, "main", "site-001") is None
    entry = await co2_app.dispatch(DeleteEstateIntent(estate_id=EstateId(ESTATE)), CTX)
    assert entry.success


# sites ----------------------------------------------------------------------------------
async def test_a_site_needs_its_estate(co2_app: NomosApp) -> None:
    rejection = await assert_rejected(co2_app, create_site_intent(), CTX, "estate.estate_not_found")
    assert rejection.field == "estateId"


async def test_a_site_id_is_taken_once(co2_app: NomosApp, campus: Campus) -> None:
    await assert_rejected(co2_app, create_site_intent(), CTX, "estate.site_exists")


async def test_a_site_without_id_or_buildings_gets_a_derived_id(co2_app: NomosApp) -> None:
    await co2_app.dispatch(create_estate_intent(), CTX)
    intent = CreateSiteWithTopologyDraftIntent(site_name=SiteName("Depot"), estate_id=EstateId(ESTATE))
    entry = await co2_app.dispatch(intent, CTX)

    assert entry.description == "alice created site Depot in Corporate Campus with no buildings"
    site_id = entry.events[0].aggregate_id
    site = await co2_app.read_latest(SiteAggregate, ESTATE, "main", site_id)
    assert site is not None and site.building_ids == () and site.name == SiteName("Depot")


def test_initial_buildings_need_names() -> None:
    with pytest.raises(ValidationError, match="a building needs a name") as caught:
        CreateSiteWithTopologyDraftIntent.model_validate(
            {"siteName": "Depot", "estateId": ESTATE, "initialBuilding": {"name": " ", "levelCount": 2}}
        )
    assert caught.value.errors()[0]["loc"] == ("initialBuilding",)


# buildings and rooms --------------------------------------------------------------------
async def test_a_building_is_added_to_its_site_and_to_the_draft(co2_app: NomosApp, campus: Campus) -> None:
    await co2_app.dispatch(PublishSiteTopologyIntent(site_id=SiteId(campus.site_id)), CTX)
    intent = CreateBuildingIntent(
        building_id=BuildingId("annex"),
        site_id=SiteId(campus.site_id),
        name="Annex",
        level_count=4,
        lowest_level=BuildingLevel(-2),
    )
    entry = await co2_app.dispatch(intent, CTX)

    assert entry.description == "alice created building Annex in Building A"
    annex = await co2_app.read_latest(BuildingAggregate, ESTATE, "main", "annex")
    assert annex is not None and list(annex.levels) == [-2, -1, 0, 1]
    site = await co2_app.read_latest(SiteAggregate, ESTATE, "main", campus.site_id)
    assert site is not None and site.building_ids[-1] == BuildingId("annex")
    draft = await draft_of(co2_app)
    assert draft.status is TopologyStatus.draft and draft.unpublished_changes == 1 and draft.version == 1


async def test_a_building_needs_its_site(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateBuildingIntent(site_id=SiteId("nowhere"), name="Annex")
    rejection = await assert_rejected(co2_app, intent, CTX, "estate.site_not_found")
    assert rejection.field == "siteId"


def test_a_building_stays_within_the_level_range() -> None:
    with pytest.raises(ValidationError, match="levelCount"):
        CreateBuildingIntent(site_id=SiteId("s"), name="Tower", lowest_level=BuildingLevel(900), level_count=200)


async def test_a_room_is_created_on_a_level_of_its_building(co2_app: NomosApp, campus: Campus) -> None:
    room = await co2_app.read_latest(RoomAggregate, ESTATE, "main", campus.room_id)
    assert room is not None
    assert room.building_id == BuildingId(campus.building_id)
    assert room.site_id == SiteId(campus.site_id)  # read from the building
    assert room.level == BuildingLevel(1)
    building = await co2_app.read_latest(BuildingAggregate, ESTATE, "main", campus.building_id)
    assert building is not None and building.room_ids == (RoomId(campus.room_id),)
    entries = await co2_app.read_timeline(ESTATE, "main")
    assert entries[-1].description == "alice created room Plant Room on level 1 of Main Structure"
    assert (await draft_of(co2_app)).unpublished_changes == 1


async def test_a_room_needs_its_building(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateRoomIntent(building_id=BuildingId("nowhere"), name=RoomName("Lobby"), level=BuildingLevel(0))
    rejection = await assert_rejected(co2_app, intent, CTX, "estate.building_not_found")
    assert rejection.field == "buildingId"


async def test_a_room_level_must_be_one_of_the_buildings_levels(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateRoomIntent(building_id=BuildingId(campus.building_id), name=RoomName("Roof"), level=BuildingLevel(3))
    rejection = await assert_rejected(co2_app, intent, CTX, "estate.level_out_of_range")
    assert rejection.reason == "building Main Structure has levels 0 to 2; level 3 is not one of them"


async def test_a_room_id_is_taken_once(co2_app: NomosApp, campus: Campus) -> None:
    intent = CreateRoomIntent(
        room_id=RoomId(campus.room_id),
        building_id=BuildingId(campus.building_id),
        name=RoomName("Again"),
        level=BuildingLevel(0),
    )
    await assert_rejected(co2_app, intent, CTX, "estate.room_exists")


# topology -------------------------------------------------------------------------------
async def test_publishing_bumps_the_version_and_only_when_something_changed(co2_app: NomosApp, campus: Campus) -> None:
    publish = PublishSiteTopologyIntent(site_id=SiteId(campus.site_id))
    entry = await co2_app.dispatch(publish, CTX)

    assert entry.description == "alice published the topology of Building A"
    draft = await draft_of(co2_app)
    assert (draft.status, draft.version, draft.unpublished_changes) == (TopologyStatus.published, 1, 0)
    assert draft.published_by is not None and draft.published_by.value == "alice"

    await assert_rejected(co2_app, publish, CTX, "estate.topology_unchanged")

    await co2_app.dispatch(SetSiteAnchorIntent(site_id=SiteId(campus.site_id), anchor=BOSTON), CTX)
    assert (await draft_of(co2_app)).status is TopologyStatus.draft
    await co2_app.dispatch(publish, CTX)
    assert (await draft_of(co2_app)).version == 2


async def test_publishing_needs_the_site(co2_app: NomosApp, campus: Campus) -> None:
    await assert_rejected(co2_app, PublishSiteTopologyIntent(site_id=SiteId("nowhere")), CTX, "estate.site_not_found")


# anchors, footprints, floor plans -------------------------------------------------------
async def test_a_site_anchor_is_set(co2_app: NomosApp, campus: Campus) -> None:
    entry = await co2_app.dispatch(SetSiteAnchorIntent(site_id=SiteId(campus.site_id), anchor=BOSTON), CTX)

    assert entry.description == "alice anchored Building A at 42.3601, -71.0589"
    site = await co2_app.read_latest(SiteAggregate, ESTATE, "main", campus.site_id)
    assert site is not None and site.anchor == BOSTON


async def test_an_anchor_needs_its_site(co2_app: NomosApp, campus: Campus) -> None:
    intent = SetSiteAnchorIntent(site_id=SiteId("nowhere"), anchor=BOSTON)
    await assert_rejected(co2_app, intent, CTX, "estate.site_not_found")


@pytest.mark.parametrize(
    ("anchor", "location"),
    [
        ({"latitude": 91, "longitude": 0}, ("anchor", "latitude")),
        ({"latitude": 0, "longitude": -181}, ("anchor", "longitude")),
        ({"latitude": 0, "longitude": 0, "altitude": {"value": 30, "unit": "kilometers"}}, ("anchor", "altitude")),
        ({"latitude": float("nan"), "longitude": 0}, ("anchor", "latitude")),
    ],
)
def test_anchor_coordinates_are_validated(anchor: dict[str, object], location: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        SetSiteAnchorIntent.model_validate({"siteId": "site-001", "anchor": anchor})
    assert caught.value.errors()[0]["loc"] == location


async def test_a_building_footprint_is_set(co2_app: NomosApp, campus: Campus) -> None:
    closed_ring = (*SQUARE, SQUARE[0])  # as GeoJSON writes it
    intent = SetBuildingFootprintIntent(building_id=BuildingId(campus.building_id), footprint=closed_ring)
    entry = await co2_app.dispatch(intent, CTX)

    assert entry.description == "alice set the footprint of Main Structure (4 points)"
    building = await co2_app.read_latest(BuildingAggregate, ESTATE, "main", campus.building_id)
    assert building is not None and building.footprint == SQUARE
    assert (await draft_of(co2_app)).unpublished_changes == 2  # the room, then the footprint


@pytest.mark.parametrize(
    ("points", "problem"),
    [
        (SQUARE[:2], "at least 3 distinct points"),
        ((SQUARE[0], SQUARE[1], SQUARE[0], SQUARE[1]), "at least 3 distinct points"),
        ((SQUARE[0], SQUARE[1], SQUARE[2], SQUARE[1]), "same point twice"),
        (tuple(GeoPoint(latitude=1.0 * i, longitude=2.0 * i) for i in range(3)), "on one line"),
    ],
)
def test_a_footprint_is_a_polygon(points: tuple[GeoPoint, ...], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        SetBuildingFootprintIntent(building_id=BuildingId("b"), footprint=points)
    assert caught.value.errors()[0]["loc"] == ("footprint",)


async def test_a_footprint_needs_its_building(co2_app: NomosApp, campus: Campus) -> None:
    intent = SetBuildingFootprintIntent(building_id=BuildingId("nowhere"), footprint=SQUARE)
    await assert_rejected(co2_app, intent, CTX, "estate.building_not_found")


async def test_a_floor_plan_tile_is_an_uploaded_image(co2_app: NomosApp, campus: Campus) -> None:
    # First upload the blob, then reference it, as for attachments V2.
    image = await co2_app.blob.upload_blob(b"\x89PNG level 2, tile 1/1/0", "image/png")
    intent = AddFloorPlanTileImageIntent(
        building_id=BuildingId(campus.building_id),
        level=BuildingLevel(2),
        tile=TileCoordinate(zoom=1, x=1, y=0),
        image=image,
    )
    entry = await co2_app.dispatch(intent, CTX)

    assert entry.description == "alice added floor-plan tile 1/1/0 to level 2 of Main Structure"
    tile_id = next(r.aggregate_id for r in entry.events if r.aggregate_type == "FloorPlanTileAggregate")
    tile = await co2_app.read_latest(FloorPlanTileAggregate, ESTATE, "main", tile_id)
    assert tile is not None and tile.image == image and tile.level == BuildingLevel(2)
    assert await co2_app.blob.load(image) == b"\x89PNG level 2, tile 1/1/0"

    # The same place again replaces the image.
    newer = await co2_app.blob.upload_blob(b"\x89PNG redrawn", "image/png")
    again = await co2_app.dispatch(intent.model_copy(update={"image": newer}), CTX)
    assert {r.aggregate_id for r in again.events if r.aggregate_type == "FloorPlanTileAggregate"} == {tile_id}
    tile = await co2_app.read_latest(FloorPlanTileAggregate, ESTATE, "main", tile_id)
    assert tile is not None and tile.image == newer


async def test_a_floor_plan_tile_sits_on_a_level_of_an_existing_building(co2_app: NomosApp, campus: Campus) -> None:
    image = await co2_app.blob.upload_blob(b"\x89PNG", "image/png")
    off_plan = AddFloorPlanTileImageIntent(
        building_id=BuildingId(campus.building_id), level=BuildingLevel(5), image=image
    )
    await assert_rejected(co2_app, off_plan, CTX, "estate.level_out_of_range")
    nowhere = off_plan.model_copy(update={"building_id": BuildingId("nowhere")})
    await assert_rejected(co2_app, nowhere, CTX, "estate.building_not_found")


async def test_a_floor_plan_tile_must_be_an_image_inside_the_pyramid(co2_app: NomosApp) -> None:
    pdf = await co2_app.blob.upload_blob(b"%PDF", "application/pdf")
    with pytest.raises(ValidationError, match="must be an image") as caught:
        AddFloorPlanTileImageIntent(building_id=BuildingId("b"), level=BuildingLevel(0), image=pdf)
    assert caught.value.errors()[0]["loc"] == ("image",)
    with pytest.raises(ValidationError, match="x and y run from 0 to 3"):
        TileCoordinate(zoom=2, x=4, y=0)

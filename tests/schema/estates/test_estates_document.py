"""The intents document's estate-structure examples, dispatched through the engine."""

from __future__ import annotations

from nomos_mongo import NomosApp
from schema.access import EstateAccessAggregate
from schema.contracts import CreateBuildingPayload, EstateId, EstateName, PostalAddress, Role, SiteId, SiteName
from schema.estates import (
    BuildingAggregate,
    CreateEstateIntent,
    CreateSiteWithTopologyDraftIntent,
    EstateAggregate,
    SiteAggregate,
    TopologyDraftAggregate,
    TopologyStatus,
)
from tests.schema.estates.campus import ESTATE
from tests.schema.helpers import estate_ctx


def corporate_campus() -> CreateEstateIntent:
    # CreateEstateIntent(estateId: EstateId('estate-001'), name: EstateName('Corporate Campus'),
    #                    address: PostalAddress(street: 'Main St', city: 'Boston', country: 'US'))
    return CreateEstateIntent(
        estate_id=EstateId("estate-001"),
        name=EstateName("Corporate Campus"),
        address=PostalAddress(street="Main St", city="Boston", country="US"),
    )


def building_a() -> CreateSiteWithTopologyDraftIntent:
    # CreateSiteWithTopologyDraftIntent(siteId: SiteId('site-001'), siteName: SiteName('Building A'),
    #   estateId: EstateId('estate-001'), initialBuilding: CreateBuildingPayload(name: 'Main Structure', levelCount: 3))
    return CreateSiteWithTopologyDraftIntent(
        site_id=SiteId("site-001"),
        site_name=SiteName("Building A"),
        estate_id=EstateId("estate-001"),
        initial_building=CreateBuildingPayload(name="Main Structure", level_count=3),
    )


def test_create_estate_example_serializes_with_camel_case_keys(co2_app: NomosApp) -> None:
    intent = corporate_campus()
    assert intent.to_json() == {
        "id": None,
        "estateId": "estate-001",
        "name": "Corporate Campus",
        "description": None,
        "address": {"street": "Main St", "city": "Boston", "country": "US", "postalCode": None, "region": None},
        "serialisationTargetClassName": "CreateEstateIntent",
    }
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent


async def test_create_estate_example_makes_the_creator_its_owner(co2_app: NomosApp) -> None:
    entry = await co2_app.dispatch(corporate_campus(), estate_ctx(ESTATE, "alice"))

    assert entry.success
    assert [(r.aggregate_type, r.event.type_name) for r in entry.events] == [
        ("EstateAggregate", "EstateCreatedEvent"),
        ("EstateAccessAggregate", "EstateRoleGrantedEvent"),
    ]
    assert entry.description == "alice created estate Corporate Campus"
    estate = await co2_app.read_latest(EstateAggregate, ESTATE, "main", ESTATE)
    assert estate is not None
    assert estate.name == EstateName("Corporate Campus")
    assert estate.address == PostalAddress(street="Main St", city="Boston", country="US")
    assert estate.created_by is not None and estate.created_by.value == "alice"
    assert estate.site_ids == ()
    access = await co2_app.read_latest(EstateAccessAggregate, ESTATE, "main", ESTATE)
    assert access is not None and access.role_of("alice") == Role.estate_owner


async def test_create_site_with_topology_draft_example_creates_all_three_atomically(co2_app: NomosApp) -> None:
    ctx = estate_ctx(ESTATE)
    await co2_app.dispatch(corporate_campus(), ctx)
    entry = await co2_app.dispatch(building_a(), ctx)

    touched = {(r.aggregate_type, r.event.type_name) for r in entry.events}
    assert touched == {
        ("SiteAggregate", "SiteCreatedEvent"),
        ("EstateAggregate", "EstateSiteAddedEvent"),
        ("TopologyDraftAggregate", "TopologyDraftCreatedEvent"),
        ("BuildingAggregate", "BuildingCreatedEvent"),
        ("SiteAggregate", "SiteBuildingAddedEvent"),
    }
    assert entry.workspace_intent_sequence == 2  # one intent, one ledger entry
    assert entry.description == "alice created site Building A in Corporate Campus with 1 building"

    site = await co2_app.read_latest(SiteAggregate, ESTATE, "main", "site-001")
    assert site is not None and site.name == SiteName("Building A") and site.estate_id == EstateId(ESTATE)
    (building_id,) = site.building_ids
    building = await co2_app.read_latest(BuildingAggregate, ESTATE, "main", building_id.value)
    assert building is not None
    assert building.name.value == "Main Structure"
    assert building.site_id == SiteId("site-001")
    assert list(building.levels) == [0, 1, 2]
    draft = await co2_app.read_latest(TopologyDraftAggregate, ESTATE, "main", "site-001")
    assert draft is not None and draft.status is TopologyStatus.draft and draft.version == 0
    estate = await co2_app.read_latest(EstateAggregate, ESTATE, "main", ESTATE)
    assert estate is not None and estate.site_ids == (SiteId("site-001"),)


async def test_a_site_can_start_with_several_buildings(co2_app: NomosApp) -> None:
    # "CreateSiteWithTopologyDraftIntent -> Creates: SiteRootAggregate + TopologyDraftAggregate
    #  + multiple BuildingAggregates"
    ctx = estate_ctx(ESTATE)
    await co2_app.dispatch(corporate_campus(), ctx)
    intent = building_a().model_copy(
        update={"additional_buildings": (CreateBuildingPayload(name="Annex"), CreateBuildingPayload(name="Garage"))}
    )
    entry = await co2_app.dispatch(intent, ctx)

    assert entry.description == "alice created site Building A in Corporate Campus with 3 buildings"
    site = await co2_app.read_latest(SiteAggregate, ESTATE, "main", "site-001")
    assert site is not None
    names = []
    for building_id in site.building_ids:
        building = await co2_app.read_latest(BuildingAggregate, ESTATE, "main", building_id.value)
        assert building is not None
        names.append(building.name.value)
    assert names == ["Main Structure", "Annex", "Garage"]

"""A small estate for tests: the intents document's Corporate Campus with its site
Building A, whose three-level building Main Structure has one room."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nomos_mongo import Intent, IntentContext, IntentLedgerEntry, IntentRejected, NomosApp
from schema.contracts import (
    BuildingId,
    BuildingLevel,
    CreateBuildingPayload,
    EstateId,
    EstateName,
    PostalAddress,
    RoomId,
    RoomName,
    SiteId,
    SiteName,
)
from schema.estates import CreateEstateIntent, CreateRoomIntent, CreateSiteWithTopologyDraftIntent, SiteAggregate
from tests.schema.helpers import estate_ctx

ESTATE = "estate-001"


@dataclass(frozen=True)
class Campus:
    estate_id: str
    site_id: str
    building_id: str
    room_id: str


def create_estate_intent(estate_id: str = ESTATE) -> CreateEstateIntent:
    return CreateEstateIntent(
        estate_id=EstateId(estate_id),
        name=EstateName("Corporate Campus"),
        address=PostalAddress(street="Main St", city="Boston", country="US"),
    )


def create_site_intent(estate_id: str = ESTATE, site_id: str = "site-001") -> CreateSiteWithTopologyDraftIntent:
    return CreateSiteWithTopologyDraftIntent(
        site_id=SiteId(site_id),
        site_name=SiteName("Building A"),
        estate_id=EstateId(estate_id),
        initial_building=CreateBuildingPayload(name="Main Structure", level_count=3),
    )


async def build_campus(app: NomosApp, estate_id: str = ESTATE, actor: str = "alice") -> Campus:
    ctx = estate_ctx(estate_id, actor)
    await app.dispatch(create_estate_intent(estate_id), ctx)
    await app.dispatch(create_site_intent(estate_id), ctx)
    site = await app.read_latest(SiteAggregate, estate_id, "main", "site-001")
    assert site is not None
    building_id = site.building_ids[0].value
    room = CreateRoomIntent(
        room_id=RoomId("room-123"),
        building_id=BuildingId(building_id),
        name=RoomName("Plant Room"),
        level=BuildingLevel(1),
    )
    await app.dispatch(room, ctx)
    return Campus(estate_id, "site-001", building_id, "room-123")


async def assert_rejected(app: NomosApp, intent: Intent, ctx: IntentContext, rule: str) -> IntentRejected:
    """Dispatching `intent` is refused by `rule`, and nothing is written."""
    before = await app.head(ctx.workspace_id, ctx.timeline_id)
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, ctx)
    assert caught.value.rule == rule, caught.value
    assert await app.head(ctx.workspace_id, ctx.timeline_id) == before
    return caught.value


async def assert_round_trips(app: NomosApp, entries: list[IntentLedgerEntry]) -> None:
    """Each entry's intent, directives and events, and every aggregate they leave, survive JSON."""
    registry = app.registry
    for entry in entries:
        assert registry.intent_from_json(entry.intent.to_json()) == entry.intent
        for directive in entry.directives:
            assert registry.directive_from_json(directive.to_json()) == directive
        for record in entry.events:
            assert registry.event_from_json(record.event.to_json()) == record.event
    last = entries[-1]
    state = await app.state_at_sequence(last.workspace_id, last.timeline_id, inclusive_sequence=last.sequence)
    for aggregate in state.values():
        assert registry.aggregate_from_json(aggregate.to_json()) == aggregate

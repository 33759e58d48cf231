"""Routes of the estate-structure intents, and the names their descriptions resolve."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nomos_mongo import Directive, DirectiveContext, IntentRejected, SnapshotReader, derived_id
from schema.access import ChangeEstateRoleDirective, EstateRolePayload
from schema.contracts.identifiers import BuildingId, EstateId, RoomId, SiteId, UserId
from schema.contracts.roles import Role
from schema.estates.aggregates import (
    BuildingAggregate,
    EstateAggregate,
    RoomAggregate,
    SiteAggregate,
)
from schema.estates.building_directives import (
    AddFloorPlanTileImageDirective,
    AddRoomToBuildingDirective,
    BuildingFootprintPayload,
    BuildingRoomPayload,
    CreateBuildingDirective,
    CreateRoomDirective,
    FloorPlanTilePayload,
    NewBuildingPayload,
    NewRoomPayload,
    SetBuildingFootprintDirective,
)
from schema.estates.directives import (
    AddBuildingToSiteDirective,
    AddSiteToEstateDirective,
    CreateEstateDirective,
    CreateSiteDirective,
    CreateTopologyDraftDirective,
    DeleteEstateDirective,
    DeleteEstatePayload,
    EstateSitePayload,
    NewEstatePayload,
    NewSitePayload,
    NewTopologyDraftPayload,
    PublishTopologyDirective,
    PublishTopologyPayload,
    RecordTopologyChangeDirective,
    SetSiteAnchorDirective,
    SiteAnchorPayload,
    SiteBuildingPayload,
    TopologyChangePayload,
)
from schema.estates.group import GROUP
from schema.estates.intents import (
    AddFloorPlanTileImageIntent,
    CreateBuildingIntent,
    CreateEstateIntent,
    CreateRoomIntent,
    CreateSiteWithTopologyDraftIntent,
    DeleteEstateIntent,
    PublishSiteTopologyIntent,
    SetBuildingFootprintIntent,
    SetSiteAnchorIntent,
)
from schema.estates.values import TopologyChange

Directives = list[Directive[Any, Any]]


def in_workspace(estate_id: EstateId, ctx: DirectiveContext) -> None:
    """An estate is a workspace: an intent about one estate is dispatched in that estate's workspace."""
    if estate_id.value != ctx.workspace_id:
        raise IntentRejected(
            "estate.workspace_mismatch",
            f"the intent names estate {estate_id} but is dispatched in workspace {ctx.workspace_id!r}; "
            "dispatch it in the estate's own workspace",
            field="estateId",
        )


def _actor(ctx: DirectiveContext) -> UserId:
    return UserId(ctx.actor_id)


@GROUP.route(CreateEstateIntent)
def create_estate(intent: CreateEstateIntent, ctx: DirectiveContext) -> Directives:
    in_workspace(intent.estate_id, ctx)
    actor = _actor(ctx)
    estate = NewEstatePayload(
        estate_id=intent.estate_id,
        name=intent.name,
        description=intent.description,
        address=intent.address,
        created_by=actor,
        created_at=ctx.now,
    )
    owner = EstateRolePayload(
        estate_id=intent.estate_id.value, user_id=actor, role=Role.estate_owner, actor_id=actor, bootstrap=True
    )
    return [CreateEstateDirective(payload=estate), ChangeEstateRoleDirective(payload=owner)]


@GROUP.route(DeleteEstateIntent)
def delete_estate(intent: DeleteEstateIntent, ctx: DirectiveContext) -> Directives:
    in_workspace(intent.estate_id, ctx)
    return [DeleteEstateDirective(payload=DeleteEstatePayload(estate_id=intent.estate_id, deleted_by=_actor(ctx)))]


def _building(building_id: BuildingId, site_id: SiteId, ctx: DirectiveContext, **fields: Any) -> Directives:
    payload = NewBuildingPayload(
        building_id=building_id, site_id=site_id, created_by=_actor(ctx), created_at=ctx.now, **fields
    )
    link = SiteBuildingPayload(site_id=site_id, building_id=building_id)
    return [CreateBuildingDirective(payload=payload), AddBuildingToSiteDirective(payload=link)]


@GROUP.route(CreateSiteWithTopologyDraftIntent)
def create_site_with_topology_draft(intent: CreateSiteWithTopologyDraftIntent, ctx: DirectiveContext) -> Directives:
    in_workspace(intent.estate_id, ctx)
    site_id = intent.site_id or SiteId(ctx.derive_id("site"))
    site = NewSitePayload(
        site_id=site_id,
        estate_id=intent.estate_id,
        name=intent.site_name,
        description=intent.description,
        created_by=_actor(ctx),
        created_at=ctx.now,
    )
    draft = NewTopologyDraftPayload(site_id=site_id, created_by=_actor(ctx), created_at=ctx.now)
    directives: Directives = [
        CreateSiteDirective(payload=site),
        AddSiteToEstateDirective(payload=EstateSitePayload(estate_id=intent.estate_id, site_id=site_id)),
        CreateTopologyDraftDirective(payload=draft),
    ]
    for index, building in enumerate(intent.buildings):
        building_id = BuildingId(ctx.derive_id(f"building-{index}"))
        directives += _building(building_id, site_id, ctx, name=building.name, level_count=building.level_count)
    return directives


def _topology_change(change: TopologyChange, subject: str, **where: Any) -> RecordTopologyChangeDirective:
    return RecordTopologyChangeDirective(payload=TopologyChangePayload(change=change, subject_id=subject, **where))


@GROUP.route(CreateBuildingIntent)
def create_building(intent: CreateBuildingIntent, ctx: DirectiveContext) -> Directives:
    building_id = intent.building_id or BuildingId(ctx.derive_id("building"))
    return [
        *_building(
            building_id,
            intent.site_id,
            ctx,
            name=intent.name,
            description=intent.description,
            lowest_level=intent.lowest_level,
            level_count=intent.level_count,
        ),
        _topology_change(TopologyChange.building_created, building_id.value, site_id=intent.site_id),
    ]


@GROUP.route(CreateRoomIntent)
def create_room(intent: CreateRoomIntent, ctx: DirectiveContext) -> Directives:
    room_id = intent.room_id or RoomId(ctx.derive_id("room"))
    room = NewRoomPayload(
        room_id=room_id,
        building_id=intent.building_id,
        level=intent.level,
        name=intent.name,
        description=intent.description,
        created_by=_actor(ctx),
        created_at=ctx.now,
    )
    return [
        AddRoomToBuildingDirective(payload=BuildingRoomPayload(building_id=intent.building_id, room_id=room_id)),
        CreateRoomDirective(payload=room),
        _topology_change(TopologyChange.room_created, room_id.value, building_id=intent.building_id),
    ]


@GROUP.route(PublishSiteTopologyIntent)
def publish_site_topology(intent: PublishSiteTopologyIntent, ctx: DirectiveContext) -> Directives:
    payload = PublishTopologyPayload(site_id=intent.site_id, published_by=_actor(ctx), published_at=ctx.now)
    return [PublishTopologyDirective(payload=payload)]


@GROUP.route(SetSiteAnchorIntent)
def set_site_anchor(intent: SetSiteAnchorIntent, ctx: DirectiveContext) -> Directives:
    return [
        SetSiteAnchorDirective(payload=SiteAnchorPayload(site_id=intent.site_id, anchor=intent.anchor)),
        _topology_change(TopologyChange.anchor_set, intent.site_id.value, site_id=intent.site_id),
    ]


@GROUP.route(SetBuildingFootprintIntent)
def set_building_footprint(intent: SetBuildingFootprintIntent, ctx: DirectiveContext) -> Directives:
    payload = BuildingFootprintPayload(building_id=intent.building_id, footprint=intent.footprint)
    return [
        SetBuildingFootprintDirective(payload=payload),
        _topology_change(TopologyChange.footprint_set, intent.building_id.value, building_id=intent.building_id),
    ]


def floor_plan_tile_id(building_id: BuildingId, level: int, tile: str) -> str:
    """One tile per place: adding an image where one is replaces it."""
    return derived_id(building_id.value, f"floor-plan/{level}/{tile}")


@GROUP.route(AddFloorPlanTileImageIntent)
def add_floor_plan_tile_image(intent: AddFloorPlanTileImageIntent, ctx: DirectiveContext) -> Directives:
    tile_id = floor_plan_tile_id(intent.building_id, intent.level.value, str(intent.tile))
    payload = FloorPlanTilePayload(
        tile_id=tile_id,
        building_id=intent.building_id,
        level=intent.level,
        tile=intent.tile,
        image=intent.image,
        added_by=_actor(ctx),
        added_at=ctx.now,
    )
    return [
        AddFloorPlanTileImageDirective(payload=payload),
        _topology_change(TopologyChange.floor_plan_tile_added, tile_id, building_id=intent.building_id),
    ]


def _name_of(
    aggregate_type: type[EstateAggregate | SiteAggregate | BuildingAggregate | RoomAggregate],
) -> Callable[[SnapshotReader, str], Awaitable[str | None]]:
    async def resolve(reader: SnapshotReader, aggregate_id: str) -> str | None:
        found = await reader.get(aggregate_type, aggregate_id, include_deleted=True)
        return (found.name.value or None) if found is not None else None

    return resolve


GROUP.name_resolver("estate")(_name_of(EstateAggregate))
GROUP.name_resolver("site")(_name_of(SiteAggregate))
GROUP.name_resolver("building")(_name_of(BuildingAggregate))
GROUP.name_resolver("room")(_name_of(RoomAggregate))

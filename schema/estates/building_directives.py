"""Payloads and directives of buildings, rooms and floor-plan tiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from nomos_mongo import (
    BlobRef,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.contracts.identifiers import BuildingId, RoomId, SiteId, UserId
from schema.contracts.locations import BuildingLevel, GeoPoint
from schema.contracts.names import BuildingDescription, BuildingName, RoomDescription, RoomName
from schema.estates.aggregates import BuildingAggregate, FloorPlanTileAggregate, RoomAggregate
from schema.estates.directives import Staged, existing_building
from schema.estates.events import (
    BuildingCreatedEvent,
    BuildingFootprintSetEvent,
    BuildingRoomAddedEvent,
    FloorPlanTileImageAddedEvent,
    RoomCreatedEvent,
)
from schema.estates.group import GROUP
from schema.estates.values import TileCoordinate


@GROUP.payload
class NewBuildingPayload(Payload):
    building_id: BuildingId
    site_id: SiteId
    name: BuildingName
    description: BuildingDescription | None = None
    lowest_level: BuildingLevel = BuildingLevel.ground
    level_count: int
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateBuildingDirective(SingleAggregateDirective[BuildingAggregate, NewBuildingPayload]):
    aggregate_type = BuildingAggregate

    def target_id(self) -> str:
        return self.payload.building_id.value

    def execute(self, snapshot: BuildingAggregate, payload: NewBuildingPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "estate.building_exists", f"building {payload.building_id} exists already", field="buildingId"
            )
        return [
            BuildingCreatedEvent(
                site_id=payload.site_id,
                name=payload.name,
                description=payload.description,
                lowest_level=payload.lowest_level,
                level_count=payload.level_count,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.payload
class BuildingFootprintPayload(Payload):
    building_id: BuildingId
    footprint: tuple[GeoPoint, ...]


@GROUP.directive
class SetBuildingFootprintDirective(SingleAggregateDirective[BuildingAggregate, BuildingFootprintPayload]):
    aggregate_type = BuildingAggregate

    def target_id(self) -> str:
        return self.payload.building_id.value

    def execute(self, snapshot: BuildingAggregate, payload: BuildingFootprintPayload) -> Sequence[Event]:
        return [BuildingFootprintSetEvent(footprint=payload.footprint)]


@GROUP.payload
class BuildingRoomPayload(Payload):
    building_id: BuildingId
    room_id: RoomId


@GROUP.directive
class AddRoomToBuildingDirective(SingleAggregateDirective[BuildingAggregate, BuildingRoomPayload]):
    aggregate_type = BuildingAggregate

    def target_id(self) -> str:
        return self.payload.building_id.value

    def execute(self, snapshot: BuildingAggregate, payload: BuildingRoomPayload) -> Sequence[Event]:
        return [BuildingRoomAddedEvent(room_id=payload.room_id)]


@GROUP.payload
class NewRoomPayload(Payload):
    room_id: RoomId
    building_id: BuildingId
    site_id: SiteId | None = None  # read from the building while planning
    level: BuildingLevel
    name: RoomName
    description: RoomDescription | None = None
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateRoomDirective(SingleAggregateDirective[RoomAggregate, NewRoomPayload]):
    aggregate_type = RoomAggregate

    def target_id(self) -> str:
        return self.payload.room_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[RoomAggregate, NewRoomPayload]]:
        building = await existing_building(self.payload.building_id, snapshots, staged)
        building.require_level(self.payload.level)
        payload = self.payload.model_copy(update={"site_id": building.site_id})
        room = await self.current(payload.room_id.value, snapshots, staged)
        return [ExecutionTarget(payload.room_id.value, payload, room)]

    def execute(self, snapshot: RoomAggregate, payload: NewRoomPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected("estate.room_exists", f"room {payload.room_id} exists already", field="roomId")
        assert payload.site_id is not None
        return [
            RoomCreatedEvent(
                site_id=payload.site_id,
                building_id=payload.building_id,
                level=payload.level,
                name=payload.name,
                description=payload.description,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.payload
class FloorPlanTilePayload(Payload):
    tile_id: str
    building_id: BuildingId
    level: BuildingLevel
    tile: TileCoordinate
    image: BlobRef
    added_by: UserId
    added_at: datetime


@GROUP.directive
class AddFloorPlanTileImageDirective(SingleAggregateDirective[FloorPlanTileAggregate, FloorPlanTilePayload]):
    aggregate_type = FloorPlanTileAggregate

    def target_id(self) -> str:
        return self.payload.tile_id

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FloorPlanTileAggregate, FloorPlanTilePayload]]:
        building = await existing_building(self.payload.building_id, snapshots, staged)
        building.require_level(self.payload.level)
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: FloorPlanTileAggregate, payload: FloorPlanTilePayload) -> Sequence[Event]:
        return [
            FloorPlanTileImageAddedEvent(
                building_id=payload.building_id,
                level=payload.level,
                tile=payload.tile,
                image=payload.image,
                added_by=payload.added_by,
                added_at=payload.added_at,
            )
        ]

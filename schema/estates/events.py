"""What happens to estates, sites, topology drafts, buildings, rooms and floor-plan tiles."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import BlobRef, Event
from schema.contracts.addresses import PostalAddress
from schema.contracts.identifiers import BuildingId, EstateId, RoomId, SiteId, UserId
from schema.contracts.locations import BuildingLevel, GeoPoint
from schema.contracts.names import (
    BuildingDescription,
    BuildingName,
    EstateDescription,
    EstateName,
    RoomDescription,
    RoomName,
    SiteDescription,
    SiteName,
)
from schema.estates.values import SiteAnchor, TileCoordinate, TopologyChange


class EstateCreatedEvent(Event):
    name: EstateName
    description: EstateDescription | None = None
    address: PostalAddress | None = None
    created_by: UserId
    created_at: datetime


class EstateDeletedEvent(Event):
    deleted_by: UserId


class EstateSiteAddedEvent(Event):
    site_id: SiteId


class SiteCreatedEvent(Event):
    estate_id: EstateId
    name: SiteName
    description: SiteDescription | None = None
    created_by: UserId
    created_at: datetime


class SiteBuildingAddedEvent(Event):
    building_id: BuildingId


class SiteAnchorSetEvent(Event):
    anchor: SiteAnchor


class TopologyDraftCreatedEvent(Event):
    created_by: UserId
    created_at: datetime


class TopologyChangedEvent(Event):
    change: TopologyChange
    subject_id: str  # the building, room or site that changed


class TopologyPublishedEvent(Event):
    version: int
    published_by: UserId
    published_at: datetime


class BuildingCreatedEvent(Event):
    site_id: SiteId
    name: BuildingName
    description: BuildingDescription | None = None
    lowest_level: BuildingLevel
    level_count: int
    created_by: UserId
    created_at: datetime


class BuildingRoomAddedEvent(Event):
    room_id: RoomId


class BuildingFootprintSetEvent(Event):
    footprint: tuple[GeoPoint, ...]


class RoomCreatedEvent(Event):
    site_id: SiteId
    building_id: BuildingId
    level: BuildingLevel
    name: RoomName
    description: RoomDescription | None = None
    created_by: UserId
    created_at: datetime


class FloorPlanTileImageAddedEvent(Event):
    building_id: BuildingId
    level: BuildingLevel
    tile: TileCoordinate
    image: BlobRef
    added_by: UserId
    added_at: datetime


ESTATE_EVENTS: tuple[type[Event], ...] = (
    EstateCreatedEvent,
    EstateDeletedEvent,
    EstateSiteAddedEvent,
    SiteCreatedEvent,
    SiteBuildingAddedEvent,
    SiteAnchorSetEvent,
    TopologyDraftCreatedEvent,
    TopologyChangedEvent,
    TopologyPublishedEvent,
    BuildingCreatedEvent,
    BuildingRoomAddedEvent,
    BuildingFootprintSetEvent,
    RoomCreatedEvent,
    FloorPlanTileImageAddedEvent,
)

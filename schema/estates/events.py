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
from schema.estates.group import GROUP
from schema.estates.values import SiteAnchor, TileCoordinate, TopologyChange


@GROUP.event
class EstateCreatedEvent(Event):
    name: EstateName
    description: EstateDescription | None = None
    address: PostalAddress | None = None
    created_by: UserId
    created_at: datetime


@GROUP.event
class EstateDeletedEvent(Event):
    deleted_by: UserId


@GROUP.event
class EstateSiteAddedEvent(Event):
    site_id: SiteId


@GROUP.event
class SiteCreatedEvent(Event):
    estate_id: EstateId
    name: SiteName
    description: SiteDescription | None = None
    created_by: UserId
    created_at: datetime


@GROUP.event
class SiteBuildingAddedEvent(Event):
    building_id: BuildingId


@GROUP.event
class SiteAnchorSetEvent(Event):
    anchor: SiteAnchor


@GROUP.event
class TopologyDraftCreatedEvent(Event):
    created_by: UserId
    created_at: datetime


@GROUP.event
class TopologyChangedEvent(Event):
    change: TopologyChange
    subject_id: str  # the building, room or site that changed


@GROUP.event
class TopologyPublishedEvent(Event):
    version: int
    published_by: UserId
    published_at: datetime


@GROUP.event
class BuildingCreatedEvent(Event):
    site_id: SiteId
    name: BuildingName
    description: BuildingDescription | None = None
    lowest_level: BuildingLevel
    level_count: int
    created_by: UserId
    created_at: datetime


@GROUP.event
class BuildingRoomAddedEvent(Event):
    room_id: RoomId


@GROUP.event
class BuildingFootprintSetEvent(Event):
    footprint: tuple[GeoPoint, ...]


@GROUP.event
class RoomCreatedEvent(Event):
    site_id: SiteId
    building_id: BuildingId
    level: BuildingLevel
    name: RoomName
    description: RoomDescription | None = None
    created_by: UserId
    created_at: datetime


@GROUP.event
class FloorPlanTileImageAddedEvent(Event):
    building_id: BuildingId
    level: BuildingLevel
    tile: TileCoordinate
    image: BlobRef
    added_by: UserId
    added_at: datetime

"""The estate hierarchy: estate -> sites -> buildings -> rooms, plus topology drafts and floor-plan tiles.

Every aggregate lives in its estate's workspace. Parents list their children's ids, so the
topology reads from the root without queries; each child names its parent. One invariant
refuses any change to a structure that was never created, which is how "a building needs
its site" and "a site needs its estate" hold, even when one intent creates both.

A site's topology draft has the site's id (one draft per site), as an estate's access list
has the estate's.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from nomos_mongo import Aggregate, BlobRef, Event, IntentRejected
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
from schema.estates.events import (
    BuildingCreatedEvent,
    BuildingFootprintSetEvent,
    BuildingRoomAddedEvent,
    EstateCreatedEvent,
    EstateDeletedEvent,
    EstateSiteAddedEvent,
    FloorPlanTileImageAddedEvent,
    RoomCreatedEvent,
    SiteAnchorSetEvent,
    SiteBuildingAddedEvent,
    SiteCreatedEvent,
    TopologyChangedEvent,
    TopologyDraftCreatedEvent,
    TopologyPublishedEvent,
)
from schema.estates.group import GROUP
from schema.estates.values import SiteAnchor, TileCoordinate, TopologyStatus


class _Structure(Aggregate):
    kind: ClassVar[str]

    created_by: UserId | None = None
    created_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def not_found(self) -> IntentRejected:
        kind = self.kind
        return IntentRejected(f"estate.{kind}_not_found", f"{kind} {self.id} does not exist", field=f"{kind}Id")

    def validate_state(self) -> None:
        if self.created_at is None:
            raise self.not_found()


@GROUP.aggregate
class EstateAggregate(_Structure):
    kind = "estate"
    name: EstateName = EstateName.unresolved
    description: EstateDescription | None = None
    address: PostalAddress | None = None
    site_ids: tuple[SiteId, ...] = ()

    def apply(self, event: Event) -> EstateAggregate:
        match event:
            case EstateCreatedEvent():
                return self.evolve(
                    name=event.name,
                    description=event.description,
                    address=event.address,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case EstateDeletedEvent():
                return self.evolve(deleted=True)
            case EstateSiteAddedEvent(site_id=site_id):
                return self.evolve(site_ids=(*self.site_ids, site_id))
        return self

    def validate_state(self) -> None:
        super().validate_state()
        if self.deleted and self.site_ids:
            raise self.not_found()


@GROUP.aggregate
class SiteAggregate(_Structure):
    kind = "site"
    estate_id: EstateId = EstateId.unresolved
    name: SiteName = SiteName.unresolved
    description: SiteDescription | None = None
    anchor: SiteAnchor | None = None
    building_ids: tuple[BuildingId, ...] = ()

    def apply(self, event: Event) -> SiteAggregate:
        match event:
            case SiteCreatedEvent():
                return self.evolve(
                    estate_id=event.estate_id,
                    name=event.name,
                    description=event.description,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case SiteBuildingAddedEvent(building_id=building_id):
                return self.evolve(building_ids=(*self.building_ids, building_id))
            case SiteAnchorSetEvent(anchor=anchor):
                return self.evolve(anchor=anchor)
        return self


@GROUP.aggregate
class TopologyDraftAggregate(_Structure):
    """The unpublished state of a site's topology: `version` counts publications."""

    kind = "site"

    status: TopologyStatus = TopologyStatus.draft
    version: int = 0
    unpublished_changes: int = 0
    published_by: UserId | None = None
    published_at: datetime | None = None

    def apply(self, event: Event) -> TopologyDraftAggregate:
        match event:
            case TopologyDraftCreatedEvent():
                return self.evolve(created_by=event.created_by, created_at=event.created_at)
            case TopologyChangedEvent():
                return self.evolve(status=TopologyStatus.draft, unpublished_changes=self.unpublished_changes + 1)
            case TopologyPublishedEvent():
                return self.evolve(
                    status=TopologyStatus.published,
                    version=event.version,
                    unpublished_changes=0,
                    published_by=event.published_by,
                    published_at=event.published_at,
                )
        return self


@GROUP.aggregate
class BuildingAggregate(_Structure):
    kind = "building"
    site_id: SiteId = SiteId.unresolved
    name: BuildingName = BuildingName.unresolved
    description: BuildingDescription | None = None
    lowest_level: BuildingLevel = BuildingLevel.ground
    level_count: int = 0
    footprint: tuple[GeoPoint, ...] = ()
    room_ids: tuple[RoomId, ...] = ()

    @property
    def levels(self) -> range:
        return range(self.lowest_level.value, self.lowest_level.value + self.level_count)

    def require_level(self, level: BuildingLevel) -> None:
        if level.value not in self.levels:
            levels = f"{self.levels.start} to {self.levels.stop - 1}"
            raise IntentRejected(
                "estate.level_out_of_range",
                f"building {self.name.value or self.id} has levels {levels}; level {level} is not one of them",
                field="level",
            )

    def apply(self, event: Event) -> BuildingAggregate:
        match event:
            case BuildingCreatedEvent():
                return self.evolve(
                    site_id=event.site_id,
                    name=event.name,
                    description=event.description,
                    lowest_level=event.lowest_level,
                    level_count=event.level_count,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case BuildingRoomAddedEvent(room_id=room_id):
                return self.evolve(room_ids=(*self.room_ids, room_id))
            case BuildingFootprintSetEvent(footprint=footprint):
                return self.evolve(footprint=footprint)
        return self


@GROUP.aggregate
class RoomAggregate(_Structure):
    kind = "room"
    site_id: SiteId = SiteId.unresolved
    building_id: BuildingId = BuildingId.unresolved
    level: BuildingLevel = BuildingLevel.ground
    name: RoomName = RoomName.unresolved
    description: RoomDescription | None = None

    def apply(self, event: Event) -> RoomAggregate:
        match event:
            case RoomCreatedEvent():
                return self.evolve(
                    site_id=event.site_id,
                    building_id=event.building_id,
                    level=event.level,
                    name=event.name,
                    description=event.description,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
        return self


@GROUP.aggregate
class FloorPlanTileAggregate(_Structure):
    """One image of a building level's floor plan; its id is derived from where it sits."""

    kind = "floorPlanTile"

    building_id: BuildingId = BuildingId.unresolved
    level: BuildingLevel = BuildingLevel.ground
    tile: TileCoordinate = TileCoordinate()
    image: BlobRef | None = None

    def apply(self, event: Event) -> FloorPlanTileAggregate:
        match event:
            case FloorPlanTileImageAddedEvent():
                # Adding an image where one is already replaces it; the first adder stays the creator.
                return self.evolve(
                    building_id=event.building_id,
                    level=event.level,
                    tile=event.tile,
                    image=event.image,
                    created_by=self.created_by or event.added_by,
                    created_at=self.created_at or event.added_at,
                )
        return self

"""The estate-structure intents: estates, sites with their topology drafts, buildings, rooms."""

from __future__ import annotations

from typing import Annotated, ClassVar, Self

from pydantic import AfterValidator, Field, StrictInt, model_validator

from nomos_mongo import BlobRef, DescribeContext, IntentDescription
from schema.common import Access, Co2Intent
from schema.contracts.addresses import PostalAddress
from schema.contracts.base import ContractViolation, MaxItems
from schema.contracts.identifiers import BuildingId, EstateId, RoomId, SiteId
from schema.contracts.locations import MAX_LEVEL, BuildingLevel
from schema.contracts.names import BuildingDescription, EstateDescription, RoomDescription, SiteDescription
from schema.contracts.payloads import CreateBuildingPayload
from schema.estates.group import GROUP
from schema.estates.values import (
    Footprint,
    RequiredBuildingName,
    RequiredEstateName,
    RequiredRoomName,
    RequiredSiteName,
    SiteAnchor,
    TileCoordinate,
)

MAX_INITIAL_BUILDINGS = 100


def _named_building(building: CreateBuildingPayload) -> CreateBuildingPayload:
    if building.name.is_unresolved:
        raise ContractViolation("name", "a building needs a name")
    return building


def _image(ref: BlobRef) -> BlobRef:
    if not ref.content_type.startswith("image/"):
        raise ValueError(f"a floor-plan tile must be an image (image/png, image/jpeg, ...), got {ref.content_type}")
    return ref


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@GROUP.intent
class CreateEstateIntent(Co2Intent):
    """Dispatched in the new estate's own workspace; the creator becomes its owner."""

    access: ClassVar[Access] = Access.AUTHENTICATED

    estate_id: EstateId
    name: RequiredEstateName
    description: EstateDescription | None = None
    address: PostalAddress | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription("{actor} created estate {estate}", {"actor": ctx.actor_name(), "estate": self.name})


@GROUP.intent
class DeleteEstateIntent(Co2Intent):
    access: ClassVar[Access] = Access.OWNER

    estate_id: EstateId

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} deleted estate {estate}",
            {"actor": ctx.actor_name(), "estate": ctx.resource_name("estate", self.estate_id.value)},
        )


@GROUP.intent
class CreateSiteWithTopologyDraftIntent(Co2Intent):
    """A site, its topology draft and its first buildings, created together."""

    site_id: SiteId | None = None
    site_name: RequiredSiteName
    estate_id: EstateId
    description: SiteDescription | None = None
    initial_building: Annotated[CreateBuildingPayload, AfterValidator(_named_building)] | None = None
    additional_buildings: Annotated[
        tuple[Annotated[CreateBuildingPayload, AfterValidator(_named_building)], ...],
        MaxItems(MAX_INITIAL_BUILDINGS - 1),
    ] = ()

    @property
    def buildings(self) -> tuple[CreateBuildingPayload, ...]:
        first = () if self.initial_building is None else (self.initial_building,)
        return (*first, *self.additional_buildings)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        count = len(self.buildings)
        return IntentDescription(
            "{actor} created site {site} in {estate} with {buildings}",
            {
                "actor": ctx.actor_name(),
                "site": self.site_name,
                "estate": ctx.resource_name("estate", self.estate_id.value),
                "buildings": _plural(count, "building") if count else "no buildings",
            },
        )


@GROUP.intent
class CreateBuildingIntent(Co2Intent):
    building_id: BuildingId | None = None
    site_id: SiteId
    name: RequiredBuildingName
    description: BuildingDescription | None = None
    level_count: Annotated[StrictInt, Field(ge=1, le=500)] = 1
    lowest_level: BuildingLevel = BuildingLevel.ground  # below 0 for basements

    @model_validator(mode="after")
    def _top_level_in_range(self) -> Self:
        top = self.lowest_level.value + self.level_count - 1
        if top > MAX_LEVEL:
            raise ContractViolation("levelCount", f"the top level would be {top}; levels go up to {MAX_LEVEL}")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created building {building} in {site}",
            {"actor": ctx.actor_name(), "building": self.name, "site": ctx.resource_name("site", self.site_id.value)},
        )


@GROUP.intent
class CreateRoomIntent(Co2Intent):
    room_id: RoomId | None = None
    building_id: BuildingId
    name: RequiredRoomName
    level: BuildingLevel
    description: RoomDescription | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created room {room} on level {level} of {building}",
            {
                "actor": ctx.actor_name(),
                "room": self.name,
                "level": self.level,
                "building": ctx.resource_name("building", self.building_id.value),
            },
        )


@GROUP.intent
class PublishSiteTopologyIntent(Co2Intent):
    """Publishing makes the draft the site's current topology; estate admins decide that."""

    access: ClassVar[Access] = Access.ADMIN

    site_id: SiteId

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} published the topology of {site}",
            {"actor": ctx.actor_name(), "site": ctx.resource_name("site", self.site_id.value)},
        )


@GROUP.intent
class SetSiteAnchorIntent(Co2Intent):
    site_id: SiteId
    anchor: SiteAnchor

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} anchored {site} at {point}",
            {"actor": ctx.actor_name(), "site": ctx.resource_name("site", self.site_id.value), "point": self.anchor},
        )


@GROUP.intent
class SetBuildingFootprintIntent(Co2Intent):
    building_id: BuildingId
    footprint: Footprint

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} set the footprint of {building} ({points})",
            {
                "actor": ctx.actor_name(),
                "building": ctx.resource_name("building", self.building_id.value),
                "points": _plural(len(self.footprint), "point"),
            },
        )


@GROUP.intent
class AddFloorPlanTileImageIntent(Co2Intent):
    """`image` comes from `app.blob.upload_blob(...)`: upload the bytes first, then dispatch."""

    building_id: BuildingId
    level: BuildingLevel
    tile: TileCoordinate = TileCoordinate()
    image: Annotated[BlobRef, AfterValidator(_image)]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} added floor-plan tile {tile} to level {level} of {building}",
            {
                "actor": ctx.actor_name(),
                "tile": self.tile,
                "level": self.level,
                "building": ctx.resource_name("building", self.building_id.value),
            },
        )

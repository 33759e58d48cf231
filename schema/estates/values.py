"""Value objects of estate structures: topology status, site anchors, footprints, floor-plan tiles."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self, TypeVar

from pydantic import AfterValidator, Field, StrictInt, field_validator, model_validator

from schema.contracts.base import ContractViolation, MaxItems, ValueObject
from schema.contracts.locations import GeoPoint, Latitude, Longitude
from schema.contracts.measures import Distance
from schema.contracts.names import BuildingName, DomainName, EstateName, RoomName, SiteName

# From the floor of the Mariana Trench to the top of Everest: anything else is a typo or
# a unit mix-up (feet entered as metres would still fit, so the unit travels with it).
MIN_ALTITUDE_METERS = -11_000.0
MAX_ALTITUDE_METERS = 9_000.0
MAX_FOOTPRINT_POINTS = 1_000
MAX_TILE_ZOOM = 24


N = TypeVar("N", bound=DomainName)


def required(name: N) -> N:
    """Names may be unresolved in general; the thing an intent creates needs one."""
    if name.is_unresolved:
        raise ValueError("must not be empty")
    return name


RequiredEstateName = Annotated[EstateName, AfterValidator(required)]
RequiredSiteName = Annotated[SiteName, AfterValidator(required)]
RequiredBuildingName = Annotated[BuildingName, AfterValidator(required)]
RequiredRoomName = Annotated[RoomName, AfterValidator(required)]


class TopologyStatus(StrEnum):
    draft = "draft"  # has changes nobody has published yet
    published = "published"


class TopologyChange(StrEnum):
    building_created = "buildingCreated"
    room_created = "roomCreated"
    anchor_set = "anchorSet"
    footprint_set = "footprintSet"
    floor_plan_tile_added = "floorPlanTileAdded"


class SiteAnchor(ValueObject):
    """Where a site's local coordinates are pinned to the earth (WGS 84)."""

    latitude: Latitude
    longitude: Longitude
    altitude: Distance | None = None

    @field_validator("altitude")
    @classmethod
    def _altitude_on_earth(cls, altitude: Distance | None) -> Distance | None:
        if altitude is not None and not MIN_ALTITUDE_METERS <= altitude.in_meters <= MAX_ALTITUDE_METERS:
            raise ValueError(
                f"must be between {MIN_ALTITUDE_METERS:g} and {MAX_ALTITUDE_METERS:g} meters, got {altitude}"
            )
        return altitude

    def __str__(self) -> str:
        return f"{self.latitude:g}, {self.longitude:g}"


def _polygon(points: tuple[GeoPoint, ...]) -> tuple[GeoPoint, ...]:
    # GeoJSON rings repeat the first point at the end; store the ring open.
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(set(points)) < 3:
        raise ValueError(f"a footprint needs at least 3 distinct points, got {len(set(points))}")
    if len(set(points)) != len(points):
        raise ValueError("a footprint must not visit the same point twice")
    ring = zip(points, points[1:] + points[:1], strict=True)
    twice_area = sum(a.longitude * b.latitude - b.longitude * a.latitude for a, b in ring)
    if twice_area == 0:
        raise ValueError("the footprint's points lie on one line; it encloses no area")
    return points


# A polygon of latitude/longitude points, open (first point not repeated).
Footprint = Annotated[tuple[GeoPoint, ...], MaxItems(MAX_FOOTPRINT_POINTS + 1), AfterValidator(_polygon)]


class TileCoordinate(ValueObject):
    """A tile of a floor plan's image pyramid: at `zoom` the plan is 2**zoom tiles wide and high."""

    zoom: Annotated[StrictInt, Field(ge=0, le=MAX_TILE_ZOOM)] = 0
    x: Annotated[StrictInt, Field(ge=0)] = 0
    y: Annotated[StrictInt, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _inside_the_pyramid(self) -> Self:
        side = 2**self.zoom
        if self.x >= side or self.y >= side:
            raise ContractViolation(
                "tile", f"at zoom {self.zoom} x and y run from 0 to {side - 1}, got x={self.x}, y={self.y}"
            )
        return self

    def __str__(self) -> str:
        return f"{self.zoom}/{self.x}/{self.y}"

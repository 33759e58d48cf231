"""Where things are: building levels, structural assignments and points on the earth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import ConfigDict, Field, RootModel, StrictInt, field_validator

from .base import ClassConstant, ContractViolation, FiniteFloat, ValueObject
from .identifiers import BuildingId, RoomId, SiteId

MIN_LEVEL = -100
MAX_LEVEL = 1_000


class BuildingLevel(RootModel[StrictInt]):
    """A floor: 0 is the ground floor, negative levels are below ground. A plain int on the wire."""

    model_config = ConfigDict(frozen=True)

    ground: ClassVar[ClassConstant] = ClassConstant(0)

    @field_validator("root")
    @classmethod
    def _within_range(cls, level: int) -> int:
        if not MIN_LEVEL <= level <= MAX_LEVEL:
            raise ContractViolation(cls.__name__, f"must be between {MIN_LEVEL} and {MAX_LEVEL}, got {level}")
        return level

    @classmethod
    def from_level(cls, level: int) -> Self:
        return cls(level)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | int) -> Self:
        return cls.model_validate(data["value"] if isinstance(data, Mapping) else data)

    def to_json(self) -> dict[str, int]:
        return {"value": self.root}

    @property
    def value(self) -> int:
        return self.root

    def __lt__(self, other: BuildingLevel) -> bool:
        return self.root < other.root

    def __le__(self, other: BuildingLevel) -> bool:
        return self.root <= other.root

    def __gt__(self, other: BuildingLevel) -> bool:
        return self.root > other.root

    def __ge__(self, other: BuildingLevel) -> bool:
        return self.root >= other.root

    def __str__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"BuildingLevel({self.root})"


class BuildingLevelLocation(ValueObject):
    building_id: BuildingId
    level: BuildingLevel

    def to_composite_key(self) -> str:
        return f"{self.building_id}:{self.level}"

    @classmethod
    def from_composite_key(cls, key: str) -> Self:
        """Read "<buildingId>:<level>"; the level is after the last colon."""
        building, separator, level = key.rpartition(":")
        if not separator or not building:
            raise ContractViolation(
                "compositeKey", f"expected '<buildingId>:<level>' such as 'bldg-001:3', got {key!r}"
            )
        try:
            number = int(level)
        except ValueError:
            raise ContractViolation("compositeKey", f"the level in {key!r} is not a whole number") from None
        return cls(building_id=BuildingId.from_string(building), level=BuildingLevel.from_level(number))


class StructuralAssignment(ValueObject):
    """The room an asset sits in, with the enclosing building, site and level when known."""

    room_id: RoomId
    building_id: BuildingId | None = None
    site_id: SiteId | None = None
    level: BuildingLevel | None = None


Latitude = Annotated[FiniteFloat, Field(ge=-90, le=90)]
Longitude = Annotated[FiniteFloat, Field(ge=-180, le=180)]


class GeoPoint(ValueObject):
    """WGS 84 degrees."""

    latitude: Latitude
    longitude: Longitude

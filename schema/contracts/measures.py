"""Distances with units."""

from __future__ import annotations

from typing import Any, Self

from .base import FiniteFloat, ValueObject
from .enums import DistanceUnit

_METERS_PER_UNIT = {
    DistanceUnit.millimeters: 0.001,
    DistanceUnit.centimeters: 0.01,
    DistanceUnit.meters: 1.0,
    DistanceUnit.kilometers: 1000.0,
    DistanceUnit.inches: 0.0254,
    DistanceUnit.feet: 0.3048,
    DistanceUnit.yards: 0.9144,
    DistanceUnit.miles: 1609.344,
    DistanceUnit.nautical_miles: 1852.0,
}


class Distance(ValueObject):
    """A length; negative values are allowed (an altitude below sea level)."""

    value: FiniteFloat
    unit: DistanceUnit = DistanceUnit.meters

    def __init__(self, value: float | None = None, unit: DistanceUnit | None = None, /, **data: Any) -> None:
        # Distance(100.5, DistanceUnit.meters) as in the contracts document.
        if value is not None:
            data = {"value": value, **({"unit": unit} if unit is not None else {}), **data}
        super().__init__(**data)

    @property
    def in_meters(self) -> float:
        return self.value * _METERS_PER_UNIT[self.unit]

    def to(self, unit: DistanceUnit) -> Self:
        if unit == self.unit:
            return self
        return type(self)(self.in_meters / _METERS_PER_UNIT[unit], unit)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"

"""Building levels, structural assignments, geo points, distances and addresses."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from schema.contracts import (
    BuildingId,
    BuildingLevel,
    BuildingLevelLocation,
    ContractViolation,
    Distance,
    DistanceUnit,
    GeoPoint,
    PostalAddress,
    RoomId,
    StructuralAssignment,
)


class TestBuildingLevel:
    def test_levels(self) -> None:
        assert BuildingLevel.ground == BuildingLevel.from_level(0)
        assert BuildingLevel.from_level(-2) < BuildingLevel.ground < BuildingLevel(3)
        assert BuildingLevel(3).value == 3 and str(BuildingLevel(3)) == "3"

    def test_json(self) -> None:
        assert BuildingLevel(3).to_json() == {"value": 3}
        assert BuildingLevel.from_json({"value": 3}) == BuildingLevel.from_json(3) == BuildingLevel(3)

    @pytest.mark.parametrize("level", [-101, 1_001])
    def test_range(self, level: int) -> None:
        with pytest.raises(ValidationError, match="BuildingLevel: must be between -100 and 1000"):
            BuildingLevel.from_level(level)

    @pytest.mark.parametrize("level", ["3", 3.0, True])
    def test_only_integers(self, level: object) -> None:
        with pytest.raises(ValidationError):
            BuildingLevel.model_validate(level)


class TestBuildingLevelLocation:
    def test_composite_key_with_basement_and_colons(self) -> None:
        location = BuildingLevelLocation(building_id=BuildingId("site:b1"), level=-1)
        assert location.to_composite_key() == "site:b1:-1"
        assert BuildingLevelLocation.from_composite_key("site:b1:-1") == location

    @pytest.mark.parametrize(
        ("key", "message"),
        [
            ("bldg-001", "expected '<buildingId>:<level>'"),
            (":3", "expected '<buildingId>:<level>'"),
            ("bldg-001:third", "is not a whole number"),
        ],
    )
    def test_bad_composite_keys(self, key: str, message: str) -> None:
        with pytest.raises(ContractViolation, match=f"compositeKey: .*{message}"):
            BuildingLevelLocation.from_composite_key(key)

    def test_json_names_the_bad_field(self) -> None:
        with pytest.raises(ValidationError, match=r"buildingId\n.*BuildingId: must not be empty"):
            BuildingLevelLocation.from_json({"buildingId": "", "level": 1})


def test_structural_assignment() -> None:
    assignment = StructuralAssignment(room_id=RoomId("room-1"), building_id="b-1", level=2)
    assert assignment.level == BuildingLevel(2)
    assert StructuralAssignment.from_json(assignment.to_json()) == assignment
    with pytest.raises(ValidationError, match="roomId"):
        StructuralAssignment.from_json({"buildingId": "b-1"})


class TestGeoPoint:
    def test_valid(self) -> None:
        point = GeoPoint(latitude=-33.8688, longitude=151.2093)
        assert GeoPoint.from_json(point.to_json()) == point
        assert GeoPoint(latitude=90, longitude=-180).latitude == 90.0

    @pytest.mark.parametrize(
        ("latitude", "longitude", "field"),
        [
            (91, 0, "latitude"),
            (-90.5, 0, "latitude"),
            (0, 180.01, "longitude"),
            (math.nan, 0, "latitude"),
            (0, math.inf, "longitude"),
            ("12", 0, "latitude"),
        ],
    )
    def test_out_of_range(self, latitude: object, longitude: object, field: str) -> None:
        with pytest.raises(ValidationError) as caught:
            GeoPoint(latitude=latitude, longitude=longitude)
        assert caught.value.errors()[0]["loc"] == (field,)


class TestDistance:
    def test_conversions(self) -> None:
        assert Distance(1, DistanceUnit.miles).to(DistanceUnit.meters).value == pytest.approx(1609.344)
        assert Distance(1000, DistanceUnit.feet).to(DistanceUnit.meters).value == pytest.approx(304.8)
        assert Distance(5, DistanceUnit.kilometers).in_meters == 5000
        assert Distance(1, DistanceUnit.nautical_miles).to(DistanceUnit.kilometers).value == pytest.approx(1.852)
        same = Distance(3, DistanceUnit.yards)
        assert same.to(DistanceUnit.yards) is same

    def test_round_trip_through_every_unit(self) -> None:
        start = Distance(123.456, DistanceUnit.meters)
        for unit in DistanceUnit:
            assert start.to(unit).to(DistanceUnit.meters).value == pytest.approx(123.456)

    def test_json(self) -> None:
        distance = Distance(2.5, DistanceUnit.nautical_miles)
        assert distance.to_json() == {"value": 2.5, "unit": "nauticalMiles"}
        assert Distance.from_json(distance.to_json()) == distance
        assert Distance(value=4) == Distance(4.0, DistanceUnit.meters)
        assert str(distance) == "2.5 nauticalMiles"

    @pytest.mark.parametrize("value", [math.nan, math.inf, "10", True])
    def test_rejects(self, value: object) -> None:
        with pytest.raises(ValidationError, match="value"):
            Distance(value, DistanceUnit.meters)  # type: ignore[arg-type]


class TestPostalAddress:
    def test_full(self) -> None:
        address = PostalAddress(street=" 1 Main St ", city="Boston", region="MA", postal_code="02108", country="us")
        assert address.street == "1 Main St"
        assert address.country == "US"
        assert address.single_line == "1 Main St, Boston, MA, 02108, US"
        assert PostalAddress.from_json(address.to_json()) == address

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"street": "", "city": "Boston", "country": "US"}, "street"),
            ({"street": "Main St", "city": "Bos\nton", "country": "US"}, "city"),
            ({"street": "Main St", "city": "Boston", "country": "USA"}, "country"),
            ({"street": "Main St", "city": "Boston"}, "country"),
        ],
    )
    def test_rejects(self, fields: dict[str, str], field: str) -> None:
        with pytest.raises(ValidationError) as caught:
            PostalAddress.from_json(fields)
        assert caught.value.errors()[0]["loc"] == (field,)

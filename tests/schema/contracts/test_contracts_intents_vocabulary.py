"""The contract values the CO2 intents document builds its examples from."""

from __future__ import annotations

from schema.contracts import (
    AssetNickname,
    AssetType,
    CatalogueListingId,
    CreateBuildingPayload,
    CustomField,
    CustomFieldMap,
    CustomFieldSource,
    EstateId,
    EstateName,
    FileName,
    PermissionReasonDescription,
    PostalAddress,
    ProposalDescription,
    ProposalDuration,
    ProposalId,
    ProposalTargetDate,
    ProposalTitle,
    ProposalType,
    ResourceId,
    ResourceType,
    Role,
    RoomId,
    SiteId,
    SiteName,
    StructuralAssignment,
    UserId,
)


def test_create_trackable_asset_values() -> None:
    name = AssetNickname("HVAC Unit A")
    asset_type = AssetType.from_code("hvac")
    assignment = StructuralAssignment(room_id=RoomId("room-123"))
    custom_fields = CustomFieldMap({"temperature_setpoint": "72"})

    assert name.value == "HVAC Unit A"
    assert asset_type.code == "hvac" and not asset_type.is_generic
    assert assignment.to_json() == {
        "roomId": "room-123",
        "buildingId": None,
        "siteId": None,
        "level": None,
    }
    field = custom_fields.get("temperature_setpoint")
    assert field == CustomField.text("temperature_setpoint", "72")
    assert field is not None and field.source is CustomFieldSource.user_added


def test_the_describe_template_tells_generic_assets_apart() -> None:
    assert AssetType.from_code("generic") == AssetType.generic
    assert AssetType.generic.code == "generic"


def test_create_trackable_asset_json_shapes() -> None:
    # The intent's toJson writes name.value, assetType.code and customFields.toJson().
    name = AssetNickname.from_string(None)
    assert name.is_unresolved and name.value == ""
    assert AssetType.from_code("HVAC").code == "hvac"
    assert CustomFieldMap.from_json(CustomFieldMap.empty().to_json()) == CustomFieldMap.empty()


def test_grant_permission_values() -> None:
    target = UserId("user-456")
    resource_id = ResourceId("estate-001")
    reason = PermissionReasonDescription("Team lead for building maintenance")

    assert target.value == "user-456"
    assert ResourceType.estate == "estate"
    assert resource_id.value == "estate-001"
    assert Role.estate_admin.value == "admin"
    assert reason.value.startswith("Team lead")


def test_create_estate_values() -> None:
    address = PostalAddress(street="Main St", city="Boston", country="US")
    assert EstateId("estate-001").value == "estate-001"
    assert EstateName("Corporate Campus").value == "Corporate Campus"
    assert address.single_line == "Main St, Boston, US"


def test_create_site_with_topology_draft_values() -> None:
    building = CreateBuildingPayload(name="Main Structure", level_count=3)
    assert SiteId("site-001").value == "site-001"
    assert SiteName("Building A").value == "Building A"
    assert building.to_json() == {"name": "Main Structure", "levelCount": 3}


def test_attachment_and_proposal_values() -> None:
    assert FileName("compliance_report.pdf").value == "compliance_report.pdf"
    assert ProposalId("prop-001").value == "prop-001"
    assert ProposalTitle("HVAC System Upgrade").value == "HVAC System Upgrade"
    assert ProposalDescription("Replace aging HVAC units...").value.endswith("...")
    assert ProposalType("maintenance").value == "maintenance"
    assert ProposalDuration("3 months").value == "3 months"
    assert ProposalTargetDate("2024-Q3").value == "2024-Q3"
    assert CatalogueListingId("listing-123").value == "listing-123"

"""Every code example of the contracts document, and its own tests, in Python."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from schema.contracts import (
    ApprovalData,
    ApprovalWorkflowPayload,
    AssetDescription,
    AssetMovePayload,
    AttachmentId,
    AttachmentReference,
    BuildingId,
    BuildingLevel,
    BuildingLevelLocation,
    BuildingName,
    CatalogueName,
    CatalogueStatus,
    ClaimStatus,
    CurrencyCode,
    CurrencyMismatch,
    CustomField,
    CustomFieldKey,
    CustomFieldSource,
    CustomFieldType,
    Distance,
    DistanceUnit,
    EnergyCalculationType,
    EstateId,
    EstateName,
    FileAttachmentPayload,
    FundingApplicationStatus,
    InsightType,
    InvitationStatus,
    JsonArray,
    JsonMap,
    LayerName,
    LayerPayload,
    ListingStatus,
    ListingTitle,
    LocationPayload,
    Metadata,
    Money,
    MoneyCustomField,
    NomosConversionUtils,
    NotificationMessage,
    NotificationPayload,
    NotificationTitle,
    NotificationType,
    OrganizationId,
    PendingInvitation,
    PermissionStatus,
    ProposalStatus,
    ResponsibilityAssignmentPayload,
    Role,
    RoleType,
    RoomDescription,
    RoomName,
    SiteDescription,
    SiteId,
    SiteName,
    SupplierStatus,
    TrackableAssetId,
    TrackableAssetReplacementSet,
    UserId,
    UserStatus,
    VerificationOutcome,
)


class TestStrongTyping:
    def test_unresolved_constants(self) -> None:
        asset_id = TrackableAssetId.unresolved
        estate_id = EstateId.unresolved
        user_id = UserId.unresolved
        system_user = UserId.system

        assert asset_id.is_unresolved and estate_id.is_unresolved and user_id.is_unresolved
        assert system_user.value == "system"
        assert system_user.is_system
        assert not system_user.is_unresolved

    def test_identifiers_from_strings(self) -> None:
        asset_id = TrackableAssetId("asset-123")
        estate_id = EstateId("estate-456")
        user_id = UserId.from_string("user-789")

        assert asset_id != TrackableAssetId.unresolved
        assert estate_id.value == "estate-456"
        assert user_id == UserId("user-789")

        json = {"assetId": asset_id.value}
        roundtrip = TrackableAssetId.from_string(json["assetId"])
        assert roundtrip == asset_id

    def test_every_identifier_of_the_table_has_unresolved(self) -> None:
        for kind in (
            UserId,
            TrackableAssetId,
            EstateId,
            SiteId,
            BuildingId,
            OrganizationId,
        ):
            assert kind.unresolved == kind("unresolved")
            assert type(kind.unresolved) is kind


def test_building_level_location() -> None:
    location = BuildingLevelLocation(
        building_id=BuildingId("bldg-001"),
        level=BuildingLevel.from_level(3),
    )

    composite_key = location.to_composite_key()
    assert composite_key == "bldg-001:3"
    restored = BuildingLevelLocation.from_composite_key(composite_key)
    assert restored == location

    json = location.to_json()
    assert json == {"buildingId": "bldg-001", "level": 3}
    assert BuildingLevelLocation.from_json(json) == location


def test_money() -> None:
    price = Money(19.99, CurrencyCode.EUR)
    budget = Money.usd(5000.00)

    assert price.amount == Decimal("19.99")
    assert price.amount_in_minor_units == 1999
    assert price.display_label == "€19.99"
    assert budget.display_label == "$5,000.00"

    aud = Money.aud(100.00)
    gbp = Money.gbp(50.00)
    assert aud.currency == CurrencyCode.AUD
    assert gbp.amount_in_minor_units == 5000

    assert price + price == Money.eur("39.98")
    assert price * 2 == Money.eur("39.98")
    with pytest.raises(CurrencyMismatch):
        price + budget  # the document's "OK" line adds EUR to USD, which it forbids below
    with pytest.raises(CurrencyMismatch):
        price + aud

    assert price > Money.zero(CurrencyCode.EUR)

    from_cents = Money.from_minor_units(1999, CurrencyCode.EUR)
    assert from_cents == price


class TestCustomFields:
    def test_constructors_and_accessors(self) -> None:
        name_field = CustomField.text(
            CustomFieldKey("asset_name"),
            "HVAC Unit A",
            source=CustomFieldSource.user_added,
        )
        age_field = CustomField.number(CustomFieldKey("age_years"), 5)
        active_field = CustomField.boolean(CustomFieldKey("is_active"), True)
        cost_field = CustomField.money(CustomFieldKey("replacement_cost"), Money(15000.00, CurrencyCode.USD))
        tags_field = CustomField.multi_select(CustomFieldKey("asset_tags"), ["hvac", "critical", "old"])
        due_date_field = CustomField.date(CustomFieldKey("maintenance_due"), datetime(2025, 6, 15))

        assert name_field.text_value == "HVAC Unit A"
        assert age_field.number_value == 5
        assert active_field.boolean_value is True
        assert cost_field.money_value is not None and cost_field.money_value.is_positive
        assert cost_field.money_value.display_label == "$15,000.00"
        assert tags_field.multi_select_value == ("hvac", "critical", "old")
        assert due_date_field.date_value == date(2025, 6, 15)

    def test_json(self) -> None:
        json = {
            "key": "asset_name",
            "fieldType": "text",
            "value": "HVAC Unit A",
            "source": "userAdded",
        }
        restored = CustomField.from_json(json)
        name_field = CustomField.text(CustomFieldKey("asset_name"), "HVAC Unit A", source=CustomFieldSource.user_added)
        assert restored == name_field
        assert name_field.to_json() == json

    @pytest.mark.parametrize(
        ("field", "field_type"),
        [
            (CustomField.text("k", "Asset description"), CustomFieldType.text),
            (CustomField.number("k", 42), CustomFieldType.number),
            (CustomField.number("k", 3.14), CustomFieldType.number),
            (CustomField.boolean("k", False), CustomFieldType.boolean),
            (CustomField.percentage("k", 75), CustomFieldType.percentage),
            (CustomField.date("k", date(2025, 1, 1)), CustomFieldType.date),
            (CustomField.select("k", "option_a"), CustomFieldType.select),
            (CustomField.multi_select("k", ["opt1", "opt2"]), CustomFieldType.multi_select),
            (
                CustomField.attachment("k", AttachmentReference(attachment_id="a1")),
                CustomFieldType.attachment,
            ),
            (
                CustomField.attachment_list(
                    "k",
                    [
                        AttachmentReference(attachment_id="ref1"),
                        AttachmentReference(attachment_id="ref2"),
                    ],
                ),
                CustomFieldType.attachment_list,
            ),
            (CustomField.money("k", Money(1000, CurrencyCode.USD)), CustomFieldType.money),
        ],
    )
    def test_supported_field_types(self, field: CustomField, field_type: CustomFieldType) -> None:
        assert field.field_type is field_type
        assert CustomField.from_json(field.to_json()) == field

    def test_percentage_is_clamped(self) -> None:
        assert CustomField.percentage("k", 140).percentage_value == 100
        assert CustomField.percentage("k", -3.5).percentage_value == 0

    def test_sources(self) -> None:
        assert [source.value for source in CustomFieldSource] == [
            "taxonomy",
            "listing",
            "userAdded",
        ]

    def test_factory_equals_the_long_form(self) -> None:
        long_form = CustomField(MoneyCustomField(key=CustomFieldKey("cost"), value=Money(1000, CurrencyCode.USD)))
        assert long_form == CustomField.money(CustomFieldKey("cost"), Money(1000, CurrencyCode.USD))


def test_distance() -> None:
    distance = Distance(100.5, DistanceUnit.meters)
    altitude_meters = Distance(1500.0, DistanceUnit.meters)
    assert distance.value == 100.5
    assert altitude_meters.to(DistanceUnit.kilometers) == Distance(1.5, DistanceUnit.kilometers)


def test_names_and_descriptions() -> None:
    estate_name = EstateName("Main Office Complex")
    assert SiteName("Building A").value == "Building A"
    assert BuildingName("North Wing").value == "North Wing"
    assert RoomName("Conference Room 3").value == "Conference Room 3"
    assert LayerName("Electrical Systems").value == "Electrical Systems"
    assert CatalogueName("HVAC Equipment").value == "HVAC Equipment"
    assert ListingTitle("Standard Chiller Unit").value == "Standard Chiller Unit"
    assert SiteDescription("Primary manufacturing facility").value.startswith("Primary")
    assert RoomDescription("Large meeting space with AV equipment").value.endswith("equipment")

    assert EstateName.from_string(None) == EstateName.unresolved
    assert SiteName.from_string(" spaces ") == SiteName("spaces")

    assert estate_name == EstateName("Main Office Complex")
    assert estate_name.to_json() == {"value": "Main Office Complex"}


def test_roles() -> None:
    estate_owner = Role.estate_owner
    assert Role.site_admin.role_type is RoleType.site
    assert Role.layer_write.value == "write"
    assert Role.feature_read.role_type is RoleType.feature

    assert Role.estate_read.has_minimum_permission(Role.estate_admin) is False
    assert estate_owner.can_grant(Role.estate_write) is True
    assert Role.estate_write.can_grant(Role.site_read) is False

    assert [r.value for r in Role.all_of(RoleType.estate)] == ["read", "write", "admin", "owner"]
    assert [r.value for r in Role.all_of(RoleType.site)] == ["read", "write", "admin"]
    assert [r.value for r in Role.all_of(RoleType.layer)] == ["none", "read", "write", "admin"]
    assert [r.value for r in Role.all_of(RoleType.feature)] == ["none", "read", "write", "admin"]
    assert [r.value for r in Role.all_of(RoleType.catalogue)] == ["read", "write", "admin"]

    role_from_string = Role.from_string("write", RoleType.site)
    json = role_from_string.to_json()
    assert Role.from_json(json) == role_from_string == Role.site_write


def test_attachment_reference() -> None:
    attachment_ref = AttachmentReference(attachment_id=AttachmentId("attach-001"))
    json = attachment_ref.to_json()
    assert json == {"attachmentId": "attach-001"}
    assert AttachmentReference.from_json(json) == attachment_ref

    field = CustomField.attachment(CustomFieldKey("supporting_docs"), attachment_ref)
    assert field.attachment_value == attachment_ref


class TestPayloads:
    def test_asset_move(self) -> None:
        payload = AssetMovePayload(
            asset_id="asset-123",
            latitude=-33.8688,
            longitude=151.2093,
            altitude_meters=100.5,
            horizontal_accuracy_meters=5.0,
        )
        json = payload.to_json()
        assert json["assetId"] == "asset-123"
        assert AssetMovePayload.from_json(json) == payload

    def test_approval_workflow(self) -> None:
        approval_data = ApprovalData(
            approval_steps=["manager_review", "director_approval", "financial_sign_off"],
            current_step="director_approval",
            approvers_assigned=True,
        )
        payload = ApprovalWorkflowPayload(workflow_id="workflow-001", status="in_progress", approval_data=approval_data)
        json = payload.to_json()
        assert json["approvalData"]["currentStep"] == "director_approval"
        assert ApprovalWorkflowPayload.from_json(json) == payload

    def test_file_attachment(self) -> None:
        payload = FileAttachmentPayload(
            file_id="file-456",
            file_name="maintenance_report.pdf",
            mime_type="application/pdf",
            size_bytes=2048576,
            uploaded_by="user-789",
        )
        json = payload.to_json()
        assert json["fileName"] == "maintenance_report.pdf"
        assert FileAttachmentPayload.from_json(json) == payload

    def test_location(self) -> None:
        payload = LocationPayload(
            estate_id="estate-001",
            site_id="site-001",
            building_id="bldg-001",
            floor_level=3,
            room_id="room-301",
        )
        json = payload.to_json()
        assert json == {
            "estateId": "estate-001",
            "siteId": "site-001",
            "buildingId": "bldg-001",
            "floorLevel": 3,
            "roomId": "room-301",
        }
        assert LocationPayload.from_json(json) == payload

    def test_responsibility_assignment(self) -> None:
        payload = ResponsibilityAssignmentPayload(
            responsibility_id="resp-001",
            assigned_to="user-789",
            assigned_by="user-001",
            due_date=date(2025, 3, 15),
            priority="high",
        )
        json = payload.to_json()
        assert json["dueDate"] == "2025-03-15"
        assert ResponsibilityAssignmentPayload.from_json(json) == payload

    def test_notification(self) -> None:
        payload = NotificationPayload(
            recipient_id="user-789",
            title=NotificationTitle("Approval Required"),
            message=NotificationMessage("Your review is pending"),
            notification_type=NotificationType.approval,
            related_entity_id="proposal-001",
        )
        json = payload.to_json()
        assert json["type"] == "approval"
        assert json["title"] == "Approval Required"
        assert NotificationPayload.from_json(json) == payload

    def test_pending_invitation(self) -> None:
        invitation = PendingInvitation(
            invitation_id="inv-001",
            invited_email="newuser@example.com",
            invited_by="user-001",
            status=InvitationStatus.pending,
            expires_at=datetime.now(UTC) + timedelta(days=7),
        )
        json = invitation.to_json()
        assert PendingInvitation.from_json(json) == invitation
        assert not invitation.is_expired(datetime.now(UTC))

    def test_layer(self) -> None:
        payload = LayerPayload(
            layer_id="layer-001",
            name="Electrical Systems",
            site_id="site-001",
            is_visible=True,
            order=1,
        )
        json = payload.to_json()
        assert json == {
            "layerId": "layer-001",
            "name": "Electrical Systems",
            "siteId": "site-001",
            "isVisible": True,
            "order": 1,
        }
        assert LayerPayload.from_json(json) == payload

    def test_trackable_asset_replacement_set(self) -> None:
        replacement_set = TrackableAssetReplacementSet(
            asset_to_remove_id="asset-old-123",
            asset_to_add_ids=["asset-new-1", "asset-new-2"],
            replaced_by="user-789",
            timestamp=datetime.now(UTC),
        )
        json = replacement_set.to_json()
        assert json["assetToAddIds"] == ["asset-new-1", "asset-new-2"]
        assert TrackableAssetReplacementSet.from_json(json) == replacement_set


def test_json_aliases() -> None:
    data: JsonMap = {"key": "value", "nested": 42}
    metadata: Metadata = {
        "created": "2025-01-18",
        "modified": "2025-01-20",
        "tags": ["important", "reviewed"],
        "score": 85,
    }
    items: JsonArray = ["a", "b", 42, None]
    assert data["nested"] == 42 and metadata["score"] == 85 and items[3] is None


def test_nomos_conversions() -> None:
    estate_id = EstateId("estate-001")
    nomos_workspace_id = NomosConversionUtils.estate_id_to_workspace_id(estate_id)
    user_id = UserId("user-789")
    nomos_actor_id = NomosConversionUtils.user_id_to_actor_id(user_id)

    assert nomos_workspace_id == "estate-001"
    assert nomos_actor_id == "user-789"
    assert NomosConversionUtils.workspace_id_to_estate_id(nomos_workspace_id) == estate_id
    assert NomosConversionUtils.actor_id_to_user_id(nomos_actor_id) == user_id


def test_enums() -> None:
    assert [*UserStatus] == ["active", "inactive", "suspended"]
    assert [*InvitationStatus] == ["pending", "accepted", "rejected", "expired"]
    assert [*PermissionStatus] == ["granted", "denied", "pending"]
    assert [*ListingStatus] == ["draft", "active", "archived"]
    assert [*CatalogueStatus] == ["draft", "published", "archived"]
    assert [*SupplierStatus] == ["active", "inactive", "archived"]
    assert [*FundingApplicationStatus] == ["draft", "submitted", "approved", "rejected"]
    assert [*ProposalStatus] == ["draft", "submitted", "approved", "rejected", "implemented"]
    assert [*InsightType] == ["recommendation", "alert", "analysis"]
    assert [*ClaimStatus] == ["draft", "submitted", "approved", "rejected"]
    assert [*VerificationOutcome] == ["approved", "failed", "conditional"]
    assert [*EnergyCalculationType] == ["actual", "estimated", "extrapolated"]

    user_status = UserStatus.active
    assert user_status != UserStatus.suspended


class TestBestPractices:
    def test_check_for_unresolved(self) -> None:
        asset_id = TrackableAssetId.unresolved
        assert asset_id == TrackableAssetId.unresolved

    def test_money_avoids_float_error(self) -> None:
        total = Money(100.00, CurrencyCode.USD) + Money(50.00, CurrencyCode.USD)
        assert total == Money.usd(150)
        assert Money.usd(0.1) + Money.usd(0.2) == Money.usd("0.3")


class TestMigration:
    def test_string_ids(self) -> None:
        asset_id = TrackableAssetId.from_string("asset-123")
        assert asset_id.value == "asset-123"

    def test_money_from_json(self) -> None:
        json = {"price": {"amountInMinorUnits": 1999, "currency": "EUR"}}
        assert Money.from_json(json["price"]) == Money.eur(19.99)

    def test_typed_accessors(self) -> None:
        field = CustomField.text("notes", "serviced")
        assert field.text_value == "serviced"
        assert field.money_value is None


class TestTheDocumentsOwnTests:
    def test_estate_id_creates_type_safe_identifiers(self) -> None:
        estate_id = EstateId("test-estate-1")
        assert estate_id.value == "test-estate-1"
        # Dart's toString() names the type; in Python that is repr(), while str() is the value.
        assert "EstateId" in repr(estate_id)
        assert str(estate_id) == "test-estate-1"

    def test_money_prevents_operations_on_different_currencies(self) -> None:
        usd = Money(100, CurrencyCode.USD)
        eur = Money(100, CurrencyCode.EUR)
        with pytest.raises(ValueError, match="USD and EUR"):
            usd + eur

    def test_custom_field_text_creates_type_safe_text_fields(self) -> None:
        field = CustomField.text(CustomFieldKey("name"), "Test Value")
        assert field.text_value == "Test Value"
        assert field.number_value is None

    def test_role_can_grant_enforces_permission_delegation_rules(self) -> None:
        admin = Role.estate_admin
        write = Role.estate_write
        assert admin.can_grant(write)
        assert not write.can_grant(admin)


def test_description_text_keeps_newlines() -> None:
    assert AssetDescription("line one\nline two").value == "line one\nline two"

"""Every value object of the package survives JSON, in dict form and as a JSON string."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel, RootModel

import schema.contracts as contracts
from schema.contracts import (
    ApprovalData,
    ApprovalWorkflowPayload,
    AssetMovePayload,
    AssetType,
    AttachmentReference,
    BuildingLevel,
    BuildingLevelLocation,
    CreateBuildingPayload,
    CurrencyCode,
    CustomField,
    CustomFieldKey,
    CustomFieldMap,
    Distance,
    DistanceUnit,
    EmailAddress,
    FileAttachmentPayload,
    GeoPoint,
    LayerPayload,
    LocationPayload,
    Money,
    NotificationPayload,
    NotificationType,
    PendingInvitation,
    PostalAddress,
    ResponsibilityAssignmentPayload,
    Role,
    StructuralAssignment,
    TrackableAssetReplacementSet,
)

NOW = datetime(2025, 1, 18, 9, 30, tzinfo=UTC)
REF = AttachmentReference(attachment_id="att-1")

SAMPLES: list[BaseModel] = [
    *(kind("sample-1") for kind in contracts.IDENTIFIER_TYPES),
    *(kind("A sample") for kind in contracts.NAME_TYPES),
    *(kind.unresolved for kind in contracts.NAME_TYPES),
    AssetType.from_code("hvac"),
    CurrencyCode("XYZ"),
    CustomFieldKey("asset_name"),
    EmailAddress("someone@example.com"),
    BuildingLevel(-2),
    Money.eur(19.99),
    Money.jpy(1000),
    Distance(12.5, DistanceUnit.feet),
    REF,
    BuildingLevelLocation(building_id="bldg-001", level=3),
    StructuralAssignment(room_id="room-1", building_id="b-1", site_id="s-1", level=0),
    GeoPoint(latitude=51.5, longitude=-0.12),
    PostalAddress(street="Main St", city="Boston", country="US", postal_code="02108"),
    *(Role.all_of(contracts.RoleType.layer)),
    CustomField.text("t", "text"),
    CustomField.number("n", 1.5),
    CustomField.boolean("b", True),
    CustomField.percentage("p", 50),
    CustomField.date("d", date(2025, 6, 15)),
    CustomField.select("s", "a"),
    CustomField.multi_select("m", ["a", "b"]),
    CustomField.attachment("a", REF),
    CustomField.attachment_list("l", [REF, AttachmentReference(attachment_id="att-2")]),
    CustomField.money("c", Money.gbp(3)),
    CustomFieldMap({"temperature_setpoint": "72"}).with_field(CustomField.money("c", Money.usd(1))),
    CustomFieldMap.empty(),
    AssetMovePayload(asset_id="a", latitude=1, longitude=2, vertical_accuracy_meters=0.5),
    ApprovalData(approval_steps=["x", "y"], current_step="y", approvers_assigned=True),
    ApprovalWorkflowPayload(workflow_id="w", status="in_progress", approval_data=ApprovalData(approval_steps=["x"])),
    FileAttachmentPayload(file_id="f", file_name="r.pdf", mime_type="application/pdf", size_bytes=1, uploaded_by="u"),
    LocationPayload(estate_id="e"),
    ResponsibilityAssignmentPayload(
        responsibility_id="r", assigned_to="facilities-team", assigned_by="u", due_date=date.today()
    ),
    NotificationPayload(
        recipient_id="u",
        title="T",
        message="M",
        notification_type=NotificationType.info,
        related_entity_id="x",
    ),
    PendingInvitation(invitation_id="i", invited_email="a@b.co", invited_by="u", expires_at=NOW),
    LayerPayload(layer_id="l", name="Layer", site_id="s", is_visible=False, order=3),
    TrackableAssetReplacementSet(
        asset_to_remove_id="old", asset_to_add_ids=["n1", "n2"], replaced_by="u", timestamp=NOW
    ),
    CreateBuildingPayload(name="Main Structure", level_count=3),
]


def sample_id(sample: Any) -> str:
    return f"{type(sample).__name__}:{sample!r}"[:60]


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_to_json_from_json(sample: Any) -> None:
    restored = type(sample).from_json(sample.to_json())
    assert restored == sample
    assert type(restored) is type(sample)


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_json_text_round_trip(sample: BaseModel) -> None:
    text = json.dumps(sample.to_json())  # type: ignore[attr-defined]
    assert type(sample).from_json(json.loads(text)) == sample  # type: ignore[attr-defined]
    assert type(sample).model_validate_json(sample.model_dump_json(by_alias=True)) == sample


def test_every_value_object_has_a_sample() -> None:
    sampled = {type(sample) for sample in SAMPLES}
    exported = {
        value
        for name in contracts.__all__
        if isinstance(value := getattr(contracts, name), type)
        and issubclass(value, BaseModel)
        and value.__module__.startswith("schema.contracts")
    }
    abstract = {
        contracts.ValueObject,
        contracts.DomainText,
        contracts.Identifier,
        contracts.DomainName,
        contracts.DomainDescription,
        contracts.BaseCustomField,
        RootModel,
    }
    variants = set(contracts.CUSTOM_FIELD_VARIANTS.values())
    # Variants travel inside CustomField, which is sampled once per field type.
    assert exported - abstract - variants - sampled == set()

"""Validation of the cross-domain payloads; their happy paths are in the document tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from schema.contracts import (
    ApprovalData,
    AssetMovePayload,
    CreateBuildingPayload,
    FileAttachmentPayload,
    LayerPayload,
    NotificationPayload,
    PendingInvitation,
    TrackableAssetId,
    TrackableAssetReplacementSet,
    UserId,
)

NOW = datetime(2025, 1, 18, 12, tzinfo=UTC)


def error_locations(error: ValidationError) -> list[tuple[int | str, ...]]:
    return [e["loc"] for e in error.errors()]


def move(**changes: Any) -> dict[str, Any]:
    return {"assetId": "asset-123", "latitude": -33.8, "longitude": 151.2, **changes}


@pytest.mark.parametrize(
    ("json", "field"),
    [
        (move(latitude=-91), "latitude"),
        (move(longitude=200), "longitude"),
        (move(assetId=""), "assetId"),
        (move(horizontalAccuracyMeters=-1), "horizontalAccuracyMeters"),
        (move(altitudeMeters=float("nan")), "altitudeMeters"),
        (move(speed=3), "speed"),
    ],
)
def test_asset_move_rejects(json: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AssetMovePayload.from_json(json)
    assert error_locations(caught.value) == [(field,)]


def test_approval_current_step_must_be_a_step() -> None:
    with pytest.raises(ValidationError, match="currentStep: 'ceo' is not one of approvalSteps"):
        ApprovalData(approval_steps=["manager_review"], current_step="ceo")
    assert ApprovalData(approval_steps=[]).current_step is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mimeType": "pdf"}, "mimeType"),
        ({"sizeBytes": -1}, "sizeBytes"),
        ({"fileName": "a/b.pdf"}, "fileName"),
        ({"uploadedBy": "  "}, "uploadedBy"),
    ],
)
def test_file_attachment_rejects(changes: dict[str, Any], field: str) -> None:
    json = {
        "fileId": "file-456",
        "fileName": "report.pdf",
        "mimeType": "application/pdf",
        "sizeBytes": 10,
        "uploadedBy": "user-789",
        **changes,
    }
    with pytest.raises(ValidationError) as caught:
        FileAttachmentPayload.from_json(json)
    assert error_locations(caught.value) == [(field,)]


def test_file_attachment_normalises_mime_type() -> None:
    payload = FileAttachmentPayload(
        file_id="f", file_name="x.PDF", mime_type=" Application/PDF ", size_bytes=0, uploaded_by="u"
    )
    assert payload.mime_type == "application/pdf"


def test_notification_type_is_an_enum_under_the_json_name_type() -> None:
    json = {
        "recipientId": "user-1",
        "title": "Hello",
        "message": "Line one\nLine two",
        "type": "reminder",
        "relatedEntityId": None,
    }
    payload = NotificationPayload.from_json(json)
    assert payload.notification_type == "reminder"
    assert payload.to_json() == json
    with pytest.raises(ValidationError, match="type\n"):
        NotificationPayload.from_json({**json, "type": "gossip"})


def test_pending_invitation_requires_an_email_and_an_aware_time() -> None:
    base = {"invitationId": "inv-1", "invitedBy": "user-1", "expiresAt": NOW.isoformat()}
    assert PendingInvitation.from_json({**base, "invitedEmail": "a@b.co"}).status == "pending"
    with pytest.raises(ValidationError, match="EmailAddress"):
        PendingInvitation.from_json({**base, "invitedEmail": "not-an-email"})
    with pytest.raises(ValidationError, match="expiresAt"):
        PendingInvitation.from_json({**base, "invitedEmail": "a@b.co", "expiresAt": "2025-01-18T12:00:00"})


def test_pending_invitation_expiry() -> None:
    invitation = PendingInvitation(invitation_id="inv-1", invited_email="a@b.co", invited_by="user-1", expires_at=NOW)
    assert invitation.is_expired(NOW)
    assert not invitation.is_expired(NOW - timedelta(seconds=1))


def test_layer_payload_rejects_negative_order_and_loose_booleans() -> None:
    json = {"layerId": "l", "name": "Electrical", "siteId": "s", "isVisible": True, "order": 0}
    with pytest.raises(ValidationError, match="order"):
        LayerPayload.from_json({**json, "order": -1})
    with pytest.raises(ValidationError, match="isVisible"):
        LayerPayload.from_json({**json, "isVisible": "yes"})


def test_replacement_set_rules() -> None:
    with pytest.raises(ValidationError, match="assetToAddIds: contains asset-1, the asset being"):
        TrackableAssetReplacementSet(
            asset_to_remove_id="asset-1",
            asset_to_add_ids=["asset-1"],
            replaced_by=UserId("u"),
            timestamp=NOW,
        )
    with pytest.raises(ValidationError, match="the same asset twice"):
        TrackableAssetReplacementSet(
            asset_to_remove_id="asset-1",
            asset_to_add_ids=[TrackableAssetId("asset-2"), "asset-2"],
            replaced_by=UserId("u"),
            timestamp=NOW,
        )


def test_create_building_payload_level_count() -> None:
    assert CreateBuildingPayload(name="Main").level_count == 1
    with pytest.raises(ValidationError, match="levelCount"):
        CreateBuildingPayload.from_json({"name": "Main", "levelCount": 0})

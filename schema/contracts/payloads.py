"""Cross-domain payloads: what one bounded context tells another.

The contracts document types their ids as strings to avoid import cycles between Dart
packages. Here the typed identifiers live in this same package, so payloads use them: the
JSON is the same plain string, plain strings are accepted on construction, and the values
are validated. Times are timezone-aware.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import AfterValidator, AwareDatetime, Field, StrictBool, StrictInt, model_validator

from .addresses import EmailAddress
from .base import ContractViolation, FiniteFloat, TextLine, ValueObject
from .enums import InvitationStatus, NotificationType, ResponsibilityPriority
from .identifiers import (
    BuildingId,
    EstateId,
    FileId,
    InvitationId,
    LayerId,
    ResponsibilityId,
    RoomId,
    SiteId,
    TrackableAssetId,
    UserId,
    WorkflowId,
)
from .locations import BuildingLevel, Latitude, Longitude
from .names import BuildingName, FileName, LayerName, NotificationMessage, NotificationTitle

_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*")


def _mime_type(raw: str) -> str:
    mime = raw.strip().lower()
    if not _MIME_TYPE.fullmatch(mime):
        raise ValueError(f"must be a MIME type such as 'application/pdf', got {raw!r}")
    return mime


NonNegativeMeters = Annotated[FiniteFloat, Field(ge=0)]


class AssetMovePayload(ValueObject):
    asset_id: TrackableAssetId
    latitude: Latitude
    longitude: Longitude
    altitude_meters: FiniteFloat | None = None
    horizontal_accuracy_meters: NonNegativeMeters | None = None
    vertical_accuracy_meters: NonNegativeMeters | None = None


class ApprovalData(ValueObject):
    approval_steps: tuple[TextLine, ...]
    current_step: TextLine | None = None
    approvers_assigned: StrictBool = False

    @model_validator(mode="after")
    def _current_step_is_a_step(self) -> Self:
        if self.current_step is not None and self.current_step not in self.approval_steps:
            raise ContractViolation(
                "currentStep",
                f"{self.current_step!r} is not one of approvalSteps {list(self.approval_steps)}",
            )
        return self


class ApprovalWorkflowPayload(ValueObject):
    workflow_id: WorkflowId
    status: TextLine
    approval_data: ApprovalData


class FileAttachmentPayload(ValueObject):
    file_id: FileId
    file_name: FileName
    mime_type: Annotated[str, AfterValidator(_mime_type)]
    size_bytes: Annotated[StrictInt, Field(ge=0)]
    uploaded_by: UserId


class LocationPayload(ValueObject):
    estate_id: EstateId
    site_id: SiteId | None = None
    building_id: BuildingId | None = None
    floor_level: BuildingLevel | None = None
    room_id: RoomId | None = None


class ResponsibilityAssignmentPayload(ValueObject):
    responsibility_id: ResponsibilityId
    # A user id or a role name: responsibilities go to either.
    assigned_to: TextLine
    assigned_by: UserId
    due_date: date | None = None
    priority: ResponsibilityPriority = ResponsibilityPriority.medium


class NotificationPayload(ValueObject):
    recipient_id: UserId
    title: NotificationTitle
    message: NotificationMessage
    notification_type: NotificationType = Field(alias="type")
    # Any entity of any domain, so deliberately untyped.
    related_entity_id: TextLine | None = None


class PendingInvitation(ValueObject):
    invitation_id: InvitationId
    invited_email: EmailAddress
    invited_by: UserId
    status: InvitationStatus = InvitationStatus.pending
    expires_at: AwareDatetime

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class LayerPayload(ValueObject):
    layer_id: LayerId
    name: LayerName
    site_id: SiteId
    is_visible: StrictBool = True
    order: Annotated[StrictInt, Field(ge=0)] = 0


class TrackableAssetReplacementSet(ValueObject):
    asset_to_remove_id: TrackableAssetId
    asset_to_add_ids: tuple[TrackableAssetId, ...]
    replaced_by: UserId
    timestamp: AwareDatetime

    @model_validator(mode="after")
    def _distinct_assets(self) -> Self:
        if self.asset_to_remove_id in self.asset_to_add_ids:
            raise ContractViolation("assetToAddIds", f"contains {self.asset_to_remove_id}, the asset being removed")
        if len(set(self.asset_to_add_ids)) != len(self.asset_to_add_ids):
            raise ContractViolation("assetToAddIds", "contains the same asset twice")
        return self


class CreateBuildingPayload(ValueObject):
    """The first building of a site created together with its topology draft."""

    name: BuildingName
    level_count: Annotated[StrictInt, Field(ge=1, le=500)] = 1

"""Facts about licences."""

from __future__ import annotations

from datetime import date, datetime

from nomos_mongo import Event
from schema.contracts import OrganizationId, PermissionReasonDescription, UserId
from schema.licences.group import GROUP


@GROUP.event
class PersonalLicenceCreatedEvent(Event):
    user_id: UserId
    requested_by: UserId
    reason: PermissionReasonDescription | None = None
    valid_from: date
    valid_until: date | None = None
    created_at: datetime


@GROUP.event
class OrganizationalLicenceCreatedEvent(Event):
    organization_id: OrganizationId
    seat_count: int
    valid_from: date
    valid_until: date
    created_by: UserId
    created_at: datetime


@GROUP.event
class LicenceSeatAssignedEvent(Event):
    user_id: UserId
    assigned_by: UserId
    assigned_at: datetime

"""What happened to users, organizations and resource permissions."""

from __future__ import annotations

from datetime import datetime

from nomos_mongo import Event
from schema.contracts import (
    EmailAddress,
    OrganizationId,
    OrganizationName,
    PermissionReasonDescription,
    ResourceId,
    ResourceType,
    Role,
    UserDisplayName,
    UserId,
    UserStatus,
)

from .values import OrganizationRole


class UserCreatedEvent(Event):
    display_name: UserDisplayName
    email: EmailAddress
    status: UserStatus
    created_by: UserId
    created_at: datetime


class UserJoinedOrganizationEvent(Event):
    organization_id: OrganizationId
    role: OrganizationRole


class OrganizationCreatedEvent(Event):
    name: OrganizationName
    created_by: UserId
    created_at: datetime


class OrganizationMemberAddedEvent(Event):
    user_id: UserId
    role: OrganizationRole
    added_by: UserId
    added_at: datetime


class ResourcePermissionGrantedEvent(Event):
    resource_type: ResourceType
    resource_id: ResourceId
    user_id: UserId
    role: Role
    granted_by: UserId
    granted_at: datetime
    reason: PermissionReasonDescription | None = None
    expires_at: datetime | None = None


class ResourcePermissionRevokedEvent(Event):
    user_id: UserId
    revoked_by: UserId
    revoked_at: datetime
    reason: PermissionReasonDescription | None = None

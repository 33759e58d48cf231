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
from schema.identity.group import GROUP

from .values import OrganizationRole


@GROUP.event
class UserCreatedEvent(Event):
    display_name: UserDisplayName
    email: EmailAddress
    status: UserStatus
    created_by: UserId
    created_at: datetime


@GROUP.event
class UserJoinedOrganizationEvent(Event):
    organization_id: OrganizationId
    role: OrganizationRole


@GROUP.event
class OrganizationCreatedEvent(Event):
    name: OrganizationName
    created_by: UserId
    created_at: datetime


@GROUP.event
class OrganizationMemberAddedEvent(Event):
    user_id: UserId
    role: OrganizationRole
    added_by: UserId
    added_at: datetime


@GROUP.event
class ResourcePermissionGrantedEvent(Event):
    resource_type: ResourceType
    resource_id: ResourceId
    user_id: UserId
    role: Role
    granted_by: UserId
    granted_at: datetime
    reason: PermissionReasonDescription | None = None
    expires_at: datetime | None = None


@GROUP.event
class ResourcePermissionRevokedEvent(Event):
    user_id: UserId
    revoked_by: UserId
    revoked_at: datetime
    reason: PermissionReasonDescription | None = None

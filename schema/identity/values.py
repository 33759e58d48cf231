"""Value objects of identity and permissions: organization members, resource grants, and
which role type each grantable resource type takes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator

from schema.contracts import (
    PermissionReasonDescription,
    ResourceType,
    Role,
    RoleType,
    UserId,
    ValueObject,
)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must carry a time zone, e.g. 2026-01-31T12:00:00Z")
    return value


AwareTime = Annotated[datetime, AfterValidator(_aware)]


class OrganizationRole(StrEnum):
    member = "member"
    admin = "admin"


class OrganizationMember(ValueObject):
    user_id: UserId
    role: OrganizationRole
    added_by: UserId
    added_at: datetime


class ResourceGrant(ValueObject):
    user_id: UserId
    role: Role
    granted_by: UserId
    granted_at: datetime
    reason: PermissionReasonDescription | None = None
    expires_at: datetime | None = None

    def active_at(self, now: datetime | None) -> bool:
        return self.expires_at is None or now is None or now < self.expires_at


# Resources that live inside an estate and have a role hierarchy of their own. Catalogues
# have roles too, but they live in the system workspace, outside any estate.
ROLE_TYPE_OF: dict[ResourceType, RoleType] = {
    ResourceType.estate: RoleType.estate,
    ResourceType.site: RoleType.site,
    ResourceType.layer: RoleType.layer,
    ResourceType.feature: RoleType.feature,
}

RESOURCE_LABELS: dict[ResourceType, str] = {
    ResourceType.estate: "Estate",
    ResourceType.site: "Site",
    ResourceType.layer: "Layer",
    ResourceType.feature: "Feature",
}


def check_grantable(resource_type: ResourceType) -> ResourceType:
    if resource_type not in ROLE_TYPE_OF:
        kinds = ", ".join(ROLE_TYPE_OF)
        raise ValueError(f"roles are granted on {kinds} resources, not on {resource_type}")
    return resource_type


def check_role_fits(role: Role, resource_type: ResourceType | None) -> Role:
    expected = ROLE_TYPE_OF.get(resource_type) if resource_type is not None else None
    if expected is not None and role.role_type is not expected:
        raise ValueError(f"a {resource_type} needs a {expected} role, got a {role.role_type} role")
    return role


def permission_key(resource_type: ResourceType, resource_id: str) -> str:
    """The id of a resource's ResourcePermissionsAggregate: ids of different types may collide."""
    key = f"{resource_type.value}:{resource_id}"
    if len(key) > 200:  # the engine's id limit
        key = f"{resource_type.value}:{uuid.uuid5(uuid.NAMESPACE_URL, resource_id)}"
    return key

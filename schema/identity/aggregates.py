"""Users and organizations (system workspace) and per-resource permissions (estate workspace).

Estate roles are not here: they are the EstateAccessAggregate of schema/access.py. A
ResourcePermissionsAggregate holds the roles on one site, layer or feature of an estate;
its id is `permission_key(resource type, resource id)`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from nomos_mongo import Aggregate, Event
from nomos_mongo.access import Access
from schema.contracts import (
    EmailAddress,
    OrganizationId,
    OrganizationName,
    ResourceId,
    ResourceType,
    Role,
    UserDisplayName,
    UserId,
    UserStatus,
)
from schema.identity.group import GROUP

from .events import (
    OrganizationCreatedEvent,
    OrganizationMemberAddedEvent,
    ResourcePermissionGrantedEvent,
    ResourcePermissionRevokedEvent,
    UserCreatedEvent,
    UserJoinedOrganizationEvent,
)
from .values import OrganizationMember, OrganizationRole, ResourceGrant


@GROUP.aggregate
class UserAggregate(Aggregate):
    display_name: UserDisplayName = UserDisplayName.unresolved
    email: EmailAddress | None = None
    status: UserStatus = UserStatus.active
    organization_ids: tuple[OrganizationId, ...] = ()
    created_by: UserId | None = None
    created_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> UserAggregate:
        match event:
            case UserCreatedEvent():
                return self.evolve(
                    display_name=event.display_name,
                    email=event.email,
                    status=event.status,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case UserJoinedOrganizationEvent(organization_id=organization_id):
                return self.evolve(organization_ids=(*self.organization_ids, organization_id))
        return self


@GROUP.aggregate
class OrganizationAggregate(Aggregate):
    name: OrganizationName = OrganizationName.unresolved
    members: tuple[OrganizationMember, ...] = ()
    member_ids: tuple[UserId, ...] = ()  # for queries: FieldFilter("member_ids", user, "contains")
    created_by: UserId | None = None
    created_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def role_of(self, user_id: UserId) -> OrganizationRole | None:
        return next((m.role for m in self.members if m.user_id == user_id), None)

    def apply(self, event: Event) -> OrganizationAggregate:
        match event:
            case OrganizationCreatedEvent():
                return self.evolve(name=event.name, created_by=event.created_by, created_at=event.created_at)
            case OrganizationMemberAddedEvent():
                member = OrganizationMember(
                    user_id=event.user_id, role=event.role, added_by=event.added_by, added_at=event.added_at
                )
                return self.evolve(members=(*self.members, member), member_ids=(*self.member_ids, event.user_id))
        return self


@GROUP.aggregate
class ResourcePermissionsAggregate(Aggregate):
    resource_type: ResourceType | None = None
    resource_id: ResourceId | None = None
    grants: tuple[ResourceGrant, ...] = ()
    user_ids: tuple[UserId, ...] = ()  # for queries: FieldFilter("user_ids", user, "contains")

    # reverting a grant or a revoke is granting, and the role rules do not run on an undo
    undo_access: ClassVar[Access] = Access.OWNER

    def grant_of(self, user_id: UserId) -> ResourceGrant | None:
        return next((g for g in self.grants if g.user_id == user_id), None)

    def role_of(self, user_id: UserId, now: datetime | None = None) -> Role | None:
        """The user's role; with `now`, None once the grant has expired."""
        grant = self.grant_of(user_id)
        return grant.role if grant is not None and grant.active_at(now) else None

    def apply(self, event: Event) -> ResourcePermissionsAggregate:
        match event:
            case ResourcePermissionGrantedEvent():
                grant = ResourceGrant(
                    user_id=event.user_id,
                    role=event.role,
                    granted_by=event.granted_by,
                    granted_at=event.granted_at,
                    reason=event.reason,
                    expires_at=event.expires_at,
                )
                others = tuple(g for g in self.grants if g.user_id != event.user_id)
                return self.evolve(
                    resource_type=event.resource_type,
                    resource_id=event.resource_id,
                    grants=(*others, grant),
                    user_ids=tuple(g.user_id for g in (*others, grant)),
                )
            case ResourcePermissionRevokedEvent(user_id=user_id):
                grants = tuple(g for g in self.grants if g.user_id != user_id)
                return self.evolve(grants=grants, user_ids=tuple(g.user_id for g in grants))
        return self

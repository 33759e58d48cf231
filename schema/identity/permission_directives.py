"""How permission intents change roles.

Estate roles go through schema/access.py's ChangeEstateRoleDirective (which enforces
Role.can_grant). Roles on a site, layer or feature go to that resource's
ResourcePermissionsAggregate in the estate's workspace. There the granter needs an admin or
owner role on the estate, or a role on the resource that can_grant both the role given and
the role it replaces. `plan` reads the granter's estate role into the payload, so that
`execute` decides from its inputs alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from nomos_mongo import (
    Aggregate,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.access import ChangeEstateRoleDirective, EstateAccessAggregate, EstateRolePayload
from schema.contracts import (
    PermissionReasonDescription,
    ResourceId,
    ResourceType,
    Role,
    RoleLevel,
    UserId,
)
from schema.estates.aggregates import SiteAggregate
from schema.identity.group import GROUP

from .aggregates import ResourcePermissionsAggregate
from .events import ResourcePermissionGrantedEvent, ResourcePermissionRevokedEvent
from .values import ROLE_TYPE_OF, permission_key

_ESTATE_AUTHORITY = frozenset({RoleLevel.admin, RoleLevel.owner})


class RoleChange(StrEnum):
    grant = "grant"  # give a role, replacing any other
    update = "update"  # change the role of a user who holds one
    revoke = "revoke"


@GROUP.payload
class ResourceRolePayload(Payload):
    estate_id: str
    resource_type: ResourceType
    resource_id: ResourceId
    user_id: UserId
    change: RoleChange
    role: Role | None = None  # None when revoking
    actor_id: UserId
    now: datetime
    reason: PermissionReasonDescription | None = None
    expires_at: datetime | None = None
    resource_field: str = "resourceId"  # the intent field naming the resource, for errors
    actor_estate_role: Role | None = None  # filled by plan


def not_a_member(user_id: UserId, where: str) -> IntentRejected:
    return IntentRejected("permissions.not_a_member", f"{user_id} holds no role on {where}", field="targetUserId")


@GROUP.directive
class ChangeResourceRoleDirective(SingleAggregateDirective[ResourcePermissionsAggregate, ResourceRolePayload]):
    aggregate_type = ResourcePermissionsAggregate

    def target_id(self) -> str:
        return permission_key(self.payload.resource_type, self.payload.resource_id.value)

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[ResourcePermissionsAggregate, ResourceRolePayload]]:
        payload = self.payload
        if payload.change is not RoleChange.revoke and payload.resource_type is ResourceType.site:
            site = await snapshots.get(SiteAggregate, payload.resource_id.value)
            if site is None or not site.exists:
                raise IntentRejected(
                    "permissions.unknown_site",
                    f"site {payload.resource_id} does not exist in this estate",
                    field=payload.resource_field,
                )
        access = await snapshots.get(EstateAccessAggregate, payload.estate_id)
        estate_role = access.role_of(payload.actor_id.value, payload.now) if access is not None else None
        snapshot = await self.current(self.target_id(), snapshots, staged)
        planned = payload.model_copy(update={"actor_estate_role": estate_role})
        return [ExecutionTarget(self.target_id(), planned, snapshot)]

    def execute(self, snapshot: ResourcePermissionsAggregate, payload: ResourceRolePayload) -> Sequence[Event]:
        where = f"{payload.resource_type} {payload.resource_id}"
        if payload.role is not None and payload.role.role_type is not ROLE_TYPE_OF.get(payload.resource_type):
            raise IntentRejected(
                "permissions.role_type", f"{payload.role} is not a role of a {payload.resource_type}", field="role"
            )
        current = snapshot.role_of(payload.user_id)
        if payload.change is not RoleChange.grant and current is None:
            raise not_a_member(payload.user_id, where)
        estate_role = payload.actor_estate_role
        if estate_role is None or estate_role.value not in _ESTATE_AUTHORITY:
            held = snapshot.role_of(payload.actor_id, payload.now)
            for role in (r for r in (payload.role, current) if r is not None):
                if held is None or not held.can_grant(role):
                    raise IntentRejected(
                        "permissions.cannot_grant",
                        f"{payload.actor_id} holds {held or 'no role'} on {where} and no estate admin role, "
                        f"so cannot grant or revoke {role}",
                        field="role" if payload.role is not None else "targetUserId",
                    )
        if payload.role is None:
            return [
                ResourcePermissionRevokedEvent(
                    user_id=payload.user_id, revoked_by=payload.actor_id, revoked_at=payload.now, reason=payload.reason
                )
            ]
        return [
            ResourcePermissionGrantedEvent(
                resource_type=payload.resource_type,
                resource_id=payload.resource_id,
                user_id=payload.user_id,
                role=payload.role,
                granted_by=payload.actor_id,
                granted_at=payload.now,
                reason=payload.reason,
                expires_at=payload.expires_at,
            )
        ]


@GROUP.directive
class ChangeExistingEstateRoleDirective(ChangeEstateRoleDirective):
    """ChangeEstateRoleDirective for a user who must already be a member (a role update)."""

    def execute(self, snapshot: EstateAccessAggregate, payload: EstateRolePayload) -> Sequence[Event]:
        if snapshot.role_of(payload.user_id.value) is None:
            raise not_a_member(payload.user_id, f"estate {payload.estate_id}")
        return super().execute(snapshot, payload)

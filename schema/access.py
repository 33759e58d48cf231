"""Who holds which role on an estate: the aggregate the API authorizes from.

One EstateAccessAggregate per estate, in the estate's own workspace, with the estate's id.
Granting follows `Role.can_grant`: the granter must hold an admin or owner role that
reaches the granted level. The creator of an estate becomes its owner (the bootstrap
grant, allowed only while the estate has no members). An estate always keeps an owner.

How a domain group is written: CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from nomos_mongo import (
    Aggregate,
    Event,
    IntentLedgerEntry,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
)
from nomos_mongo.access import SYSTEM_WORKSPACE
from nomos_mongo.context import MAIN_TIMELINE
from nomos_mongo.groups import Group
from schema.common import Access
from schema.contracts.base import ValueObject
from schema.contracts.enums import RoleLevel, RoleType
from schema.contracts.identifiers import UserId
from schema.contracts.roles import Role

if TYPE_CHECKING:
    from nomos_mongo import NomosApp

GROUP = Group("co2.access")


class EstateMember(ValueObject):
    user_id: UserId
    role: Role
    granted_by: UserId
    expires_at: datetime | None = None


@GROUP.event
class EstateRoleGrantedEvent(Event):
    user_id: UserId
    role: Role
    granted_by: UserId
    expires_at: datetime | None = None


@GROUP.event
class EstateRoleRevokedEvent(Event):
    user_id: UserId
    revoked_by: UserId


@GROUP.aggregate
class EstateAccessAggregate(Aggregate):
    members: tuple[EstateMember, ...] = ()

    # reverting a grant or a revoke is granting, and the role rules do not run on an undo
    undo_access: ClassVar[Access] = Access.OWNER

    def role_of(self, user_id: str, now: datetime | None = None) -> Role | None:
        for member in self.members:
            if member.user_id.root == user_id:
                if member.expires_at is not None and now is not None and member.expires_at <= now:
                    return None
                return member.role
        return None

    def apply(self, event: Event) -> EstateAccessAggregate:
        match event:
            case EstateRoleGrantedEvent():
                others = tuple(m for m in self.members if m.user_id != event.user_id)
                member = EstateMember(
                    user_id=event.user_id, role=event.role, granted_by=event.granted_by, expires_at=event.expires_at
                )
                return self.evolve(members=(*others, member))
            case EstateRoleRevokedEvent():
                return self.evolve(members=tuple(m for m in self.members if m.user_id != event.user_id))
        return self

    def validate_state(self) -> None:
        if not any(m.role.value is RoleLevel.owner for m in self.members):
            raise IntentRejected("permissions.estate_needs_owner", "an estate must keep at least one owner")


@GROUP.payload
class EstateRolePayload(Payload):
    estate_id: str
    user_id: UserId
    role: Role | None = None  # None revokes
    actor_id: UserId
    expires_at: datetime | None = None
    bootstrap: bool = False  # the creator's owner grant at estate creation
    now: datetime | None = None


@GROUP.directive
class ChangeEstateRoleDirective(SingleAggregateDirective[EstateAccessAggregate, EstateRolePayload]):
    """Grant (role set) or revoke (role None) one user's estate role, enforcing can_grant."""

    aggregate_type = EstateAccessAggregate

    def target_id(self) -> str:
        return self.payload.estate_id

    def execute(self, snapshot: EstateAccessAggregate, payload: EstateRolePayload) -> Sequence[Event]:
        if payload.role is not None and payload.role.role_type is not RoleType.estate:
            raise IntentRejected(
                "permissions.role_type", f"an estate role is needed, got a {payload.role.role_type} role", field="role"
            )
        if payload.bootstrap:
            if snapshot.members:
                raise IntentRejected("permissions.bootstrap", "the estate already has members")
        else:
            held = snapshot.role_of(payload.actor_id.root, payload.now)
            current = snapshot.role_of(payload.user_id.root)
            needed = payload.role if payload.role is not None else current
            if needed is None:
                raise IntentRejected(
                    "permissions.not_a_member", f"{payload.user_id} holds no role on this estate", field="userId"
                )
            for role in {needed, current} - {None}:
                if held is None or not held.can_grant(role):  # type: ignore[arg-type]
                    raise IntentRejected(
                        "permissions.cannot_grant",
                        f"{payload.actor_id} holds {held or 'no role'} and cannot grant or revoke {role}",
                        field="role",
                    )
        if payload.role is None:
            return [EstateRoleRevokedEvent(user_id=payload.user_id, revoked_by=payload.actor_id)]
        return [
            EstateRoleGrantedEvent(
                user_id=payload.user_id, role=payload.role, granted_by=payload.actor_id, expires_at=payload.expires_at
            )
        ]


async def estate_role(app: NomosApp, estate_id: str, user_id: str) -> Role | None:
    """The role a user holds on an estate now, on its main timeline (None: no access)."""
    from nomos_mongo.context import utc_now

    access = await app.read_latest(EstateAccessAggregate, estate_id, MAIN_TIMELINE, estate_id, include_optimistic=False)
    return access.role_of(user_id, utc_now()) if access is not None else None


_NEEDED = {
    Access.READ: Role.estate_read,
    Access.WRITE: Role.estate_write,
    Access.ADMIN: Role.estate_admin,
    Access.OWNER: Role.estate_owner,
}


def satisfies(role: Role | None, access: Access) -> bool:
    if access is Access.AUTHENTICATED:
        return True
    return role is not None and role.has_minimum_permission(_NEEDED[access])


# Estate data outside the estate's workspace --------------------------------------------
# The system workspace is shared reference data, readable by every signed-in user; but some of
# what lives there belongs to one estate (funding applications, claims and benefits carry
# `estate_id`, and so does the audit trail of them). That is readable only by the estate's
# members (any role) and by the system administrators, who run the funding programs.


def estate_of_state(state: Aggregate) -> str | None:
    """The estate an aggregate belongs to, if it says so (`estate_id`)."""
    estate = getattr(state, "estate_id", None)
    value = getattr(estate, "root", estate)
    return value if isinstance(value, str) and value else None


async def estate_of_entry(app: NomosApp, entry: IntentLedgerEntry) -> str | None:
    """The estate a ledger entry is about: its intent's `estate_id`, else that of what it touched."""
    own = estate_of_state(entry.intent)  # type: ignore[arg-type]
    if own is not None:
        return own
    for ref in entry.touched:
        model = app.registry.aggregate_type(ref.type)
        if model is None or "estate_id" not in model.model_fields:
            continue
        state = await app.read_latest(model, entry.workspace_id, entry.timeline_id, ref.id, include_deleted=True)
        estate = estate_of_state(state) if state is not None else None
        if estate is not None:
            return estate
    return None


class EstateVisibility:
    """Who may see estate data kept in a shared workspace; one instance per request (it remembers)."""

    def __init__(self, app: NomosApp, user_id: str, administrators: frozenset[str]) -> None:
        self.app = app
        self.user_id = user_id
        self.administrators = administrators
        self._member: dict[str, bool] = {}

    async def may_see_estate(self, estate_id: str | None) -> bool:
        if estate_id is None or self.user_id in self.administrators:
            return True
        if estate_id not in self._member:
            self._member[estate_id] = await estate_role(self.app, estate_id, self.user_id) is not None
        return self._member[estate_id]

    async def may_see(self, item: object) -> bool:
        if isinstance(item, IntentLedgerEntry):
            if self.user_id in self.administrators:
                return True
            return await self.may_see_estate(await estate_of_entry(self.app, item))
        if isinstance(item, Aggregate):
            return await self.may_see_estate(estate_of_state(item))
        return True


class EstateAuthorizer:
    """Estate roles decide; the system workspace is readable by every user.

    The system workspace holds what belongs to no estate (users, organizations, licences,
    catalogues, taxonomies, funding programs): shared reference data that every signed-in
    user needs to read; what there belongs to an estate (funding applications, claims,
    benefits and their ledger entries) only its members and the system administrators see
    (EstateVisibility). Writing there needs the role each intent declares; the system
    administrators (NOMOS_SYSTEM_ADMINS) hold every role there.
    """

    # the aggregates its answers come from: a commit touching one re-checks open subscriptions
    access_aggregates = frozenset({EstateAccessAggregate.type_name})

    def __init__(self, system_admins: frozenset[str] = frozenset()) -> None:
        # who administers the system workspace: it has no creator to own it
        self.system_admins = system_admins

    async def allows(self, app: NomosApp, user_id: str, workspace_id: str, need: Access) -> bool:
        if need is Access.AUTHENTICATED or (workspace_id == SYSTEM_WORKSPACE and need is Access.READ):
            return True
        if workspace_id == SYSTEM_WORKSPACE and user_id in self.system_admins:
            return True
        role = await estate_role(app, workspace_id, user_id)
        return satisfies(role, need)

    def visibility(self, app: NomosApp, user_id: str, workspace_id: str) -> EstateVisibility | None:
        """Who sees what of the shared system workspace; in an estate's own, its role decided already."""
        return EstateVisibility(app, user_id, self.system_admins) if workspace_id == SYSTEM_WORKSPACE else None

    def shares_reads(self, workspace_id: str) -> bool:
        return workspace_id != SYSTEM_WORKSPACE  # there, what a subscriber sees depends on who it is


ACCESS_MODULE = GROUP.module(authorizer=EstateAuthorizer)

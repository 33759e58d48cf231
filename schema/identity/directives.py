"""How identity intents change users and organizations, and the user-exists guard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from nomos_mongo import (
    Aggregate,
    BasicQuery,
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    FieldFilter,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import (
    EmailAddress,
    OrganizationId,
    OrganizationName,
    UserDisplayName,
    UserId,
    UserStatus,
)
from schema.identity.group import GROUP

from .aggregates import OrganizationAggregate, UserAggregate
from .events import (
    OrganizationCreatedEvent,
    OrganizationMemberAddedEvent,
    UserCreatedEvent,
    UserJoinedOrganizationEvent,
)
from .values import OrganizationRole


@GROUP.payload
class CreateUserPayload(Payload):
    user_id: UserId
    display_name: UserDisplayName
    email: EmailAddress
    created_by: UserId
    created_at: datetime


@GROUP.payload
class CreateOrganizationPayload(Payload):
    organization_id: OrganizationId
    name: OrganizationName
    created_by: UserId
    created_at: datetime


@GROUP.payload
class AddOrganizationMemberPayload(Payload):
    organization_id: OrganizationId
    user_id: UserId
    role: OrganizationRole
    added_by: UserId
    added_at: datetime


@GROUP.payload
class JoinOrganizationPayload(Payload):
    user_id: UserId
    organization_id: OrganizationId
    role: OrganizationRole
    field: str  # the intent field naming the user, for the error


@GROUP.payload
class RequireUserPayload(Payload):
    user_id: UserId
    field: str


@GROUP.directive
class CreateUserDirective(SingleAggregateDirective[UserAggregate, CreateUserPayload]):
    aggregate_type = UserAggregate

    def target_id(self) -> str:
        return self.payload.user_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[UserAggregate, CreateUserPayload]]:
        email = FieldFilter("email", self.payload.email.value)
        holders = await snapshots.query(UserAggregate, BasicQuery(filters=(email,), limit=1))
        if holders and holders[0].id != self.target_id():
            message = f"{self.payload.email} belongs to another user; use another email"
            raise IntentRejected("identity.email_taken", message, field="email")
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: UserAggregate, payload: CreateUserPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected("identity.user_exists", f"user {payload.user_id} exists already", field="userId")
        return [
            UserCreatedEvent(
                display_name=payload.display_name,
                email=payload.email,
                status=UserStatus.active,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.directive
class CreateOrganizationDirective(SingleAggregateDirective[OrganizationAggregate, CreateOrganizationPayload]):
    """Creates the organization with its creator as its first admin."""

    aggregate_type = OrganizationAggregate

    def target_id(self) -> str:
        return self.payload.organization_id.value

    def execute(self, snapshot: OrganizationAggregate, payload: CreateOrganizationPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "identity.organization_exists",
                f"organization {payload.organization_id} exists already; choose another id",
                field="organizationId",
            )
        return [
            OrganizationCreatedEvent(name=payload.name, created_by=payload.created_by, created_at=payload.created_at),
            OrganizationMemberAddedEvent(
                user_id=payload.created_by,
                role=OrganizationRole.admin,
                added_by=payload.created_by,
                added_at=payload.created_at,
            ),
        ]


@GROUP.directive
class AddOrganizationMemberDirective(SingleAggregateDirective[OrganizationAggregate, AddOrganizationMemberPayload]):
    aggregate_type = OrganizationAggregate

    def target_id(self) -> str:
        return self.payload.organization_id.value

    def execute(self, snapshot: OrganizationAggregate, payload: AddOrganizationMemberPayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise IntentRejected(
                "identity.unknown_organization",
                f"organization {payload.organization_id} does not exist",
                field="organizationId",
            )
        if snapshot.role_of(payload.added_by) is not OrganizationRole.admin:
            raise IntentRejected(
                "identity.not_organization_admin",
                f"only an admin of {snapshot.name or payload.organization_id} adds members; ask one of its admins",
            )
        held = snapshot.role_of(payload.user_id)
        if held is not None:
            raise IntentRejected(
                "identity.already_member",
                f"{payload.user_id} is already a {held} of {snapshot.name or payload.organization_id}",
                field="userId",
            )
        return [
            OrganizationMemberAddedEvent(
                user_id=payload.user_id, role=payload.role, added_by=payload.added_by, added_at=payload.added_at
            )
        ]


def unknown_user(user_id: UserId, field: str) -> IntentRejected:
    return IntentRejected(
        "identity.unknown_user", f"user {user_id} does not exist; they create their user record first", field=field
    )


@GROUP.directive
class JoinOrganizationDirective(SingleAggregateDirective[UserAggregate, JoinOrganizationPayload]):
    """The user's side of a membership, so that a user lists their organizations."""

    aggregate_type = UserAggregate

    def target_id(self) -> str:
        return self.payload.user_id.value

    def execute(self, snapshot: UserAggregate, payload: JoinOrganizationPayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise unknown_user(payload.user_id, payload.field)
        return [UserJoinedOrganizationEvent(organization_id=payload.organization_id, role=payload.role)]


@GROUP.directive
class RequireUserDirective(Directive[UserAggregate, RequireUserPayload]):
    """A guard: changes nothing, refuses the intent unless the user exists and is active.

    Users live in the system workspace, so an estate's intent reads them there.
    """

    aggregate_type = UserAggregate

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[UserAggregate, RequireUserPayload]]:
        user = await snapshots.get(UserAggregate, self.payload.user_id.value, workspace_id=SYSTEM_WORKSPACE)
        if user is None or not user.exists:
            raise unknown_user(self.payload.user_id, self.payload.field)
        if user.status is not UserStatus.active:
            raise IntentRejected(
                "identity.user_not_active",
                f"user {self.payload.user_id} is {user.status}; only active users receive roles",
                field=self.payload.field,
            )
        return []

    def execute(self, snapshot: UserAggregate, payload: RequireUserPayload) -> Sequence[Event]:
        return []

"""How licence intents change LicenceAggregates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from nomos_mongo import (
    Aggregate,
    BasicQuery,
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
from schema.contracts import LicenceId, OrganizationId, PermissionReasonDescription, UserId
from schema.identity.aggregates import OrganizationAggregate, UserAggregate
from schema.identity.directives import unknown_user
from schema.identity.values import OrganizationRole
from schema.licences.group import GROUP

from .aggregates import LicenceAggregate, LicenceKind
from .events import LicenceSeatAssignedEvent, OrganizationalLicenceCreatedEvent, PersonalLicenceCreatedEvent


@GROUP.payload
class CreatePersonalLicencePayload(Payload):
    licence_id: LicenceId
    user_id: UserId
    requested_by: UserId
    reason: PermissionReasonDescription | None = None
    valid_from: date
    valid_until: date | None = None
    created_at: datetime


@GROUP.payload
class CreateOrganizationalLicencePayload(Payload):
    licence_id: LicenceId
    organization_id: OrganizationId
    seat_count: int
    valid_from: date
    valid_until: date
    created_by: UserId
    created_at: datetime


@GROUP.payload
class AssignSeatPayload(Payload):
    licence_id: LicenceId
    user_id: UserId
    assigned_by: UserId
    assigned_at: datetime


async def _organization(snapshots: SnapshotReader, organization_id: OrganizationId) -> OrganizationAggregate:
    organization = await snapshots.get(OrganizationAggregate, organization_id.value)
    if organization is None or not organization.exists:
        raise IntentRejected(
            "licences.unknown_organization",
            f"organization {organization_id} does not exist; create it first",
            field="organizationId",
        )
    return organization


def _require_admin(organization: OrganizationAggregate, user_id: UserId, field: str) -> None:
    if organization.role_of(user_id) is not OrganizationRole.admin:
        raise IntentRejected(
            "licences.not_organization_admin",
            f"{user_id} is not an admin of organization {organization.id}; ask one of its admins",
            field=field,
        )


def _must_be_new(snapshot: LicenceAggregate) -> None:
    if snapshot.kind is not None:
        raise IntentRejected(
            "licences.exists", f"licence {snapshot.id} exists already; choose another id", field="licenceId"
        )


@GROUP.directive
class CreatePersonalLicenceDirective(SingleAggregateDirective[LicenceAggregate, CreatePersonalLicencePayload]):
    aggregate_type = LicenceAggregate

    def target_id(self) -> str:
        return self.payload.licence_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[LicenceAggregate, CreatePersonalLicencePayload]]:
        user = await snapshots.get(UserAggregate, self.payload.user_id.value)
        if user is None or not user.exists:
            raise unknown_user(self.payload.user_id, "userId")
        await self._check_requester(user, snapshots)
        held = await snapshots.query(
            LicenceAggregate,
            BasicQuery(
                filters=(
                    FieldFilter("kind", LicenceKind.personal.value),
                    FieldFilter("holder_user_id", self.payload.user_id.value),
                ),
                limit=1,
            ),
        )
        if held:
            raise IntentRejected(
                "licences.personal_exists",
                f"{self.payload.user_id} already holds personal licence {held[0].id}",
                field="userId",
            )
        return await super().plan(ctx, intent, snapshots, staged)

    async def _check_requester(self, user: UserAggregate, snapshots: SnapshotReader) -> None:
        """Users request their own licence; an admin of one of their organizations may request it for them."""
        requester = self.payload.requested_by
        if requester == self.payload.user_id:
            return
        for organization_id in user.organization_ids:
            organization = await snapshots.get(OrganizationAggregate, organization_id.value)
            if organization is not None and organization.role_of(requester) is OrganizationRole.admin:
                return
        raise IntentRejected(
            "licences.not_allowed",
            f"{requester} may not request a licence for {user.id}: only the user or an admin of "
            "one of their organizations may",
            field="requestedBy",
        )

    def execute(self, snapshot: LicenceAggregate, payload: CreatePersonalLicencePayload) -> Sequence[Event]:
        _must_be_new(snapshot)
        return [
            PersonalLicenceCreatedEvent(
                user_id=payload.user_id,
                requested_by=payload.requested_by,
                reason=payload.reason,
                valid_from=payload.valid_from,
                valid_until=payload.valid_until,
                created_at=payload.created_at,
            )
        ]


@GROUP.directive
class CreateOrganizationalLicenceDirective(
    SingleAggregateDirective[LicenceAggregate, CreateOrganizationalLicencePayload]
):
    aggregate_type = LicenceAggregate

    def target_id(self) -> str:
        return self.payload.licence_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[LicenceAggregate, CreateOrganizationalLicencePayload]]:
        organization = await _organization(snapshots, self.payload.organization_id)
        _require_admin(organization, self.payload.created_by, "createdBy")
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: LicenceAggregate, payload: CreateOrganizationalLicencePayload) -> Sequence[Event]:
        _must_be_new(snapshot)
        return [
            OrganizationalLicenceCreatedEvent(
                organization_id=payload.organization_id,
                seat_count=payload.seat_count,
                valid_from=payload.valid_from,
                valid_until=payload.valid_until,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.directive
class AssignSeatDirective(SingleAggregateDirective[LicenceAggregate, AssignSeatPayload]):
    """The seat count itself is LicenceAggregate's invariant (validate_state)."""

    aggregate_type = LicenceAggregate

    def target_id(self) -> str:
        return self.payload.licence_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[LicenceAggregate, AssignSeatPayload]]:
        targets = await super().plan(ctx, intent, snapshots, staged)
        licence = targets[0].snapshot
        if licence.exists and licence.organization_id is not None:
            organization = await _organization(snapshots, licence.organization_id)
            _require_admin(organization, self.payload.assigned_by, "assignedBy")
            if organization.role_of(self.payload.user_id) is None:
                raise IntentRejected(
                    "licences.not_a_member",
                    f"{self.payload.user_id} is not a member of organization {organization.id}; "
                    "add them to it before giving them a seat",
                    field="userId",
                )
        return targets

    def execute(self, snapshot: LicenceAggregate, payload: AssignSeatPayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise IntentRejected(
                "licences.not_found", f"licence {payload.licence_id} does not exist", field="licenceId"
            )
        if snapshot.kind is not LicenceKind.organizational:
            raise IntentRejected(
                "licences.not_organizational",
                f"licence {payload.licence_id} is a personal licence and has no seats to assign",
                field="licenceId",
            )
        if not snapshot.is_valid_on(payload.assigned_at.date()):
            raise IntentRejected(
                "licences.not_valid",
                f"licence {payload.licence_id} is valid from {snapshot.valid_from} to {snapshot.valid_until}, "
                f"not on {payload.assigned_at.date()}",
                field="licenceId",
            )
        if snapshot.seat_of(payload.user_id) is not None:
            raise IntentRejected(
                "licences.seat_taken",
                f"{payload.user_id} already holds a seat on licence {payload.licence_id}",
                field="userId",
            )
        return [
            LicenceSeatAssignedEvent(
                user_id=payload.user_id, assigned_by=payload.assigned_by, assigned_at=payload.assigned_at
            )
        ]

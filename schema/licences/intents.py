"""What users ask of licences: a personal licence, an organizational licence, a seat."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Self

from pydantic import Field, model_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription
from schema.common import Access, Co2Intent, Scope
from schema.contracts import ContractViolation, LicenceId, OrganizationId, PermissionReasonDescription, UserId
from schema.licences.group import GROUP

MAX_SEATS = 100_000


class _LicenceIntent(Co2Intent):
    # Licences belong to no estate and live in the system workspace. As for users and
    # organizations, any signed-in user may dispatch; the domain decides (organization admins).
    access: ClassVar[Access] = Access.AUTHENTICATED
    scope: ClassVar[Scope] = Scope.SYSTEM


@GROUP.intent
class CreatePersonalLicenceIntent(_LicenceIntent):
    user_id: UserId
    requested_by: Annotated[UserId, ACTOR]
    reason: PermissionReasonDescription | None = None
    licence_id: LicenceId | None = None
    valid_until: date | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created a personal licence for {user}",
            {
                "actor": ctx.actor_name(fallback=self.requested_by.value),
                "user": ctx.user_name(self.user_id.value),
            },
        )


@GROUP.intent
class CreateOrganizationalLicenceIntent(_LicenceIntent):
    organization_id: OrganizationId
    seat_count: Annotated[int, Field(gt=0, le=MAX_SEATS, strict=True)]
    valid_until: date
    created_by: Annotated[UserId, ACTOR]
    valid_from: date | None = None  # None: from the day of the intent
    licence_id: LicenceId | None = None

    @model_validator(mode="after")
    def _validity_is_a_period(self) -> Self:
        if self.valid_from is not None and self.valid_until < self.valid_from:
            raise ContractViolation("validUntil", f"must not be before validFrom ({self.valid_from})")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        seats = "1 seat" if self.seat_count == 1 else f"{self.seat_count} seats"
        return IntentDescription(
            "{actor} created an organizational licence for {organization} with {seats} until {until}",
            {
                "actor": ctx.actor_name(fallback=self.created_by.value),
                "organization": ctx.resource_name("organization", self.organization_id.value),
                "seats": seats,
                "until": self.valid_until.isoformat(),
            },
        )


@GROUP.intent
class AssignSeatToUserIntent(_LicenceIntent):
    licence_id: LicenceId
    user_id: UserId
    assigned_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} assigned {user} a seat on {licence}",
            {
                "actor": ctx.actor_name(fallback=self.assigned_by.value),
                "user": ctx.user_name(self.user_id.value),
                "licence": ctx.resource_name("licence", self.licence_id.value, fallback=f"licence {self.licence_id}"),
            },
        )

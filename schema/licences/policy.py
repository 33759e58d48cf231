"""Routes: each licence intent becomes one directive on one LicenceAggregate."""

from __future__ import annotations

from nomos_mongo import DirectiveContext, SnapshotReader
from schema.contracts import LicenceId
from schema.identity.aggregates import OrganizationAggregate, UserAggregate
from schema.licences.group import GROUP

from .aggregates import LicenceAggregate
from .directives import (
    AssignSeatDirective,
    AssignSeatPayload,
    CreateOrganizationalLicenceDirective,
    CreateOrganizationalLicencePayload,
    CreatePersonalLicenceDirective,
    CreatePersonalLicencePayload,
)
from .intents import AssignSeatToUserIntent, CreateOrganizationalLicenceIntent, CreatePersonalLicenceIntent


def _licence_id(given: LicenceId | None, ctx: DirectiveContext) -> LicenceId:
    return given if given is not None else LicenceId(ctx.derive_id("licence"))


@GROUP.route(CreatePersonalLicenceIntent)
def create_personal_licence(
    intent: CreatePersonalLicenceIntent, ctx: DirectiveContext
) -> list[CreatePersonalLicenceDirective]:
    payload = CreatePersonalLicencePayload(
        licence_id=_licence_id(intent.licence_id, ctx),
        user_id=intent.user_id,
        requested_by=intent.requested_by,
        reason=intent.reason,
        valid_from=ctx.now.date(),
        valid_until=intent.valid_until,
        created_at=ctx.now,
    )
    return [CreatePersonalLicenceDirective(payload=payload)]


@GROUP.route(CreateOrganizationalLicenceIntent)
def create_organizational_licence(
    intent: CreateOrganizationalLicenceIntent, ctx: DirectiveContext
) -> list[CreateOrganizationalLicenceDirective]:
    payload = CreateOrganizationalLicencePayload(
        licence_id=_licence_id(intent.licence_id, ctx),
        organization_id=intent.organization_id,
        seat_count=intent.seat_count,
        valid_from=intent.valid_from or ctx.now.date(),
        valid_until=intent.valid_until,
        created_by=intent.created_by,
        created_at=ctx.now,
    )
    return [CreateOrganizationalLicenceDirective(payload=payload)]


@GROUP.route(AssignSeatToUserIntent)
def assign_seat(intent: AssignSeatToUserIntent, ctx: DirectiveContext) -> list[AssignSeatDirective]:
    payload = AssignSeatPayload(
        licence_id=intent.licence_id,
        user_id=intent.user_id,
        assigned_by=intent.assigned_by,
        assigned_at=ctx.now,
    )
    return [AssignSeatDirective(payload=payload)]


@GROUP.name_resolver("licence")
async def licence_name(reader: SnapshotReader, licence_id: str) -> str | None:
    """A licence in audit sentences: "the Acme licence", "Bob's personal licence"."""
    licence = await reader.get(LicenceAggregate, licence_id, include_deleted=True)
    if licence is None:
        return None
    if licence.organization_id is not None:
        organization = await reader.get(OrganizationAggregate, licence.organization_id.value, include_deleted=True)
        name = organization.name.value if organization is not None else ""
        return f"the {name or licence.organization_id.value} licence"
    if licence.holder_user_id is not None:
        user = await reader.get(UserAggregate, licence.holder_user_id.value, include_deleted=True)
        name = user.display_name.value if user is not None else ""
        return f"{name or licence.holder_user_id.value}'s personal licence"
    return None

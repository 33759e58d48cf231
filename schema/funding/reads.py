"""What funding directives read while planning: this intent's staged changes first, then the store."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from nomos_mongo import SYSTEM_ACTOR, Aggregate, IntentRejected, SnapshotReader, Staged, latest_state
from schema.access import EstateAccessAggregate, satisfies
from schema.common import Access
from schema.contracts.money import Money

from .aggregates import FundingApplicationAggregate, FundingClaimAggregate, FundingProgramAggregate

A = TypeVar("A", bound=Aggregate)


async def program(program_id: str, snapshots: SnapshotReader, staged: Staged) -> FundingProgramAggregate:
    found = await latest_state(FundingProgramAggregate, program_id, snapshots, staged)
    if found is None or not found.exists:
        raise IntentRejected(
            "funding.program_not_found", f"there is no funding program {program_id}", field="programId"
        )
    return found


async def application(application_id: str, snapshots: SnapshotReader, staged: Staged) -> FundingApplicationAggregate:
    found = await latest_state(FundingApplicationAggregate, application_id, snapshots, staged)
    if found is None or not found.exists:
        raise IntentRejected(
            "funding.application_not_found", f"there is no funding application {application_id}", field="applicationId"
        )
    return found


async def claim(claim_id: str, snapshots: SnapshotReader, staged: Staged) -> FundingClaimAggregate:
    found = await latest_state(FundingClaimAggregate, claim_id, snapshots, staged)
    if found is None or not found.exists:
        raise IntentRejected("funding.claim_not_found", f"there is no funding claim {claim_id}", field="claimId")
    return found


async def require_estate_writer(
    snapshots: SnapshotReader, estate_id: str, actor_id: str, now: datetime, doing: str
) -> None:
    """The actor acts for the estate: it needs the write role there (read from the estate's workspace)."""
    if actor_id == SYSTEM_ACTOR:
        return
    access = await snapshots.get(EstateAccessAggregate, estate_id, workspace_id=estate_id)
    if access is None:
        raise IntentRejected("funding.estate_not_found", f"there is no estate {estate_id}", field="estateId")
    role = access.role_of(actor_id, now)
    if not satisfies(role, Access.WRITE):
        raise IntentRejected(
            "funding.estate_access",
            f"{actor_id} holds {role or 'no role'} on estate {estate_id}; {doing} needs the estate write role",
            field="estateId",
        )


def same_currency(amount: Money, reference: Money, field: str, what: str) -> None:
    if amount.currency != reference.currency:
        raise IntentRejected(
            "funding.currency_mismatch",
            f"{field} is in {amount.currency} but {what} is in {reference.currency}",
            field=field,
        )

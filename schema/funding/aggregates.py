"""Funding programs, the applications estates make to them, claims on awards and the benefits paid.

All live in the system workspace, the funding body's: the program's budget and the decision
on an application are then one atomic write. Applications, claims and benefits carry the
estate they belong to.
"""

from __future__ import annotations

from datetime import date, datetime

from nomos_mongo import Aggregate, Event, IntentRejected
from schema.contracts.attachments import AttachmentReference
from schema.contracts.enums import ClaimStatus, FundingApplicationStatus, VerificationOutcome
from schema.contracts.identifiers import (
    BenefitId,
    ClaimId,
    EstateId,
    FundingApplicationId,
    FundingProgramId,
    TrackableAssetId,
    UserId,
)
from schema.contracts.money import Money
from schema.contracts.names import FundingProgramDescription, FundingProgramName
from schema.funding.group import GROUP

from .events import (
    FundingApplicationApprovedEvent,
    FundingApplicationRejectedEvent,
    FundingApplicationSubmittedEvent,
    FundingAwardCommittedEvent,
    FundingBenefitAwardedEvent,
    FundingBenefitDisbursedEvent,
    FundingClaimBenefitAwardedEvent,
    FundingClaimRecordedEvent,
    FundingClaimReleasedEvent,
    FundingClaimSubmittedEvent,
    FundingClaimVerifiedEvent,
    FundingProgramCreatedEvent,
    FundingProgramDefinedEvent,
    FundingProgramUtilizedEvent,
    FundingUtilizationRecordedEvent,
)
from .values import FundingRules, FundingUtilization


def _plus(total: Money | None, amount: Money) -> Money:
    return amount if total is None else total + amount


def _exceeds(part: Money | None, whole: Money | None) -> bool:
    return part is not None and whole is not None and part > whole


@GROUP.aggregate
class FundingProgramAggregate(Aggregate):
    name: FundingProgramName = FundingProgramName.unresolved
    description: FundingProgramDescription | None = None
    eligibility: FundingProgramDescription | None = None
    budget: Money | None = None
    committed: Money | None = None  # awarded to approved applications
    remaining: Money | None = None  # budget - committed: what approvals may still award
    utilized: Money | None = None  # spent by the estates from their awards
    disbursed: Money | None = None  # paid out as benefits on verified claims
    rules: FundingRules = FundingRules()
    closes_on: date | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    defined_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> FundingProgramAggregate:
        match event:
            case FundingProgramCreatedEvent():
                zero = Money.zero(event.budget.currency)
                return self.evolve(
                    name=event.name,
                    description=event.description,
                    eligibility=event.eligibility,
                    budget=event.budget,
                    committed=zero,
                    remaining=event.budget,
                    utilized=zero,
                    disbursed=zero,
                    closes_on=event.closes_on,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case FundingProgramDefinedEvent():
                return self.evolve(
                    rules=event.rules,
                    defined_at=event.defined_at,
                    eligibility=event.eligibility if event.eligibility is not None else self.eligibility,
                    closes_on=event.closes_on if event.closes_on is not None else self.closes_on,
                )
            case FundingAwardCommittedEvent():
                return self.evolve(
                    committed=_plus(self.committed, event.amount), remaining=_plus(self.remaining, -event.amount)
                )
            case FundingProgramUtilizedEvent():
                return self.evolve(utilized=_plus(self.utilized, event.amount))
            case FundingBenefitDisbursedEvent():
                return self.evolve(disbursed=_plus(self.disbursed, event.amount))
        return self

    def validate_state(self) -> None:
        if _exceeds(self.committed, self.budget):
            raise IntentRejected(
                "funding.budget_exceeded",
                f"funding program {self.name} would award more than its budget of {self.budget}",
            )


@GROUP.aggregate
class FundingApplicationAggregate(Aggregate):
    program_id: FundingProgramId | None = None
    estate_id: EstateId | None = None
    requested: Money | None = None
    project_cost: Money | None = None
    asset_ids: tuple[TrackableAssetId, ...] = ()
    description: FundingProgramDescription | None = None
    status: FundingApplicationStatus = FundingApplicationStatus.draft
    awarded: Money | None = None
    decision_reason: FundingProgramDescription | None = None
    applied_by: UserId | None = None
    applied_at: datetime | None = None
    processed_by: UserId | None = None
    processed_at: datetime | None = None
    utilized: Money | None = None
    utilizations: tuple[FundingUtilization, ...] = ()
    claimed: Money | None = None  # held by claims submitted or approved

    @property
    def exists(self) -> bool:
        return self.applied_at is not None and not self.deleted

    def apply(self, event: Event) -> FundingApplicationAggregate:
        match event:
            case FundingApplicationSubmittedEvent():
                zero = Money.zero(event.requested.currency)
                return self.evolve(
                    program_id=event.program_id,
                    estate_id=event.estate_id,
                    requested=event.requested,
                    project_cost=event.project_cost,
                    asset_ids=event.asset_ids,
                    description=event.description,
                    status=FundingApplicationStatus.submitted,
                    applied_by=event.applied_by,
                    applied_at=event.applied_at,
                    utilized=zero,
                    claimed=zero,
                )
            case FundingApplicationApprovedEvent():
                return self.evolve(
                    status=FundingApplicationStatus.approved,
                    awarded=event.awarded,
                    decision_reason=event.reason,
                    processed_by=event.processed_by,
                    processed_at=event.processed_at,
                )
            case FundingApplicationRejectedEvent():
                return self.evolve(
                    status=FundingApplicationStatus.rejected,
                    decision_reason=event.reason,
                    processed_by=event.processed_by,
                    processed_at=event.processed_at,
                )
            case FundingUtilizationRecordedEvent():
                return self.evolve(
                    utilized=_plus(self.utilized, event.utilization.amount),
                    utilizations=(*self.utilizations, event.utilization),
                )
            case FundingClaimRecordedEvent():
                return self.evolve(claimed=_plus(self.claimed, event.amount))
            case FundingClaimReleasedEvent():
                return self.evolve(claimed=_plus(self.claimed, -event.amount))
        return self

    def validate_state(self) -> None:
        if _exceeds(self.utilized, self.awarded):
            raise IntentRejected(
                "funding.utilization_exceeds_award",
                f"spending {self.utilized} would exceed the award of {self.awarded}",
            )
        if _exceeds(self.claimed, self.utilized):
            raise IntentRejected(
                "funding.claim_exceeds_utilization",
                f"claims of {self.claimed} would exceed the recorded spending of {self.utilized}",
            )


@GROUP.aggregate
class FundingClaimAggregate(Aggregate):
    application_id: FundingApplicationId | None = None
    program_id: FundingProgramId | None = None
    estate_id: EstateId | None = None
    amount: Money | None = None
    description: FundingProgramDescription | None = None
    evidence: tuple[AttachmentReference, ...] = ()
    status: ClaimStatus = ClaimStatus.draft
    verification_outcome: VerificationOutcome | None = None
    verification_notes: FundingProgramDescription | None = None
    approved_amount: Money | None = None
    submitted_by: UserId | None = None
    submitted_at: datetime | None = None
    verified_by: UserId | None = None
    verified_at: datetime | None = None
    benefit_id: BenefitId | None = None

    @property
    def exists(self) -> bool:
        return self.submitted_at is not None and not self.deleted

    def apply(self, event: Event) -> FundingClaimAggregate:
        match event:
            case FundingClaimSubmittedEvent():
                return self.evolve(
                    application_id=event.application_id,
                    program_id=event.program_id,
                    estate_id=event.estate_id,
                    amount=event.amount,
                    description=event.description,
                    evidence=event.evidence,
                    status=ClaimStatus.submitted,
                    submitted_by=event.submitted_by,
                    submitted_at=event.submitted_at,
                )
            case FundingClaimVerifiedEvent():
                status = {
                    VerificationOutcome.approved: ClaimStatus.approved,
                    VerificationOutcome.failed: ClaimStatus.rejected,
                    # conditional: stays submitted until the conditions are met and it is verified again
                    VerificationOutcome.conditional: ClaimStatus.submitted,
                }[event.outcome]
                return self.evolve(
                    status=status,
                    verification_outcome=event.outcome,
                    verification_notes=event.notes,
                    approved_amount=event.approved_amount,
                    verified_by=event.verified_by,
                    verified_at=event.verified_at,
                )
            case FundingClaimBenefitAwardedEvent():
                return self.evolve(benefit_id=event.benefit_id)
        return self


@GROUP.aggregate
class FundingBenefitAggregate(Aggregate):
    claim_id: ClaimId | None = None
    application_id: FundingApplicationId | None = None
    program_id: FundingProgramId | None = None
    estate_id: EstateId | None = None
    amount: Money | None = None
    awarded_by: UserId | None = None
    awarded_at: datetime | None = None

    def apply(self, event: Event) -> FundingBenefitAggregate:
        if isinstance(event, FundingBenefitAwardedEvent):
            return self.evolve(
                claim_id=event.claim_id,
                application_id=event.application_id,
                program_id=event.program_id,
                estate_id=event.estate_id,
                amount=event.amount,
                awarded_by=event.awarded_by,
                awarded_at=event.awarded_at,
            )
        return self

"""What happened to funding programs, applications, claims and benefits."""

from __future__ import annotations

from datetime import date, datetime

from nomos_mongo import Event
from schema.contracts.attachments import AttachmentReference
from schema.contracts.enums import VerificationOutcome
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

from .values import FundingRules, FundingUtilization


# programs -----------------------------------------------------------------------------------
@GROUP.event
class FundingProgramCreatedEvent(Event):
    name: FundingProgramName
    description: FundingProgramDescription | None = None
    eligibility: FundingProgramDescription | None = None
    budget: Money
    closes_on: date | None = None
    created_by: UserId
    created_at: datetime


@GROUP.event
class FundingProgramDefinedEvent(Event):
    rules: FundingRules
    eligibility: FundingProgramDescription | None = None
    closes_on: date | None = None
    defined_by: UserId
    defined_at: datetime


@GROUP.event
class FundingAwardCommittedEvent(Event):
    application_id: FundingApplicationId
    amount: Money


@GROUP.event
class FundingProgramUtilizedEvent(Event):
    application_id: FundingApplicationId
    amount: Money


@GROUP.event
class FundingBenefitDisbursedEvent(Event):
    benefit_id: BenefitId
    claim_id: ClaimId
    amount: Money


# applications -------------------------------------------------------------------------------
@GROUP.event
class FundingApplicationSubmittedEvent(Event):
    program_id: FundingProgramId
    estate_id: EstateId
    requested: Money
    project_cost: Money | None = None
    asset_ids: tuple[TrackableAssetId, ...] = ()
    description: FundingProgramDescription | None = None
    applied_by: UserId
    applied_at: datetime


@GROUP.event
class FundingApplicationApprovedEvent(Event):
    awarded: Money
    reason: FundingProgramDescription | None = None
    processed_by: UserId
    processed_at: datetime


@GROUP.event
class FundingApplicationRejectedEvent(Event):
    reason: FundingProgramDescription | None = None
    processed_by: UserId
    processed_at: datetime


@GROUP.event
class FundingUtilizationRecordedEvent(Event):
    utilization: FundingUtilization


@GROUP.event
class FundingClaimRecordedEvent(Event):
    """A claim now holds `amount` of the application's recorded spending."""

    claim_id: ClaimId
    amount: Money


@GROUP.event
class FundingClaimReleasedEvent(Event):
    """A claim verified for less than it asked (or failed) gives back `amount` to claim again."""

    claim_id: ClaimId
    amount: Money


# claims and benefits --------------------------------------------------------------------------
@GROUP.event
class FundingClaimSubmittedEvent(Event):
    application_id: FundingApplicationId
    program_id: FundingProgramId
    estate_id: EstateId
    amount: Money
    description: FundingProgramDescription | None = None
    evidence: tuple[AttachmentReference, ...] = ()
    submitted_by: UserId
    submitted_at: datetime


@GROUP.event
class FundingClaimVerifiedEvent(Event):
    outcome: VerificationOutcome
    approved_amount: Money | None = None  # set when the outcome is approved
    notes: FundingProgramDescription | None = None
    verified_by: UserId
    verified_at: datetime


@GROUP.event
class FundingClaimBenefitAwardedEvent(Event):
    benefit_id: BenefitId
    amount: Money


@GROUP.event
class FundingBenefitAwardedEvent(Event):
    claim_id: ClaimId
    application_id: FundingApplicationId
    program_id: FundingProgramId
    estate_id: EstateId
    amount: Money
    awarded_by: UserId
    awarded_at: datetime

"""Funding program intents.

Everything lives in the system workspace (Scope.SYSTEM). The funding body's acts (create
and define a program, decide an application, verify a claim, award a benefit) need the admin
role there. An estate's acts (apply, record spending, claim) are open to any signed-in user
at the API and checked by the domain: the actor needs the write role on the estate
concerned, read from the estate's own workspace.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Self

from pydantic import model_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription, NameRef
from schema.common import Access, Co2Intent, Scope
from schema.contracts.assets import AssetType
from schema.contracts.attachments import AttachmentReference
from schema.contracts.base import MaxItems
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
from schema.contracts.names import FundingProgramDescription
from schema.funding.group import GROUP

from .values import (
    MAX_ASSET_TYPES,
    FundingDecision,
    Percentage,
    PositiveMoney,
    RequiredProgramName,
)

MAX_ASSETS_PER_APPLICATION = 1_000
MAX_EVIDENCE = 100


class FundingBodyIntent(Co2Intent):
    access: ClassVar[Access] = Access.ADMIN
    scope: ClassVar[Scope] = Scope.SYSTEM


class EstateFundingIntent(Co2Intent):
    access: ClassVar[Access] = Access.AUTHENTICATED  # the estate role is checked by the domain
    scope: ClassVar[Scope] = Scope.SYSTEM


def program_ref(ctx: DescribeContext, program_id: FundingProgramId) -> NameRef:
    return ctx.resource_name("fundingProgram", program_id.root)


def application_ref(ctx: DescribeContext, application_id: FundingApplicationId) -> NameRef:
    return ctx.resource_name("fundingApplication", application_id.root)


def claim_ref(ctx: DescribeContext, claim_id: ClaimId) -> NameRef:
    return ctx.resource_name("fundingClaim", claim_id.root)


@GROUP.intent
class CreateFundingProgramIntent(FundingBodyIntent):
    program_id: FundingProgramId | None = None
    name: RequiredProgramName
    description: FundingProgramDescription | None = None
    eligibility: FundingProgramDescription | None = None
    budget: PositiveMoney
    closes_on: date | None = None  # last day applications are accepted
    created_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created funding program {name} with a budget of {budget}",
            {"actor": ctx.actor_name(), "name": self.name, "budget": self.budget},
        )


@GROUP.intent
class DefineFundingProgramIntent(FundingBodyIntent):
    """Perseus-specific: define the funding rules of a program. The rules are replaced as a whole;
    `eligibility` and `closes_on` change only when given. Applications already approved keep
    their award; the new rules apply to applications and decisions from now on."""

    program_id: FundingProgramId
    max_award_per_application: PositiveMoney | None = None
    eligible_asset_types: Annotated[tuple[AssetType, ...], MaxItems(MAX_ASSET_TYPES)] = ()
    co_funding_percentage: Percentage = 0
    eligibility: FundingProgramDescription | None = None
    closes_on: date | None = None
    defined_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} defined the funding rules of {program}",
            {"actor": ctx.actor_name(), "program": program_ref(ctx, self.program_id)},
        )


@GROUP.intent
class ApplyForFundingIntent(EstateFundingIntent):
    """An estate applies to a program for `requested`, in the program's currency."""

    program_id: FundingProgramId
    estate_id: EstateId
    application_id: FundingApplicationId | None = None
    requested: PositiveMoney
    project_cost: PositiveMoney | None = None
    asset_ids: Annotated[tuple[TrackableAssetId, ...], MaxItems(MAX_ASSETS_PER_APPLICATION)] = ()
    description: FundingProgramDescription | None = None
    applied_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _cost_covers_request(self) -> Self:
        if (
            self.project_cost is not None
            and self.project_cost.currency == self.requested.currency
            and self.requested > self.project_cost
        ):
            raise ValueError(f"requested {self.requested} is more than the project cost of {self.project_cost}")
        if len(set(self.asset_ids)) != len(self.asset_ids):
            raise ValueError("assetIds lists the same asset twice")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} applied for {requested} from {program} for {estate}",
            {
                "actor": ctx.actor_name(),
                "requested": self.requested,
                "program": program_ref(ctx, self.program_id),
                "estate": ctx.resource_name("fundedEstate", self.estate_id.root),
            },
        )


@GROUP.intent
class ProcessFundingApplicationIntent(FundingBodyIntent):
    """Approve (awarding `awarded`, within the program's remaining budget) or reject an application."""

    application_id: FundingApplicationId
    decision: FundingDecision
    awarded: PositiveMoney | None = None
    reason: FundingProgramDescription | None = None
    processed_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _award_matches_decision(self) -> Self:
        if self.decision is FundingDecision.approve and self.awarded is None:
            raise ValueError("an approval needs the awarded amount")
        if self.decision is FundingDecision.reject and self.awarded is not None:
            raise ValueError("a rejection awards nothing: leave awarded out")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        variables = {
            "actor": ctx.actor_name(),
            "application": application_ref(ctx, self.application_id),
            "awarded": self.awarded,
        }
        if self.decision is FundingDecision.approve:
            return IntentDescription("{actor} approved {application}, awarding {awarded}", variables)
        return IntentDescription("{actor} rejected {application}", variables)


@GROUP.intent
class TrackFundingUtilizationIntent(EstateFundingIntent):
    """Record money spent from an award; the total never exceeds the award."""

    application_id: FundingApplicationId
    amount: PositiveMoney
    note: FundingProgramDescription | None = None
    recorded_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} recorded {amount} spent from {application}",
            {
                "actor": ctx.actor_name(),
                "amount": self.amount,
                "application": application_ref(ctx, self.application_id),
            },
        )


@GROUP.intent
class SubmitFundingProgramClaimIntent(EstateFundingIntent):
    """Claim reimbursement of recorded spending on an approved application."""

    application_id: FundingApplicationId
    claim_id: ClaimId | None = None
    amount: PositiveMoney
    description: FundingProgramDescription | None = None
    evidence: Annotated[tuple[AttachmentReference, ...], MaxItems(MAX_EVIDENCE)] = ()
    submitted_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} submitted a claim of {amount} on {application}",
            {
                "actor": ctx.actor_name(),
                "amount": self.amount,
                "application": application_ref(ctx, self.application_id),
            },
        )


@GROUP.intent
class CompleteClaimVerificationIntent(FundingBodyIntent):
    """approved (optionally for less than claimed), failed, or conditional (notes say what is missing;
    the claim stays submitted and is verified again)."""

    claim_id: ClaimId
    outcome: VerificationOutcome
    approved_amount: PositiveMoney | None = None
    notes: FundingProgramDescription | None = None
    verified_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.approved_amount is not None and self.outcome is not VerificationOutcome.approved:
            raise ValueError("approvedAmount goes with the approved outcome only")
        if self.outcome is VerificationOutcome.conditional and (self.notes is None or self.notes.is_unresolved):
            raise ValueError("a conditional outcome needs notes stating the conditions")
        return self

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} completed the verification of {claim}: {outcome}",
            {"actor": ctx.actor_name(), "claim": claim_ref(ctx, self.claim_id), "outcome": self.outcome.value},
        )


@GROUP.intent
class AwardBenefitIntent(FundingBodyIntent):
    """Pay out the approved amount of a verified claim to its estate."""

    claim_id: ClaimId
    benefit_id: BenefitId | None = None
    awarded_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} awarded the benefit of {claim}",
            {"actor": ctx.actor_name(), "claim": claim_ref(ctx, self.claim_id)},
        )

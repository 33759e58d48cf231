"""Payloads and directives for claims on an award and the benefits paid on verified claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import StrictBool

from nomos_mongo import (
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.contracts.attachments import AttachmentReference
from schema.contracts.enums import ClaimStatus, VerificationOutcome
from schema.contracts.identifiers import (
    BenefitId,
    ClaimId,
    EstateId,
    FundingApplicationId,
    FundingProgramId,
    UserId,
)
from schema.contracts.money import Money
from schema.contracts.names import FundingProgramDescription
from schema.funding.group import GROUP

from . import reads
from .aggregates import FundingApplicationAggregate, FundingBenefitAggregate, FundingClaimAggregate
from .application_directives import require_approved
from .events import (
    FundingBenefitAwardedEvent,
    FundingClaimBenefitAwardedEvent,
    FundingClaimRecordedEvent,
    FundingClaimReleasedEvent,
    FundingClaimSubmittedEvent,
    FundingClaimVerifiedEvent,
)
from .reads import Staged, same_currency


@GROUP.payload
class SubmitFundingClaimPayload(Payload):
    claim_id: ClaimId
    application_id: FundingApplicationId
    amount: Money
    description: FundingProgramDescription | None = None
    evidence: tuple[AttachmentReference, ...] = ()
    submitted_by: UserId
    submitted_at: datetime
    program_id: FundingProgramId | None = None  # resolved from the application while planning
    estate_id: EstateId | None = None


@GROUP.directive
class SubmitFundingClaimDirective(SingleAggregateDirective[FundingClaimAggregate, SubmitFundingClaimPayload]):
    aggregate_type = FundingClaimAggregate

    def target_id(self) -> str:
        return self.payload.claim_id.root

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingClaimAggregate, SubmitFundingClaimPayload]]:
        targets = await super().plan(ctx, intent, snapshots, staged)
        if targets[0].snapshot.submitted_at is not None:
            raise IntentRejected(
                "funding.claim_exists", f"claim {self.payload.claim_id} exists already", field="claimId"
            )
        application = await reads.application(self.payload.application_id.root, snapshots, staged)
        assert application.estate_id is not None
        await reads.require_estate_writer(
            snapshots, application.estate_id.root, ctx.actor_id, ctx.now, "claiming funding"
        )
        require_approved(application, "claim against it")
        resolved = self.payload.model_copy(
            update={"program_id": application.program_id, "estate_id": application.estate_id}
        )
        return [ExecutionTarget(targets[0].aggregate_id, resolved, targets[0].snapshot)]

    def execute(self, snapshot: FundingClaimAggregate, payload: SubmitFundingClaimPayload) -> Sequence[Event]:
        assert payload.program_id is not None and payload.estate_id is not None
        return [FundingClaimSubmittedEvent(**payload.model_dump(exclude={"claim_id"}))]


@GROUP.payload
class ChangeFundingClaimedPayload(Payload):
    """Hold (release=False) or give back (release=True) part of an application's recorded spending."""

    claim_id: ClaimId
    release: StrictBool = False
    application_id: FundingApplicationId | None = None  # resolved from the claim while planning
    amount: Money | None = None


@GROUP.directive
class ChangeFundingClaimedDirective(Directive[FundingApplicationAggregate, ChangeFundingClaimedPayload]):
    aggregate_type = FundingApplicationAggregate

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingApplicationAggregate, ChangeFundingClaimedPayload]]:
        claim = await reads.claim(self.payload.claim_id.root, snapshots, staged)
        assert claim.application_id is not None and claim.amount is not None
        amount = claim.amount
        if self.payload.release:
            if claim.status is ClaimStatus.approved:
                assert claim.approved_amount is not None
                amount = claim.amount - claim.approved_amount
            elif claim.status is not ClaimStatus.rejected:
                return []
            if amount.is_zero:
                return []
        application = await reads.application(claim.application_id.root, snapshots, staged)
        resolved = self.payload.model_copy(update={"application_id": claim.application_id, "amount": amount})
        return [ExecutionTarget(application.id, resolved, application)]

    def execute(self, snapshot: FundingApplicationAggregate, payload: ChangeFundingClaimedPayload) -> Sequence[Event]:
        assert payload.amount is not None and snapshot.claimed is not None and snapshot.utilized is not None
        if payload.release:
            return [FundingClaimReleasedEvent(claim_id=payload.claim_id, amount=payload.amount)]
        same_currency(payload.amount, snapshot.utilized, "amount", "the recorded spending")
        unclaimed = snapshot.utilized - snapshot.claimed
        if payload.amount > unclaimed:
            raise IntentRejected(
                "funding.claim_exceeds_utilization",
                f"a claim of {payload.amount} is more than the recorded spending not yet claimed ({unclaimed} of "
                f"{snapshot.utilized}); record the spending first (TrackFundingUtilization)",
                field="amount",
            )
        return [FundingClaimRecordedEvent(claim_id=payload.claim_id, amount=payload.amount)]


@GROUP.payload
class VerifyFundingClaimPayload(Payload):
    claim_id: ClaimId
    outcome: VerificationOutcome
    approved_amount: Money | None = None
    notes: FundingProgramDescription | None = None
    verified_by: UserId
    verified_at: datetime


class _ExistingClaim(SingleAggregateDirective[FundingClaimAggregate, VerifyFundingClaimPayload]):
    aggregate_type = FundingClaimAggregate

    def target_id(self) -> str:
        return self.payload.claim_id.root

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingClaimAggregate, VerifyFundingClaimPayload]]:
        await reads.claim(self.target_id(), snapshots, staged)
        return await super().plan(ctx, intent, snapshots, staged)


@GROUP.directive
class VerifyFundingClaimDirective(_ExistingClaim):
    def execute(self, snapshot: FundingClaimAggregate, payload: VerifyFundingClaimPayload) -> Sequence[Event]:
        if snapshot.status is not ClaimStatus.submitted:
            raise IntentRejected(
                "funding.claim_not_submitted",
                f"claim {snapshot.id} is {snapshot.status} already; only a submitted claim is verified",
                field="claimId",
            )
        assert snapshot.amount is not None
        approved = None
        if payload.outcome is VerificationOutcome.approved:
            approved = payload.approved_amount or snapshot.amount
            same_currency(approved, snapshot.amount, "approvedAmount", "the claim")
            if approved > snapshot.amount:
                raise IntentRejected(
                    "funding.approval_exceeds_claim",
                    f"approving {approved} is more than the {snapshot.amount} claimed",
                    field="approvedAmount",
                )
        return [
            FundingClaimVerifiedEvent(
                outcome=payload.outcome,
                approved_amount=approved,
                notes=payload.notes,
                verified_by=payload.verified_by,
                verified_at=payload.verified_at,
            )
        ]


@GROUP.payload
class AwardFundingBenefitPayload(Payload):
    benefit_id: BenefitId
    claim_id: ClaimId
    awarded_by: UserId
    awarded_at: datetime
    # resolved from the claim while planning the benefit
    application_id: FundingApplicationId | None = None
    program_id: FundingProgramId | None = None
    estate_id: EstateId | None = None
    amount: Money | None = None


@GROUP.directive
class MarkClaimBenefitDirective(SingleAggregateDirective[FundingClaimAggregate, AwardFundingBenefitPayload]):
    aggregate_type = FundingClaimAggregate

    def target_id(self) -> str:
        return self.payload.claim_id.root

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingClaimAggregate, AwardFundingBenefitPayload]]:
        await reads.claim(self.target_id(), snapshots, staged)
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: FundingClaimAggregate, payload: AwardFundingBenefitPayload) -> Sequence[Event]:
        if snapshot.benefit_id is not None:
            raise IntentRejected(
                "funding.benefit_already_awarded",
                f"claim {snapshot.id} was paid already (benefit {snapshot.benefit_id})",
                field="claimId",
            )
        if snapshot.status is not ClaimStatus.approved:
            raise IntentRejected(
                "funding.claim_not_approved",
                f"claim {snapshot.id} is {snapshot.status}; a benefit follows an approved verification",
                field="claimId",
            )
        assert snapshot.approved_amount is not None
        return [FundingClaimBenefitAwardedEvent(benefit_id=payload.benefit_id, amount=snapshot.approved_amount)]


@GROUP.directive
class AwardFundingBenefitDirective(SingleAggregateDirective[FundingBenefitAggregate, AwardFundingBenefitPayload]):
    """Runs after MarkClaimBenefitDirective, whose checks it relies on."""

    aggregate_type = FundingBenefitAggregate

    def target_id(self) -> str:
        return self.payload.benefit_id.root

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingBenefitAggregate, AwardFundingBenefitPayload]]:
        (target,) = await super().plan(ctx, intent, snapshots, staged)
        if target.snapshot.awarded_at is not None:
            raise IntentRejected(
                "funding.benefit_exists", f"benefit {self.payload.benefit_id} exists already", field="benefitId"
            )
        claim = await reads.claim(self.payload.claim_id.root, snapshots, staged)
        resolved = self.payload.model_copy(
            update={
                "application_id": claim.application_id,
                "program_id": claim.program_id,
                "estate_id": claim.estate_id,
                "amount": claim.approved_amount,
            }
        )
        return [ExecutionTarget(target.aggregate_id, resolved, target.snapshot)]

    def execute(self, snapshot: FundingBenefitAggregate, payload: AwardFundingBenefitPayload) -> Sequence[Event]:
        assert payload.application_id and payload.program_id and payload.estate_id and payload.amount
        return [
            FundingBenefitAwardedEvent(
                claim_id=payload.claim_id,
                application_id=payload.application_id,
                program_id=payload.program_id,
                estate_id=payload.estate_id,
                amount=payload.amount,
                awarded_by=payload.awarded_by,
                awarded_at=payload.awarded_at,
            )
        ]

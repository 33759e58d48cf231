"""Routes from funding intents to directives, and the names their descriptions show."""

from __future__ import annotations

from typing import Any

from nomos_mongo import Directive, DirectiveContext, SnapshotReader
from schema.contracts.identifiers import BenefitId, ClaimId, FundingApplicationId, FundingProgramId
from schema.estates.aggregates import EstateAggregate
from schema.funding.group import GROUP

from .aggregates import FundingApplicationAggregate, FundingClaimAggregate, FundingProgramAggregate
from .application_directives import (
    ApplyForFundingDirective,
    ApplyForFundingPayload,
    DecideFundingApplicationDirective,
    DecideFundingApplicationPayload,
    RecordFundingUtilizationDirective,
    RecordFundingUtilizationPayload,
)
from .claim_directives import (
    AwardFundingBenefitDirective,
    AwardFundingBenefitPayload,
    ChangeFundingClaimedDirective,
    ChangeFundingClaimedPayload,
    MarkClaimBenefitDirective,
    SubmitFundingClaimDirective,
    SubmitFundingClaimPayload,
    VerifyFundingClaimDirective,
    VerifyFundingClaimPayload,
)
from .intents import (
    ApplyForFundingIntent,
    AwardBenefitIntent,
    CompleteClaimVerificationIntent,
    CreateFundingProgramIntent,
    DefineFundingProgramIntent,
    ProcessFundingApplicationIntent,
    SubmitFundingProgramClaimIntent,
    TrackFundingUtilizationIntent,
)
from .program_directives import (
    CreateFundingProgramDirective,
    CreateFundingProgramPayload,
    DefineFundingProgramDirective,
    DefineFundingProgramPayload,
    FundingMovementDirective,
    FundingMovementPayload,
)
from .values import FundingDecision, FundingMovement, FundingRules, FundingUtilization

Routes = list[Directive[Any, Any]]


@GROUP.route(CreateFundingProgramIntent)
def create_program(intent: CreateFundingProgramIntent, ctx: DirectiveContext) -> Routes:
    return [
        CreateFundingProgramDirective(
            payload=CreateFundingProgramPayload(
                program_id=intent.program_id or FundingProgramId(ctx.derive_id("funding-program")),
                name=intent.name,
                description=intent.description,
                eligibility=intent.eligibility,
                budget=intent.budget,
                closes_on=intent.closes_on,
                created_by=intent.created_by,
                created_at=ctx.now,
            )
        )
    ]


@GROUP.route(DefineFundingProgramIntent)
def define_program(intent: DefineFundingProgramIntent, ctx: DirectiveContext) -> Routes:
    rules = FundingRules(
        max_award_per_application=intent.max_award_per_application,
        eligible_asset_types=intent.eligible_asset_types,
        co_funding_percentage=intent.co_funding_percentage,
    )
    return [
        DefineFundingProgramDirective(
            payload=DefineFundingProgramPayload(
                program_id=intent.program_id,
                rules=rules,
                eligibility=intent.eligibility,
                closes_on=intent.closes_on,
                defined_by=intent.defined_by,
                defined_at=ctx.now,
            )
        )
    ]


@GROUP.route(ApplyForFundingIntent)
def apply_for_funding(intent: ApplyForFundingIntent, ctx: DirectiveContext) -> Routes:
    return [
        ApplyForFundingDirective(
            payload=ApplyForFundingPayload(
                application_id=intent.application_id or FundingApplicationId(ctx.derive_id("funding-application")),
                program_id=intent.program_id,
                estate_id=intent.estate_id,
                requested=intent.requested,
                project_cost=intent.project_cost,
                asset_ids=intent.asset_ids,
                description=intent.description,
                applied_by=intent.applied_by,
                applied_at=ctx.now,
            )
        )
    ]


@GROUP.route(ProcessFundingApplicationIntent)
def process_application(intent: ProcessFundingApplicationIntent, ctx: DirectiveContext) -> Routes:
    # The decision and the budget it consumes are one atomic write.
    directives: Routes = [
        DecideFundingApplicationDirective(
            payload=DecideFundingApplicationPayload(
                application_id=intent.application_id,
                decision=intent.decision,
                awarded=intent.awarded,
                reason=intent.reason,
                processed_by=intent.processed_by,
                processed_at=ctx.now,
            )
        )
    ]
    if intent.decision is FundingDecision.approve:
        directives.append(
            FundingMovementDirective(
                payload=FundingMovementPayload(
                    movement=FundingMovement.commit, application_id=intent.application_id, amount=intent.awarded
                )
            )
        )
    return directives


@GROUP.route(TrackFundingUtilizationIntent)
def track_utilization(intent: TrackFundingUtilizationIntent, ctx: DirectiveContext) -> Routes:
    utilization = FundingUtilization(
        amount=intent.amount, note=intent.note, recorded_by=intent.recorded_by, recorded_at=ctx.now
    )
    return [
        RecordFundingUtilizationDirective(
            payload=RecordFundingUtilizationPayload(application_id=intent.application_id, utilization=utilization)
        ),
        FundingMovementDirective(
            payload=FundingMovementPayload(
                movement=FundingMovement.utilize, application_id=intent.application_id, amount=intent.amount
            )
        ),
    ]


@GROUP.route(SubmitFundingProgramClaimIntent)
def submit_claim(intent: SubmitFundingProgramClaimIntent, ctx: DirectiveContext) -> Routes:
    claim_id = intent.claim_id or ClaimId(ctx.derive_id("funding-claim"))
    return [
        SubmitFundingClaimDirective(
            payload=SubmitFundingClaimPayload(
                claim_id=claim_id,
                application_id=intent.application_id,
                amount=intent.amount,
                description=intent.description,
                evidence=intent.evidence,
                submitted_by=intent.submitted_by,
                submitted_at=ctx.now,
            )
        ),
        ChangeFundingClaimedDirective(payload=ChangeFundingClaimedPayload(claim_id=claim_id)),
    ]


@GROUP.route(CompleteClaimVerificationIntent)
def verify_claim(intent: CompleteClaimVerificationIntent, ctx: DirectiveContext) -> Routes:
    return [
        VerifyFundingClaimDirective(
            payload=VerifyFundingClaimPayload(
                claim_id=intent.claim_id,
                outcome=intent.outcome,
                approved_amount=intent.approved_amount,
                notes=intent.notes,
                verified_by=intent.verified_by,
                verified_at=ctx.now,
            )
        ),
        ChangeFundingClaimedDirective(payload=ChangeFundingClaimedPayload(claim_id=intent.claim_id, release=True)),
    ]


@GROUP.route(AwardBenefitIntent)
def award_benefit(intent: AwardBenefitIntent, ctx: DirectiveContext) -> Routes:
    payload = AwardFundingBenefitPayload(
        benefit_id=intent.benefit_id or BenefitId(ctx.derive_id("funding-benefit")),
        claim_id=intent.claim_id,
        awarded_by=intent.awarded_by,
        awarded_at=ctx.now,
    )
    return [
        MarkClaimBenefitDirective(payload=payload),
        AwardFundingBenefitDirective(payload=payload),
        FundingMovementDirective(
            payload=FundingMovementPayload(
                movement=FundingMovement.disburse, claim_id=intent.claim_id, benefit_id=payload.benefit_id
            )
        ),
    ]


@GROUP.name_resolver("fundingProgram")
async def program_name(reader: SnapshotReader, program_id: str) -> str | None:
    program = await reader.get(FundingProgramAggregate, program_id, include_deleted=True)
    return str(program.name) or None if program is not None else None


@GROUP.name_resolver("fundedEstate")
async def estate_name(reader: SnapshotReader, estate_id: str) -> str | None:
    # Funding lives in the system workspace; an estate lives in its own.
    estate = await reader.get(EstateAggregate, estate_id, include_deleted=True, workspace_id=estate_id)
    return str(estate.name) or None if estate is not None else None


async def _estate_name(reader: SnapshotReader, estate_id: str) -> str:
    return await estate_name(reader, estate_id) or estate_id


@GROUP.name_resolver("fundingApplication")
async def application_name(reader: SnapshotReader, application_id: str) -> str | None:
    application = await reader.get(FundingApplicationAggregate, application_id, include_deleted=True)
    if application is None or application.program_id is None or application.estate_id is None:
        return None
    program = await program_name(reader, application.program_id.root) or application.program_id.root
    return f"the application of {await _estate_name(reader, application.estate_id.root)} to {program}"


@GROUP.name_resolver("fundingClaim")
async def claim_name(reader: SnapshotReader, claim_id: str) -> str | None:
    claim = await reader.get(FundingClaimAggregate, claim_id, include_deleted=True)
    if claim is None or claim.program_id is None or claim.estate_id is None:
        return None
    program = await program_name(reader, claim.program_id.root) or claim.program_id.root
    return f"the {claim.amount} claim of {await _estate_name(reader, claim.estate_id.root)} on {program}"

"""Payloads and directives that change a funding program.

Checks against the program (currency, maximum award, remaining budget) run in execute on
the program itself, so they see the budget as this very intent leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

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
from schema.contracts.identifiers import (
    BenefitId,
    ClaimId,
    FundingApplicationId,
    FundingProgramId,
    UserId,
)
from schema.contracts.money import Money
from schema.contracts.names import FundingProgramDescription, FundingProgramName
from schema.funding.group import GROUP

from . import reads
from .aggregates import FundingProgramAggregate
from .events import (
    FundingAwardCommittedEvent,
    FundingBenefitDisbursedEvent,
    FundingProgramCreatedEvent,
    FundingProgramDefinedEvent,
    FundingProgramUtilizedEvent,
)
from .reads import Staged, same_currency
from .values import FundingMovement, FundingRules


@GROUP.payload
class CreateFundingProgramPayload(Payload):
    program_id: FundingProgramId
    name: FundingProgramName
    description: FundingProgramDescription | None = None
    eligibility: FundingProgramDescription | None = None
    budget: Money
    closes_on: date | None = None
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateFundingProgramDirective(SingleAggregateDirective[FundingProgramAggregate, CreateFundingProgramPayload]):
    aggregate_type = FundingProgramAggregate

    def target_id(self) -> str:
        return self.payload.program_id.root

    def execute(self, snapshot: FundingProgramAggregate, payload: CreateFundingProgramPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "funding.program_exists", f"funding program {payload.program_id} exists already", field="programId"
            )
        return [FundingProgramCreatedEvent(**payload.model_dump(exclude={"program_id"}))]


@GROUP.payload
class DefineFundingProgramPayload(Payload):
    program_id: FundingProgramId
    rules: FundingRules
    eligibility: FundingProgramDescription | None = None
    closes_on: date | None = None
    defined_by: UserId
    defined_at: datetime


@GROUP.directive
class DefineFundingProgramDirective(SingleAggregateDirective[FundingProgramAggregate, DefineFundingProgramPayload]):
    aggregate_type = FundingProgramAggregate

    def target_id(self) -> str:
        return self.payload.program_id.root

    def execute(self, snapshot: FundingProgramAggregate, payload: DefineFundingProgramPayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise IntentRejected(
                "funding.program_not_found", f"there is no funding program {payload.program_id}", field="programId"
            )
        cap = payload.rules.max_award_per_application
        if cap is not None and snapshot.budget is not None:
            same_currency(cap, snapshot.budget, "maxAwardPerApplication", "the program's budget")
            if cap > snapshot.budget:
                raise IntentRejected(
                    "funding.max_award_exceeds_budget",
                    f"a maximum award of {cap} is more than the whole budget of {snapshot.budget}",
                    field="maxAwardPerApplication",
                )
        return [FundingProgramDefinedEvent(**payload.model_dump(exclude={"program_id"}))]


@GROUP.payload
class FundingMovementPayload(Payload):
    """Money moving through a program; the program is found from the application or the claim."""

    movement: FundingMovement
    application_id: FundingApplicationId | None = None
    claim_id: ClaimId | None = None
    benefit_id: BenefitId | None = None
    amount: Money | None = None
    program_id: FundingProgramId | None = None  # resolved while planning


@GROUP.directive
class FundingMovementDirective(Directive[FundingProgramAggregate, FundingMovementPayload]):
    aggregate_type = FundingProgramAggregate

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingProgramAggregate, FundingMovementPayload]]:
        payload = self.payload
        if payload.claim_id is not None:
            claim = await reads.claim(payload.claim_id.root, snapshots, staged)
            program_id, amount = claim.program_id, payload.amount or claim.approved_amount
        else:
            assert payload.application_id is not None
            application = await reads.application(payload.application_id.root, snapshots, staged)
            program_id, amount = application.program_id, payload.amount
        assert program_id is not None and amount is not None
        program = await reads.program(program_id.root, snapshots, staged)
        resolved = payload.model_copy(update={"program_id": program_id, "amount": amount})
        return [ExecutionTarget(program_id.root, resolved, program)]

    def execute(self, snapshot: FundingProgramAggregate, payload: FundingMovementPayload) -> Sequence[Event]:
        assert payload.amount is not None and snapshot.budget is not None
        amount = payload.amount
        same_currency(amount, snapshot.budget, "amount", f"the budget of {snapshot.name}")
        if payload.movement is FundingMovement.commit:
            assert payload.application_id is not None
            cap = snapshot.rules.max_award_per_application
            if cap is not None and amount > cap:
                raise IntentRejected(
                    "funding.exceeds_max_award",
                    f"{amount} is more than {snapshot.name} awards per application ({cap})",
                    field="awarded",
                )
            assert snapshot.remaining is not None
            if amount > snapshot.remaining:
                raise IntentRejected(
                    "funding.budget_exceeded",
                    f"awarding {amount} would exceed the remaining budget of {snapshot.name}: "
                    f"{snapshot.remaining} of {snapshot.budget} remains; award at most {snapshot.remaining}",
                    field="awarded",
                )
            return [FundingAwardCommittedEvent(application_id=payload.application_id, amount=amount)]
        if payload.movement is FundingMovement.utilize:
            assert payload.application_id is not None
            return [FundingProgramUtilizedEvent(application_id=payload.application_id, amount=amount)]
        assert payload.benefit_id is not None and payload.claim_id is not None
        return [FundingBenefitDisbursedEvent(benefit_id=payload.benefit_id, claim_id=payload.claim_id, amount=amount)]

"""Payloads and directives that change a funding application."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from nomos_mongo import (
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
from schema.assets.aggregates import TrackableAssetAggregate
from schema.contracts.enums import FundingApplicationStatus
from schema.contracts.identifiers import (
    EstateId,
    FundingApplicationId,
    FundingProgramId,
    TrackableAssetId,
    UserId,
)
from schema.contracts.money import Money
from schema.contracts.names import FundingProgramDescription
from schema.funding.group import GROUP

from . import reads
from .aggregates import FundingApplicationAggregate, FundingProgramAggregate
from .events import (
    FundingApplicationApprovedEvent,
    FundingApplicationRejectedEvent,
    FundingApplicationSubmittedEvent,
    FundingUtilizationRecordedEvent,
)
from .reads import Staged, same_currency
from .values import FundingDecision, FundingRules, FundingUtilization


@GROUP.payload
class ApplyForFundingPayload(Payload):
    application_id: FundingApplicationId
    program_id: FundingProgramId
    estate_id: EstateId
    requested: Money
    project_cost: Money | None = None
    asset_ids: tuple[TrackableAssetId, ...] = ()
    description: FundingProgramDescription | None = None
    applied_by: UserId
    applied_at: datetime


@GROUP.directive
class ApplyForFundingDirective(SingleAggregateDirective[FundingApplicationAggregate, ApplyForFundingPayload]):
    aggregate_type = FundingApplicationAggregate

    def target_id(self) -> str:
        return self.payload.application_id.root

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingApplicationAggregate, ApplyForFundingPayload]]:
        p = self.payload
        targets = await super().plan(ctx, intent, snapshots, staged)
        if targets[0].snapshot.applied_at is not None:
            raise IntentRejected(
                "funding.application_exists", f"funding application {p.application_id} exists", field="applicationId"
            )
        program = await reads.program(p.program_id.root, snapshots, staged)
        check_program_admits(program, p)
        await reads.require_estate_writer(snapshots, p.estate_id.root, ctx.actor_id, ctx.now, "applying for funding")
        pending = await snapshots.query(
            FundingApplicationAggregate,
            BasicQuery(
                filters=(
                    FieldFilter("program_id", p.program_id.root),
                    FieldFilter("estate_id", p.estate_id.root),
                    FieldFilter("status", FundingApplicationStatus.submitted.value),
                ),
                limit=1,
            ),
        )
        if pending:
            raise IntentRejected(
                "funding.application_pending",
                f"estate {p.estate_id} already has application {pending[0].id} to {program.name} awaiting a "
                "decision; wait for it before applying again",
                field="programId",
            )
        await check_assets(program.rules, p, snapshots)
        return targets

    def execute(self, snapshot: FundingApplicationAggregate, payload: ApplyForFundingPayload) -> Sequence[Event]:
        return [FundingApplicationSubmittedEvent(**payload.model_dump(exclude={"application_id"}))]


def check_program_admits(program: FundingProgramAggregate, p: ApplyForFundingPayload) -> None:
    assert program.budget is not None
    if program.closes_on is not None and p.applied_at.date() > program.closes_on:
        raise IntentRejected(
            "funding.program_closed",
            f"{program.name} closed for applications on {program.closes_on}",
            field="programId",
        )
    same_currency(p.requested, program.budget, "requested", f"the budget of {program.name}")
    if p.project_cost is not None:
        same_currency(p.project_cost, program.budget, "projectCost", f"the budget of {program.name}")
    rules = program.rules
    cap = rules.max_award_per_application
    if cap is not None and p.requested > cap:
        raise IntentRejected(
            "funding.exceeds_max_award",
            f"{program.name} awards at most {cap} per application; {p.requested} was requested",
            field="requested",
        )
    if rules.co_funding_percentage:
        if p.project_cost is None:
            raise IntentRejected(
                "funding.project_cost_required",
                f"{program.name} needs {rules.co_funding_percentage}% co-funding: give the project cost",
                field="projectCost",
            )
        most = rules.max_for_project(p.project_cost)
        if p.requested > most:
            raise IntentRejected(
                "funding.co_funding_required",
                f"{program.name} funds at most {100 - rules.co_funding_percentage}% of the project cost of "
                f"{p.project_cost}, that is {most}; {p.requested} was requested",
                field="requested",
            )
    assert program.remaining is not None
    if p.requested > program.remaining:
        raise IntentRejected(
            "funding.budget_exceeded",
            f"{p.requested} is more than the remaining budget of {program.name} ({program.remaining})",
            field="requested",
        )


async def check_assets(rules: FundingRules, p: ApplyForFundingPayload, snapshots: SnapshotReader) -> None:
    if rules.eligible_asset_types and not p.asset_ids:
        kinds = ", ".join(t.root for t in rules.eligible_asset_types)
        raise IntentRejected(
            "funding.assets_required",
            f"the program funds only some asset types ({kinds}): list the assets concerned",
            field="assetIds",
        )
    for asset_id in p.asset_ids:
        asset = await snapshots.get(TrackableAssetAggregate, asset_id.root, workspace_id=p.estate_id.root)
        if asset is None or not asset.exists:
            raise IntentRejected(
                "funding.asset_not_found", f"estate {p.estate_id} has no asset {asset_id}", field="assetIds"
            )
        if not rules.admits(asset.asset_type):
            kinds = ", ".join(t.root for t in rules.eligible_asset_types)
            raise IntentRejected(
                "funding.asset_type_not_eligible",
                f"asset {asset.name or asset_id} is of type {asset.asset_type}; the program funds {kinds}",
                field="assetIds",
            )


@GROUP.payload
class DecideFundingApplicationPayload(Payload):
    application_id: FundingApplicationId
    decision: FundingDecision
    awarded: Money | None = None
    reason: FundingProgramDescription | None = None
    processed_by: UserId
    processed_at: datetime


P = TypeVar("P", bound=Payload)


class _ExistingApplication(SingleAggregateDirective[FundingApplicationAggregate, P]):
    aggregate_type = FundingApplicationAggregate

    def target_id(self) -> str:
        return self.payload.application_id.root  # type: ignore[attr-defined, no-any-return]

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingApplicationAggregate, P]]:
        await reads.application(self.target_id(), snapshots, staged)
        return await super().plan(ctx, intent, snapshots, staged)


@GROUP.directive
class DecideFundingApplicationDirective(_ExistingApplication[DecideFundingApplicationPayload]):
    def execute(
        self, snapshot: FundingApplicationAggregate, payload: DecideFundingApplicationPayload
    ) -> Sequence[Event]:
        if snapshot.status is not FundingApplicationStatus.submitted:
            raise IntentRejected(
                "funding.application_not_pending",
                f"application {snapshot.id} is {snapshot.status} already; only a submitted application is decided",
                field="applicationId",
            )
        if payload.decision is FundingDecision.reject:
            return [
                FundingApplicationRejectedEvent(
                    reason=payload.reason, processed_by=payload.processed_by, processed_at=payload.processed_at
                )
            ]
        assert payload.awarded is not None and snapshot.requested is not None
        same_currency(payload.awarded, snapshot.requested, "awarded", "the requested amount")
        if payload.awarded > snapshot.requested:
            raise IntentRejected(
                "funding.award_exceeds_request",
                f"awarding {payload.awarded} is more than the {snapshot.requested} requested",
                field="awarded",
            )
        return [
            FundingApplicationApprovedEvent(
                awarded=payload.awarded,
                reason=payload.reason,
                processed_by=payload.processed_by,
                processed_at=payload.processed_at,
            )
        ]


@GROUP.payload
class RecordFundingUtilizationPayload(Payload):
    application_id: FundingApplicationId
    utilization: FundingUtilization


@GROUP.directive
class RecordFundingUtilizationDirective(_ExistingApplication[RecordFundingUtilizationPayload]):
    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[FundingApplicationAggregate, RecordFundingUtilizationPayload]]:
        targets = await super().plan(ctx, intent, snapshots, staged)
        estate_id = targets[0].snapshot.estate_id
        assert estate_id is not None
        await reads.require_estate_writer(snapshots, estate_id.root, ctx.actor_id, ctx.now, "recording spending")
        return targets

    def execute(
        self, snapshot: FundingApplicationAggregate, payload: RecordFundingUtilizationPayload
    ) -> Sequence[Event]:
        require_approved(snapshot, "record spending against it")
        assert snapshot.awarded is not None and snapshot.utilized is not None
        amount = payload.utilization.amount
        same_currency(amount, snapshot.awarded, "amount", "the award")
        left = snapshot.awarded - snapshot.utilized
        if amount > left:
            raise IntentRejected(
                "funding.utilization_exceeds_award",
                f"recording {amount} would bring spending to {snapshot.utilized + amount}, over the award of "
                f"{snapshot.awarded}; {left} of the award is left",
                field="amount",
            )
        return [FundingUtilizationRecordedEvent(utilization=payload.utilization)]


def require_approved(application: FundingApplicationAggregate, to: str) -> None:
    if application.status is not FundingApplicationStatus.approved:
        raise IntentRejected(
            "funding.application_not_approved",
            f"application {application.id} is {application.status}; it must be approved to {to}",
            field="applicationId",
        )

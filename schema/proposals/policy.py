"""Routes for proposal and responsibility intents, and the names their sentences use."""

from __future__ import annotations

from typing import Any

from nomos_mongo import Directive, DirectiveContext, SnapshotReader
from schema.contracts import CommentText, ProposalId, ProposalStatus, ResponsibilityId, UserId
from schema.proposals.group import GROUP

from .aggregates import ProposalAggregate, ResponsibilityAggregate
from .directives import (
    ChangeProposalStatusDirective,
    CreateProposalDirective,
    CreateProposalPayload,
    CreateResponsibilityDirective,
    CreateResponsibilityPayload,
    LinkResponsibilitiesDirective,
    LinkResponsibilitiesPayload,
    ProposalStatusPayload,
    ResponsibilityStatusPayload,
    UpdateResponsibilityStatusDirective,
)
from .intents import (
    ApproveProposalIntent,
    CreateProposalIntent,
    CreateResponsibilitiesFromProposalIntent,
    CreateResponsibilityIntent,
    MarkProposalImplementedIntent,
    RejectProposalIntent,
    SubmitProposalIntent,
    UpdateResponsibilityStatusIntent,
)


@GROUP.route(CreateProposalIntent)
def create_proposal(intent: CreateProposalIntent, ctx: DirectiveContext) -> list[CreateProposalDirective]:
    payload = CreateProposalPayload(
        proposal_id=intent.proposal_id or ProposalId(ctx.derive_id("proposal")),
        title=intent.title,
        proposal_type=intent.proposal_type,
        created_by=intent.created_by,
        created_at=ctx.now,
        description=intent.description,
        estimated_cost=intent.estimated_cost,
        estimated_duration=intent.estimated_duration,
        target_implementation_date=intent.target_implementation_date,
    )
    return [CreateProposalDirective(payload=payload)]


def _move(
    proposal_id: ProposalId, status: ProposalStatus, by: UserId, ctx: DirectiveContext, comment: CommentText | None
) -> list[ChangeProposalStatusDirective]:
    payload = ProposalStatusPayload(
        proposal_id=proposal_id, status=status, changed_by=by, changed_at=ctx.now, comment=comment
    )
    return [ChangeProposalStatusDirective(payload=payload)]


@GROUP.route(SubmitProposalIntent)
def submit_proposal(intent: SubmitProposalIntent, ctx: DirectiveContext) -> list[ChangeProposalStatusDirective]:
    return _move(intent.proposal_id, ProposalStatus.submitted, intent.submitted_by, ctx, None)


@GROUP.route(ApproveProposalIntent)
def approve_proposal(intent: ApproveProposalIntent, ctx: DirectiveContext) -> list[ChangeProposalStatusDirective]:
    return _move(intent.proposal_id, ProposalStatus.approved, intent.approved_by, ctx, intent.comment)


@GROUP.route(RejectProposalIntent)
def reject_proposal(intent: RejectProposalIntent, ctx: DirectiveContext) -> list[ChangeProposalStatusDirective]:
    return _move(intent.proposal_id, ProposalStatus.rejected, intent.rejected_by, ctx, intent.reason)


@GROUP.route(MarkProposalImplementedIntent)
def mark_proposal_implemented(
    intent: MarkProposalImplementedIntent, ctx: DirectiveContext
) -> list[ChangeProposalStatusDirective]:
    return _move(intent.proposal_id, ProposalStatus.implemented, intent.implemented_by, ctx, intent.comment)


@GROUP.route(CreateResponsibilityIntent)
def create_responsibility(
    intent: CreateResponsibilityIntent, ctx: DirectiveContext
) -> list[CreateResponsibilityDirective]:
    payload = CreateResponsibilityPayload(
        responsibility_id=intent.responsibility_id or ResponsibilityId(ctx.derive_id("responsibility")),
        created_by=intent.created_by,
        created_at=ctx.now,
        title=intent.title,
        description=intent.description,
        assigned_to=intent.assigned_to,
        due_date=intent.due_date,
        priority=intent.priority,
    )
    return [CreateResponsibilityDirective(payload=payload)]


@GROUP.route(UpdateResponsibilityStatusIntent)
def update_responsibility_status(
    intent: UpdateResponsibilityStatusIntent, ctx: DirectiveContext
) -> list[UpdateResponsibilityStatusDirective]:
    payload = ResponsibilityStatusPayload(
        responsibility_id=intent.responsibility_id,
        status=intent.status,
        updated_by=intent.updated_by,
        updated_at=ctx.now,
        note=intent.note,
    )
    return [UpdateResponsibilityStatusDirective(payload=payload)]


@GROUP.route(CreateResponsibilitiesFromProposalIntent)
def create_responsibilities_from_proposal(
    intent: CreateResponsibilitiesFromProposalIntent, ctx: DirectiveContext
) -> list[Directive[Any, Any]]:
    """The proposal is checked first (it must be approved), then every responsibility is created."""
    creations = []
    for index, draft in enumerate(intent.drafts):
        responsibility_id = draft.responsibility_id or ResponsibilityId(ctx.derive_id(f"responsibility-{index}"))
        payload = CreateResponsibilityPayload(
            responsibility_id=responsibility_id,
            created_by=intent.created_by,
            created_at=ctx.now,
            title=draft.title,
            description=draft.description,
            assigned_to=draft.assigned_to,
            due_date=draft.due_date,
            priority=draft.priority,
            proposal_id=intent.proposal_id,
        )
        creations.append(CreateResponsibilityDirective(payload=payload))
    link = LinkResponsibilitiesDirective(
        payload=LinkResponsibilitiesPayload(
            proposal_id=intent.proposal_id,
            responsibility_ids=tuple(c.payload.responsibility_id for c in creations),
        )
    )
    return [link, *creations]


@GROUP.name_resolver("proposal")
async def proposal_title(reader: SnapshotReader, proposal_id: str) -> str | None:
    proposal = await reader.get(ProposalAggregate, proposal_id, include_deleted=True)
    return proposal.title.value if proposal is not None and not proposal.title.is_unresolved else None


@GROUP.name_resolver("responsibility")
async def responsibility_title(reader: SnapshotReader, responsibility_id: str) -> str | None:
    responsibility = await reader.get(ResponsibilityAggregate, responsibility_id, include_deleted=True)
    return responsibility.title.value if responsibility is not None and not responsibility.title.is_unresolved else None

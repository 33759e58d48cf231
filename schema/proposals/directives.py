"""How proposal and responsibility intents change their aggregates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from nomos_mongo import (
    Aggregate,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.access import EstateAccessAggregate
from schema.contracts import (
    CommentText,
    Money,
    ProposalDescription,
    ProposalDuration,
    ProposalId,
    ProposalStatus,
    ProposalTargetDate,
    ProposalTitle,
    ProposalType,
    ResponsibilityDescription,
    ResponsibilityId,
    ResponsibilityPriority,
    ResponsibilityTitle,
    UserId,
)
from schema.proposals.group import GROUP

from .aggregates import ProposalAggregate, ResponsibilityAggregate
from .events import (
    ProposalCreatedEvent,
    ProposalResponsibilitiesLinkedEvent,
    ProposalStatusChangedEvent,
    ResponsibilityCreatedEvent,
    ResponsibilityStatusUpdatedEvent,
)
from .statuses import PROPOSAL_PREDECESSOR, PROPOSAL_VERB, ResponsibilityStatus


@GROUP.payload
class CreateProposalPayload(Payload):
    proposal_id: ProposalId
    title: ProposalTitle
    proposal_type: ProposalType
    created_by: UserId
    created_at: datetime
    description: ProposalDescription | None = None
    estimated_cost: Money | None = None
    estimated_duration: ProposalDuration | None = None
    target_implementation_date: ProposalTargetDate | None = None


@GROUP.payload
class ProposalStatusPayload(Payload):
    proposal_id: ProposalId
    status: ProposalStatus
    changed_by: UserId
    changed_at: datetime
    comment: CommentText | None = None


@GROUP.payload
class LinkResponsibilitiesPayload(Payload):
    proposal_id: ProposalId
    responsibility_ids: tuple[ResponsibilityId, ...]


@GROUP.payload
class CreateResponsibilityPayload(Payload):
    responsibility_id: ResponsibilityId
    created_by: UserId
    created_at: datetime
    title: ResponsibilityTitle | None = None  # None: the proposal's title
    description: ResponsibilityDescription | None = None
    assigned_to: UserId | None = None
    due_date: date | None = None
    priority: ResponsibilityPriority = ResponsibilityPriority.medium
    proposal_id: ProposalId | None = None


@GROUP.payload
class ResponsibilityStatusPayload(Payload):
    responsibility_id: ResponsibilityId
    status: ResponsibilityStatus
    updated_by: UserId
    updated_at: datetime
    note: CommentText | None = None


def _existing_proposal(snapshot: ProposalAggregate) -> ProposalAggregate:
    if not snapshot.exists:
        raise IntentRejected("proposals.not_found", f"proposal {snapshot.id} does not exist", field="proposalId")
    return snapshot


@GROUP.directive
class CreateProposalDirective(SingleAggregateDirective[ProposalAggregate, CreateProposalPayload]):
    aggregate_type = ProposalAggregate

    def target_id(self) -> str:
        return self.payload.proposal_id.value

    def execute(self, snapshot: ProposalAggregate, payload: CreateProposalPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "proposals.exists", f"proposal {snapshot.id} exists already; choose another id", field="proposalId"
            )
        return [ProposalCreatedEvent(**payload.model_dump(exclude={"proposal_id"}))]


@GROUP.directive
class ChangeProposalStatusDirective(SingleAggregateDirective[ProposalAggregate, ProposalStatusPayload]):
    """Moves a proposal one step forward; anything else is refused naming where it stands."""

    aggregate_type = ProposalAggregate

    def target_id(self) -> str:
        return self.payload.proposal_id.value

    def execute(self, snapshot: ProposalAggregate, payload: ProposalStatusPayload) -> Sequence[Event]:
        proposal = _existing_proposal(snapshot)
        required = PROPOSAL_PREDECESSOR[payload.status]
        if proposal.status is not required:
            raise IntentRejected(
                "proposals.invalid_transition",
                f"proposal {proposal.id} is {proposal.status}; "
                f"only {'an' if required is ProposalStatus.approved else 'a'} {required} proposal "
                f"can be {PROPOSAL_VERB[payload.status]}",
                field="proposalId",
            )
        return [
            ProposalStatusChangedEvent(
                status=payload.status,
                changed_by=payload.changed_by,
                changed_at=payload.changed_at,
                comment=payload.comment,
            )
        ]


@GROUP.directive
class LinkResponsibilitiesDirective(SingleAggregateDirective[ProposalAggregate, LinkResponsibilitiesPayload]):
    aggregate_type = ProposalAggregate

    def target_id(self) -> str:
        return self.payload.proposal_id.value

    def execute(self, snapshot: ProposalAggregate, payload: LinkResponsibilitiesPayload) -> Sequence[Event]:
        proposal = _existing_proposal(snapshot)
        if proposal.status is not ProposalStatus.approved:
            raise IntentRejected(
                "proposals.not_approved",
                f"proposal {proposal.id} is {proposal.status}; responsibilities come only from an approved proposal",
                field="proposalId",
            )
        return [ProposalResponsibilitiesLinkedEvent(responsibility_ids=payload.responsibility_ids)]


@GROUP.directive
class CreateResponsibilityDirective(SingleAggregateDirective[ResponsibilityAggregate, CreateResponsibilityPayload]):
    """A responsibility from a proposal without a title of its own takes the proposal's title and description."""

    aggregate_type = ResponsibilityAggregate

    def target_id(self) -> str:
        return self.payload.responsibility_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[ResponsibilityAggregate, CreateResponsibilityPayload]]:
        [target] = await super().plan(ctx, intent, snapshots, staged)
        payload = self.payload
        if payload.assigned_to is not None:
            access = await snapshots.get(EstateAccessAggregate, ctx.workspace_id)
            if access is None or access.role_of(payload.assigned_to.value, ctx.now) is None:
                raise IntentRejected(
                    "proposals.assignee_without_access",
                    f"{payload.assigned_to} has no role on this estate; grant them access before assigning them work",
                    field="assignedTo",
                )
        if payload.proposal_id is not None and payload.title is None:
            proposal_id = payload.proposal_id.value
            proposal = staged.get((ProposalAggregate.type_name, proposal_id)) or await snapshots.get(
                ProposalAggregate, proposal_id
            )
            if isinstance(proposal, ProposalAggregate) and proposal.exists:
                description = payload.description or (
                    ResponsibilityDescription(proposal.description.value) if proposal.description else None
                )
                payload = payload.model_copy(
                    update={"title": ResponsibilityTitle(proposal.title.value), "description": description}
                )
        return [ExecutionTarget(target.aggregate_id, payload, target.snapshot)]

    def execute(self, snapshot: ResponsibilityAggregate, payload: CreateResponsibilityPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "proposals.responsibility_exists",
                f"responsibility {snapshot.id} exists already; choose another id",
                field="responsibilityId",
            )
        if payload.title is None or payload.title.is_unresolved:
            raise IntentRejected("proposals.title_required", "a responsibility needs a title", field="title")
        return [
            ResponsibilityCreatedEvent(
                title=payload.title,
                created_by=payload.created_by,
                created_at=payload.created_at,
                description=payload.description,
                assigned_to=payload.assigned_to,
                due_date=payload.due_date,
                priority=payload.priority,
                proposal_id=payload.proposal_id,
            )
        ]


@GROUP.directive
class UpdateResponsibilityStatusDirective(
    SingleAggregateDirective[ResponsibilityAggregate, ResponsibilityStatusPayload]
):
    aggregate_type = ResponsibilityAggregate

    def target_id(self) -> str:
        return self.payload.responsibility_id.value

    def execute(self, snapshot: ResponsibilityAggregate, payload: ResponsibilityStatusPayload) -> Sequence[Event]:
        if not snapshot.exists:
            raise IntentRejected(
                "proposals.responsibility_not_found",
                f"responsibility {snapshot.id} does not exist",
                field="responsibilityId",
            )
        if snapshot.status.is_closed:
            raise IntentRejected(
                "proposals.responsibility_closed",
                f"responsibility {snapshot.id} is {snapshot.status.label} and cannot change any more; "
                "create a new responsibility instead",
                field="status",
            )
        if snapshot.status is payload.status:
            raise IntentRejected(
                "proposals.status_unchanged",
                f"responsibility {snapshot.id} is {snapshot.status.label} already",
                field="status",
            )
        return [
            ResponsibilityStatusUpdatedEvent(
                status=payload.status, updated_by=payload.updated_by, updated_at=payload.updated_at, note=payload.note
            )
        ]

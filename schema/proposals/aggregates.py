"""A proposal for a change to an estate, and the responsibilities that carry it out."""

from __future__ import annotations

from datetime import date, datetime

from nomos_mongo import Aggregate, Event
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
    ValueObject,
)
from schema.proposals.group import GROUP

from .events import (
    ProposalCreatedEvent,
    ProposalResponsibilitiesLinkedEvent,
    ProposalStatusChangedEvent,
    ResponsibilityCreatedEvent,
    ResponsibilityStatusUpdatedEvent,
)
from .statuses import ResponsibilityStatus


class ProposalStatusChange(ValueObject):
    status: ProposalStatus
    changed_by: UserId
    changed_at: datetime
    comment: CommentText | None = None


@GROUP.aggregate
class ProposalAggregate(Aggregate):
    title: ProposalTitle = ProposalTitle.unresolved
    proposal_type: ProposalType = ProposalType.unresolved
    description: ProposalDescription | None = None
    status: ProposalStatus = ProposalStatus.draft
    estimated_cost: Money | None = None
    estimated_duration: ProposalDuration | None = None
    target_implementation_date: ProposalTargetDate | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    status_history: tuple[ProposalStatusChange, ...] = ()
    responsibility_ids: tuple[ResponsibilityId, ...] = ()

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> ProposalAggregate:
        match event:
            case ProposalCreatedEvent():
                return self.evolve(
                    title=event.title,
                    proposal_type=event.proposal_type,
                    description=event.description,
                    status=ProposalStatus.draft,
                    estimated_cost=event.estimated_cost,
                    estimated_duration=event.estimated_duration,
                    target_implementation_date=event.target_implementation_date,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case ProposalStatusChangedEvent():
                change = ProposalStatusChange(
                    status=event.status, changed_by=event.changed_by, changed_at=event.changed_at, comment=event.comment
                )
                return self.evolve(status=event.status, status_history=(*self.status_history, change))
            case ProposalResponsibilitiesLinkedEvent():
                return self.evolve(responsibility_ids=(*self.responsibility_ids, *event.responsibility_ids))
        return self


@GROUP.aggregate
class ResponsibilityAggregate(Aggregate):
    title: ResponsibilityTitle = ResponsibilityTitle.unresolved
    description: ResponsibilityDescription | None = None
    status: ResponsibilityStatus = ResponsibilityStatus.open
    priority: ResponsibilityPriority = ResponsibilityPriority.medium
    assigned_to: UserId | None = None
    due_date: date | None = None
    proposal_id: ProposalId | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None
    status_note: CommentText | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def apply(self, event: Event) -> ResponsibilityAggregate:
        match event:
            case ResponsibilityCreatedEvent():
                return self.evolve(
                    title=event.title,
                    description=event.description,
                    status=ResponsibilityStatus.open,
                    priority=event.priority,
                    assigned_to=event.assigned_to,
                    due_date=event.due_date,
                    proposal_id=event.proposal_id,
                    created_by=event.created_by,
                    created_at=event.created_at,
                    updated_by=event.created_by,
                    updated_at=event.created_at,
                )
            case ResponsibilityStatusUpdatedEvent():
                return self.evolve(
                    status=event.status,
                    updated_by=event.updated_by,
                    updated_at=event.updated_at,
                    status_note=event.note,
                )
        return self

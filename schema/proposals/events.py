"""Facts about proposals and responsibilities."""

from __future__ import annotations

from datetime import date, datetime

from nomos_mongo import Event
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

from .statuses import ResponsibilityStatus


@GROUP.event
class ProposalCreatedEvent(Event):
    title: ProposalTitle
    proposal_type: ProposalType
    created_by: UserId
    created_at: datetime
    description: ProposalDescription | None = None
    estimated_cost: Money | None = None
    estimated_duration: ProposalDuration | None = None
    target_implementation_date: ProposalTargetDate | None = None


@GROUP.event
class ProposalStatusChangedEvent(Event):
    status: ProposalStatus
    changed_by: UserId
    changed_at: datetime
    comment: CommentText | None = None


@GROUP.event
class ProposalResponsibilitiesLinkedEvent(Event):
    responsibility_ids: tuple[ResponsibilityId, ...]


@GROUP.event
class ResponsibilityCreatedEvent(Event):
    title: ResponsibilityTitle
    created_by: UserId
    created_at: datetime
    description: ResponsibilityDescription | None = None
    assigned_to: UserId | None = None
    due_date: date | None = None
    priority: ResponsibilityPriority = ResponsibilityPriority.medium
    proposal_id: ProposalId | None = None


@GROUP.event
class ResponsibilityStatusUpdatedEvent(Event):
    status: ResponsibilityStatus
    updated_by: UserId
    updated_at: datetime
    note: CommentText | None = None

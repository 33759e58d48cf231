"""What users ask of proposals (draft -> submitted -> approved/rejected -> implemented)
and of responsibilities, the action items that carry them out."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, TypeVar

from pydantic import AfterValidator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription
from schema.common import Access, Co2Intent
from schema.contracts import (
    CommentText,
    DomainName,
    Money,
    ProposalDescription,
    ProposalDuration,
    ProposalId,
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
from schema.contracts.base import MaxItems
from schema.proposals.group import GROUP

from .statuses import ResponsibilityStatus

MAX_RESPONSIBILITIES_PER_INTENT = 100

N = TypeVar("N", bound=DomainName)


def _filled(name: N) -> N:
    if name.is_unresolved:
        raise ValueError("must not be empty")
    return name


def _not_negative(cost: Money | None) -> Money | None:
    if cost is not None and cost.is_negative:
        raise ValueError(f"must not be negative, got {cost}")
    return cost


def _proposal(ctx: DescribeContext, proposal_id: ProposalId) -> object:
    return ctx.resource_name("proposal", proposal_id.value)


def _responsibility(ctx: DescribeContext, responsibility_id: ResponsibilityId) -> object:
    return ctx.resource_name("responsibility", responsibility_id.value)


@GROUP.intent
class CreateProposalIntent(Co2Intent):
    title: Annotated[ProposalTitle, AfterValidator(_filled)]
    proposal_type: Annotated[ProposalType, AfterValidator(_filled)]
    created_by: Annotated[UserId, ACTOR]
    proposal_id: ProposalId | None = None
    description: ProposalDescription | None = None
    estimated_cost: Annotated[Money | None, AfterValidator(_not_negative)] = None
    estimated_duration: ProposalDuration | None = None
    target_implementation_date: ProposalTargetDate | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} created proposal {title} ({type})",
            {"actor": ctx.actor_name(fallback=self.created_by.value), "title": self.title, "type": self.proposal_type},
        )


@GROUP.intent
class SubmitProposalIntent(Co2Intent):
    proposal_id: ProposalId
    submitted_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} submitted proposal {proposal} for review",
            {"actor": ctx.actor_name(fallback=self.submitted_by.value), "proposal": _proposal(ctx, self.proposal_id)},
        )


@GROUP.intent
class ApproveProposalIntent(Co2Intent):
    access: ClassVar[Access] = Access.ADMIN

    proposal_id: ProposalId
    approved_by: Annotated[UserId, ACTOR]
    comment: CommentText | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} approved proposal {proposal}",
            {"actor": ctx.actor_name(fallback=self.approved_by.value), "proposal": _proposal(ctx, self.proposal_id)},
        )


@GROUP.intent
class RejectProposalIntent(Co2Intent):
    access: ClassVar[Access] = Access.ADMIN

    proposal_id: ProposalId
    rejected_by: Annotated[UserId, ACTOR]
    reason: CommentText | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} rejected proposal {proposal}",
            {"actor": ctx.actor_name(fallback=self.rejected_by.value), "proposal": _proposal(ctx, self.proposal_id)},
        )


@GROUP.intent
class MarkProposalImplementedIntent(Co2Intent):
    proposal_id: ProposalId
    implemented_by: Annotated[UserId, ACTOR]
    comment: CommentText | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} marked proposal {proposal} as implemented",
            {"actor": ctx.actor_name(fallback=self.implemented_by.value), "proposal": _proposal(ctx, self.proposal_id)},
        )


@GROUP.intent
class CreateResponsibilityIntent(Co2Intent):
    title: Annotated[ResponsibilityTitle, AfterValidator(_filled)]
    created_by: Annotated[UserId, ACTOR]
    responsibility_id: ResponsibilityId | None = None
    description: ResponsibilityDescription | None = None
    assigned_to: UserId | None = None
    due_date: date | None = None
    priority: ResponsibilityPriority = ResponsibilityPriority.medium

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        template = "{actor} created responsibility {title}"
        variables: dict[str, object] = {"actor": ctx.actor_name(fallback=self.created_by.value), "title": self.title}
        if self.assigned_to is not None:
            template += " for {assignee}"
            variables["assignee"] = ctx.user_name(self.assigned_to.value)
        return IntentDescription(template, variables)


@GROUP.intent
class UpdateResponsibilityStatusIntent(Co2Intent):
    responsibility_id: ResponsibilityId
    status: ResponsibilityStatus
    updated_by: Annotated[UserId, ACTOR]
    note: CommentText | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} moved responsibility {responsibility} to {status}",
            {
                "actor": ctx.actor_name(fallback=self.updated_by.value),
                "responsibility": _responsibility(ctx, self.responsibility_id),
                "status": self.status.label,
            },
        )


class ResponsibilityDraft(ValueObject):
    """One responsibility to create from a proposal; without a title it takes the proposal's."""

    title: ResponsibilityTitle | None = None
    description: ResponsibilityDescription | None = None
    assigned_to: UserId | None = None
    due_date: date | None = None
    priority: ResponsibilityPriority = ResponsibilityPriority.medium
    responsibility_id: ResponsibilityId | None = None


@GROUP.intent
class CreateResponsibilitiesFromProposalIntent(Co2Intent):
    """Empty `responsibilities`: one responsibility carrying the proposal's title and description."""

    proposal_id: ProposalId
    created_by: Annotated[UserId, ACTOR]
    responsibilities: Annotated[tuple[ResponsibilityDraft, ...], MaxItems(MAX_RESPONSIBILITIES_PER_INTENT)] = ()

    @property
    def drafts(self) -> tuple[ResponsibilityDraft, ...]:
        return self.responsibilities or (ResponsibilityDraft(),)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        count = len(self.drafts)
        return IntentDescription(
            "{actor} created {count} from proposal {proposal}",
            {
                "actor": ctx.actor_name(fallback=self.created_by.value),
                "count": "1 responsibility" if count == 1 else f"{count} responsibilities",
                "proposal": _proposal(ctx, self.proposal_id),
            },
        )

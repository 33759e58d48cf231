"""Proposals and responsibilities: change proposals moving draft -> submitted -> approved or
rejected -> implemented, and the action items that carry them out (estate workspace).

`branches` adds the optional branch-timeline workflow: a proposal's changes drafted on
their own timeline, merged into main when it is approved.
"""

from __future__ import annotations

from nomos_mongo import NomosModule

from .aggregates import ProposalAggregate, ProposalStatusChange, ResponsibilityAggregate
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
from .events import (
    ProposalCreatedEvent,
    ProposalResponsibilitiesLinkedEvent,
    ProposalStatusChangedEvent,
    ResponsibilityCreatedEvent,
    ResponsibilityStatusUpdatedEvent,
)
from .intents import (
    ApproveProposalIntent,
    CreateProposalIntent,
    CreateResponsibilitiesFromProposalIntent,
    CreateResponsibilityIntent,
    MarkProposalImplementedIntent,
    RejectProposalIntent,
    ResponsibilityDraft,
    SubmitProposalIntent,
    UpdateResponsibilityStatusIntent,
)
from .policy import NAME_RESOLVERS, ROUTES
from .statuses import ResponsibilityStatus

MODULE = NomosModule(
    name="co2.proposals",
    intents=(
        CreateProposalIntent,
        SubmitProposalIntent,
        ApproveProposalIntent,
        RejectProposalIntent,
        MarkProposalImplementedIntent,
        CreateResponsibilityIntent,
        UpdateResponsibilityStatusIntent,
        CreateResponsibilitiesFromProposalIntent,
    ),
    directives=(
        CreateProposalDirective,
        ChangeProposalStatusDirective,
        LinkResponsibilitiesDirective,
        CreateResponsibilityDirective,
        UpdateResponsibilityStatusDirective,
    ),
    events=(
        ProposalCreatedEvent,
        ProposalStatusChangedEvent,
        ProposalResponsibilitiesLinkedEvent,
        ResponsibilityCreatedEvent,
        ResponsibilityStatusUpdatedEvent,
    ),
    aggregates=(ProposalAggregate, ResponsibilityAggregate),
    payloads=(
        CreateProposalPayload,
        ProposalStatusPayload,
        LinkResponsibilitiesPayload,
        CreateResponsibilityPayload,
        ResponsibilityStatusPayload,
    ),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MODULE",
    "ApproveProposalIntent",
    "CreateProposalIntent",
    "CreateResponsibilitiesFromProposalIntent",
    "CreateResponsibilityIntent",
    "MarkProposalImplementedIntent",
    "ProposalAggregate",
    "ProposalStatusChange",
    "RejectProposalIntent",
    "ResponsibilityAggregate",
    "ResponsibilityDraft",
    "ResponsibilityStatus",
    "SubmitProposalIntent",
    "UpdateResponsibilityStatusIntent",
]

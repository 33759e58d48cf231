"""Where a proposal or a responsibility stands, and which moves are allowed."""

from __future__ import annotations

from enum import StrEnum

from schema.contracts import ProposalStatus

# Proposals only move forward: each status names the one it may be reached from.
PROPOSAL_PREDECESSOR: dict[ProposalStatus, ProposalStatus] = {
    ProposalStatus.submitted: ProposalStatus.draft,
    ProposalStatus.approved: ProposalStatus.submitted,
    ProposalStatus.rejected: ProposalStatus.submitted,
    ProposalStatus.implemented: ProposalStatus.approved,
}

PROPOSAL_VERB: dict[ProposalStatus, str] = {
    ProposalStatus.submitted: "submitted",
    ProposalStatus.approved: "approved",
    ProposalStatus.rejected: "rejected",
    ProposalStatus.implemented: "marked implemented",
}


class ResponsibilityStatus(StrEnum):
    open = "open"
    in_progress = "inProgress"
    blocked = "blocked"
    done = "done"
    cancelled = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (ResponsibilityStatus.done, ResponsibilityStatus.cancelled)

    @property
    def label(self) -> str:
        return "in progress" if self is ResponsibilityStatus.in_progress else self.value

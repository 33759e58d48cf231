"""A proposal's changes drafted on a branch timeline, merged into main when it is approved.

Directives cannot call the app, so this workflow is a service on top of the intents:

    await open_proposal_branch(app, estate, "prop-001", actor_id="alice")
    # dispatch the proposed changes with timeline_id=proposal_timeline_id("prop-001")
    result = await approve_and_merge(app, estate, "prop-001", approved_by="bob")

The proposal itself lives on main; only the changes it proposes go on the branch. Approval
and merge are two steps, not one atomic write: the approval is dispatched first (so a
proposal that cannot be approved merges nothing), then the branch is merged by re-executing
its intents on main; `result.merge.rejected` lists any that no longer apply there. Merged
intents get new intent ids, so an id the branch derived (an asset created without an
explicit id) differs on main: give the proposed aggregates explicit ids when that matters.
"""

from __future__ import annotations

from dataclasses import dataclass

from nomos_mongo import (
    MAIN_TIMELINE,
    IntentContext,
    IntentLedgerEntry,
    IntentRejected,
    MergeReport,
    NomosApp,
    TimelineRecord,
    TimelineStatus,
)
from schema.contracts import CommentText, ProposalId, ProposalStatus, UserId

from .aggregates import ProposalAggregate
from .intents import ApproveProposalIntent, RejectProposalIntent


@dataclass(frozen=True, slots=True)
class ProposalDecision:
    entry: IntentLedgerEntry
    merge: MergeReport | None  # None: the proposal had no open branch
    discarded: TimelineRecord | None = None


def proposal_timeline_id(proposal_id: str) -> str:
    return f"proposal-{proposal_id}"


async def open_proposal_branch(app: NomosApp, estate_id: str, proposal_id: str, *, actor_id: str) -> TimelineRecord:
    """Fork main for the proposal's changes; only while the proposal is undecided."""
    proposal = await app.read_latest(ProposalAggregate, estate_id, MAIN_TIMELINE, proposal_id)
    if proposal is None or not proposal.exists:
        raise IntentRejected("proposals.not_found", f"proposal {proposal_id} does not exist", field="proposalId")
    if proposal.status not in (ProposalStatus.draft, ProposalStatus.submitted):
        raise IntentRejected(
            "proposals.decided",
            f"proposal {proposal_id} is {proposal.status}; changes are drafted only before the decision",
            field="proposalId",
        )
    return await app.create_timeline(estate_id, proposal_timeline_id(proposal_id), created_by=actor_id)


async def _open_branch(app: NomosApp, estate_id: str, proposal_id: str) -> str | None:
    timeline_id = proposal_timeline_id(proposal_id)
    for record in await app.list_timelines(estate_id):
        if record.timeline_id == timeline_id and record.status is TimelineStatus.ACTIVE:
            return timeline_id
    return None


async def approve_and_merge(
    app: NomosApp, estate_id: str, proposal_id: str, *, approved_by: str, comment: str | None = None
) -> ProposalDecision:
    intent = ApproveProposalIntent(
        proposal_id=ProposalId(proposal_id),
        approved_by=UserId(approved_by),
        comment=CommentText(comment) if comment else None,
    )
    entry = await app.dispatch(intent, IntentContext(workspace_id=estate_id, actor_id=approved_by))
    branch = await _open_branch(app, estate_id, proposal_id)
    if branch is None:
        return ProposalDecision(entry, None)
    # Each merged intent keeps its original actor, so its "who did it" fields still hold.
    return ProposalDecision(entry, await app.merge_timeline(estate_id, source=branch, target=MAIN_TIMELINE))


async def reject_and_discard(
    app: NomosApp, estate_id: str, proposal_id: str, *, rejected_by: str, reason: str | None = None
) -> ProposalDecision:
    intent = RejectProposalIntent(
        proposal_id=ProposalId(proposal_id),
        rejected_by=UserId(rejected_by),
        reason=CommentText(reason) if reason else None,
    )
    entry = await app.dispatch(intent, IntentContext(workspace_id=estate_id, actor_id=rejected_by))
    branch = await _open_branch(app, estate_id, proposal_id)
    discarded = await app.discard_timeline(estate_id, branch) if branch is not None else None
    return ProposalDecision(entry, None, discarded)

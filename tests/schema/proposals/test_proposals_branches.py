"""A proposal's changes drafted on a branch timeline: merged on approval, discarded on rejection."""

from __future__ import annotations

import pytest

from nomos_mongo import IntentRejected, NomosApp, TimelineError, TimelineStatus
from schema.contracts import (
    ProposalId,
    ProposalStatus,
    ProposalTitle,
    ProposalType,
    ResponsibilityId,
    ResponsibilityTitle,
    UserId,
)
from schema.proposals import (
    CreateProposalIntent,
    CreateResponsibilityIntent,
    ProposalAggregate,
    ResponsibilityAggregate,
    SubmitProposalIntent,
)
from schema.proposals.branches import (
    approve_and_merge,
    open_proposal_branch,
    proposal_timeline_id,
    reject_and_discard,
)
from tests.schema.helpers import estate_ctx

ESTATE = "estate-001"
BRANCH = proposal_timeline_id("prop-001")


async def submitted_proposal_with_a_drafted_change(app: NomosApp) -> None:
    await app.dispatch(
        CreateProposalIntent(
            proposal_id=ProposalId("prop-001"),
            title=ProposalTitle("HVAC System Upgrade"),
            proposal_type=ProposalType("maintenance"),
            created_by=UserId("alice"),
        ),
        estate_ctx(ESTATE, "alice"),
    )
    record = await open_proposal_branch(app, ESTATE, "prop-001", actor_id="alice")
    assert record.timeline_id == BRANCH
    change = CreateResponsibilityIntent(
        responsibility_id=ResponsibilityId("resp-drafted"),
        title=ResponsibilityTitle("Book the crane"),
        created_by=UserId("alice"),
    )
    await app.dispatch(change, estate_ctx(ESTATE, "alice", timeline_id=BRANCH))
    await app.dispatch(
        SubmitProposalIntent(proposal_id=ProposalId("prop-001"), submitted_by=UserId("alice")),
        estate_ctx(ESTATE, "alice"),
    )
    assert await app.read_latest(ResponsibilityAggregate, ESTATE, "main", "resp-drafted") is None


async def test_approval_merges_the_proposals_branch_into_main(co2_app: NomosApp) -> None:
    await submitted_proposal_with_a_drafted_change(co2_app)

    decision = await approve_and_merge(co2_app, ESTATE, "prop-001", approved_by="bob")

    assert decision.entry.description == "bob approved proposal HVAC System Upgrade"
    assert decision.merge is not None and len(decision.merge.applied) == 1 and not decision.merge.rejected
    merged = await co2_app.read_latest(ResponsibilityAggregate, ESTATE, "main", "resp-drafted")
    assert merged is not None and merged.created_by == UserId("alice")
    proposal = await co2_app.read_latest(ProposalAggregate, ESTATE, "main", "prop-001")
    assert proposal is not None and proposal.status is ProposalStatus.approved
    [branch] = [t for t in await co2_app.list_timelines(ESTATE) if t.timeline_id == BRANCH]
    assert branch.status is TimelineStatus.MERGED


async def test_rejection_discards_the_branch(co2_app: NomosApp) -> None:
    await submitted_proposal_with_a_drafted_change(co2_app)

    decision = await reject_and_discard(co2_app, ESTATE, "prop-001", rejected_by="bob", reason="Over budget")

    assert decision.discarded is not None and decision.discarded.status is TimelineStatus.DISCARDED
    assert await co2_app.read_latest(ResponsibilityAggregate, ESTATE, "main", "resp-drafted") is None


async def test_a_failed_approval_merges_nothing(co2_app: NomosApp) -> None:
    await co2_app.dispatch(
        CreateProposalIntent(
            proposal_id=ProposalId("prop-001"),
            title=ProposalTitle("HVAC System Upgrade"),
            proposal_type=ProposalType("maintenance"),
            created_by=UserId("alice"),
        ),
        estate_ctx(ESTATE, "alice"),
    )
    await open_proposal_branch(co2_app, ESTATE, "prop-001", actor_id="alice")

    with pytest.raises(IntentRejected) as caught:
        await approve_and_merge(co2_app, ESTATE, "prop-001", approved_by="bob")  # still a draft

    assert caught.value.rule == "proposals.invalid_transition"
    [branch] = [t for t in await co2_app.list_timelines(ESTATE) if t.timeline_id == BRANCH]
    assert branch.status is TimelineStatus.ACTIVE


async def test_a_branch_needs_an_undecided_proposal(co2_app: NomosApp) -> None:
    with pytest.raises(IntentRejected) as caught:
        await open_proposal_branch(co2_app, ESTATE, "prop-missing", actor_id="alice")
    assert caught.value.rule == "proposals.not_found"

    await submitted_proposal_with_a_drafted_change(co2_app)
    with pytest.raises(TimelineError):
        await open_proposal_branch(co2_app, ESTATE, "prop-001", actor_id="alice")
    await approve_and_merge(co2_app, ESTATE, "prop-001", approved_by="bob")
    with pytest.raises(IntentRejected) as caught:
        await open_proposal_branch(co2_app, ESTATE, "prop-001", actor_id="alice")
    assert caught.value.rule == "proposals.decided"


async def test_approval_without_a_branch_just_approves(co2_app: NomosApp) -> None:
    await co2_app.dispatch(
        CreateProposalIntent(
            proposal_id=ProposalId("prop-002"),
            title=ProposalTitle("Paint the lobby"),
            proposal_type=ProposalType("maintenance"),
            created_by=UserId("alice"),
        ),
        estate_ctx(ESTATE, "alice"),
    )
    await co2_app.dispatch(
        SubmitProposalIntent(proposal_id=ProposalId("prop-002"), submitted_by=UserId("alice")),
        estate_ctx(ESTATE, "alice"),
    )

    decision = await approve_and_merge(co2_app, ESTATE, "prop-002", approved_by="bob")

    assert decision.merge is None

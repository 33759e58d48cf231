"""Responsibilities on the engine: created alone or from an approved proposal, status updates."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.contracts import (
    CommentText,
    EmailAddress,
    EstateId,
    EstateName,
    ProposalDescription,
    ProposalId,
    ProposalTitle,
    ProposalType,
    ResponsibilityDescription,
    ResponsibilityId,
    ResponsibilityPriority,
    ResponsibilityTitle,
    Role,
    UserDisplayName,
    UserId,
)
from schema.estates import CreateEstateIntent
from schema.identity import CreateUserIntent, GrantEstateAccessIntent
from schema.proposals import (
    ApproveProposalIntent,
    CreateProposalIntent,
    CreateResponsibilitiesFromProposalIntent,
    CreateResponsibilityIntent,
    ProposalAggregate,
    ResponsibilityAggregate,
    ResponsibilityDraft,
    ResponsibilityStatus,
    SubmitProposalIntent,
    UpdateResponsibilityStatusIntent,
)
from schema.proposals.events import ResponsibilityCreatedEvent, ResponsibilityStatusUpdatedEvent
from schema.proposals.intents import MAX_RESPONSIBILITIES_PER_INTENT
from tests.schema.helpers import estate_ctx, system_ctx

ESTATE = "estate-001"


def responsibility(responsibility_id: str = "resp-001", **changes: object) -> CreateResponsibilityIntent:
    fields: dict[str, object] = {
        "responsibility_id": ResponsibilityId(responsibility_id),
        "title": ResponsibilityTitle("Replace HVAC Unit A - Expected Downtime 2hrs"),
        "created_by": UserId("alice"),
    }
    fields.update(changes)
    return CreateResponsibilityIntent(**fields)  # type: ignore[arg-type]


def status(value: ResponsibilityStatus, responsibility_id: str = "resp-001") -> UpdateResponsibilityStatusIntent:
    return UpdateResponsibilityStatusIntent(
        responsibility_id=ResponsibilityId(responsibility_id), status=value, updated_by=UserId("alice")
    )


def from_proposal(*drafts: ResponsibilityDraft) -> CreateResponsibilitiesFromProposalIntent:
    return CreateResponsibilitiesFromProposalIntent(
        proposal_id=ProposalId("prop-001"), created_by=UserId("alice"), responsibilities=drafts
    )


async def read(app: NomosApp, responsibility_id: str) -> ResponsibilityAggregate:
    found = await app.read_latest(ResponsibilityAggregate, ESTATE, "main", responsibility_id)
    assert found is not None
    return found


async def assert_rejected(app: NomosApp, intent: object, rule: str) -> IntentRejected:
    before = await app.head(ESTATE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(ESTATE, "alice"))  # type: ignore[arg-type]
    assert caught.value.rule == rule
    assert await app.head(ESTATE, "main") == before
    return caught.value


async def bob_works_on_the_estate(app: NomosApp) -> None:
    """Estate estate-001 (alice owns it) where bob, a user, holds the write role."""
    bob = CreateUserIntent(user_id=UserId("bob"), display_name=UserDisplayName("Bob"), email=EmailAddress("b@x.org"))
    await app.dispatch(bob, system_ctx("bob"))
    await app.dispatch(CreateEstateIntent(estate_id=EstateId(ESTATE), name=EstateName("Campus")), estate_ctx(ESTATE))
    grant = GrantEstateAccessIntent(
        target_user_id=UserId("bob"), estate_id=EstateId(ESTATE), role=Role.estate_write, granted_by=UserId("alice")
    )
    await app.dispatch(grant, estate_ctx(ESTATE, "alice"))


async def proposal_in(app: NomosApp, *, approved: bool) -> None:
    await app.dispatch(
        CreateProposalIntent(
            proposal_id=ProposalId("prop-001"),
            title=ProposalTitle("HVAC System Upgrade"),
            description=ProposalDescription("Replace aging HVAC units"),
            proposal_type=ProposalType("maintenance"),
            created_by=UserId("alice"),
        ),
        estate_ctx(ESTATE, "alice"),
    )
    if approved:
        await app.dispatch(
            SubmitProposalIntent(proposal_id=ProposalId("prop-001"), submitted_by=UserId("alice")),
            estate_ctx(ESTATE, "alice"),
        )
        await app.dispatch(
            ApproveProposalIntent(proposal_id=ProposalId("prop-001"), approved_by=UserId("bob")),
            estate_ctx(ESTATE, "bob"),
        )


async def assert_ledger_round_trips(app: NomosApp, workspace_id: str) -> None:
    """Every stored intent, directive and event survives the JSON a MongoDB ledger stores,
    and re-executing the timeline reproduces its events and snapshots."""
    entries = await app.read_timeline(workspace_id, "main")
    assert entries
    for entry in entries:
        stored = json.loads(json.dumps(entry_to_document(entry)))
        back = entry_from_document(app.registry, stored)
        assert (back.intent, back.directives, back.events) == (entry.intent, entry.directives, entry.events)
    for state in (await app.state_at_sequence(workspace_id, "main", inclusive_sequence=len(entries))).values():
        assert app.registry.aggregate_from_json(json.loads(json.dumps(state.to_json()))) == state
    report = await app.verify_timeline(workspace_id, "main")
    assert report.ok, report.divergence


async def test_a_responsibility_is_created_open(co2_app: NomosApp) -> None:
    await bob_works_on_the_estate(co2_app)
    intent = responsibility(assigned_to=UserId("bob"), due_date=date(2025, 3, 15), priority=ResponsibilityPriority.high)
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    [record] = entry.events
    assert isinstance(record.event, ResponsibilityCreatedEvent)
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    created = await read(co2_app, "resp-001")
    assert created.status is ResponsibilityStatus.open
    assert (created.assigned_to, created.due_date, created.priority) == (
        UserId("bob"),
        date(2025, 3, 15),
        ResponsibilityPriority.high,
    )
    assert co2_app.registry.aggregate_from_json(created.to_json()) == created
    assert entry.description == "alice created responsibility Replace HVAC Unit A - Expected Downtime 2hrs for Bob"


async def test_responsibility_rules(co2_app: NomosApp) -> None:
    with pytest.raises(ValidationError, match="title"):
        responsibility(title=ResponsibilityTitle(""))
    await co2_app.dispatch(responsibility(), estate_ctx(ESTATE, "alice"))
    await assert_rejected(co2_app, responsibility(), "proposals.responsibility_exists")
    await assert_rejected(
        co2_app, status(ResponsibilityStatus.done, "resp-missing"), "proposals.responsibility_not_found"
    )


async def test_work_goes_to_people_with_access_to_the_estate(co2_app: NomosApp) -> None:
    error = await assert_rejected(
        co2_app, responsibility(assigned_to=UserId("bob")), "proposals.assignee_without_access"
    )
    assert error.field == "assignedTo"
    await bob_works_on_the_estate(co2_app)
    await assert_rejected(co2_app, responsibility(assigned_to=UserId("carol")), "proposals.assignee_without_access")
    await proposal_in(co2_app, approved=True)
    for_carol = from_proposal(ResponsibilityDraft(assigned_to=UserId("carol")))
    await assert_rejected(co2_app, for_carol, "proposals.assignee_without_access")


async def test_a_responsibility_reports_progress_until_closed(co2_app: NomosApp) -> None:
    await co2_app.dispatch(responsibility(), estate_ctx(ESTATE, "alice"))
    started = status(ResponsibilityStatus.in_progress)
    assert co2_app.registry.intent_from_json(started.to_json()) == started

    entry = await co2_app.dispatch(started, estate_ctx(ESTATE, "alice"))

    [record] = entry.events
    assert isinstance(record.event, ResponsibilityStatusUpdatedEvent)
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    assert entry.description == (
        "alice moved responsibility Replace HVAC Unit A - Expected Downtime 2hrs to in progress"
    )
    await assert_rejected(co2_app, status(ResponsibilityStatus.in_progress), "proposals.status_unchanged")

    finished = UpdateResponsibilityStatusIntent(
        responsibility_id=ResponsibilityId("resp-001"),
        status=ResponsibilityStatus.done,
        updated_by=UserId("alice"),
        note=CommentText("Filters replaced"),
    )
    await co2_app.dispatch(finished, estate_ctx(ESTATE, "alice"))
    state = await read(co2_app, "resp-001")
    assert state.status is ResponsibilityStatus.done and state.status_note == CommentText("Filters replaced")

    error = await assert_rejected(co2_app, status(ResponsibilityStatus.open), "proposals.responsibility_closed")
    assert "is done" in error.reason


async def test_an_approved_proposal_becomes_several_responsibilities_at_once(co2_app: NomosApp) -> None:
    await bob_works_on_the_estate(co2_app)
    await proposal_in(co2_app, approved=True)
    intent = from_proposal(
        ResponsibilityDraft(title=ResponsibilityTitle("Order units"), assigned_to=UserId("bob")),
        ResponsibilityDraft(
            responsibility_id=ResponsibilityId("resp-install"),
            title=ResponsibilityTitle("Install units"),
            priority=ResponsibilityPriority.high,
        ),
        ResponsibilityDraft(),
    )
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    created = [r for r in entry.events if isinstance(r.event, ResponsibilityCreatedEvent)]
    assert len(created) == 3 and created[1].aggregate_id == "resp-install"
    proposal = await co2_app.read_latest(ProposalAggregate, ESTATE, "main", "prop-001")
    assert proposal is not None
    assert [r.value for r in proposal.responsibility_ids] == [r.aggregate_id for r in created]
    titles = [(await read(co2_app, r.aggregate_id)).title.value for r in created]
    assert titles == ["Order units", "Install units", "HVAC System Upgrade"]
    default = await read(co2_app, created[2].aggregate_id)
    assert default.description == ResponsibilityDescription("Replace aging HVAC units")
    assert (await read(co2_app, created[0].aggregate_id)).description is None
    assert default.proposal_id == ProposalId("prop-001")
    assert entry.description == "alice created 3 responsibilities from proposal HVAC System Upgrade"
    await assert_ledger_round_trips(co2_app, ESTATE)


async def test_no_drafts_means_one_responsibility_for_the_whole_proposal(co2_app: NomosApp) -> None:
    await proposal_in(co2_app, approved=True)

    entry = await co2_app.dispatch(from_proposal(), estate_ctx(ESTATE, "alice"))

    [created] = [r for r in entry.events if isinstance(r.event, ResponsibilityCreatedEvent)]
    assert (await read(co2_app, created.aggregate_id)).title == ResponsibilityTitle("HVAC System Upgrade")
    assert entry.description == "alice created 1 responsibility from proposal HVAC System Upgrade"


async def test_responsibilities_come_only_from_an_approved_proposal(co2_app: NomosApp) -> None:
    await assert_rejected(co2_app, from_proposal(), "proposals.not_found")
    await proposal_in(co2_app, approved=False)
    error = await assert_rejected(co2_app, from_proposal(), "proposals.not_approved")
    assert "is draft" in error.reason


async def test_one_bad_responsibility_creates_none(co2_app: NomosApp) -> None:
    await proposal_in(co2_app, approved=True)
    await co2_app.dispatch(responsibility("resp-taken"), estate_ctx(ESTATE, "alice"))
    intent = from_proposal(
        ResponsibilityDraft(title=ResponsibilityTitle("Order units")),
        ResponsibilityDraft(responsibility_id=ResponsibilityId("resp-taken")),
    )

    await assert_rejected(co2_app, intent, "proposals.responsibility_exists")

    proposal = await co2_app.read_latest(ProposalAggregate, ESTATE, "main", "prop-001")
    assert proposal is not None and proposal.responsibility_ids == ()


def test_the_number_of_responsibilities_per_intent_is_capped() -> None:
    drafts = (ResponsibilityDraft(),) * (MAX_RESPONSIBILITIES_PER_INTENT + 1)
    with pytest.raises(ValidationError, match="responsibilities"):
        from_proposal(*drafts)

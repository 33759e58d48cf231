"""Proposals on the engine: creation, the forward-only status path, and its rejections."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from schema.common import Access, Co2Intent, Scope
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
    UserId,
)
from schema.proposals import (
    MODULE,
    ApproveProposalIntent,
    CreateProposalIntent,
    MarkProposalImplementedIntent,
    ProposalAggregate,
    RejectProposalIntent,
    SubmitProposalIntent,
)
from schema.proposals.events import ProposalCreatedEvent, ProposalStatusChangedEvent
from tests.schema.helpers import estate_ctx

ESTATE = "estate-001"


def proposal(proposal_id: str | None = "prop-001", **changes: object) -> CreateProposalIntent:
    fields: dict[str, object] = {
        "proposal_id": ProposalId(proposal_id) if proposal_id else None,
        "title": ProposalTitle("HVAC System Upgrade"),
        "proposal_type": ProposalType("maintenance"),
        "created_by": UserId("alice"),
    }
    fields.update(changes)
    return CreateProposalIntent(**fields)  # type: ignore[arg-type]


def submit(proposal_id: str = "prop-001", by: str = "alice") -> SubmitProposalIntent:
    return SubmitProposalIntent(proposal_id=ProposalId(proposal_id), submitted_by=UserId(by))


def approve(proposal_id: str = "prop-001", by: str = "bob") -> ApproveProposalIntent:
    return ApproveProposalIntent(proposal_id=ProposalId(proposal_id), approved_by=UserId(by))


def reject(proposal_id: str = "prop-001", by: str = "bob") -> RejectProposalIntent:
    return RejectProposalIntent(
        proposal_id=ProposalId(proposal_id), rejected_by=UserId(by), reason=CommentText("Over budget")
    )


def implemented(proposal_id: str = "prop-001", by: str = "alice") -> MarkProposalImplementedIntent:
    return MarkProposalImplementedIntent(proposal_id=ProposalId(proposal_id), implemented_by=UserId(by))


def actor(intent: object) -> str:
    for name in ("created_by", "submitted_by", "approved_by", "rejected_by", "implemented_by", "updated_by"):
        if hasattr(intent, name):
            return str(getattr(intent, name))
    raise AssertionError(f"no actor field on {intent!r}")


async def run(app: NomosApp, *intents: object) -> None:
    for intent in intents:
        await app.dispatch(intent, estate_ctx(ESTATE, actor(intent)))  # type: ignore[arg-type]


async def read(app: NomosApp, proposal_id: str = "prop-001") -> ProposalAggregate:
    found = await app.read_latest(ProposalAggregate, ESTATE, "main", proposal_id)
    assert found is not None
    return found


async def assert_rejected(app: NomosApp, intent: object, rule: str) -> IntentRejected:
    before = await app.head(ESTATE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(ESTATE, actor(intent)))  # type: ignore[arg-type]
    assert caught.value.rule == rule
    assert await app.head(ESTATE, "main") == before
    return caught.value


@pytest.mark.parametrize("intent_type", MODULE.intents, ids=lambda t: t.__name__)
async def test_every_proposal_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intents[intent_type.__name__] is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert intent_type.scope is Scope.WORKSPACE


def test_decisions_need_an_estate_admin() -> None:
    assert ApproveProposalIntent.access is Access.ADMIN and RejectProposalIntent.access is Access.ADMIN
    assert CreateProposalIntent.access is Access.WRITE and SubmitProposalIntent.access is Access.WRITE


async def test_the_documents_proposal_example(co2_app: NomosApp) -> None:
    user_id = UserId("alice")
    intent = CreateProposalIntent(
        proposal_id=ProposalId("prop-001"),
        title=ProposalTitle("HVAC System Upgrade"),
        description=ProposalDescription("Replace aging HVAC units..."),
        proposal_type=ProposalType("maintenance"),
        created_by=user_id,
        estimated_cost=Money(15000.0, "EUR"),  # the document's bare 15000.0, with its currency
        estimated_duration=ProposalDuration("3 months"),
        target_implementation_date=ProposalTargetDate("2024-Q3"),
    )
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent
    assert intent.to_json()["estimatedCost"] == {"amountInMinorUnits": 1500000, "currency": "EUR"}

    entry = await co2_app.dispatch(intent, estate_ctx(ESTATE, "alice"))

    [record] = entry.events
    assert isinstance(record.event, ProposalCreatedEvent) and record.aggregate_id == "prop-001"
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    created = await read(co2_app)
    assert created.status is ProposalStatus.draft
    assert created.estimated_cost == Money.eur(15000)
    assert created.target_implementation_date == ProposalTargetDate("2024-Q3")
    assert co2_app.registry.aggregate_from_json(created.to_json()) == created
    assert entry.description == "alice created proposal HVAC System Upgrade (maintenance)"


def test_a_proposal_needs_a_title_a_type_and_a_sane_cost() -> None:
    with pytest.raises(ValidationError, match="title"):
        proposal(title=ProposalTitle(""))
    with pytest.raises(ValidationError, match="proposal_type"):
        proposal(proposal_type=ProposalType(" "))
    with pytest.raises(ValidationError, match="must not be negative"):
        proposal(estimated_cost=Money.eur(-1))


async def test_a_proposal_id_is_taken_once(co2_app: NomosApp) -> None:
    await run(co2_app, proposal())
    await assert_rejected(co2_app, proposal(), "proposals.exists")


async def test_a_proposal_without_an_id_gets_one(co2_app: NomosApp) -> None:
    entry = await co2_app.dispatch(proposal(proposal_id=None), estate_ctx(ESTATE, "alice"))
    assert (await read(co2_app, entry.events[0].aggregate_id)).title == ProposalTitle("HVAC System Upgrade")


async def test_a_proposal_moves_forward_to_implemented(co2_app: NomosApp) -> None:
    await run(co2_app, proposal())

    submitted = await co2_app.dispatch(submit(), estate_ctx(ESTATE, "alice"))
    approved = await co2_app.dispatch(approve(), estate_ctx(ESTATE, "bob"))
    done = await co2_app.dispatch(implemented(), estate_ctx(ESTATE, "alice"))

    event = approved.events[0].event
    assert isinstance(event, ProposalStatusChangedEvent) and event.status is ProposalStatus.approved
    assert co2_app.registry.event_from_json(event.to_json()) == event
    state = await read(co2_app)
    assert state.status is ProposalStatus.implemented
    assert [(c.status, c.changed_by.value) for c in state.status_history] == [
        (ProposalStatus.submitted, "alice"),
        (ProposalStatus.approved, "bob"),
        (ProposalStatus.implemented, "alice"),
    ]
    assert co2_app.registry.aggregate_from_json(state.to_json()) == state
    assert submitted.description == "alice submitted proposal HVAC System Upgrade for review"
    assert approved.description == "bob approved proposal HVAC System Upgrade"
    assert done.description == "alice marked proposal HVAC System Upgrade as implemented"
    for intent in (submit(), approve(), implemented()):
        assert co2_app.registry.intent_from_json(intent.to_json()) == intent


async def test_a_rejected_proposal_keeps_the_reason(co2_app: NomosApp) -> None:
    await run(co2_app, proposal(), submit())

    entry = await co2_app.dispatch(reject(), estate_ctx(ESTATE, "bob"))

    state = await read(co2_app)
    assert state.status is ProposalStatus.rejected
    assert state.status_history[-1].comment == CommentText("Over budget")
    assert entry.description == "bob rejected proposal HVAC System Upgrade"
    assert co2_app.registry.intent_from_json(reject().to_json()) == reject()
    await assert_rejected(co2_app, approve(), "proposals.invalid_transition")
    await assert_rejected(co2_app, implemented(), "proposals.invalid_transition")


@pytest.mark.parametrize(
    ("steps", "attempt", "message"),
    [
        ((), approve(), "proposal prop-001 is draft; only a submitted proposal can be approved"),
        ((), reject(), "proposal prop-001 is draft; only a submitted proposal can be rejected"),
        ((), implemented(), "proposal prop-001 is draft; only an approved proposal can be marked implemented"),
        ((submit(),), submit(), "proposal prop-001 is submitted; only a draft proposal can be submitted"),
        ((submit(), approve()), reject(), "proposal prop-001 is approved; only a submitted proposal can be rejected"),
        ((submit(), approve()), submit(), "proposal prop-001 is approved; only a draft proposal can be submitted"),
        ((submit(), approve(), implemented()), approve(), "proposal prop-001 is implemented; only a submitted"),
    ],
)
async def test_status_never_moves_backwards_or_skips(
    co2_app: NomosApp, steps: tuple[object, ...], attempt: object, message: str
) -> None:
    await run(co2_app, proposal(), *steps)
    error = await assert_rejected(co2_app, attempt, "proposals.invalid_transition")
    assert error.reason.startswith(message)


async def test_status_changes_need_an_existing_proposal(co2_app: NomosApp) -> None:
    error = await assert_rejected(co2_app, submit("prop-missing"), "proposals.not_found")
    assert error.field == "proposalId"


async def test_the_approver_is_the_actor(co2_app: NomosApp) -> None:
    await run(co2_app, proposal(), submit())
    with pytest.raises(IntentRejected) as caught:
        await co2_app.dispatch(approve(by="bob"), estate_ctx(ESTATE, "mallory"))
    assert caught.value.rule == "intent.actor_mismatch"


async def test_the_documents_advice_on_clear_titles(co2_app: NomosApp) -> None:
    good = proposal(title=ProposalTitle("Replace HVAC Unit A - Expected Downtime 2hrs"))
    entry = await co2_app.dispatch(good, estate_ctx(ESTATE, "alice"))
    assert entry.description == "alice created proposal Replace HVAC Unit A - Expected Downtime 2hrs (maintenance)"
    # "Avoid vague titles" is advice to users, not a rule the domain enforces.
    vague = proposal("prop-002", title=ProposalTitle("HVAC change"))
    await co2_app.dispatch(vague, estate_ctx(ESTATE, "alice"))

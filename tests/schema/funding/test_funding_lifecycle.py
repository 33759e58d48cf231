"""Funding end to end on the engine: program, application, spending, claim, verification, benefit."""

from __future__ import annotations

from typing import TypeVar

import pytest

from nomos_mongo import Aggregate, NomosApp
from schema.common import SYSTEM_WORKSPACE, Access, Co2Intent, Scope
from schema.contracts import (
    AttachmentReference,
    ClaimStatus,
    EstateId,
    FundingApplicationStatus,
    FundingProgramId,
    Money,
    VerificationOutcome,
)
from schema.funding import MODULE as FUNDING
from schema.funding import (
    ApplyForFundingIntent,
    AwardBenefitIntent,
    CompleteClaimVerificationIntent,
    CreateFundingProgramIntent,
    DefineFundingProgramIntent,
    FundingApplicationAggregate,
    FundingBenefitAggregate,
    FundingClaimAggregate,
    FundingDecision,
    FundingProgramAggregate,
    ProcessFundingApplicationIntent,
    SubmitFundingProgramClaimIntent,
    TrackFundingUtilizationIntent,
)
from tests.schema.funding.funding_setup import FUNDER, dispatch, funded_world

A = TypeVar("A", bound=Aggregate)

FUNDING_BODY = [
    CreateFundingProgramIntent,
    DefineFundingProgramIntent,
    ProcessFundingApplicationIntent,
    CompleteClaimVerificationIntent,
    AwardBenefitIntent,
]
ESTATE_SIDE = [ApplyForFundingIntent, TrackFundingUtilizationIntent, SubmitFundingProgramClaimIntent]


@pytest.mark.parametrize("intent_type", FUNDING_BODY + ESTATE_SIDE, ids=lambda t: t.__name__)
def test_every_funding_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    assert intent_type.scope is Scope.SYSTEM
    assert intent_type.access is (Access.ADMIN if intent_type in FUNDING_BODY else Access.AUTHENTICATED)


def test_the_intent_list_is_complete() -> None:
    assert set(FUNDING.intents) == set(FUNDING_BODY + ESTATE_SIDE)


async def read(app: NomosApp, aggregate_type: type[A], aggregate_id: str) -> A:
    state = await app.read_latest(aggregate_type, SYSTEM_WORKSPACE, "main", aggregate_id)
    assert state is not None
    assert app.registry.aggregate_from_json(state.to_json()) == state
    return state


async def test_the_money_path_from_program_to_benefit(co2_app: NomosApp) -> None:
    app = co2_app
    await funded_world(app)
    program = await read(app, FundingProgramAggregate, "green")
    assert program.budget == Money.eur(100_000) and program.remaining == Money.eur(100_000)
    assert program.rules.max_award_per_application == Money.eur(60_000)
    assert program.rules.co_funding_percentage == 25

    entry = await dispatch(
        app,
        ApplyForFundingIntent(
            program_id="green",
            estate_id="estate-1",
            application_id="app-1",
            requested=Money.eur(45_000),
            project_cost=Money.eur(60_000),
            asset_ids=("hvac-1",),
            description="Heat pumps",
            applied_by="alice",
        ),
    )
    assert entry.description == "alice applied for €45,000.00 from Green Retrofit for Corporate Campus"
    application = await read(app, FundingApplicationAggregate, "app-1")
    assert application.status is FundingApplicationStatus.submitted
    assert (application.estate_id, application.requested) == (EstateId("estate-1"), Money.eur(45_000))

    entry = await dispatch(
        app,
        ProcessFundingApplicationIntent(
            application_id="app-1", decision=FundingDecision.approve, awarded=Money.eur(40_000), processed_by=FUNDER
        ),
        FUNDER,
    )
    assert entry.description == (
        "funder approved the application of Corporate Campus to Green Retrofit, awarding €40,000.00"
    )
    assert {(r.aggregate_type, r.event.type_name) for r in entry.events} == {
        ("FundingApplicationAggregate", "FundingApplicationApprovedEvent"),
        ("FundingProgramAggregate", "FundingAwardCommittedEvent"),
    }
    assert (await read(app, FundingProgramAggregate, "green")).remaining == Money.eur(60_000)
    assert (await read(app, FundingApplicationAggregate, "app-1")).awarded == Money.eur(40_000)

    entry = await dispatch(
        app,
        TrackFundingUtilizationIntent(
            application_id="app-1", amount=Money.eur(25_000.50), note="Heat pump delivery", recorded_by="alice"
        ),
    )
    assert entry.description == (
        "alice recorded €25,000.50 spent from the application of Corporate Campus to Green Retrofit"
    )
    application = await read(app, FundingApplicationAggregate, "app-1")
    assert application.utilized == Money.eur(25_000.50)
    assert application.utilizations[0].recorded_at == entry.client_timestamp
    assert (await read(app, FundingProgramAggregate, "green")).utilized == Money.eur(25_000.50)

    entry = await dispatch(
        app,
        SubmitFundingProgramClaimIntent(
            application_id="app-1",
            claim_id="claim-1",
            amount=Money.eur(25_000),
            submitted_by="alice",
            evidence=(AttachmentReference(attachment_id="invoice-1"),),
        ),
    )
    assert entry.description == (
        "alice submitted a claim of €25,000.00 on the application of Corporate Campus to Green Retrofit"
    )
    claim = await read(app, FundingClaimAggregate, "claim-1")
    assert (claim.status, claim.program_id, claim.estate_id) == (
        ClaimStatus.submitted,
        FundingProgramId("green"),
        EstateId("estate-1"),
    )
    assert (await read(app, FundingApplicationAggregate, "app-1")).claimed == Money.eur(25_000)

    entry = await dispatch(
        app,
        CompleteClaimVerificationIntent(
            claim_id="claim-1",
            outcome=VerificationOutcome.conditional,
            notes="Commissioning certificate missing",
            verified_by=FUNDER,
        ),
        FUNDER,
    )
    assert entry.description == (
        "funder completed the verification of the €25,000.00 claim of Corporate Campus on Green Retrofit: conditional"
    )
    claim = await read(app, FundingClaimAggregate, "claim-1")
    assert (claim.status, claim.verification_outcome) == (ClaimStatus.submitted, VerificationOutcome.conditional)

    entry = await dispatch(
        app,
        CompleteClaimVerificationIntent(
            claim_id="claim-1",
            outcome=VerificationOutcome.approved,
            approved_amount=Money.eur(24_000),
            verified_by=FUNDER,
        ),
        FUNDER,
    )
    claim = await read(app, FundingClaimAggregate, "claim-1")
    assert (claim.status, claim.approved_amount) == (ClaimStatus.approved, Money.eur(24_000))
    # the 1,000 not approved can be claimed again
    assert (await read(app, FundingApplicationAggregate, "app-1")).claimed == Money.eur(24_000)

    entry = await dispatch(
        app, AwardBenefitIntent(claim_id="claim-1", benefit_id="benefit-1", awarded_by=FUNDER), FUNDER
    )
    assert entry.description == (
        "funder awarded the benefit of the €25,000.00 claim of Corporate Campus on Green Retrofit"
    )
    benefit = await read(app, FundingBenefitAggregate, "benefit-1")
    assert (benefit.amount, benefit.estate_id, benefit.program_id) == (
        Money.eur(24_000),
        EstateId("estate-1"),
        FundingProgramId("green"),
    )
    assert (await read(app, FundingClaimAggregate, "claim-1")).benefit_id.root == "benefit-1"  # type: ignore[union-attr]
    program = await read(app, FundingProgramAggregate, "green")
    assert (program.committed, program.utilized, program.disbursed) == (
        Money.eur(40_000),
        Money.eur(25_000.50),
        Money.eur(24_000),
    )
    assert (await app.verify_timeline(SYSTEM_WORKSPACE, "main")).ok


async def test_a_failed_claim_gives_its_amount_back(co2_app: NomosApp) -> None:
    await funded_world(co2_app)
    await dispatch(
        co2_app,
        ApplyForFundingIntent(
            program_id="green",
            estate_id="estate-1",
            application_id="app-1",
            requested=Money.eur(30_000),
            project_cost=Money.eur(40_000),
            asset_ids=("hvac-1",),
            applied_by="alice",
        ),
    )
    await dispatch(
        co2_app,
        ProcessFundingApplicationIntent(
            application_id="app-1", decision=FundingDecision.approve, awarded=Money.eur(30_000), processed_by=FUNDER
        ),
        FUNDER,
    )
    await dispatch(
        co2_app, TrackFundingUtilizationIntent(application_id="app-1", amount=Money.eur(10_000), recorded_by="alice")
    )
    await dispatch(
        co2_app,
        SubmitFundingProgramClaimIntent(
            application_id="app-1", claim_id="c1", amount=Money.eur(10_000), submitted_by="alice"
        ),
    )
    entry = await dispatch(
        co2_app,
        CompleteClaimVerificationIntent(
            claim_id="c1", outcome=VerificationOutcome.failed, notes="Invoice unreadable", verified_by=FUNDER
        ),
        FUNDER,
    )
    assert {r.event.type_name for r in entry.events} == {"FundingClaimVerifiedEvent", "FundingClaimReleasedEvent"}
    assert (await read(co2_app, FundingClaimAggregate, "c1")).status is ClaimStatus.rejected
    assert (await read(co2_app, FundingApplicationAggregate, "app-1")).claimed == Money.eur(0)
    await dispatch(
        co2_app,
        SubmitFundingProgramClaimIntent(
            application_id="app-1", claim_id="c2", amount=Money.eur(10_000), submitted_by="alice"
        ),
    )


async def test_a_rejection_consumes_no_budget_and_ids_are_derived(co2_app: NomosApp) -> None:
    await funded_world(co2_app)
    entry = await dispatch(
        co2_app,
        ApplyForFundingIntent(
            program_id="green",
            estate_id="estate-1",
            requested=Money.eur(10_000),
            project_cost=Money.eur(20_000),
            asset_ids=("hvac-1",),
            applied_by="alice",
        ),
    )
    application_id = entry.events[0].aggregate_id
    entry = await dispatch(
        co2_app,
        ProcessFundingApplicationIntent(
            application_id=application_id, decision=FundingDecision.reject, reason="Out of scope", processed_by=FUNDER
        ),
        FUNDER,
    )
    assert entry.description == "funder rejected the application of Corporate Campus to Green Retrofit"
    assert [r.event.type_name for r in entry.events] == ["FundingApplicationRejectedEvent"]
    assert (await read(co2_app, FundingProgramAggregate, "green")).remaining == Money.eur(100_000)
    application = await read(co2_app, FundingApplicationAggregate, application_id)
    assert application.status is FundingApplicationStatus.rejected
    # a decided application no longer blocks a new one
    await dispatch(
        co2_app,
        ApplyForFundingIntent(
            program_id="green",
            estate_id="estate-1",
            requested=Money.eur(5_000),
            project_cost=Money.eur(20_000),
            asset_ids=("hvac-1",),
            applied_by="alice",
        ),
    )


async def test_create_and_define_describe_themselves(co2_app: NomosApp) -> None:
    entry = await dispatch(
        co2_app, CreateFundingProgramIntent(name="Perseus", budget=Money.gbp(2_500_000), created_by=FUNDER), FUNDER
    )
    assert entry.description == "funder created funding program Perseus with a budget of £2,500,000.00"
    program_id = entry.events[0].aggregate_id
    entry = await dispatch(
        co2_app, DefineFundingProgramIntent(program_id=program_id, co_funding_percentage=50, defined_by=FUNDER), FUNDER
    )
    assert entry.description == "funder defined the funding rules of Perseus"
    program = await read(co2_app, FundingProgramAggregate, program_id)
    assert program.rules.max_award_per_application is None and program.rules.eligible_asset_types == ()

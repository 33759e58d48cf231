"""Funding rules: every bound refused with a rule naming the amounts; nothing written on refusal."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import Money, VerificationOutcome
from schema.funding import (
    ApplyForFundingIntent,
    AwardBenefitIntent,
    CompleteClaimVerificationIntent,
    CreateFundingProgramIntent,
    DefineFundingProgramIntent,
    FundingDecision,
    ProcessFundingApplicationIntent,
    SubmitFundingProgramClaimIntent,
    TrackFundingUtilizationIntent,
)
from tests.schema.funding.funding_setup import FUNDER, dispatch, estate_with_assets, funded_world
from tests.schema.helpers import system_ctx


async def rejected(app: NomosApp, intent: object, actor: str = "alice") -> IntentRejected:
    before = await app.head(SYSTEM_WORKSPACE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, system_ctx(actor))  # type: ignore[arg-type]
    assert await app.head(SYSTEM_WORKSPACE, "main") == before
    return caught.value


def apply(application_id: str = "app-1", estate_id: str = "estate-1", **changes: object) -> ApplyForFundingIntent:
    fields: dict[str, object] = dict(
        program_id="green",
        estate_id=estate_id,
        application_id=application_id,
        requested=Money.eur(45_000),
        project_cost=Money.eur(60_000),
        asset_ids=("hvac-1",),
        applied_by="alice",
    )
    return ApplyForFundingIntent(**{**fields, **changes})  # type: ignore[arg-type]


def approve(application_id: str, amount: float) -> ProcessFundingApplicationIntent:
    return ProcessFundingApplicationIntent(
        application_id=application_id, decision=FundingDecision.approve, awarded=Money.eur(amount), processed_by=FUNDER
    )


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    await funded_world(co2_app)
    return co2_app


@pytest.fixture
async def approved(app: NomosApp) -> NomosApp:
    """app-1 approved for EUR 40,000; EUR 20,000 spent; claim c1 of EUR 15,000 submitted."""
    await dispatch(app, apply())
    await dispatch(app, approve("app-1", 40_000), FUNDER)
    await dispatch(
        app, TrackFundingUtilizationIntent(application_id="app-1", amount=Money.eur(20_000), recorded_by="alice")
    )
    await dispatch(
        app,
        SubmitFundingProgramClaimIntent(
            application_id="app-1", claim_id="c1", amount=Money.eur(15_000), submitted_by="alice"
        ),
    )
    return app


PROGRAM_REJECTIONS = [
    (
        "funding.program_exists",
        CreateFundingProgramIntent(program_id="green", name="Again", budget=Money.eur(1), created_by=FUNDER),
    ),
    ("funding.program_not_found", DefineFundingProgramIntent(program_id="nope", defined_by=FUNDER)),
    (
        "funding.max_award_exceeds_budget",
        DefineFundingProgramIntent(
            program_id="green", max_award_per_application=Money.eur(100_000.01), defined_by=FUNDER
        ),
    ),
    (
        "funding.currency_mismatch",
        DefineFundingProgramIntent(program_id="green", max_award_per_application=Money.usd(10), defined_by=FUNDER),
    ),
]


@pytest.mark.parametrize(("rule", "intent"), PROGRAM_REJECTIONS, ids=[r for r, _ in PROGRAM_REJECTIONS])
async def test_program_rejections(app: NomosApp, rule: str, intent: object) -> None:
    assert (await rejected(app, intent, FUNDER)).rule == rule


APPLY_REJECTIONS = [
    ("funding.program_not_found", {"program_id": "nope"}),
    ("funding.currency_mismatch", {"requested": Money.usd(1_000), "project_cost": Money.usd(2_000)}),
    ("funding.exceeds_max_award", {"requested": Money.eur(61_000), "project_cost": Money.eur(90_000)}),
    ("funding.project_cost_required", {"project_cost": None}),
    ("funding.co_funding_required", {"requested": Money.eur(45_000.01)}),
    ("funding.estate_not_found", {"estate_id": "estate-x"}),
    ("funding.assets_required", {"asset_ids": ()}),
    ("funding.asset_not_found", {"asset_ids": ("ghost",)}),
    ("funding.asset_type_not_eligible", {"asset_ids": ("hvac-1", "desk-1")}),
]


@pytest.mark.parametrize(("rule", "changes"), APPLY_REJECTIONS, ids=[r for r, _ in APPLY_REJECTIONS])
async def test_application_rejections(app: NomosApp, rule: str, changes: dict[str, object]) -> None:
    assert (await rejected(app, apply(**changes))).rule == rule  # type: ignore[arg-type]


async def test_only_estate_writers_apply_and_spend(app: NomosApp) -> None:
    error = await rejected(app, apply(applied_by="bob"), "bob")
    assert error.rule == "funding.estate_access" and "bob holds no role" in error.reason
    await dispatch(app, apply())
    await dispatch(app, approve("app-1", 40_000), FUNDER)
    spend = TrackFundingUtilizationIntent(application_id="app-1", amount=Money.eur(1), recorded_by="bob")
    assert (await rejected(app, spend, "bob")).rule == "funding.estate_access"
    claim = SubmitFundingProgramClaimIntent(application_id="app-1", amount=Money.eur(1), submitted_by="bob")
    assert (await rejected(app, claim, "bob")).rule == "funding.estate_access"


async def test_one_pending_application_per_estate_and_program(app: NomosApp) -> None:
    await dispatch(app, apply())
    assert (await rejected(app, apply())).rule == "funding.application_exists"
    error = await rejected(app, apply("app-2", requested=Money.eur(1_000)))
    assert error.rule == "funding.application_pending" and "app-1" in error.reason


async def test_a_closed_program_takes_no_applications(app: NomosApp) -> None:
    await dispatch(
        app, DefineFundingProgramIntent(program_id="green", closes_on=date(2020, 1, 31), defined_by=FUNDER), FUNDER
    )
    error = await rejected(app, apply())
    assert error.rule == "funding.program_closed" and "2020-01-31" in error.reason


async def test_approval_never_exceeds_the_remaining_budget(app: NomosApp) -> None:
    for number in (2, 3):
        await estate_with_assets(app, f"estate-{number}", f"Estate {number}")
    for number in (1, 2, 3):
        await dispatch(app, apply(f"app-{number}", f"estate-{number}"))
    await dispatch(app, approve("app-1", 45_000), FUNDER)
    await dispatch(app, approve("app-2", 45_000), FUNDER)
    error = await rejected(app, approve("app-3", 45_000), FUNDER)
    assert error.rule == "funding.budget_exceeded" and error.field == "awarded"
    assert "€10,000.00 of €100,000.00 remains" in error.reason
    await dispatch(app, approve("app-3", 10_000), FUNDER)
    await estate_with_assets(app, "estate-4", "Estate 4")
    error = await rejected(app, apply("app-4", "estate-4", requested=Money.eur(1), project_cost=Money.eur(2)))
    assert error.rule == "funding.budget_exceeded" and "(€0.00)" in error.reason


async def test_decision_rules(app: NomosApp) -> None:
    await dispatch(app, apply())
    assert (await rejected(app, approve("nope", 1), FUNDER)).rule == "funding.application_not_found"
    assert (await rejected(app, approve("app-1", 45_000.01), FUNDER)).rule == "funding.award_exceeds_request"
    usd = ProcessFundingApplicationIntent(
        application_id="app-1", decision=FundingDecision.approve, awarded=Money.usd(10), processed_by=FUNDER
    )
    assert (await rejected(app, usd, FUNDER)).rule == "funding.currency_mismatch"
    await dispatch(
        app,
        DefineFundingProgramIntent(program_id="green", max_award_per_application=Money.eur(30_000), defined_by=FUNDER),
        FUNDER,
    )
    assert (await rejected(app, approve("app-1", 35_000), FUNDER)).rule == "funding.exceeds_max_award"
    await dispatch(app, approve("app-1", 30_000), FUNDER)
    assert (await rejected(app, approve("app-1", 1), FUNDER)).rule == "funding.application_not_pending"


async def test_spending_and_claims_stay_within_their_bounds(approved: NomosApp) -> None:
    app = approved
    error = await rejected(
        app, TrackFundingUtilizationIntent(application_id="app-1", amount=Money.eur(20_000.01), recorded_by="alice")
    )
    assert error.rule == "funding.utilization_exceeds_award"
    assert "€20,000.00 of the award is left" in error.reason
    error = await rejected(
        app, SubmitFundingProgramClaimIntent(application_id="app-1", amount=Money.eur(5_000.01), submitted_by="alice")
    )
    assert error.rule == "funding.claim_exceeds_utilization" and "record the spending first" in error.reason
    claim_again = SubmitFundingProgramClaimIntent(
        application_id="app-1", claim_id="c1", amount=Money.eur(1), submitted_by="alice"
    )
    assert (await rejected(app, claim_again)).rule == "funding.claim_exists"


async def test_spending_and_claims_need_an_approved_application(app: NomosApp) -> None:
    await dispatch(app, apply())
    spend = TrackFundingUtilizationIntent(application_id="app-1", amount=Money.eur(1), recorded_by="alice")
    assert (await rejected(app, spend)).rule == "funding.application_not_approved"
    claim = SubmitFundingProgramClaimIntent(application_id="app-1", amount=Money.eur(1), submitted_by="alice")
    assert (await rejected(app, claim)).rule == "funding.application_not_approved"
    missing = TrackFundingUtilizationIntent(application_id="nope", amount=Money.eur(1), recorded_by="alice")
    assert (await rejected(app, missing)).rule == "funding.application_not_found"


async def test_verification_and_benefit_rules(approved: NomosApp) -> None:
    app = approved

    def verify(claim_id: str = "c1", **changes: object) -> CompleteClaimVerificationIntent:
        fields: dict[str, object] = dict(claim_id=claim_id, outcome=VerificationOutcome.approved, verified_by=FUNDER)
        return CompleteClaimVerificationIntent(**{**fields, **changes})  # type: ignore[arg-type]

    award = AwardBenefitIntent(claim_id="c1", benefit_id="b1", awarded_by=FUNDER)
    assert (await rejected(app, award, FUNDER)).rule == "funding.claim_not_approved"
    assert (await rejected(app, verify("nope"), FUNDER)).rule == "funding.claim_not_found"
    error = await rejected(app, verify(approved_amount=Money.eur(15_000.01)), FUNDER)
    assert error.rule == "funding.approval_exceeds_claim"
    await dispatch(app, verify(), FUNDER)
    assert (await rejected(app, verify(), FUNDER)).rule == "funding.claim_not_submitted"
    await dispatch(app, award, FUNDER)
    assert (await rejected(app, award.model_copy(update={"benefit_id": None}), FUNDER)).rule == (
        "funding.benefit_already_awarded"
    )
    await dispatch(
        app,
        SubmitFundingProgramClaimIntent(
            application_id="app-1", claim_id="c2", amount=Money.eur(5_000), submitted_by="alice"
        ),
    )
    await dispatch(app, verify("c2"), FUNDER)
    reused = AwardBenefitIntent(claim_id="c2", benefit_id="b1", awarded_by=FUNDER)
    assert (await rejected(app, reused, FUNDER)).rule == "funding.benefit_exists"


async def test_the_actor_field_must_name_the_dispatcher(app: NomosApp) -> None:
    error = await rejected(app, approve("app-1", 1), "mallory")
    assert error.rule == "intent.actor_mismatch"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: CreateFundingProgramIntent(name="P", budget=Money.eur(0), created_by="f"), "budget"),
        (lambda: CreateFundingProgramIntent(name=" ", budget=Money.eur(1), created_by="f"), "name"),
        (
            lambda: DefineFundingProgramIntent(program_id="p", co_funding_percentage=101, defined_by="f"),
            "co_funding_percentage",
        ),
        (
            lambda: DefineFundingProgramIntent(program_id="p", eligible_asset_types=("Not A Code",), defined_by="f"),
            "eligible_asset_types",
        ),
        (lambda: apply(requested=Money.eur(-1)), "requested"),
        (lambda: apply(requested=Money.eur(70_000)), None),  # more than the project cost
        (lambda: apply(asset_ids=("a", "a")), None),
        (
            lambda: ProcessFundingApplicationIntent(
                application_id="a", decision=FundingDecision.approve, processed_by="f"
            ),
            None,
        ),
        (
            lambda: ProcessFundingApplicationIntent(
                application_id="a", decision=FundingDecision.reject, awarded=Money.eur(1), processed_by="f"
            ),
            None,
        ),
        (lambda: TrackFundingUtilizationIntent(application_id="a", amount=Money.eur(0), recorded_by="a"), "amount"),
        (
            lambda: CompleteClaimVerificationIntent(
                claim_id="c", outcome=VerificationOutcome.conditional, verified_by="f"
            ),
            None,
        ),
        (
            lambda: CompleteClaimVerificationIntent(
                claim_id="c", outcome=VerificationOutcome.failed, approved_amount=Money.eur(1), verified_by="f"
            ),
            None,
        ),
    ],
)
def test_early_validation(build: object, field: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    if field is not None:
        assert caught.value.errors()[0]["loc"][0] == field

"""Licences on the engine: personal and organizational licences, seats and their limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentContext, IntentRejected, NomosApp
from nomos_mongo.codec import entry_from_document, entry_to_document
from schema.common import SYSTEM_WORKSPACE, Access, Co2Intent, Scope
from schema.contracts import (
    EmailAddress,
    LicenceId,
    OrganizationId,
    OrganizationName,
    PermissionReasonDescription,
    UserDisplayName,
    UserId,
)
from schema.identity import AddUserToOrganizationIntent, CreateOrganizationIntent, CreateUserIntent
from schema.identity.values import OrganizationRole
from schema.licences import (
    MODULE,
    AssignSeatToUserIntent,
    CreateOrganizationalLicenceIntent,
    CreatePersonalLicenceIntent,
    LicenceAggregate,
    LicenceKind,
)
from schema.licences.events import (
    LicenceSeatAssignedEvent,
    OrganizationalLicenceCreatedEvent,
    PersonalLicenceCreatedEvent,
)
from tests.schema.helpers import system_ctx

ADMIN = "admin-1"
NAMES = {ADMIN: "Ada", "user-1": "Bob", "user-2": "Cleo", "user-3": "Dan", "user-123": "Eve", "outsider": "Olly"}


async def people(app: NomosApp) -> None:
    """Users, and organization Acme with Ada as its admin and Bob, Cleo and Dan as members."""
    for user_id, name in NAMES.items():
        intent = CreateUserIntent(
            user_id=UserId(user_id), display_name=UserDisplayName(name), email=EmailAddress(f"{user_id}@example.com")
        )
        await app.dispatch(intent, system_ctx(user_id))
    organization = CreateOrganizationIntent(
        organization_id=OrganizationId("org-acme"), name=OrganizationName("Acme"), created_by=UserId(ADMIN)
    )
    await app.dispatch(organization, system_ctx(ADMIN))
    for user_id in ("user-1", "user-2", "user-3", "user-123"):
        member = AddUserToOrganizationIntent(
            organization_id=OrganizationId("org-acme"),
            user_id=UserId(user_id),
            added_by=UserId(ADMIN),
            role=OrganizationRole.member,
        )
        await app.dispatch(member, system_ctx(ADMIN))


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    await people(co2_app)
    return co2_app


def org_licence(seats: int = 2, licence_id: str = "lic-acme", **changes: object) -> CreateOrganizationalLicenceIntent:
    fields: dict[str, object] = {
        "licence_id": LicenceId(licence_id),
        "organization_id": OrganizationId("org-acme"),
        "seat_count": seats,
        "valid_until": date(2999, 12, 31),
        "created_by": UserId(ADMIN),
    }
    fields.update(changes)
    return CreateOrganizationalLicenceIntent(**fields)  # type: ignore[arg-type]


def seat(user: str, licence_id: str = "lic-acme", by: str = ADMIN) -> AssignSeatToUserIntent:
    return AssignSeatToUserIntent(licence_id=LicenceId(licence_id), user_id=UserId(user), assigned_by=UserId(by))


def personal(user: str, by: str = ADMIN, licence_id: str | None = None) -> CreatePersonalLicenceIntent:
    return CreatePersonalLicenceIntent(
        user_id=UserId(user), requested_by=UserId(by), licence_id=LicenceId(licence_id) if licence_id else None
    )


async def read(app: NomosApp, licence_id: str) -> LicenceAggregate:
    licence = await app.read_latest(LicenceAggregate, SYSTEM_WORKSPACE, "main", licence_id)
    assert licence is not None
    return licence


async def assert_rejected(app: NomosApp, intent: object, rule: str, actor: str = ADMIN) -> IntentRejected:
    before = await app.head(SYSTEM_WORKSPACE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, system_ctx(actor))  # type: ignore[arg-type]
    assert caught.value.rule == rule
    assert await app.head(SYSTEM_WORKSPACE, "main") == before
    return caught.value


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


@pytest.mark.parametrize("intent_type", MODULE.intents, ids=lambda t: t.__name__)
async def test_every_licence_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intents[intent_type.__name__] is intent_type
    assert co2_app.policy.routes_for(intent_type)
    # As users and organizations: any signed-in user dispatches, the domain decides.
    assert intent_type.scope is Scope.SYSTEM and intent_type.access is Access.AUTHENTICATED


async def test_the_documents_personal_licence_example(app: NomosApp) -> None:
    admin_user_id = UserId(ADMIN)
    intent = CreatePersonalLicenceIntent(
        user_id=UserId("user-123"),
        requested_by=admin_user_id,
        reason="New team member onboarding",  # type: ignore[arg-type]
    )
    assert app.registry.intent_from_json(intent.to_json()) == intent

    entry = await app.dispatch(intent, system_ctx(ADMIN))

    [record] = entry.events
    assert isinstance(record.event, PersonalLicenceCreatedEvent)
    assert record.event.reason == PermissionReasonDescription("New team member onboarding")
    assert app.registry.event_from_json(record.event.to_json()) == record.event
    licence = await read(app, record.aggregate_id)
    assert licence.kind is LicenceKind.personal
    assert licence.holder_user_id == UserId("user-123")
    assert licence.seat_count == 1 and licence.seats == ()
    assert licence.valid_from == entry.client_timestamp.date()
    assert app.registry.aggregate_from_json(licence.to_json()) == licence
    assert entry.description == "Ada created a personal licence for Eve"


async def test_users_request_their_own_licence_or_an_admin_does(app: NomosApp) -> None:
    await app.dispatch(personal("outsider", by="outsider"), system_ctx("outsider"))
    await app.dispatch(personal("user-1", by=ADMIN), system_ctx(ADMIN))

    error = await assert_rejected(app, personal("user-2", by="user-3"), "licences.not_allowed", actor="user-3")
    assert error.field == "requestedBy"
    await assert_rejected(app, personal("nobody"), "identity.unknown_user")


async def test_a_user_holds_one_personal_licence(app: NomosApp) -> None:
    await app.dispatch(personal("user-123"), system_ctx(ADMIN))

    error = await assert_rejected(app, personal("user-123"), "licences.personal_exists")
    assert error.field == "userId"


async def test_the_requester_is_the_actor(app: NomosApp) -> None:
    await assert_rejected(app, personal("user-123", by="mallory"), "intent.actor_mismatch")


async def test_an_organizational_licence_counts_its_seats(app: NomosApp) -> None:
    intent = org_licence(seats=5, valid_from=date(2025, 1, 1))
    assert app.registry.intent_from_json(intent.to_json()) == intent

    entry = await app.dispatch(intent, system_ctx(ADMIN))

    [record] = entry.events
    assert record.event == OrganizationalLicenceCreatedEvent(
        organization_id=OrganizationId("org-acme"),
        seat_count=5,
        valid_from=date(2025, 1, 1),
        valid_until=date(2999, 12, 31),
        created_by=UserId(ADMIN),
        created_at=entry.client_timestamp,
    )
    assert app.registry.event_from_json(record.event.to_json()) == record.event
    licence = await read(app, "lic-acme")
    assert licence.kind is LicenceKind.organizational and licence.seat_count == 5
    assert app.registry.aggregate_from_json(licence.to_json()) == licence
    assert entry.description == "Ada created an organizational licence for Acme with 5 seats until 2999-12-31"


def test_an_organizational_licence_needs_seats_and_a_period() -> None:
    with pytest.raises(ValidationError, match="seat"):
        org_licence(seats=0)
    with pytest.raises(ValidationError, match="validUntil"):
        org_licence(valid_from=date(2026, 1, 1), valid_until=date(2025, 1, 1))


async def test_only_an_existing_organizations_admin_licences_it(app: NomosApp) -> None:
    missing = org_licence(organization_id=OrganizationId("org-missing"))
    await assert_rejected(app, missing, "licences.unknown_organization")
    by_member = org_licence(created_by=UserId("user-1"))
    error = await assert_rejected(app, by_member, "licences.not_organization_admin", actor="user-1")
    assert error.field == "createdBy"


async def test_a_licence_id_is_taken_once(app: NomosApp) -> None:
    await app.dispatch(org_licence(), system_ctx(ADMIN))
    await assert_rejected(app, org_licence(), "licences.exists")


async def test_a_licence_cannot_end_before_the_day_it_starts(app: NomosApp) -> None:
    intent = org_licence(valid_until=date(2000, 1, 1))  # starts on the intent's day
    error = await assert_rejected(app, intent, "licences.invalid_validity")
    assert error.field == "validUntil"


async def test_seats_go_to_members_until_the_count_is_reached(app: NomosApp) -> None:
    await app.dispatch(org_licence(seats=2), system_ctx(ADMIN))

    entry = await app.dispatch(seat("user-1"), system_ctx(ADMIN))
    await app.dispatch(seat("user-2"), system_ctx(ADMIN))

    [record] = entry.events
    assert isinstance(record.event, LicenceSeatAssignedEvent) and record.event.user_id == UserId("user-1")
    assert app.registry.event_from_json(record.event.to_json()) == record.event
    assert app.registry.intent_from_json(seat("user-1").to_json()) == seat("user-1")
    licence = await read(app, "lic-acme")
    assert [s.user_id.value for s in licence.seats] == ["user-1", "user-2"]
    assert app.registry.aggregate_from_json(licence.to_json()) == licence
    assert entry.description == "Ada assigned Bob a seat on the Acme licence"

    error = await assert_rejected(app, seat("user-3"), "licences.seats_exhausted")
    assert "has 2 seats" in error.reason
    await assert_ledger_round_trips(app, SYSTEM_WORKSPACE)


async def test_a_user_gets_one_seat_per_licence(app: NomosApp) -> None:
    await app.dispatch(org_licence(seats=3), system_ctx(ADMIN))
    await app.dispatch(seat("user-1"), system_ctx(ADMIN))

    error = await assert_rejected(app, seat("user-1"), "licences.seat_taken")
    assert error.field == "userId"


async def test_an_admin_seats_members_of_the_organization(app: NomosApp) -> None:
    await app.dispatch(org_licence(seats=3), system_ctx(ADMIN))

    await assert_rejected(app, seat("outsider"), "licences.not_a_member")
    await assert_rejected(app, seat("user-2", by="user-1"), "licences.not_organization_admin", actor="user-1")


async def test_seats_need_an_organizational_licence_in_force(app: NomosApp) -> None:
    await assert_rejected(app, seat("user-1", "lic-missing"), "licences.not_found")

    await app.dispatch(personal("user-3", licence_id="lic-personal"), system_ctx(ADMIN))
    await assert_rejected(app, seat("user-1", "lic-personal"), "licences.not_organizational")

    expired = org_licence(licence_id="lic-2020", valid_from=date(2020, 1, 1), valid_until=date(2020, 12, 31))
    await app.dispatch(expired, system_ctx(ADMIN))
    await assert_rejected(app, seat("user-1", "lic-2020"), "licences.not_valid")

    in_2020 = IntentContext(
        workspace_id=SYSTEM_WORKSPACE, actor_id=ADMIN, client_timestamp=datetime(2020, 6, 1, tzinfo=UTC)
    )
    await app.dispatch(seat("user-1", "lic-2020"), in_2020)

"""Users and organizations in the system workspace."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import BasicQuery, FieldFilter, IntentRejected, NomosApp
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import OrganizationId, OrganizationName, UserId, UserStatus
from schema.identity import (
    AddUserToOrganizationIntent,
    CreateOrganizationIntent,
    OrganizationAggregate,
    OrganizationRole,
    UserAggregate,
)
from schema.identity.events import (
    OrganizationCreatedEvent,
    OrganizationMemberAddedEvent,
    UserCreatedEvent,
    UserJoinedOrganizationEvent,
)
from tests.schema.helpers import system_ctx
from tests.schema.identity.people import BOB, sign_up_everyone, sign_up_intent


async def user(app: NomosApp, user_id: str) -> UserAggregate:
    found = await app.read_latest(UserAggregate, SYSTEM_WORKSPACE, "main", user_id)
    assert found is not None
    return found


async def organization(app: NomosApp, organization_id: str) -> OrganizationAggregate:
    found = await app.read_latest(OrganizationAggregate, SYSTEM_WORKSPACE, "main", organization_id)
    assert found is not None
    return found


async def head(app: NomosApp) -> int:
    return await app.head(SYSTEM_WORKSPACE, "main")


# users ---------------------------------------------------------------------------------
async def test_a_user_creates_their_own_record(co2_app: NomosApp) -> None:
    entry = await co2_app.dispatch(sign_up_intent("alice", "Alice"), system_ctx("alice"))

    [record] = entry.events
    assert (record.aggregate_type, record.aggregate_id) == ("UserAggregate", "alice")
    assert isinstance(record.event, UserCreatedEvent)
    alice = await user(co2_app, "alice")
    assert alice.display_name.value == "Alice"
    assert alice.email is not None and alice.email.value == "alice@example.com"
    assert alice.status is UserStatus.active
    assert alice.created_by == UserId("alice")
    assert entry.description == "Alice signed up"


async def test_a_user_cannot_create_someone_elses_record(co2_app: NomosApp) -> None:
    with pytest.raises(IntentRejected) as rejected:
        await co2_app.dispatch(sign_up_intent("mallory", "Mallory"), system_ctx("alice"))
    assert rejected.value.rule == "intent.actor_mismatch"
    assert rejected.value.field == "userId"
    assert await head(co2_app) == 0


async def test_the_system_creates_any_user(co2_app: NomosApp) -> None:
    entry = await co2_app.dispatch(sign_up_intent(BOB, "Bob"), system_ctx("system"))
    assert (await user(co2_app, BOB)).created_by == UserId("system")
    assert entry.description == "system created user Bob"


async def test_a_user_record_is_created_once(co2_app: NomosApp) -> None:
    await co2_app.dispatch(sign_up_intent("alice", "Alice"), system_ctx("alice"))
    with pytest.raises(IntentRejected) as rejected:
        await co2_app.dispatch(sign_up_intent("alice", "Alicia"), system_ctx("alice"))
    assert (rejected.value.rule, rejected.value.field) == ("identity.user_exists", "userId")
    assert await head(co2_app) == 1


async def test_an_email_belongs_to_one_user(co2_app: NomosApp) -> None:
    await co2_app.dispatch(sign_up_intent("alice", "Alice"), system_ctx("alice"))
    twin = sign_up_intent("bob", "Bob").model_copy(update={"email": sign_up_intent("alice", "x").email})
    with pytest.raises(IntentRejected) as rejected:
        await co2_app.dispatch(twin, system_ctx("bob"))
    assert (rejected.value.rule, rejected.value.field) == ("identity.email_taken", "email")
    assert await head(co2_app) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"display_name": "  "}, "display_name"), ({"email": "not-an-email"}, "email"), ({"user_id": ""}, "user_id")],
)
def test_user_fields_are_validated_early(changes: dict[str, str], field: str) -> None:
    fields = {"user_id": "alice", "display_name": "Alice", "email": "alice@example.com", **changes}
    with pytest.raises(ValidationError) as invalid:
        sign_up_intent("alice", "Alice").model_validate(fields)
    assert invalid.value.errors()[0]["loc"][0] == field


# organizations -----------------------------------------------------------------------------
def new_organization(by: str = "alice", organization_id: str | None = "org-acme") -> CreateOrganizationIntent:
    return CreateOrganizationIntent(
        organization_id=OrganizationId(organization_id) if organization_id else None,
        name=OrganizationName("Acme"),
        created_by=UserId(by),
    )


def add_member(
    user_id: str, by: str = "alice", role: OrganizationRole = OrganizationRole.member
) -> AddUserToOrganizationIntent:
    return AddUserToOrganizationIntent(
        organization_id=OrganizationId("org-acme"), user_id=UserId(user_id), added_by=UserId(by), role=role
    )


async def test_the_creator_of_an_organization_becomes_its_admin(co2_app: NomosApp) -> None:
    await sign_up_everyone(co2_app)
    entry = await co2_app.dispatch(new_organization(), system_ctx("alice"))

    assert [(r.aggregate_type, type(r.event)) for r in entry.events] == [
        ("OrganizationAggregate", OrganizationCreatedEvent),
        ("OrganizationAggregate", OrganizationMemberAddedEvent),
        ("UserAggregate", UserJoinedOrganizationEvent),
    ]
    acme = await organization(co2_app, "org-acme")
    assert acme.name.value == "Acme"
    assert acme.role_of(UserId("alice")) is OrganizationRole.admin
    assert (await user(co2_app, "alice")).organization_ids == (OrganizationId("org-acme"),)
    assert entry.description == "Alice created organization Acme"


async def test_an_organization_id_is_derived_when_absent(co2_app: NomosApp) -> None:
    await sign_up_everyone(co2_app)
    entry = await co2_app.dispatch(new_organization(organization_id=None), system_ctx("alice"))
    derived = entry.events[0].aggregate_id
    assert (await organization(co2_app, derived)).name.value == "Acme"


async def test_organization_rejections_write_nothing(co2_app: NomosApp) -> None:
    await sign_up_everyone(co2_app)
    await co2_app.dispatch(new_organization(), system_ctx("alice"))
    before = await head(co2_app)

    with pytest.raises(IntentRejected) as exists:
        await co2_app.dispatch(new_organization(by=BOB), system_ctx(BOB))
    with pytest.raises(IntentRejected) as ghost:  # the system names a creator who never signed up
        await co2_app.dispatch(new_organization(by="ghost", organization_id="org-2"), system_ctx("system"))

    assert (exists.value.rule, exists.value.field) == ("identity.organization_exists", "organizationId")
    assert (ghost.value.rule, ghost.value.field) == ("identity.unknown_user", "createdBy")
    assert await head(co2_app) == before
    assert await co2_app.read_latest(OrganizationAggregate, SYSTEM_WORKSPACE, "main", "org-2") is None


async def test_an_organization_admin_adds_members(co2_app: NomosApp) -> None:
    await sign_up_everyone(co2_app)
    await co2_app.dispatch(new_organization(), system_ctx("alice"))
    entry = await co2_app.dispatch(add_member(BOB), system_ctx("alice"))
    await co2_app.dispatch(add_member("carol", role=OrganizationRole.admin), system_ctx("alice"))
    await co2_app.dispatch(add_member("dave", by="carol"), system_ctx("carol"))

    acme = await organization(co2_app, "org-acme")
    assert [(m.user_id.value, m.role) for m in acme.members] == [
        ("alice", OrganizationRole.admin),
        (BOB, OrganizationRole.member),
        ("carol", OrganizationRole.admin),
        ("dave", OrganizationRole.member),
    ]
    assert (await user(co2_app, BOB)).organization_ids == (OrganizationId("org-acme"),)
    assert entry.description == "Alice added Bob to Acme as a member"
    bobs_query = BasicQuery(filters=(FieldFilter("member_ids", BOB, "contains"),))
    bobs = await co2_app.query(OrganizationAggregate, SYSTEM_WORKSPACE, "main", bobs_query)
    assert [o.id for o in bobs] == ["org-acme"]


@pytest.mark.parametrize(
    ("intent", "actor", "rule", "field"),
    [
        (add_member("carol", by=BOB), BOB, "identity.not_organization_admin", None),
        (add_member(BOB), "alice", "identity.already_member", "userId"),
        (add_member("ghost"), "alice", "identity.unknown_user", "userId"),
        (
            AddUserToOrganizationIntent(organization_id="org-none", user_id=BOB, added_by="alice"),
            "alice",
            "identity.unknown_organization",
            "organizationId",
        ),
    ],
)
async def test_adding_a_member_is_refused(
    co2_app: NomosApp, intent: AddUserToOrganizationIntent, actor: str, rule: str, field: str | None
) -> None:
    await sign_up_everyone(co2_app)
    await co2_app.dispatch(new_organization(), system_ctx("alice"))
    await co2_app.dispatch(add_member(BOB), system_ctx("alice"))
    before = await head(co2_app)

    with pytest.raises(IntentRejected) as rejected:
        await co2_app.dispatch(intent, system_ctx(actor))

    assert (rejected.value.rule, rejected.value.field) == (rule, field)
    assert await head(co2_app) == before


async def test_every_actor_is_named_by_their_display_name(co2_app: NomosApp) -> None:
    await sign_up_everyone(co2_app)
    entry = await co2_app.dispatch(new_organization(by=BOB), system_ctx(BOB))
    assert entry.description == "Bob created organization Acme"
    assert await co2_app.describe(entry) == "Bob created organization Acme"

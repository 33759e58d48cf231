"""The estate roles the API authorizes from: bootstrap owner, can_grant, always an owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nomos_mongo import IntentContext, IntentRejected, MemoryPersistence, NomosApp, NomosModule
from schema.access import (
    ACCESS_MODULE,
    ChangeEstateRoleDirective,
    EstateAccessAggregate,
    EstateRolePayload,
    estate_role,
    satisfies,
)
from schema.common import Access, Co2Intent
from schema.contracts.identifiers import UserId
from schema.contracts.roles import Role


class SetRoleIntent(Co2Intent):
    """A test-only intent that routes straight to the access directive."""

    user_id: str
    role: Role | None = None
    bootstrap: bool = False
    expires_at: datetime | None = None


def _route(intent: SetRoleIntent, ctx):  # type: ignore[no-untyped-def]
    return [
        ChangeEstateRoleDirective(
            payload=EstateRolePayload(
                estate_id=ctx.workspace_id,
                user_id=UserId(intent.user_id),
                role=intent.role,
                actor_id=UserId(ctx.actor_id),
                bootstrap=intent.bootstrap,
                expires_at=intent.expires_at,
                now=ctx.now,
            )
        )
    ]


@pytest.fixture
async def app() -> NomosApp:
    app = NomosApp(
        MemoryPersistence(),
        modules=[ACCESS_MODULE, NomosModule(name="t", intents=(SetRoleIntent,), routes={SetRoleIntent: _route})],
    )
    await app.dispatch(SetRoleIntent(user_id="alice", role=Role.estate_owner, bootstrap=True), _as("alice"))
    return app


def _as(actor: str) -> IntentContext:
    return IntentContext(workspace_id="estate-1", actor_id=actor)


async def test_the_creator_is_owner_and_bootstrap_works_once(app: NomosApp) -> None:
    assert await estate_role(app, "estate-1", "alice") == Role.estate_owner
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SetRoleIntent(user_id="mallory", role=Role.estate_owner, bootstrap=True), _as("mallory"))
    assert info.value.rule == "permissions.bootstrap"
    assert await estate_role(app, "estate-1", "mallory") is None
    assert await estate_role(app, "other-estate", "alice") is None


async def test_granting_follows_can_grant(app: NomosApp) -> None:
    await app.dispatch(SetRoleIntent(user_id="bob", role=Role.estate_admin), _as("alice"))
    await app.dispatch(SetRoleIntent(user_id="carol", role=Role.estate_write), _as("bob"))
    assert await estate_role(app, "estate-1", "carol") == Role.estate_write
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SetRoleIntent(user_id="dave", role=Role.estate_read), _as("carol"))
    assert info.value.rule == "permissions.cannot_grant"
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SetRoleIntent(user_id="dave", role=Role.estate_owner), _as("bob"))
    assert info.value.rule == "permissions.cannot_grant"
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SetRoleIntent(user_id="dave", role=Role.site_read), _as("alice"))
    assert info.value.rule == "permissions.role_type"
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SetRoleIntent(user_id="alice", role=None), _as("bob"))  # admin cannot revoke the owner
    assert info.value.rule == "permissions.cannot_grant"


async def test_an_estate_always_keeps_an_owner(app: NomosApp) -> None:
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SetRoleIntent(user_id="alice", role=None), _as("alice"))
    assert info.value.rule == "permissions.estate_needs_owner"
    await app.dispatch(SetRoleIntent(user_id="bob", role=Role.estate_owner), _as("alice"))
    await app.dispatch(SetRoleIntent(user_id="alice", role=None), _as("bob"))
    assert await estate_role(app, "estate-1", "alice") is None


async def test_an_expired_role_grants_nothing(app: NomosApp) -> None:
    past = datetime.now(UTC) - timedelta(days=1)
    await app.dispatch(SetRoleIntent(user_id="temp", role=Role.estate_write, expires_at=past), _as("alice"))
    assert await estate_role(app, "estate-1", "temp") is None
    access = await app.read_latest(EstateAccessAggregate, "estate-1", "main", "estate-1")
    assert access is not None and access.role_of("temp") == Role.estate_write  # kept, but expired


@pytest.mark.parametrize(
    ("role", "access", "allowed"),
    [
        (None, Access.AUTHENTICATED, True),
        (None, Access.READ, False),
        (Role.estate_read, Access.READ, True),
        (Role.estate_read, Access.WRITE, False),
        (Role.estate_write, Access.WRITE, True),
        (Role.estate_admin, Access.OWNER, False),
        (Role.estate_owner, Access.ADMIN, True),
    ],
)
def test_satisfies(role: Role | None, access: Access, allowed: bool) -> None:
    assert satisfies(role, access) is allowed

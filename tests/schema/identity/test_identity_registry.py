"""Every identity intent is registered, routed, declares its access and scope, and every intent,
event and aggregate of the group round-trips through JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nomos_mongo import NomosApp
from schema.common import SYSTEM_WORKSPACE, Access, Co2Intent, Scope
from schema.contracts import ResourceType, Role
from schema.identity import (
    MODULE,
    AddUserToOrganizationIntent,
    CreateOrganizationIntent,
    CreateUserIntent,
    GrantEstateAccessIntent,
    GrantPermissionToUserIntent,
    GrantSiteAccessIntent,
    RevokeEstateAccessIntent,
    RevokePermissionFromUserIntent,
    RevokeSiteAccessIntent,
    UpdateUserPermissionRoleIntent,
)
from tests.schema.helpers import estate_ctx, system_ctx
from tests.schema.identity.people import BOB, ESTATE, SITE, create_estate, create_site, sign_up_everyone

EXAMPLES: dict[type[Co2Intent], Co2Intent] = {
    CreateUserIntent: CreateUserIntent(user_id="alice", display_name="Alice", email="alice@example.com"),
    CreateOrganizationIntent: CreateOrganizationIntent(name="Acme", created_by="alice", organization_id="org-1"),
    AddUserToOrganizationIntent: AddUserToOrganizationIntent(organization_id="org-1", user_id=BOB, added_by="alice"),
    GrantPermissionToUserIntent: GrantPermissionToUserIntent(
        target_user_id=BOB,
        resource_type=ResourceType.site,
        resource_id=SITE,
        role=Role.site_write,
        granted_by="alice",
        reason="Caretaker",
        expires_at=datetime(2999, 1, 1, tzinfo=UTC),
    ),
    RevokePermissionFromUserIntent: RevokePermissionFromUserIntent(
        target_user_id=BOB, resource_type=ResourceType.site, resource_id=SITE, revoked_by="alice"
    ),
    UpdateUserPermissionRoleIntent: UpdateUserPermissionRoleIntent(
        target_user_id=BOB,
        resource_type=ResourceType.site,
        resource_id=SITE,
        role=Role.site_admin,
        updated_by="alice",
    ),
    GrantEstateAccessIntent: GrantEstateAccessIntent(
        estate_id=ESTATE, target_user_id=BOB, role=Role.estate_read, granted_by="alice"
    ),
    RevokeEstateAccessIntent: RevokeEstateAccessIntent(estate_id=ESTATE, target_user_id=BOB, revoked_by="alice"),
    GrantSiteAccessIntent: GrantSiteAccessIntent(
        site_id=SITE, target_user_id=BOB, role=Role.site_read, granted_by="alice"
    ),
    RevokeSiteAccessIntent: RevokeSiteAccessIntent(site_id=SITE, target_user_id=BOB, revoked_by="alice"),
}

SYSTEM_INTENTS: set[type[Co2Intent]] = {CreateUserIntent, CreateOrganizationIntent, AddUserToOrganizationIntent}


def test_the_examples_cover_every_intent() -> None:
    assert set(EXAMPLES) == set(MODULE.intents) == set(MODULE.routes)


@pytest.mark.parametrize("intent_type", MODULE.intents, ids=lambda t: t.__name__)
def test_each_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intent_type(intent_type.__name__) is intent_type
    assert co2_app.policy.routes_for(intent_type)
    example = EXAMPLES[intent_type]
    assert co2_app.registry.intent_from_json(example.to_json()) == example
    if intent_type in SYSTEM_INTENTS:
        assert (intent_type.scope, intent_type.access) == (Scope.SYSTEM, Access.AUTHENTICATED)
    else:
        assert (intent_type.scope, intent_type.access) == (Scope.WORKSPACE, Access.READ)


async def test_events_and_aggregates_round_trip(co2_app: NomosApp) -> None:
    await sign_up_everyone(co2_app)
    await create_estate(co2_app)
    await create_site(co2_app)
    ordered: list[type[Co2Intent]] = [
        CreateOrganizationIntent,
        AddUserToOrganizationIntent,
        GrantEstateAccessIntent,
        GrantPermissionToUserIntent,
        UpdateUserPermissionRoleIntent,
        GrantSiteAccessIntent,
        RevokeSiteAccessIntent,
        RevokeEstateAccessIntent,
    ]
    entries = []
    for intent_type in ordered:
        ctx = system_ctx("alice") if intent_type in SYSTEM_INTENTS else estate_ctx(ESTATE, "alice")
        entries.append(await co2_app.dispatch(EXAMPLES[intent_type], ctx))

    registry = co2_app.registry
    for entry in entries:
        assert entry.events, f"{entry.intent.type_name} changed nothing"
        for record in entry.events:
            assert registry.event_from_json(record.event.to_json()) == record.event
            state = await co2_app.read_latest(
                registry.aggregate_type(record.aggregate_type), entry.workspace_id, "main", record.aggregate_id
            )
            assert state is not None
            assert registry.aggregate_from_json(state.to_json()) == state
    assert (await co2_app.verify_timeline(SYSTEM_WORKSPACE, "main")).divergence is None
    assert (await co2_app.verify_timeline(ESTATE, "main")).divergence is None

"""Granting, revoking and changing roles on an estate and on its sites, layers and features."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from nomos_mongo import BasicQuery, FieldFilter, IntentContext, IntentRejected, NomosApp
from schema.access import EstateAccessAggregate, EstateRoleGrantedEvent, EstateRoleRevokedEvent
from schema.contracts import (
    EstateId,
    PermissionReasonDescription,
    ResourceId,
    ResourceType,
    Role,
    SiteId,
    UserId,
)
from schema.identity import (
    GrantEstateAccessIntent,
    GrantPermissionToUserIntent,
    GrantSiteAccessIntent,
    ResourcePermissionsAggregate,
    RevokeEstateAccessIntent,
    RevokePermissionFromUserIntent,
    RevokeSiteAccessIntent,
    UpdateUserPermissionRoleIntent,
    permission_key,
    resource_role,
)
from schema.identity.events import ResourcePermissionGrantedEvent, ResourcePermissionRevokedEvent
from tests.schema.helpers import estate_ctx
from tests.schema.identity.people import (
    BOB,
    ESTATE,
    SITE,
    create_estate,
    create_site,
    grant_estate_role,
    head,
    sign_up_everyone,
)


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    """Alice owns estate XYZ (estate-001), which has site Building A (site-001)."""
    await sign_up_everyone(co2_app)
    await create_estate(co2_app)
    await create_site(co2_app)
    return co2_app


async def estate_access(app: NomosApp) -> EstateAccessAggregate:
    found = await app.read_latest(EstateAccessAggregate, ESTATE, "main", ESTATE)
    assert found is not None
    return found


async def resource_roles(app: NomosApp, kind: ResourceType, resource_id: str) -> ResourcePermissionsAggregate:
    found = await app.read_latest(ResourcePermissionsAggregate, ESTATE, "main", permission_key(kind, resource_id))
    assert found is not None
    return found


def grant(user: str, kind: ResourceType, resource: str, role: Role, by: str = "alice", **more: object):  # type: ignore[no-untyped-def]
    return GrantPermissionToUserIntent(
        target_user_id=UserId(user),
        resource_type=kind,
        resource_id=ResourceId(resource),
        role=role,
        granted_by=UserId(by),
        **more,  # type: ignore[arg-type]
    )


def site_grant(user: str, role: Role, by: str = "alice") -> GrantSiteAccessIntent:
    return GrantSiteAccessIntent(site_id=SiteId(SITE), target_user_id=UserId(user), role=role, granted_by=UserId(by))


async def rejected(app: NomosApp, intent: object, ctx: IntentContext) -> IntentRejected:
    before = await head(app)
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, ctx)  # type: ignore[arg-type]
    assert await head(app) == before, "a rejected intent must write nothing"
    return caught.value


# the document's examples -------------------------------------------------------------------
async def test_document_example_grant_estate_admin_with_a_reason(app: NomosApp) -> None:
    intent = GrantPermissionToUserIntent(
        target_user_id=UserId("user-456"),
        resource_type=ResourceType.estate,
        resource_id=ResourceId("estate-001"),
        role=Role.estate_admin,
        granted_by=UserId("alice"),
        reason=PermissionReasonDescription("Team lead for building maintenance"),
    )
    entry = await app.dispatch(intent, estate_ctx("estate-001", "alice"))

    [record] = entry.events
    assert (record.aggregate_type, record.aggregate_id) == ("EstateAccessAggregate", "estate-001")
    assert isinstance(record.event, EstateRoleGrantedEvent)
    assert (await estate_access(app)).role_of("user-456") == Role.estate_admin
    assert entry.description == "Alice granted Bob the admin role on Estate XYZ"
    assert app.registry.intent_from_json(intent.to_json()) == intent


async def test_document_example_grant_expiring_in_365_days(app: NomosApp) -> None:
    now = datetime.now(UTC)
    intent = GrantPermissionToUserIntent(
        target_user_id=UserId("user-456"),
        resource_type=ResourceType.estate,
        resource_id=ResourceId("estate-001"),
        role=Role.estate_admin,
        granted_by=UserId("alice"),
        expires_at=now + timedelta(days=365),
    )
    entry = await app.dispatch(intent, estate_ctx("estate-001", "alice"))

    access = await estate_access(app)
    [bob] = [m for m in access.members if m.user_id == UserId(BOB)]
    assert bob.expires_at == now + timedelta(days=365)
    assert access.role_of(BOB, now) == Role.estate_admin
    assert access.role_of(BOB, now + timedelta(days=366)) is None
    until = (now + timedelta(days=365)).date().isoformat()
    assert entry.description == f"Alice granted Bob the admin role on Estate XYZ until {until}"


# estate grants ---------------------------------------------------------------------------
async def test_granting_follows_can_grant(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_admin)
    await app.dispatch(grant("carol", ResourceType.estate, ESTATE, Role.estate_write, by=BOB), estate_ctx(ESTATE, BOB))

    refused = await rejected(
        app, grant("dave", ResourceType.estate, ESTATE, Role.estate_owner, by=BOB), estate_ctx(ESTATE, BOB)
    )
    assert (refused.rule, refused.field) == ("permissions.cannot_grant", "role")
    writer = await rejected(
        app, grant("dave", ResourceType.estate, ESTATE, Role.estate_read, by="carol"), estate_ctx(ESTATE, "carol")
    )
    assert writer.rule == "permissions.cannot_grant"
    assert (await estate_access(app)).role_of("carol") == Role.estate_write


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"target_user_id": UserId("ghost")}, "identity.unknown_user", "targetUserId"),
        ({"resource_id": ResourceId("estate-002")}, "estate.workspace_mismatch", "resourceId"),
        ({"expires_at": datetime(2020, 1, 1, tzinfo=UTC)}, "permissions.expiry_in_past", "expiresAt"),
    ],
)
async def test_an_estate_grant_is_refused(app: NomosApp, changes: dict[str, object], rule: str, field: str) -> None:
    intent = grant(BOB, ResourceType.estate, ESTATE, Role.estate_read).model_copy(update=changes)
    refused = await rejected(app, intent, estate_ctx(ESTATE, "alice"))
    assert (refused.rule, refused.field) == (rule, field)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": Role.site_admin}, "role"),  # a site role on an estate
        ({"resource_type": "building"}, "resource_type"),  # buildings have no roles of their own
        ({"expires_at": "2030-01-01T00:00:00"}, "expires_at"),  # no time zone
        ({"granted_by": None}, "granted_by"),
    ],
)
def test_grant_fields_are_validated_early(changes: dict[str, object], field: str) -> None:
    fields = {**grant(BOB, ResourceType.estate, ESTATE, Role.estate_read).model_dump(), **changes}
    with pytest.raises(ValidationError) as invalid:
        GrantPermissionToUserIntent.model_validate(fields)
    assert invalid.value.errors()[0]["loc"][0] == field


async def test_grant_and_revoke_estate_access(app: NomosApp) -> None:
    entry = await grant_estate_role(app, "carol", Role.estate_read)
    assert entry.description == "Alice granted Carol the read role on Estate XYZ"
    assert (await estate_access(app)).role_of("carol") == Role.estate_read

    revoke = RevokeEstateAccessIntent(estate_id=EstateId(ESTATE), target_user_id=UserId("carol"), revoked_by="alice")
    entry = await app.dispatch(revoke, estate_ctx(ESTATE, "alice"))

    assert isinstance(entry.events[0].event, EstateRoleRevokedEvent)
    assert (await estate_access(app)).role_of("carol") is None
    assert entry.description == "Alice revoked Carol's access to Estate XYZ"


async def test_estate_access_rejections(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_admin)
    not_member = RevokeEstateAccessIntent(estate_id=ESTATE, target_user_id="carol", revoked_by="alice")
    last_owner = RevokeEstateAccessIntent(estate_id=ESTATE, target_user_id="alice", revoked_by="alice")
    owner_by_admin = RevokeEstateAccessIntent(estate_id=ESTATE, target_user_id="alice", revoked_by=BOB)
    elsewhere = GrantEstateAccessIntent(
        estate_id="estate-002", target_user_id="carol", role=Role.estate_read, granted_by="alice"
    )

    assert (await rejected(app, not_member, estate_ctx(ESTATE))).rule == "permissions.not_a_member"
    assert (await rejected(app, last_owner, estate_ctx(ESTATE))).rule == "permissions.estate_needs_owner"
    assert (await rejected(app, owner_by_admin, estate_ctx(ESTATE, BOB))).rule == "permissions.cannot_grant"
    assert (await rejected(app, elsewhere, estate_ctx(ESTATE))).rule == "estate.workspace_mismatch"
    with pytest.raises(ValidationError):
        GrantEstateAccessIntent(estate_id=ESTATE, target_user_id="carol", role=Role.site_read, granted_by="alice")


async def test_revoke_permission_on_an_estate(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_write)
    revoke = RevokePermissionFromUserIntent(
        target_user_id=UserId(BOB),
        resource_type=ResourceType.estate,
        resource_id=ResourceId(ESTATE),
        revoked_by=UserId("alice"),
        reason=PermissionReasonDescription("Left the team"),
    )
    entry = await app.dispatch(revoke, estate_ctx(ESTATE))
    assert (await estate_access(app)).role_of(BOB) is None
    assert entry.description == "Alice revoked Bob's role on Estate XYZ"


# roles on a site, a layer, a feature ------------------------------------------------------------
async def test_an_estate_admin_grants_site_roles(app: NomosApp) -> None:
    entry = await app.dispatch(
        grant(BOB, ResourceType.site, SITE, Role.site_admin, reason=PermissionReasonDescription("Site lead")),
        estate_ctx(ESTATE),
    )

    [record] = entry.events
    assert record.aggregate_id == permission_key(ResourceType.site, SITE) == "site:site-001"
    assert isinstance(record.event, ResourcePermissionGrantedEvent)
    roles = await resource_roles(app, ResourceType.site, SITE)
    assert (roles.resource_type, roles.resource_id) == (ResourceType.site, ResourceId(SITE))
    [bob] = roles.grants
    assert (bob.user_id, bob.role, bob.granted_by) == (UserId(BOB), Role.site_admin, UserId("alice"))
    assert bob.reason == PermissionReasonDescription("Site lead")
    assert entry.description == "Alice granted Bob the admin role on Site Building A"
    bobs = await app.query(
        ResourcePermissionsAggregate, ESTATE, "main", BasicQuery(filters=(FieldFilter("user_ids", BOB, "contains"),))
    )
    assert [r.id for r in bobs] == ["site:site-001"]


async def test_a_site_admin_who_only_reads_the_estate_grants_on_their_site(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_read)
    await app.dispatch(site_grant(BOB, Role.site_admin), estate_ctx(ESTATE))

    entry = await app.dispatch(site_grant("carol", Role.site_write, by=BOB), estate_ctx(ESTATE, BOB))

    assert entry.description == "Bob granted Carol the write role on Site Building A"
    assert (await resource_roles(app, ResourceType.site, SITE)).role_of(UserId("carol")) == Role.site_write
    refused = await rejected(app, site_grant("dave", Role.site_read, by="carol"), estate_ctx(ESTATE, "carol"))
    assert refused.rule == "permissions.cannot_grant"
    estate_grant = grant("dave", ResourceType.estate, ESTATE, Role.estate_read, by=BOB)
    assert (await rejected(app, estate_grant, estate_ctx(ESTATE, BOB))).rule == "permissions.cannot_grant"


async def test_an_expired_site_admin_grants_nothing(app: NomosApp) -> None:
    now = datetime.now(UTC)
    soon = grant(BOB, ResourceType.site, SITE, Role.site_admin, expires_at=now + timedelta(days=1))
    await app.dispatch(soon, estate_ctx(ESTATE))

    later = IntentContext(workspace_id=ESTATE, actor_id=BOB, client_timestamp=now + timedelta(days=2))
    refused = await rejected(app, site_grant("carol", Role.site_read, by=BOB), later)
    assert refused.rule == "permissions.cannot_grant"


async def test_site_access_needs_an_existing_site(app: NomosApp) -> None:
    intent = GrantSiteAccessIntent(site_id="site-404", target_user_id=BOB, role=Role.site_read, granted_by="alice")
    refused = await rejected(app, intent, estate_ctx(ESTATE))
    assert (refused.rule, refused.field) == ("permissions.unknown_site", "siteId")
    by_resource = grant(BOB, ResourceType.site, "site-404", Role.site_read)
    assert (await rejected(app, by_resource, estate_ctx(ESTATE))).field == "resourceId"
    with pytest.raises(ValidationError):
        GrantSiteAccessIntent(site_id=SITE, target_user_id=BOB, role=Role.estate_read, granted_by="alice")


async def test_revoke_site_access(app: NomosApp) -> None:
    await app.dispatch(site_grant(BOB, Role.site_write), estate_ctx(ESTATE))
    revoke = RevokeSiteAccessIntent(site_id=SITE, target_user_id=BOB, revoked_by="alice", reason="Moved on")

    entry = await app.dispatch(revoke, estate_ctx(ESTATE))

    assert isinstance(entry.events[0].event, ResourcePermissionRevokedEvent)
    roles = await resource_roles(app, ResourceType.site, SITE)
    assert roles.grants == () and roles.user_ids == ()
    assert entry.description == "Alice revoked Bob's access to Site Building A"
    again = await rejected(app, revoke, estate_ctx(ESTATE))
    assert (again.rule, again.field) == ("permissions.not_a_member", "targetUserId")


async def test_layer_and_feature_roles(app: NomosApp) -> None:
    await app.dispatch(grant(BOB, ResourceType.layer, "layer-1", Role.layer_write), estate_ctx(ESTATE))
    await app.dispatch(grant(BOB, ResourceType.feature, "layer-1", Role.feature_none), estate_ctx(ESTATE))

    assert (await resource_roles(app, ResourceType.layer, "layer-1")).role_of(UserId(BOB)) == Role.layer_write
    assert (await resource_roles(app, ResourceType.feature, "layer-1")).role_of(UserId(BOB)) == Role.feature_none


async def test_resource_role_is_what_the_api_authorizes_from(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_read)
    await app.dispatch(grant(BOB, ResourceType.layer, "layer-1", Role.layer_admin), estate_ctx(ESTATE))

    assert await resource_role(app, ESTATE, ResourceType.estate, ESTATE, BOB) == Role.estate_read
    assert await resource_role(app, ESTATE, ResourceType.layer, "layer-1", BOB) == Role.layer_admin
    assert await resource_role(app, ESTATE, ResourceType.layer, "layer-1", "carol") is None
    assert await resource_role(app, ESTATE, ResourceType.site, SITE, BOB) is None


# role updates ------------------------------------------------------------------------------
def update(
    user: str, kind: ResourceType, resource: str, role: Role, by: str = "alice"
) -> UpdateUserPermissionRoleIntent:
    return UpdateUserPermissionRoleIntent(
        target_user_id=UserId(user),
        resource_type=kind,
        resource_id=ResourceId(resource),
        role=role,
        updated_by=UserId(by),
    )


async def test_update_an_estate_members_role(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_read)
    entry = await app.dispatch(update(BOB, ResourceType.estate, ESTATE, Role.estate_write), estate_ctx(ESTATE))
    assert (await estate_access(app)).role_of(BOB) == Role.estate_write
    assert entry.description == "Alice changed Bob's role on Estate XYZ to write"


async def test_role_updates_need_can_grant_on_old_and_new_role(app: NomosApp) -> None:
    await grant_estate_role(app, BOB, Role.estate_admin)
    await grant_estate_role(app, "carol", Role.estate_read)
    ctx = estate_ctx(ESTATE, BOB)

    demote_owner = await rejected(app, update("alice", ResourceType.estate, ESTATE, Role.estate_read, by=BOB), ctx)
    promote_owner = await rejected(app, update("carol", ResourceType.estate, ESTATE, Role.estate_owner, by=BOB), ctx)
    stranger = await rejected(app, update("dave", ResourceType.estate, ESTATE, Role.estate_read, by=BOB), ctx)

    assert demote_owner.rule == promote_owner.rule == "permissions.cannot_grant"
    assert (stranger.rule, stranger.field) == ("permissions.not_a_member", "targetUserId")


async def test_update_a_site_role(app: NomosApp) -> None:
    await app.dispatch(site_grant(BOB, Role.site_read), estate_ctx(ESTATE))
    entry = await app.dispatch(update(BOB, ResourceType.site, SITE, Role.site_admin), estate_ctx(ESTATE))

    assert (await resource_roles(app, ResourceType.site, SITE)).role_of(UserId(BOB)) == Role.site_admin
    assert entry.description == "Alice changed Bob's role on Site Building A to admin"
    stranger = await rejected(app, update("dave", ResourceType.site, SITE, Role.site_read), estate_ctx(ESTATE))
    assert stranger.rule == "permissions.not_a_member"

"""The cast of the identity tests: users, estate XYZ owned by Alice, and its site Building A."""

from __future__ import annotations

from nomos_mongo import IntentLedgerEntry, NomosApp
from schema.contracts import EmailAddress, EstateId, EstateName, Role, SiteId, SiteName, UserDisplayName, UserId
from schema.estates import CreateEstateIntent, CreateSiteWithTopologyDraftIntent
from schema.identity import CreateUserIntent, GrantEstateAccessIntent
from tests.schema.helpers import estate_ctx, system_ctx

ESTATE = "estate-001"
SITE = "site-001"
BOB = "user-456"  # the document's target user
NAMES = {"alice": "Alice", BOB: "Bob", "carol": "Carol", "dave": "Dave"}


def sign_up_intent(user_id: str, name: str) -> CreateUserIntent:
    return CreateUserIntent(
        user_id=UserId(user_id), display_name=UserDisplayName(name), email=EmailAddress(f"{user_id}@example.com")
    )


async def sign_up_everyone(app: NomosApp) -> None:
    for user_id, name in NAMES.items():
        await app.dispatch(sign_up_intent(user_id, name), system_ctx(user_id))


async def create_estate(app: NomosApp, estate_id: str = ESTATE, name: str = "XYZ", owner: str = "alice") -> None:
    intent = CreateEstateIntent(estate_id=EstateId(estate_id), name=EstateName(name))
    await app.dispatch(intent, estate_ctx(estate_id, owner))


async def create_site(app: NomosApp, site_id: str = SITE, name: str = "Building A", by: str = "alice") -> None:
    intent = CreateSiteWithTopologyDraftIntent(
        site_id=SiteId(site_id), site_name=SiteName(name), estate_id=EstateId(ESTATE)
    )
    await app.dispatch(intent, estate_ctx(ESTATE, by))


async def grant_estate_role(app: NomosApp, user_id: str, role: Role, by: str = "alice") -> IntentLedgerEntry:
    intent = GrantEstateAccessIntent(
        estate_id=EstateId(ESTATE), target_user_id=UserId(user_id), role=role, granted_by=UserId(by)
    )
    return await app.dispatch(intent, estate_ctx(ESTATE, by))


async def head(app: NomosApp, workspace_id: str = ESTATE) -> int:
    return await app.head(workspace_id, "main")

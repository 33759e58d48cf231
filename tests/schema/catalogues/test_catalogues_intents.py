"""Catalogues and listings on the engine (system workspace): creation, updates, deletion, curation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from schema.catalogues import (
    MODULE,
    CatalogueAggregate,
    CatalogueListingAggregate,
    CreateCatalogueIntent,
    CreateCatalogueListingIntent,
    DeleteCatalogueListingIntent,
    ListingChanges,
    UpdateListingAggregateIntent,
)
from schema.catalogues.events import (
    CatalogueCreatedEvent,
    CatalogueListingCreatedEvent,
    CatalogueListingDeletedEvent,
    CatalogueListingUpdatedEvent,
)
from schema.common import SYSTEM_WORKSPACE, Access, Co2Intent, Scope
from schema.contracts import (
    AssetType,
    CatalogueId,
    CatalogueListingId,
    CatalogueName,
    CatalogueStatus,
    CustomField,
    CustomFieldMap,
    CustomFieldSource,
    EmailAddress,
    ListingDescription,
    ListingStatus,
    ListingTitle,
    Money,
    OrganizationId,
    OrganizationName,
    UserDisplayName,
    UserId,
)
from schema.identity import AddUserToOrganizationIntent, CreateOrganizationIntent, CreateUserIntent
from tests.schema.helpers import system_ctx

CATALOGUE = CatalogueId("cat-hvac")
LISTING = CatalogueListingId("listing-123")


def catalogue(by: str = "alice", **changes: object) -> CreateCatalogueIntent:
    fields: dict[str, object] = {
        "catalogue_id": CATALOGUE,
        "name": CatalogueName("HVAC Equipment"),
        "created_by": UserId(by),
    }
    fields.update(changes)
    return CreateCatalogueIntent(**fields)  # type: ignore[arg-type]


def listing(by: str = "alice", **changes: object) -> CreateCatalogueListingIntent:
    fields: dict[str, object] = {
        "catalogue_id": CATALOGUE,
        "listing_id": LISTING,
        "title": ListingTitle("Standard Chiller Unit"),
        "asset_type": AssetType.from_code("chiller"),
        "default_custom_fields": CustomFieldMap.of(
            [CustomField.text("refrigerant", "R-134a"), CustomField.number("capacity_kw", 350)]
        ),
        "price": Money.eur(24999.99),
        "created_by": UserId(by),
    }
    fields.update(changes)
    return CreateCatalogueListingIntent(**fields)  # type: ignore[arg-type]


def update(changes: ListingChanges, by: str = "alice") -> UpdateListingAggregateIntent:
    return UpdateListingAggregateIntent(listing_id=LISTING, changes=changes, updated_by=UserId(by))


async def read_listing(app: NomosApp) -> CatalogueListingAggregate:
    found = await app.read_latest(CatalogueListingAggregate, SYSTEM_WORKSPACE, "main", LISTING.value)
    assert found is not None
    return found


async def assert_rejected(app: NomosApp, intent: object, rule: str, actor: str = "alice") -> IntentRejected:
    before = await app.head(SYSTEM_WORKSPACE, "main")
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, system_ctx(actor))  # type: ignore[arg-type]
    assert caught.value.rule == rule, caught.value
    assert await app.head(SYSTEM_WORKSPACE, "main") == before
    return caught.value


@pytest.mark.parametrize("intent_type", MODULE.intents, ids=lambda t: t.__name__)
async def test_every_catalogue_intent_is_registered_and_routed(co2_app: NomosApp, intent_type: type[Co2Intent]) -> None:
    assert co2_app.registry.intents[intent_type.__name__] is intent_type
    assert co2_app.policy.routes_for(intent_type)
    from_listing = intent_type.__name__.startswith(("CreateAssetFromListing", "BulkCreateAssets"))
    assert intent_type.scope is (Scope.WORKSPACE if from_listing else Scope.SYSTEM)
    assert intent_type.access is (Access.WRITE if from_listing else Access.AUTHENTICATED)


async def test_a_catalogue_is_created(co2_app: NomosApp) -> None:
    intent = catalogue()
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, system_ctx("alice"))

    [record] = entry.events
    assert isinstance(record.event, CatalogueCreatedEvent) and record.aggregate_id == "cat-hvac"
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    created = await co2_app.read_latest(CatalogueAggregate, SYSTEM_WORKSPACE, "main", "cat-hvac")
    assert created is not None and created.status is CatalogueStatus.published
    assert co2_app.registry.aggregate_from_json(created.to_json()) == created
    assert entry.description == "alice created catalogue HVAC Equipment"
    await assert_rejected(co2_app, catalogue(), "catalogues.catalogue_exists")
    with pytest.raises(ValidationError, match="name"):
        catalogue(name=CatalogueName(""))


async def test_a_listing_is_a_template_with_listing_fields(co2_app: NomosApp) -> None:
    await co2_app.dispatch(catalogue(), system_ctx("alice"))
    intent = listing()
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, system_ctx("alice"))

    [record] = entry.events
    assert isinstance(record.event, CatalogueListingCreatedEvent)
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    created = await read_listing(co2_app)
    assert created.status is ListingStatus.active and created.price == Money.eur("24999.99")
    assert created.asset_type == AssetType.from_code("chiller")
    assert {f.source for f in created.default_custom_fields.values()} == {CustomFieldSource.listing}
    assert created.default_custom_fields["capacity_kw"].number_value == 350
    assert co2_app.registry.aggregate_from_json(created.to_json()) == created
    assert entry.description == "alice added listing Standard Chiller Unit (chiller) to catalogue HVAC Equipment"


async def test_listing_rules(co2_app: NomosApp) -> None:
    with pytest.raises(ValidationError, match="must not be negative"):
        listing(price=Money.eur(-1))
    with pytest.raises(ValidationError, match="title"):
        listing(title=ListingTitle(" "))
    await assert_rejected(co2_app, listing(), "catalogues.catalogue_not_found")
    await co2_app.dispatch(catalogue(), system_ctx("alice"))
    await assert_rejected(co2_app, listing(by="mallory"), "catalogues.not_a_curator", actor="mallory")
    await co2_app.dispatch(listing(), system_ctx("alice"))
    await assert_rejected(co2_app, listing(), "catalogues.listing_exists")

    archived = catalogue(catalogue_id=CatalogueId("cat-old"), status=CatalogueStatus.archived)
    await co2_app.dispatch(archived, system_ctx("alice"))
    old = listing(catalogue_id=CatalogueId("cat-old"), listing_id=CatalogueListingId("listing-old"))
    await assert_rejected(co2_app, old, "catalogues.catalogue_archived")


async def test_a_listing_is_updated(co2_app: NomosApp) -> None:
    await co2_app.dispatch(catalogue(), system_ctx("alice"))
    await co2_app.dispatch(listing(), system_ctx("alice"))
    intent = update(
        ListingChanges(
            title=ListingTitle("Chiller Unit 350 kW"),
            description=ListingDescription("Air-cooled"),
            default_custom_fields=CustomFieldMap({"refrigerant": "R-1234ze"}),
            price=Money.eur(22000),
        )
    )
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, system_ctx("alice"))

    [record] = entry.events
    assert isinstance(record.event, CatalogueListingUpdatedEvent)
    assert co2_app.registry.event_from_json(record.event.to_json()) == record.event
    updated = await read_listing(co2_app)
    assert updated.title == ListingTitle("Chiller Unit 350 kW") and updated.price == Money.eur(22000)
    assert updated.default_custom_fields == CustomFieldMap.of(
        [CustomField.text("refrigerant", "R-1234ze", source=CustomFieldSource.listing)]
    )
    assert updated.asset_type == AssetType.from_code("chiller")  # untouched
    assert entry.description == (
        "alice updated listing Standard Chiller Unit (title, description, default custom fields, price)"
    )

    await co2_app.dispatch(
        update(ListingChanges(clear_price=True, description=ListingDescription(""), status=ListingStatus.archived)),
        system_ctx("alice"),
    )
    cleared = await read_listing(co2_app)
    assert (cleared.price, cleared.description, cleared.status) == (None, None, ListingStatus.archived)


async def test_update_rules(co2_app: NomosApp) -> None:
    with pytest.raises(ValidationError, match="names no change"):
        ListingChanges()
    with pytest.raises(ValidationError, match="clearPrice"):
        ListingChanges(price=Money.eur(1), clear_price=True)
    await assert_rejected(co2_app, update(ListingChanges(price=Money.eur(1))), "catalogues.listing_not_found")
    await co2_app.dispatch(catalogue(), system_ctx("alice"))
    await co2_app.dispatch(listing(), system_ctx("alice"))
    await assert_rejected(
        co2_app, update(ListingChanges(price=Money.eur(1)), by="mallory"), "catalogues.not_a_curator", "mallory"
    )


async def test_a_listing_is_deleted(co2_app: NomosApp) -> None:
    await co2_app.dispatch(catalogue(), system_ctx("alice"))
    await co2_app.dispatch(listing(), system_ctx("alice"))
    intent = DeleteCatalogueListingIntent(listing_id=LISTING, deleted_by=UserId("alice"))
    assert co2_app.registry.intent_from_json(intent.to_json()) == intent

    entry = await co2_app.dispatch(intent, system_ctx("alice"))

    assert isinstance(entry.events[0].event, CatalogueListingDeletedEvent)
    assert entry.description == "alice deleted listing Standard Chiller Unit"
    assert await co2_app.read_latest(CatalogueListingAggregate, SYSTEM_WORKSPACE, "main", LISTING.value) is None
    await assert_rejected(co2_app, intent.model_copy(update={"id": None}), "catalogues.listing_not_found")


async def test_an_organizations_members_curate_its_catalogue(co2_app: NomosApp) -> None:
    for user in ("alice", "bob", "mallory"):
        await co2_app.dispatch(
            CreateUserIntent(
                user_id=UserId(user), display_name=UserDisplayName(user.title()), email=EmailAddress(f"{user}@x.org")
            ),
            system_ctx(user),
        )
    acme = OrganizationId("org-acme")
    await co2_app.dispatch(
        CreateOrganizationIntent(organization_id=acme, name=OrganizationName("Acme"), created_by=UserId("alice")),
        system_ctx("alice"),
    )
    await co2_app.dispatch(
        AddUserToOrganizationIntent(organization_id=acme, user_id=UserId("bob"), added_by=UserId("alice")),
        system_ctx("alice"),
    )
    await assert_rejected(co2_app, catalogue(by="mallory", organization_id=acme), "catalogues.not_a_member", "mallory")
    unknown = catalogue(organization_id=OrganizationId("org-none"))
    await assert_rejected(co2_app, unknown, "catalogues.unknown_organization")
    await co2_app.dispatch(catalogue(organization_id=acme), system_ctx("alice"))

    await co2_app.dispatch(listing(by="bob"), system_ctx("bob"))
    await co2_app.dispatch(update(ListingChanges(price=Money.eur(1)), by="bob"), system_ctx("bob"))
    await assert_rejected(
        co2_app, update(ListingChanges(price=Money.eur(2)), by="mallory"), "catalogues.not_a_curator", "mallory"
    )

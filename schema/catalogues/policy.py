"""Routes for catalogue, listing and asset-from-listing intents, and the names they resolve."""

from __future__ import annotations

from typing import Any

from nomos_mongo import Directive, DirectiveContext, IntentRejected, SnapshotReader
from schema.catalogues.group import GROUP
from schema.common import SYSTEM_WORKSPACE
from schema.contracts import AssetNickname, CatalogueId, CatalogueListingId, TrackableAssetId

from .aggregates import CatalogueAggregate, CatalogueListingAggregate
from .asset_directives import AssetsFromListingPayload, ListingAsset, ProvisionAssetsFromListingDirective
from .asset_intents import (
    MAX_ASSETS_FROM_LISTING,
    BulkCreateAssetsFromListingIntent,
    CreateAssetFromListingIntent,
    CreateAssetFromListingWithPositionIntent,
)
from .directives import (
    CreateCatalogueDirective,
    CreateListingDirective,
    DeleteListingDirective,
    DeleteListingPayload,
    NewCataloguePayload,
    NewListingPayload,
    UpdateListingDirective,
    UpdateListingPayload,
)
from .intents import (
    CreateCatalogueIntent,
    CreateCatalogueListingIntent,
    DeleteCatalogueListingIntent,
    UpdateListingAggregateIntent,
)
from .values import from_listing

Directives = list[Directive[Any, Any]]


@GROUP.route(CreateCatalogueIntent)
def create_catalogue(intent: CreateCatalogueIntent, ctx: DirectiveContext) -> Directives:
    payload = NewCataloguePayload(
        catalogue_id=intent.catalogue_id or CatalogueId(ctx.derive_id("catalogue")),
        name=intent.name,
        description=intent.description,
        status=intent.status,
        organization_id=intent.organization_id,
        created_by=intent.created_by,
        created_at=ctx.now,
    )
    return [CreateCatalogueDirective(payload=payload)]


@GROUP.route(CreateCatalogueListingIntent)
def create_listing(intent: CreateCatalogueListingIntent, ctx: DirectiveContext) -> Directives:
    payload = NewListingPayload(
        listing_id=intent.listing_id or CatalogueListingId(ctx.derive_id("listing")),
        catalogue_id=intent.catalogue_id,
        title=intent.title,
        description=intent.description,
        asset_type=intent.asset_type,
        default_custom_fields=from_listing(intent.default_custom_fields),
        price=intent.price,
        status=intent.status,
        created_by=intent.created_by,
        created_at=ctx.now,
    )
    return [CreateListingDirective(payload=payload)]


@GROUP.route(UpdateListingAggregateIntent)
def update_listing(intent: UpdateListingAggregateIntent, ctx: DirectiveContext) -> Directives:
    changes = intent.changes
    if changes.default_custom_fields is not None:
        changes = changes.model_copy(update={"default_custom_fields": from_listing(changes.default_custom_fields)})
    payload = UpdateListingPayload(
        listing_id=intent.listing_id, changes=changes, updated_by=intent.updated_by, updated_at=ctx.now
    )
    return [UpdateListingDirective(payload=payload)]


@GROUP.route(DeleteCatalogueListingIntent)
def delete_listing(intent: DeleteCatalogueListingIntent, ctx: DirectiveContext) -> Directives:
    payload = DeleteListingPayload(listing_id=intent.listing_id, deleted_by=intent.deleted_by, deleted_at=ctx.now)
    return [DeleteListingDirective(payload=payload)]


@GROUP.route(CreateAssetFromListingIntent, CreateAssetFromListingWithPositionIntent)
def create_asset_from_listing(
    intent: CreateAssetFromListingIntent | CreateAssetFromListingWithPositionIntent, ctx: DirectiveContext
) -> Directives:
    asset = ListingAsset(
        asset_id=intent.asset_id or TrackableAssetId(ctx.derive_id("asset")), nickname=intent.custom_nickname
    )
    placed = intent if isinstance(intent, CreateAssetFromListingWithPositionIntent) else None
    payload = AssetsFromListingPayload(
        listing_id=intent.listing_id,
        assets=(asset,),
        custom_fields=intent.custom_fields,
        structural_assignment=placed.structural_assignment if placed else None,
        position=placed.position if placed else None,
        created_by=intent.created_by,
        created_at=ctx.now,
    )
    return [ProvisionAssetsFromListingDirective(payload=payload)]


@GROUP.route(BulkCreateAssetsFromListingIntent)
def bulk_create_assets_from_listing(intent: BulkCreateAssetsFromListingIntent, ctx: DirectiveContext) -> Directives:
    if intent.count > MAX_ASSETS_FROM_LISTING:
        raise IntentRejected(
            "catalogues.bulk_limit",
            f"at most {MAX_ASSETS_FROM_LISTING} assets per intent, asked for {intent.count}; "
            "split the request into several intents",
            field="count",
        )
    prefix = intent.nickname_prefix.value[:190] if intent.nickname_prefix else None
    assets = tuple(
        ListingAsset(
            asset_id=TrackableAssetId(ctx.derive_id(f"asset-{number}")),
            nickname=AssetNickname(f"{prefix} {number}") if prefix else None,
            number=number,  # without a prefix: the listing's title, which only planning reads
        )
        for number in range(1, intent.count + 1)
    )
    payload = AssetsFromListingPayload(
        listing_id=intent.listing_id,
        assets=assets,
        custom_fields=intent.custom_fields,
        structural_assignment=intent.structural_assignment,
        created_by=intent.created_by,
        created_at=ctx.now,
    )
    return [ProvisionAssetsFromListingDirective(payload=payload)]


@GROUP.name_resolver("catalogue")
async def catalogue_name(reader: SnapshotReader, catalogue_id: str) -> str | None:
    catalogue = await reader.get(CatalogueAggregate, catalogue_id, include_deleted=True, workspace_id=SYSTEM_WORKSPACE)
    return (catalogue.name.value or None) if catalogue is not None else None


@GROUP.name_resolver("catalogueListing")
async def listing_title(reader: SnapshotReader, listing_id: str) -> str | None:
    listing = await reader.get(
        CatalogueListingAggregate, listing_id, include_deleted=True, workspace_id=SYSTEM_WORKSPACE
    )
    return f"listing {listing.title.value}" if listing is not None and listing.title.value else None


# The kinds are ResourceType values, so permission sentences find them too.

"""Catalogues: asset templates (listings) kept in the system workspace and shared by every
estate, and the intents that make assets in an estate from a listing, one or many at once."""

from __future__ import annotations

from nomos_mongo import NomosModule

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
from .events import (
    CatalogueCreatedEvent,
    CatalogueListingCreatedEvent,
    CatalogueListingDeletedEvent,
    CatalogueListingUpdatedEvent,
)
from .intents import (
    CreateCatalogueIntent,
    CreateCatalogueListingIntent,
    DeleteCatalogueListingIntent,
    UpdateListingAggregateIntent,
)
from .policy import NAME_RESOLVERS, ROUTES
from .values import ListingChanges

MODULE = NomosModule(
    name="co2.catalogues",
    intents=(
        CreateCatalogueIntent,
        CreateCatalogueListingIntent,
        UpdateListingAggregateIntent,
        DeleteCatalogueListingIntent,
        CreateAssetFromListingIntent,
        CreateAssetFromListingWithPositionIntent,
        BulkCreateAssetsFromListingIntent,
    ),
    directives=(
        CreateCatalogueDirective,
        CreateListingDirective,
        UpdateListingDirective,
        DeleteListingDirective,
        ProvisionAssetsFromListingDirective,
    ),
    events=(
        CatalogueCreatedEvent,
        CatalogueListingCreatedEvent,
        CatalogueListingUpdatedEvent,
        CatalogueListingDeletedEvent,
    ),
    aggregates=(CatalogueAggregate, CatalogueListingAggregate),
    payloads=(
        NewCataloguePayload,
        NewListingPayload,
        UpdateListingPayload,
        DeleteListingPayload,
        AssetsFromListingPayload,
    ),
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MAX_ASSETS_FROM_LISTING",
    "MODULE",
    "BulkCreateAssetsFromListingIntent",
    "CatalogueAggregate",
    "CatalogueListingAggregate",
    "CreateAssetFromListingIntent",
    "CreateAssetFromListingWithPositionIntent",
    "CreateCatalogueIntent",
    "CreateCatalogueListingIntent",
    "DeleteCatalogueListingIntent",
    "ListingAsset",
    "ListingChanges",
    "UpdateListingAggregateIntent",
]

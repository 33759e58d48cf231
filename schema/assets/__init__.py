"""Trackable assets: create, update, delete, bulk update, move and comment."""

from __future__ import annotations

from nomos_mongo import NomosModule
from schema.assets.aggregates import ASSET_AGGREGATES, TrackableAssetAggregate, TrackableAssetCommentAggregate
from schema.assets.directives import ASSET_DIRECTIVES, ASSET_PAYLOADS
from schema.assets.events import (
    ASSET_EVENTS,
    AssetCommentCreatedEvent,
    AssetCreatedEvent,
    AssetDeletedEvent,
    AssetMovedEvent,
    AssetUpdatedEvent,
)
from schema.assets.intents import (
    ASSET_INTENTS,
    BulkUpdateTrackableAssetsIntent,
    CreateTrackableAssetCommentIntent,
    CreateTrackableAssetIntent,
    DeleteTrackableAssetIntent,
    MoveTrackableAssetsIntent,
    UpdateTrackableAssetIntent,
)
from schema.assets.policy import NAME_RESOLVERS, ROUTES
from schema.assets.values import AssetChanges, AssetPosition

MODULE = NomosModule(
    name="co2.assets",
    intents=ASSET_INTENTS,
    directives=ASSET_DIRECTIVES,
    events=ASSET_EVENTS,
    aggregates=ASSET_AGGREGATES,
    payloads=ASSET_PAYLOADS,
    routes=ROUTES,
    name_resolvers=NAME_RESOLVERS,
)

__all__ = [
    "MODULE",
    "AssetChanges",
    "AssetCommentCreatedEvent",
    "AssetCreatedEvent",
    "AssetDeletedEvent",
    "AssetMovedEvent",
    "AssetPosition",
    "AssetUpdatedEvent",
    "BulkUpdateTrackableAssetsIntent",
    "CreateTrackableAssetCommentIntent",
    "CreateTrackableAssetIntent",
    "DeleteTrackableAssetIntent",
    "MoveTrackableAssetsIntent",
    "TrackableAssetAggregate",
    "TrackableAssetCommentAggregate",
    "UpdateTrackableAssetIntent",
]

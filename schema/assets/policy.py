"""Routes of the trackable-asset intents, and the asset names their descriptions resolve."""

from __future__ import annotations

from typing import Any

from nomos_mongo import Directive, DirectiveContext, SnapshotReader
from schema.assets.aggregates import TrackableAssetAggregate
from schema.assets.directives import (
    CreateAssetCommentDirective,
    DeleteAssetDirective,
    DeleteAssetPayload,
    MoveAssetsToPositionsDirective,
    MoveAssetsToRoomDirective,
    MoveToPositionsPayload,
    MoveToRoomPayload,
    NewAssetCommentPayload,
    NewAssetPayload,
    ProvisionAssetDirective,
    UpdateAssetsDirective,
    UpdateAssetsPayload,
)
from schema.assets.group import GROUP
from schema.assets.intents import (
    BulkUpdateTrackableAssetsIntent,
    CreateTrackableAssetCommentIntent,
    CreateTrackableAssetIntent,
    DeleteTrackableAssetIntent,
    MoveTrackableAssetsIntent,
    UpdateTrackableAssetIntent,
)
from schema.contracts.identifiers import CommentId, TrackableAssetId

Directives = list[Directive[Any, Any]]


@GROUP.route(CreateTrackableAssetIntent)
def create_trackable_asset(intent: CreateTrackableAssetIntent, ctx: DirectiveContext) -> Directives:
    payload = NewAssetPayload(
        asset_id=intent.asset_id or TrackableAssetId(ctx.derive_id("asset")),
        name=intent.name,
        description=intent.description,
        asset_type=intent.asset_type,
        custom_fields=intent.custom_fields,
        structural_assignment=intent.structural_assignment,
        created_by=intent.created_by_user_id,
        created_at=ctx.now,
    )
    return [ProvisionAssetDirective(payload=payload)]


@GROUP.route(UpdateTrackableAssetIntent, BulkUpdateTrackableAssetsIntent)
def update_trackable_assets(
    intent: UpdateTrackableAssetIntent | BulkUpdateTrackableAssetsIntent, ctx: DirectiveContext
) -> Directives:
    asset_ids = (intent.asset_id,) if isinstance(intent, UpdateTrackableAssetIntent) else intent.asset_ids
    payload = UpdateAssetsPayload(
        asset_ids=asset_ids, changes=intent.updates, updated_by=intent.updated_by, updated_at=ctx.now
    )
    return [UpdateAssetsDirective(payload=payload)]


@GROUP.route(DeleteTrackableAssetIntent)
def delete_trackable_asset(intent: DeleteTrackableAssetIntent, ctx: DirectiveContext) -> Directives:
    payload = DeleteAssetPayload(asset_id=intent.asset_id, deleted_by=intent.deleted_by, deleted_at=ctx.now)
    return [DeleteAssetDirective(payload=payload)]


@GROUP.route(MoveTrackableAssetsIntent)
def move_trackable_assets(intent: MoveTrackableAssetsIntent, ctx: DirectiveContext) -> Directives:
    if intent.structural_assignment is not None:
        to_room = MoveToRoomPayload(
            asset_ids=intent.asset_ids,
            structural_assignment=intent.structural_assignment,
            moved_by=intent.moved_by,
            moved_at=ctx.now,
        )
        return [MoveAssetsToRoomDirective(payload=to_room)]
    to_points = MoveToPositionsPayload(positions=intent.positions, moved_by=intent.moved_by, moved_at=ctx.now)
    return [MoveAssetsToPositionsDirective(payload=to_points)]


@GROUP.route(CreateTrackableAssetCommentIntent)
def create_trackable_asset_comment(intent: CreateTrackableAssetCommentIntent, ctx: DirectiveContext) -> Directives:
    payload = NewAssetCommentPayload(
        comment_id=intent.comment_id or CommentId(ctx.derive_id("comment")),
        asset_id=intent.asset_id,
        text=intent.text,
        created_by=intent.created_by,
        created_at=ctx.now,
    )
    return [CreateAssetCommentDirective(payload=payload)]


@GROUP.name_resolver("trackableAsset")
async def asset_name(reader: SnapshotReader, asset_id: str) -> str | None:
    asset = await reader.get(TrackableAssetAggregate, asset_id, include_deleted=True)
    return (asset.name.value or None) if asset is not None else None


# The kind is ResourceType.trackable_asset's value, so permission sentences find it too.

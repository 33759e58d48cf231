"""The trackable-asset intents: create, update, delete, bulk update, move, comment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from nomos_mongo import ACTOR, DescribeContext, IntentDescription, NameRef
from schema.assets.group import GROUP
from schema.assets.values import AssetChanges, RequiredAssetNickname, RequiredCommentText
from schema.common import Co2Intent
from schema.contracts.assets import AssetType
from schema.contracts.base import ContractViolation, MaxItems, repeated
from schema.contracts.custom_fields import CustomFieldMap
from schema.contracts.identifiers import CommentId, TrackableAssetId, UserId
from schema.contracts.locations import StructuralAssignment
from schema.contracts.names import AssetDescription
from schema.contracts.payloads import AssetMovePayload

MAX_ASSETS_PER_INTENT = 1_000


def _distinct(ids: Sequence[TrackableAssetId]) -> None:
    twice = repeated(ids)
    if twice:
        raise ValueError(f"names {', '.join(twice)} more than once")


def _distinct_ids(ids: tuple[TrackableAssetId, ...]) -> tuple[TrackableAssetId, ...]:
    _distinct(ids)
    return ids


def _distinct_moves(moves: tuple[AssetMovePayload, ...]) -> tuple[AssetMovePayload, ...]:
    _distinct([move.asset_id for move in moves])
    return moves


Limit = MaxItems(MAX_ASSETS_PER_INTENT)
AssetIds = Annotated[tuple[TrackableAssetId, ...], Limit, AfterValidator(_distinct_ids)]
AssetMoves = Annotated[tuple[AssetMovePayload, ...], Limit, AfterValidator(_distinct_moves)]


def _asset(ctx: DescribeContext, asset_id: TrackableAssetId) -> NameRef:
    return ctx.resource_name("trackableAsset", asset_id.value)


def _assets_template(asset_ids: Sequence[TrackableAssetId]) -> str:
    return "asset {asset}" if len(asset_ids) == 1 else f"{len(asset_ids)} assets"


@GROUP.intent
class CreateTrackableAssetIntent(Co2Intent):
    """Without `asset_type` an asset is generic, as `AssetType.from_code(None)` is."""

    asset_id: TrackableAssetId | None = None
    name: RequiredAssetNickname
    description: AssetDescription | None = None
    asset_type: AssetType = AssetType.generic
    created_by_user_id: Annotated[UserId, ACTOR]
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    structural_assignment: StructuralAssignment | None = None

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        # The document's fromJson reads a null customFields as none.
        return CustomFieldMap.empty() if value is None else value

    def __str__(self) -> str:
        return f"CreateTrackableAssetIntent({self.name}: {self.asset_type})"

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        type_label = "" if self.asset_type.is_generic else f" ({self.asset_type.code})"
        return IntentDescription(
            "{actor} created asset {assetName}{typeLabel}",
            {
                "actor": ctx.actor_name(fallback=self.created_by_user_id.value),
                "assetName": self.name.value,
                "typeLabel": type_label,
            },
        )


@GROUP.intent
class UpdateTrackableAssetIntent(Co2Intent):
    asset_id: TrackableAssetId
    updates: AssetChanges
    updated_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated asset {asset} ({fields})",
            {
                "actor": ctx.actor_name(fallback=self.updated_by.value),
                "asset": _asset(ctx, self.asset_id),
                "fields": ", ".join(self.updates.changed_fields),
            },
        )


@GROUP.intent
class DeleteTrackableAssetIntent(Co2Intent):
    asset_id: TrackableAssetId
    deleted_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} deleted asset {asset}",
            {"actor": ctx.actor_name(fallback=self.deleted_by.value), "asset": _asset(ctx, self.asset_id)},
        )


@GROUP.intent
class BulkUpdateTrackableAssetsIntent(Co2Intent):
    """One set of changes applied to every listed asset, atomically."""

    asset_ids: Annotated[AssetIds, Field(min_length=1)]
    updates: AssetChanges
    updated_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} updated " + _assets_template(self.asset_ids) + " ({fields})",
            {
                "actor": ctx.actor_name(fallback=self.updated_by.value),
                "asset": _asset(ctx, self.asset_ids[0]),
                "fields": ", ".join(self.updates.changed_fields),
            },
        )


@GROUP.intent
class MoveTrackableAssetsIntent(Co2Intent):
    """Either `asset_ids` into the room of `structural_assignment`, or each asset of
    `positions` to its own point on the earth."""

    asset_ids: AssetIds = ()
    structural_assignment: StructuralAssignment | None = None
    positions: AssetMoves = ()
    moved_by: Annotated[UserId, ACTOR]

    @model_validator(mode="after")
    def _one_destination(self) -> Self:
        if self.structural_assignment is not None:
            if self.positions:
                raise ContractViolation("positions", "move to a room or to positions, not both")
            if not self.asset_ids:
                raise ContractViolation("assetIds", "name the assets to move into the room")
        elif not self.positions:
            raise ContractViolation("structuralAssignment", "give a room (structuralAssignment) or positions")
        elif self.asset_ids:
            raise ContractViolation("assetIds", "positions name their assets; leave assetIds empty")
        return self

    @property
    def moved_asset_ids(self) -> tuple[TrackableAssetId, ...]:
        return self.asset_ids or tuple(move.asset_id for move in self.positions)

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        if self.structural_assignment is not None:
            room_id = self.structural_assignment.room_id.value
            destination: NameRef | str = ctx.resource_name("room", room_id, fallback=f"room {room_id}")
        elif len(self.positions) == 1:
            destination = f"{self.positions[0].latitude:g}, {self.positions[0].longitude:g}"
        else:
            destination = "their new positions"
        moved = self.moved_asset_ids
        return IntentDescription(
            "{actor} moved " + _assets_template(moved) + " to {destination}",
            {
                "actor": ctx.actor_name(fallback=self.moved_by.value),
                "asset": _asset(ctx, moved[0]),
                "destination": destination,
            },
        )


@GROUP.intent
class CreateTrackableAssetCommentIntent(Co2Intent):
    comment_id: CommentId | None = None
    asset_id: TrackableAssetId
    text: RequiredCommentText
    created_by: Annotated[UserId, ACTOR]

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} commented on asset {asset}",
            {"actor": ctx.actor_name(fallback=self.created_by.value), "asset": _asset(ctx, self.asset_id)},
        )

"""Trackable assets and the comments on them.

Comments are aggregates of their own rather than a list on the asset: they only grow, and
an asset read (every list and map of assets) should not carry its whole discussion. A
comment names its asset; query comments by `asset_id`.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import Field

from nomos_mongo import Aggregate, Event, IntentRejected
from schema.assets.events import (
    AssetCommentCreatedEvent,
    AssetCreatedEvent,
    AssetDeletedEvent,
    AssetMovedEvent,
    AssetUpdatedEvent,
)
from schema.assets.group import GROUP
from schema.assets.values import AssetChanges, AssetPosition
from schema.contracts.assets import AssetType
from schema.contracts.custom_fields import CustomFieldMap
from schema.contracts.identifiers import TrackableAssetId, UserId
from schema.contracts.locations import StructuralAssignment
from schema.contracts.names import AssetDescription, AssetNickname, CommentText


@GROUP.aggregate
class TrackableAssetAggregate(Aggregate):
    #: The fields clients sort and filter assets by, each with a store index. Every index is
    #: written by every create and rename, so the free-text description and `updated_by` have
    #: none: filtering or ordering by them still works, by a scan of the estate's assets.
    query_indexes: ClassVar[tuple[str, ...]] = ("name", "asset_type", "created_by", "created_at", "updated_at")

    name: AssetNickname = AssetNickname.unresolved
    description: AssetDescription | None = None
    asset_type: AssetType = AssetType.generic
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    structural_assignment: StructuralAssignment | None = None
    position: AssetPosition | None = None
    created_by: UserId | None = None
    created_at: datetime | None = None
    updated_by: UserId | None = None
    updated_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None and not self.deleted

    def not_found(self) -> IntentRejected:
        return IntentRejected("asset.not_found", f"asset {self.id} does not exist", field="assetId")

    def apply(self, event: Event) -> TrackableAssetAggregate:
        match event:
            case AssetCreatedEvent():
                return self.evolve(
                    name=event.name,
                    description=event.description,
                    asset_type=event.asset_type,
                    custom_fields=event.custom_fields,
                    structural_assignment=event.structural_assignment,
                    created_by=event.created_by,
                    created_at=event.created_at,
                )
            case AssetUpdatedEvent():
                return self.evolve(
                    **self._changed(event.changes), updated_by=event.updated_by, updated_at=event.updated_at
                )
            case AssetMovedEvent():
                return self.evolve(
                    structural_assignment=event.structural_assignment,
                    position=event.position,
                    updated_by=event.moved_by,
                    updated_at=event.moved_at,
                )
            case AssetDeletedEvent():
                return self.evolve(deleted=True, updated_by=event.deleted_by, updated_at=event.deleted_at)
        return self

    def _changed(self, changes: AssetChanges) -> dict[str, object]:
        fields: dict[str, object] = {}
        if changes.name is not None:
            fields["name"] = changes.name
        if changes.description is not None:
            fields["description"] = None if changes.description.is_unresolved else changes.description
        if changes.asset_type is not None:
            fields["asset_type"] = changes.asset_type
        if changes.structural_assignment is not None:
            fields.update(structural_assignment=changes.structural_assignment, position=None)
        if changes.clear_structural_assignment:
            fields["structural_assignment"] = None
        if changes.custom_fields or changes.removed_custom_fields:
            custom = self.custom_fields
            for field in changes.custom_fields.values():
                custom = custom.with_field(field)
            for key in changes.removed_custom_fields:
                custom = custom.without(key)
            fields["custom_fields"] = custom
        return fields

    def validate_state(self) -> None:
        if self.created_at is None:
            raise self.not_found()


@GROUP.aggregate
class TrackableAssetCommentAggregate(Aggregate):
    asset_id: TrackableAssetId = TrackableAssetId.unresolved
    text: CommentText = CommentText.unresolved
    created_by: UserId | None = None
    created_at: datetime | None = None

    def apply(self, event: Event) -> TrackableAssetCommentAggregate:
        match event:
            case AssetCommentCreatedEvent():
                return self.evolve(
                    asset_id=event.asset_id, text=event.text, created_by=event.created_by, created_at=event.created_at
                )
        return self

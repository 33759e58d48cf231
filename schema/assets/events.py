"""What happens to trackable assets and their comments."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from nomos_mongo import Event
from schema.assets.group import GROUP
from schema.assets.values import AssetChanges, AssetPosition
from schema.contracts.assets import AssetType
from schema.contracts.custom_fields import CustomFieldMap
from schema.contracts.identifiers import TrackableAssetId, UserId
from schema.contracts.locations import StructuralAssignment
from schema.contracts.names import AssetDescription, AssetNickname, CommentText


@GROUP.event
class AssetCreatedEvent(Event):
    name: AssetNickname
    description: AssetDescription | None = None
    asset_type: AssetType
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    structural_assignment: StructuralAssignment | None = None  # complete: building, site and level filled
    created_by: UserId
    created_at: datetime


@GROUP.event
class AssetUpdatedEvent(Event):
    changes: AssetChanges  # a structural assignment in it is complete
    updated_by: UserId
    updated_at: datetime


@GROUP.event
class AssetMovedEvent(Event):
    """The asset is now in a room or at a position: placing it one way clears the other."""

    structural_assignment: StructuralAssignment | None = None
    position: AssetPosition | None = None
    moved_by: UserId
    moved_at: datetime


@GROUP.event
class AssetDeletedEvent(Event):
    deleted_by: UserId
    deleted_at: datetime


@GROUP.event
class AssetCommentCreatedEvent(Event):
    asset_id: TrackableAssetId
    text: CommentText
    created_by: UserId
    created_at: datetime

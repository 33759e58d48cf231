"""Referential integrity of what attachments point at: folders, and the things they document."""

from __future__ import annotations

from nomos_mongo import Aggregate, IntentRejected, SnapshotReader
from schema.assets.aggregates import TrackableAssetAggregate
from schema.contracts import FolderId, ResourceType
from schema.estates.aggregates import BuildingAggregate, RoomAggregate, SiteAggregate

from .aggregates import FolderAggregate
from .values import AttachmentTarget

# Target kinds whose aggregates exist today; others (proposals, layers, ...) are taken on
# trust until their groups exist.
TARGET_AGGREGATES: dict[ResourceType, type[Aggregate]] = {
    ResourceType.site: SiteAggregate,
    ResourceType.building: BuildingAggregate,
    ResourceType.room: RoomAggregate,
    ResourceType.trackable_asset: TrackableAssetAggregate,
}


async def require_folder(snapshots: SnapshotReader, folder_id: FolderId, field: str) -> FolderAggregate:
    folder = await snapshots.get(FolderAggregate, folder_id.value)
    if folder is None or not folder.exists:
        raise IntentRejected(
            "attachments.folder_not_found", f"folder {folder_id} does not exist in this estate", field=field
        )
    return folder


async def require_target(snapshots: SnapshotReader, target: AttachmentTarget, workspace_id: str) -> None:
    found = True
    if target.target_type is ResourceType.estate:
        found = target.target_id.value == workspace_id
    elif target.target_type in TARGET_AGGREGATES:
        state = await snapshots.get(TARGET_AGGREGATES[target.target_type], target.target_id.value)
        found = state is not None and getattr(state, "exists", True)
    if not found:
        raise IntentRejected(
            "attachments.target_not_found",
            f"{target.label} {target.target_id} does not exist in this estate; attach the file to something that does",
            field="target",
        )

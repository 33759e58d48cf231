"""Payloads and directives of trackable assets.

A structural assignment is completed while planning: the room is read (it must exist in
this estate) and its building, site and level are filled in, so events carry where the
asset is without a later lookup. An assignment that names a building, site or level other
than the room's is refused rather than silently corrected.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import Field

from nomos_mongo import (
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
    Staged,
    latest_state,
)
from schema.assets.aggregates import TrackableAssetAggregate, TrackableAssetCommentAggregate
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
from schema.contracts.identifiers import CommentId, TrackableAssetId, UserId
from schema.contracts.locations import StructuralAssignment
from schema.contracts.names import AssetDescription, AssetNickname, CommentText
from schema.contracts.payloads import AssetMovePayload
from schema.estates.aggregates import EstateAggregate, RoomAggregate


async def complete_assignment(
    assignment: StructuralAssignment, snapshots: SnapshotReader, staged: Staged, field: str
) -> StructuralAssignment:
    room = await latest_state(RoomAggregate, assignment.room_id.value, snapshots, staged)
    if room is None or not room.exists:
        raise IntentRejected(
            "asset.room_not_found",
            f"room {assignment.room_id} does not exist in this estate; create it first or pick another room",
            field=f"{field}.roomId",
        )
    complete = StructuralAssignment(
        room_id=assignment.room_id, building_id=room.building_id, site_id=room.site_id, level=room.level
    )
    for name in ("building_id", "site_id", "level"):
        given, actual = getattr(assignment, name), getattr(complete, name)
        if given is not None and given != actual:
            raise IntentRejected(
                "asset.assignment_mismatch",
                f"room {assignment.room_id} is in {name.replace('_id', '')} {actual}, not {given}",
                field=f"{field}.{StructuralAssignment.model_fields[name].alias}",
            )
    return complete


def _require_existing(snapshot: TrackableAssetAggregate) -> None:
    if not snapshot.exists:
        raise snapshot.not_found()


@GROUP.payload
class NewAssetPayload(Payload):
    asset_id: TrackableAssetId
    name: AssetNickname
    description: AssetDescription | None = None
    asset_type: AssetType
    custom_fields: CustomFieldMap = Field(default_factory=CustomFieldMap.empty)
    structural_assignment: StructuralAssignment | None = None
    created_by: UserId
    created_at: datetime


@GROUP.directive
class ProvisionAssetDirective(SingleAggregateDirective[TrackableAssetAggregate, NewAssetPayload]):
    aggregate_type = TrackableAssetAggregate

    def target_id(self) -> str:
        return self.payload.asset_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TrackableAssetAggregate, NewAssetPayload]]:
        estate = await latest_state(EstateAggregate, ctx.workspace_id, snapshots, staged)
        if estate is None or not estate.exists:
            raise IntentRejected(
                "asset.estate_not_found",
                f"workspace {ctx.workspace_id!r} is not an estate; create the estate before its assets",
            )
        payload = self.payload
        if payload.structural_assignment is not None:
            assignment = await complete_assignment(
                payload.structural_assignment, snapshots, staged, "structuralAssignment"
            )
            payload = payload.model_copy(update={"structural_assignment": assignment})
        asset = await self.current(payload.asset_id.value, snapshots, staged)
        return [ExecutionTarget(payload.asset_id.value, payload, asset)]

    def execute(self, snapshot: TrackableAssetAggregate, payload: NewAssetPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected("asset.exists", f"asset {payload.asset_id} exists already", field="assetId")
        return [
            AssetCreatedEvent(
                name=payload.name,
                description=payload.description,
                asset_type=payload.asset_type,
                custom_fields=payload.custom_fields,
                structural_assignment=payload.structural_assignment,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]


@GROUP.payload
class UpdateAssetsPayload(Payload):
    asset_ids: tuple[TrackableAssetId, ...]
    changes: AssetChanges
    updated_by: UserId
    updated_at: datetime


@GROUP.directive
class UpdateAssetsDirective(Directive[TrackableAssetAggregate, UpdateAssetsPayload]):
    """The same changes to one or many assets; any missing asset refuses them all."""

    aggregate_type = TrackableAssetAggregate

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TrackableAssetAggregate, UpdateAssetsPayload]]:
        payload = self.payload
        if payload.changes.structural_assignment is not None:
            assignment = await complete_assignment(
                payload.changes.structural_assignment, snapshots, staged, "updates.structuralAssignment"
            )
            changes = payload.changes.model_copy(update={"structural_assignment": assignment})
            payload = payload.model_copy(update={"changes": changes})
        return [
            ExecutionTarget(asset_id.value, payload, await self.current(asset_id.value, snapshots, staged))
            for asset_id in payload.asset_ids
        ]

    def execute(self, snapshot: TrackableAssetAggregate, payload: UpdateAssetsPayload) -> Sequence[Event]:
        _require_existing(snapshot)
        return [
            AssetUpdatedEvent(changes=payload.changes, updated_by=payload.updated_by, updated_at=payload.updated_at)
        ]


@GROUP.payload
class MoveToRoomPayload(Payload):
    asset_ids: tuple[TrackableAssetId, ...]
    structural_assignment: StructuralAssignment
    moved_by: UserId
    moved_at: datetime


@GROUP.directive
class MoveAssetsToRoomDirective(Directive[TrackableAssetAggregate, MoveToRoomPayload]):
    aggregate_type = TrackableAssetAggregate

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TrackableAssetAggregate, MoveToRoomPayload]]:
        assignment = await complete_assignment(
            self.payload.structural_assignment, snapshots, staged, "structuralAssignment"
        )
        payload = self.payload.model_copy(update={"structural_assignment": assignment})
        return [
            ExecutionTarget(asset_id.value, payload, await self.current(asset_id.value, snapshots, staged))
            for asset_id in payload.asset_ids
        ]

    def execute(self, snapshot: TrackableAssetAggregate, payload: MoveToRoomPayload) -> Sequence[Event]:
        _require_existing(snapshot)
        return [
            AssetMovedEvent(
                structural_assignment=payload.structural_assignment,
                moved_by=payload.moved_by,
                moved_at=payload.moved_at,
            )
        ]


@GROUP.payload
class MoveToPositionsPayload(Payload):
    positions: tuple[AssetMovePayload, ...]
    moved_by: UserId
    moved_at: datetime


@GROUP.directive
class MoveAssetsToPositionsDirective(Directive[TrackableAssetAggregate, MoveToPositionsPayload]):
    aggregate_type = TrackableAssetAggregate

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TrackableAssetAggregate, MoveToPositionsPayload]]:
        targets = []
        for move in self.payload.positions:
            # Each asset's target carries only its own position.
            payload = self.payload.model_copy(update={"positions": (move,)})
            asset = await self.current(move.asset_id.value, snapshots, staged)
            targets.append(ExecutionTarget(move.asset_id.value, payload, asset))
        return targets

    def execute(self, snapshot: TrackableAssetAggregate, payload: MoveToPositionsPayload) -> Sequence[Event]:
        _require_existing(snapshot)
        (move,) = (m for m in payload.positions if m.asset_id.value == snapshot.id)
        position = AssetPosition.of_move(move)
        return [AssetMovedEvent(position=position, moved_by=payload.moved_by, moved_at=payload.moved_at)]


@GROUP.payload
class DeleteAssetPayload(Payload):
    asset_id: TrackableAssetId
    deleted_by: UserId
    deleted_at: datetime


@GROUP.directive
class DeleteAssetDirective(SingleAggregateDirective[TrackableAssetAggregate, DeleteAssetPayload]):
    aggregate_type = TrackableAssetAggregate

    def target_id(self) -> str:
        return self.payload.asset_id.value

    def execute(self, snapshot: TrackableAssetAggregate, payload: DeleteAssetPayload) -> Sequence[Event]:
        _require_existing(snapshot)
        return [AssetDeletedEvent(deleted_by=payload.deleted_by, deleted_at=payload.deleted_at)]


@GROUP.payload
class NewAssetCommentPayload(Payload):
    comment_id: CommentId
    asset_id: TrackableAssetId
    text: CommentText
    created_by: UserId
    created_at: datetime


@GROUP.directive
class CreateAssetCommentDirective(SingleAggregateDirective[TrackableAssetCommentAggregate, NewAssetCommentPayload]):
    aggregate_type = TrackableAssetCommentAggregate

    def target_id(self) -> str:
        return self.payload.comment_id.value

    async def plan(
        self, ctx: DirectiveContext, intent: Intent, snapshots: SnapshotReader, staged: Staged
    ) -> Sequence[ExecutionTarget[TrackableAssetCommentAggregate, NewAssetCommentPayload]]:
        asset = await latest_state(TrackableAssetAggregate, self.payload.asset_id.value, snapshots, staged)
        if asset is None or not asset.exists:
            raise TrackableAssetAggregate.empty(self.payload.asset_id.value).not_found()
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: TrackableAssetCommentAggregate, payload: NewAssetCommentPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "asset.comment_exists", f"comment {payload.comment_id} exists already", field="commentId"
            )
        return [
            AssetCommentCreatedEvent(
                asset_id=payload.asset_id,
                text=payload.text,
                created_by=payload.created_by,
                created_at=payload.created_at,
            )
        ]

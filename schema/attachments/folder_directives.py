"""How folder intents change folders: create (in a parent, with a name unique among its
siblings) and delete (only when empty)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from nomos_mongo import (
    Aggregate,
    BasicQuery,
    DirectiveContext,
    Event,
    ExecutionTarget,
    FieldFilter,
    Intent,
    IntentRejected,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from schema.attachments.group import GROUP
from schema.contracts import FolderId, FolderName, UserId

from .aggregates import AttachmentAggregate, FolderAggregate
from .events import FolderCreatedEvent, FolderDeletedEvent
from .targets import require_folder


@GROUP.payload
class CreateFolderPayload(Payload):
    folder_id: FolderId
    name: FolderName
    created_by: UserId
    created_at: datetime
    parent_folder_id: FolderId | None = None


@GROUP.payload
class DeleteFolderPayload(Payload):
    folder_id: FolderId
    deleted_by: UserId
    deleted_at: datetime


def _children(parent_folder_id: FolderId | None) -> BasicQuery:
    parent = parent_folder_id.value if parent_folder_id is not None else None
    return BasicQuery(filters=(FieldFilter("parent_folder_id", parent),))


@GROUP.directive
class CreateFolderDirective(SingleAggregateDirective[FolderAggregate, CreateFolderPayload]):
    aggregate_type = FolderAggregate

    def target_id(self) -> str:
        return self.payload.folder_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[FolderAggregate, CreateFolderPayload]]:
        payload = self.payload
        if payload.parent_folder_id is not None:
            await require_folder(snapshots, payload.parent_folder_id, "parentFolderId")
        siblings = await snapshots.query(FolderAggregate, _children(payload.parent_folder_id))
        wanted = payload.name.value.casefold()
        if any(folder.name.value.casefold() == wanted for folder in siblings):
            raise IntentRejected(
                "attachments.folder_name_taken",
                f"a folder named {payload.name} is already there; choose another name",
                field="name",
            )
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: FolderAggregate, payload: CreateFolderPayload) -> Sequence[Event]:
        if snapshot.created_at is not None:
            raise IntentRejected(
                "attachments.folder_exists", f"folder {payload.folder_id} exists already", field="folderId"
            )
        return [
            FolderCreatedEvent(
                name=payload.name,
                created_by=payload.created_by,
                created_at=payload.created_at,
                parent_folder_id=payload.parent_folder_id,
            )
        ]


@GROUP.directive
class DeleteFolderDirective(SingleAggregateDirective[FolderAggregate, DeleteFolderPayload]):
    aggregate_type = FolderAggregate

    def target_id(self) -> str:
        return self.payload.folder_id.value

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[FolderAggregate, DeleteFolderPayload]]:
        folder = await require_folder(snapshots, self.payload.folder_id, "folderId")
        in_folder = FieldFilter("folder_id", folder.id)
        files = await snapshots.query(AttachmentAggregate, BasicQuery(filters=(in_folder,)))
        subfolders = await snapshots.query(FolderAggregate, _children(self.payload.folder_id))
        if files or subfolders:
            raise IntentRejected(
                "attachments.folder_not_empty",
                f"folder {folder.name} still holds {_count(len(files), 'attachment')} and "
                f"{_count(len(subfolders), 'folder')}; move or delete them first",
                field="folderId",
            )
        return await super().plan(ctx, intent, snapshots, staged)

    def execute(self, snapshot: FolderAggregate, payload: DeleteFolderPayload) -> Sequence[Event]:
        return [FolderDeletedEvent(deleted_by=payload.deleted_by, deleted_at=payload.deleted_at)]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

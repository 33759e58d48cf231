"""Folders: created in a parent with a unique name, deleted only when empty."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nomos_mongo import IntentRejected, NomosApp
from schema.attachments import CreateFolderIntent, DeleteAttachmentIntent, DeleteFolderIntent, FolderAggregate
from schema.attachments.events import FolderCreatedEvent, FolderDeletedEvent
from tests.schema.attachments.library import ESTATE, build_estate, create_folder, head, upload_v2
from tests.schema.helpers import estate_ctx


@pytest.fixture
async def app(co2_app: NomosApp) -> NomosApp:
    await build_estate(co2_app)
    return co2_app


async def rejected(app: NomosApp, intent: object) -> IntentRejected:
    before = await head(app)
    with pytest.raises(IntentRejected) as caught:
        await app.dispatch(intent, estate_ctx(ESTATE, "alice"))  # type: ignore[arg-type]
    assert await head(app) == before, "a rejected intent must write nothing"
    return caught.value


async def test_create_a_folder_and_a_subfolder(app: NomosApp) -> None:
    entry = await app.dispatch(CreateFolderIntent(name="Reports", created_by="alice"), estate_ctx(ESTATE))
    [record] = entry.events
    assert isinstance(record.event, FolderCreatedEvent)
    reports = await app.read_latest(FolderAggregate, ESTATE, "main", record.aggregate_id)
    assert reports is not None and reports.name.value == "Reports" and reports.parent_folder_id is None
    assert entry.description == "Alice created folder Reports"

    sub = CreateFolderIntent(folder_id="folder-2026", name="2026", parent_folder_id=reports.id, created_by="alice")
    entry = await app.dispatch(sub, estate_ctx(ESTATE))
    nested = await app.read_latest(FolderAggregate, ESTATE, "main", "folder-2026")
    assert nested is not None and nested.parent_folder_id.value == reports.id  # type: ignore[union-attr]
    assert entry.description == "Alice created folder 2026 in Reports"


@pytest.mark.parametrize(
    ("intent", "rule", "field"),
    [
        (
            CreateFolderIntent(folder_id="folder-a", name="Other", created_by="alice"),
            "attachments.folder_exists",
            "folderId",
        ),
        (CreateFolderIntent(name="reports", created_by="alice"), "attachments.folder_name_taken", "name"),
        (
            CreateFolderIntent(name="X", parent_folder_id="folder-404", created_by="alice"),
            "attachments.folder_not_found",
            "parentFolderId",
        ),
    ],
)
async def test_creating_a_folder_is_refused(app: NomosApp, intent: CreateFolderIntent, rule: str, field: str) -> None:
    await create_folder(app, "folder-a", "Reports")
    refused = await rejected(app, intent)
    assert (refused.rule, refused.field) == (rule, field)


async def test_the_same_name_may_live_in_another_parent(app: NomosApp) -> None:
    await create_folder(app, "folder-a", "Reports")
    await create_folder(app, "folder-b", "Reports", parent="folder-a")
    assert await app.read_latest(FolderAggregate, ESTATE, "main", "folder-b") is not None


def test_a_folder_needs_a_name() -> None:
    with pytest.raises(ValidationError) as invalid:
        CreateFolderIntent(name="   ", created_by="alice")
    assert invalid.value.errors()[0]["loc"][0] == "name"


async def test_delete_an_empty_folder(app: NomosApp) -> None:
    await create_folder(app, "folder-a", "Reports")
    entry = await app.dispatch(DeleteFolderIntent(folder_id="folder-a", deleted_by="alice"), estate_ctx(ESTATE))
    assert isinstance(entry.events[0].event, FolderDeletedEvent)
    assert await app.read_latest(FolderAggregate, ESTATE, "main", "folder-a") is None
    assert entry.description == "Alice deleted folder Reports"
    again = await rejected(app, DeleteFolderIntent(folder_id="folder-a", deleted_by="alice"))
    assert (again.rule, again.field) == ("attachments.folder_not_found", "folderId")


async def test_a_folder_with_files_or_folders_is_not_deleted(app: NomosApp) -> None:
    await create_folder(app, "folder-a", "Reports")
    await create_folder(app, "folder-b", "2026", parent="folder-a")
    attachment_id = await upload_v2(app, folder_id="folder-a")

    refused = await rejected(app, DeleteFolderIntent(folder_id="folder-a", deleted_by="alice"))
    assert (refused.rule, refused.field) == ("attachments.folder_not_empty", "folderId")
    assert refused.reason == "folder Reports still holds 1 attachment and 1 folder; move or delete them first"

    await app.dispatch(DeleteAttachmentIntent(attachment_id=attachment_id, deleted_by="alice"), estate_ctx(ESTATE))
    await app.dispatch(DeleteFolderIntent(folder_id="folder-b", deleted_by="alice"), estate_ctx(ESTATE))
    await app.dispatch(DeleteFolderIntent(folder_id="folder-a", deleted_by="alice"), estate_ctx(ESTATE))
    assert await app.read_latest(FolderAggregate, ESTATE, "main", "folder-a") is None

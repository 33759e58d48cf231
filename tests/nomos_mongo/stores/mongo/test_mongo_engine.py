"""The engine on MongoPersistence (mongomock): concurrent writers, snapshot repair, init-db."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mongomock_motor import AsyncMongoMockClient

from nomos_mongo import IntentContext, NomosApp, SequenceConflict
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent, RenameTodoIntent, TodoAggregate
from nomos_mongo.stores.mongo import MongoPersistence, init_db, rebuild_snapshots
from nomos_mongo.stores.mongo.indexes import snapshot_collection
from tests.persistence.stores import fresh_db_name

WS = "estate-1"


class InterleavingPersistence(MongoPersistence):
    """Yields after reading the head, as a slow network would, so two writers race for a sequence."""

    conflicts = 0

    async def head(self, workspace_id: str, timeline_id: str) -> int:
        head = await super().head(workspace_id, timeline_id)
        await asyncio.sleep(0)
        return head

    async def commit(self, commit):  # type: ignore[no-untyped-def]
        try:
            await super().commit(commit)
        except SequenceConflict:
            InterleavingPersistence.conflicts += 1
            raise


@pytest.fixture
async def database() -> AsyncIterator[tuple[AsyncMongoMockClient, str]]:
    client: Any = AsyncMongoMockClient(tz_aware=True)
    name = fresh_db_name()
    yield client, name
    await client.drop_database(name)


def ctx(actor: str = "alice", timeline_id: str = "main") -> IntentContext:
    return IntentContext(workspace_id=WS, actor_id=actor, timeline_id=timeline_id)


async def test_concurrent_writers_leave_contiguous_sequences_and_exact_snapshots(
    database: tuple[AsyncMongoMockClient, str],
) -> None:
    client, name = database
    apps = [NomosApp(InterleavingPersistence(client, name), modules=[TODO_MODULE]) for _ in range(2)]
    InterleavingPersistence.conflicts = 0
    titles = [f"todo {n}" for n in range(24)]

    entries = await asyncio.gather(
        *(apps[n % 2].dispatch(CreateTodoIntent(title=t, todo_id=f"todo-{n}"), ctx()) for n, t in enumerate(titles))
    )
    renames = await asyncio.gather(
        *(apps[n % 2].dispatch(RenameTodoIntent(todo_id=f"todo-{n}", title=f"renamed {n}"), ctx()) for n in range(6))
    )

    stored = await apps[0].persistence.load_entries(WS, "main")
    assert [e.sequence for e in stored] == list(range(1, 31))
    assert {e.intent_id for e in stored} == {e.intent_id for e in [*entries, *renames]}
    assert InterleavingPersistence.conflicts > 0
    report = await apps[1].verify_timeline(WS, "main")
    assert report.ok, report.divergence
    todo = await apps[1].read_latest(TodoAggregate, WS, "main", "todo-3")
    assert todo is not None and todo.title == "renamed 3"
    for app in apps:
        await app.close()


async def test_rebuild_snapshots_repairs_every_timeline_with_progress(
    database: tuple[AsyncMongoMockClient, str],
) -> None:
    client, name = database
    app = NomosApp(MongoPersistence(client, name), modules=[TODO_MODULE])
    for n in range(3):
        await app.dispatch(CreateTodoIntent(title=f"todo {n}", todo_id=f"todo-{n}"), ctx())
    await app.create_timeline(WS, "draft")
    await app.dispatch(RenameTodoIntent(todo_id="todo-1", title="draft title"), ctx(timeline_id="draft"))
    await app.dispatch(
        CreateTodoIntent(title="elsewhere", todo_id="x"), IntentContext(workspace_id="ws-2", actor_id="bob")
    )
    for ws, tl in ((WS, "main"), (WS, "draft")):
        await app.persistence.replace_snapshots(ws, tl, [], [])
    assert not (await app.verify_timeline(WS, "main")).ok

    progress: list[tuple[int, int]] = []
    rebuilt = await rebuild_snapshots(app, app.persistence, lambda done, total: progress.append((done, total)))

    assert rebuilt == 3
    assert progress == [(0, 3), (1, 3), (2, 3), (3, 3)]
    for ws, tl in ((WS, "main"), (WS, "draft"), ("ws-2", "main")):
        assert (await app.verify_timeline(ws, tl)).ok
    draft = await app.read_latest(TodoAggregate, WS, "draft", "todo-1")
    assert draft is not None and draft.title == "draft title"
    await app.close()


async def test_init_db_creates_the_snapshot_indexes_of_registered_types(
    database: tuple[AsyncMongoMockClient, str],
) -> None:
    client, name = database
    persistence = MongoPersistence(client, name)
    app = NomosApp(persistence, modules=[TODO_MODULE])
    await init_db(persistence)
    await init_db(persistence)
    indexes = await persistence.database[snapshot_collection("TodoAggregate")].index_information()
    assert {"snapshot_key", "by_title", "by_is_completed", "by_created_at"} <= set(indexes)
    await app.close()


async def test_the_commit_feed_stops_when_the_app_closes(database: tuple[AsyncMongoMockClient, str]) -> None:
    client, name = database
    app = NomosApp(MongoPersistence(client, name, poll_interval=0.01), modules=[TODO_MODULE])
    await app.start()
    watch = app.watch_timeline(WS, "main")
    await app.dispatch(CreateTodoIntent(title="watched"), ctx())
    assert (await asyncio.wait_for(anext(watch), 5)).sequence == 1
    assert [t for t in asyncio.all_tasks() if t.get_name() == "nomos-commit-feed"]

    await app.close()

    assert not [t for t in asyncio.all_tasks() if t.get_name() == "nomos-commit-feed"]

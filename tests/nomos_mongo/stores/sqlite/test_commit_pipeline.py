"""Ordered commits on SQLite: one timeline's concurrent writes share transactions, and stay correct.

The timeline writer lets a timeline's lock go once a commit is ordered, so the next write
plans on a commit that is not durable yet. What must hold: sequences contiguous, no lost
update, nobody told "done" before the commit is durable, a failure taking down exactly the
commits planned on it (which are planned again), and no reader outside the writer seeing
a commit before it is durable.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from nomos_mongo import Commit, IntentContext, NomosApp, PersistenceError
from nomos_mongo.errors import Superseded
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent, ProjectAggregate, TodoAggregate
from nomos_mongo.persistence import planning
from nomos_mongo.stores.sqlite import SqlitePersistence, writes
from nomos_mongo.testing.domain import TaskAggregate, entry, registry, snapshot, task

CTX = IntentContext(workspace_id="ws", actor_id="alice")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[NomosApp]:
    async with NomosApp(SqlitePersistence(tmp_path / "nomos.sqlite3"), modules=[TODO_MODULE]) as app:
        yield app


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlitePersistence]:
    persistence = SqlitePersistence(tmp_path / "store.sqlite3")
    persistence.bind(registry())
    await persistence.start()
    yield persistence
    await persistence.close()


def counting_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    write_batch = writes.write_batch

    def counted(connection: sqlite3.Connection, tables: Any, commits: list[Commit]) -> list[Exception | None]:
        sizes.append(len(commits))
        return write_batch(connection, tables, commits)

    monkeypatch.setattr("nomos_mongo.stores.sqlite.persistence.write_batch", counted)
    return sizes


async def test_concurrent_writes_on_one_timeline_share_transactions(
    app: NomosApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = counting_batches(monkeypatch)
    results = await asyncio.gather(*(app.dispatch(CreateTodoIntent(title=f"t{i}"), CTX) for i in range(60)))

    assert sorted(r.workspace_intent_sequence for r in results) == list(range(1, 61))
    assert sum(sizes) == 60 and max(sizes) > 1  # planned while earlier ones were being written
    assert [e.workspace_intent_sequence for e in await app.read_timeline("ws", "main")] == list(range(1, 61))
    assert (await app.verify_timeline("ws", "main")).ok


async def test_each_write_plans_on_the_ones_ordered_before_it(app: NomosApp) -> None:
    """A project takes 3 todos: 20 concurrent creates into it, planned on staged counts, admit 3."""
    outcomes = await asyncio.gather(
        *(app.dispatch(CreateTodoIntent(title=f"t{i}", project_id="p"), CTX) for i in range(20)),
        return_exceptions=True,
    )

    assert sum(1 for o in outcomes if not isinstance(o, BaseException)) == 3
    project = await app.read_latest(ProjectAggregate, "ws", "main", "p")
    assert project is not None and project.todo_count == 3
    assert (await app.verify_timeline("ws", "main")).ok


async def test_a_failed_commit_fails_alone_and_the_ones_planned_on_it_are_planned_again(
    app: NomosApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_one = writes.write_one

    def failing(connection: sqlite3.Connection, tables: Any, commit: Commit) -> None:
        if getattr(commit.entry.intent, "title", None) == "never stored":
            raise sqlite3.OperationalError("disk I/O error")
        write_one(connection, tables, commit)

    monkeypatch.setattr(writes, "write_one", failing)
    await app.dispatch(CreateTodoIntent(title="first"), CTX)
    intents = [CreateTodoIntent(title=f"t{i}") for i in range(30)]
    intents[5] = CreateTodoIntent(title="never stored")
    outcomes = await asyncio.gather(*(app.dispatch(i, CTX) for i in intents), return_exceptions=True)

    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], PersistenceError) and "I/O" in str(failures[0])
    assert isinstance(outcomes[5], PersistenceError)
    timeline = await app.read_timeline("ws", "main")
    assert [e.workspace_intent_sequence for e in timeline] == list(range(1, 31))  # no gap where it failed
    assert "never stored" not in {getattr(e.intent, "title", None) for e in timeline}
    todos = await app.query(TodoAggregate, "ws", "main")
    assert sorted(t.title for t in todos) == sorted(["first", *(f"t{i}" for i in range(30) if i != 5)])
    assert (await app.verify_timeline("ws", "main")).ok


async def test_only_planning_reads_see_a_commit_before_it_is_durable(
    store: SqlitePersistence, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    write_batch = writes.write_batch

    def held(connection: sqlite3.Connection, tables: Any, commits: list[Commit]) -> list[Exception | None]:
        release.wait(10)
        return write_batch(connection, tables, commits)

    monkeypatch.setattr("nomos_mongo.stores.sqlite.persistence.write_batch", held)
    commit = Commit(entry(1, touched=["t1"]), snapshots=(snapshot(task("t1", points=4), 1),))
    durable = store.order(commit, store.epoch("ws-1", "main"))

    assert await store.head("ws-1", "main") == 0
    assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t1") is None
    with planning():
        assert await store.head("ws-1", "main") == 1
        staged = await store.load_snapshot("ws-1", "main", TaskAggregate, "t1")
        assert staged is not None and staged.state == task("t1", points=4)
    assert not durable.done()
    release.set()
    await durable
    assert await store.head("ws-1", "main") == 1
    assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t1") is not None


async def test_a_commit_planned_before_a_failure_landed_is_refused(
    store: SqlitePersistence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure of seq 1 lands while seq 2 is planned on it: seq 2 must not leave a gap."""

    def failing(connection: sqlite3.Connection, tables: Any, commit: Commit) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(writes, "write_one", failing)
    epoch = store.epoch("ws-1", "main")
    first = store.order(Commit(entry(1)), epoch)
    with pytest.raises(PersistenceError):
        await first
    monkeypatch.undo()

    second = store.order(Commit(entry(2, intent_id="second")), epoch)  # planned on the failed one
    with pytest.raises(Superseded):
        await second
    assert await store.head("ws-1", "main") == 0
    await store.order(Commit(entry(1, intent_id="again")), store.epoch("ws-1", "main"))
    assert await store.head("ws-1", "main") == 1

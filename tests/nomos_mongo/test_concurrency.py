"""Many writers, one timeline: contiguous sequences, nothing lost, conflicts re-planned."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from nomos_mongo import (
    IntentContext,
    IntentRejected,
    LedgerWriteConflict,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    SequenceConflict,
)
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent, ProjectAggregate, TodoAggregate
from nomos_mongo.persistence import Commit


class YieldingPersistence(MemoryPersistence):
    """Gives the event loop away on every read, so concurrent dispatchers interleave."""

    async def head(self, *args: Any, **kwargs: Any) -> int:
        await asyncio.sleep(0)
        return await super().head(*args, **kwargs)

    async def load_snapshot(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0)
        return await super().load_snapshot(*args, **kwargs)


async def _contiguous(app: NomosApp, ws: str = "ws", tl: str = "main") -> list[int]:
    return [e.workspace_intent_sequence for e in await app.read_timeline(ws, tl)]


async def test_concurrent_dispatches_in_one_app_get_contiguous_sequences() -> None:
    app = NomosApp(YieldingPersistence(), modules=[TODO_MODULE])
    ctx = IntentContext(workspace_id="ws", actor_id="u")
    entries = await asyncio.gather(*(app.dispatch(CreateTodoIntent(title=f"t{i}"), ctx) for i in range(200)))
    assert sorted(e.workspace_intent_sequence for e in entries) == list(range(1, 201))
    assert await _contiguous(app) == list(range(1, 201))
    assert len({e.intent_id for e in entries}) == 200


async def test_two_processes_on_one_store_conflict_and_replan() -> None:
    """Two apps share a store but not their locks, like two API processes on one database."""
    shared = YieldingPersistence()
    apps = [NomosApp(shared, modules=[TODO_MODULE]) for _ in range(2)]
    ctx = IntentContext(workspace_id="ws", actor_id="u")
    writes = [apps[i % 2].dispatch(CreateTodoIntent(title=f"t{i}", project_id="p"), ctx) for i in range(3)]
    writes += [apps[i % 2].dispatch(CreateTodoIntent(title=f"n{i}"), ctx) for i in range(100)]
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)]
    assert await _contiguous(apps[0]) == list(range(1, 104))
    project = await apps[1].read_latest(ProjectAggregate, "ws", "main", "p")
    assert project is not None and project.todo_count == 3  # every increment re-planned on fresh state
    report = await apps[0].verify_timeline("ws", "main")
    assert report.ok, report.divergence


async def test_a_conflict_replans_against_the_new_state() -> None:
    shared = YieldingPersistence()
    first, second = (NomosApp(shared, modules=[TODO_MODULE]) for _ in range(2))
    ctx = IntentContext(workspace_id="ws", actor_id="u")
    results = await asyncio.gather(
        first.dispatch(CreateTodoIntent(title="a", todo_id="same"), ctx),
        second.dispatch(CreateTodoIntent(title="b", todo_id="same"), ctx),
        return_exceptions=True,
    )
    rejected = [r for r in results if isinstance(r, IntentRejected)]
    # the loser did not just take the next number: it re-planned and saw the todo exists
    assert len(rejected) == 1 and rejected[0].rule == "todo.exists"
    assert await _contiguous(first) == [1]
    todo = await first.read_latest(TodoAggregate, "ws", "main", "same")
    assert todo is not None


class AlwaysConflicting(MemoryPersistence):
    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    async def commit(self, commit: Commit) -> None:
        self.attempts += 1
        raise SequenceConflict(commit.entry.workspace_id, commit.entry.timeline_id, commit.entry.sequence)


async def test_conflicts_give_up_after_ten_attempts() -> None:
    store = AlwaysConflicting()
    app = NomosApp(store, modules=[TODO_MODULE], options=NomosOptions(conflict_backoff_seconds=0.0001))
    with pytest.raises(LedgerWriteConflict) as info:
        await app.dispatch(CreateTodoIntent(title="x"), IntentContext(workspace_id="ws", actor_id="u"))
    assert info.value.attempts == 10 and store.attempts == 10
    assert await app.head("ws", "main") == 0


async def test_concurrent_retries_of_one_intent_id_apply_it_once() -> None:
    shared = YieldingPersistence()
    apps = [NomosApp(shared, modules=[TODO_MODULE]) for _ in range(3)]
    ctx = IntentContext(workspace_id="ws", actor_id="u")
    intent = CreateTodoIntent(id="retry-me", title="x", project_id="p")
    entries = await asyncio.gather(*(a.dispatch(intent, ctx) for a in apps for _ in range(3)))
    assert {e.workspace_intent_sequence for e in entries} == {1}
    project = await apps[0].read_latest(ProjectAggregate, "ws", "main", "p")
    assert project is not None and project.todo_count == 1

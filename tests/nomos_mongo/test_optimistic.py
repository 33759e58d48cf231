"""dispatch_optimistic and optimistic_aggregates: predicted state until the write confirms."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from nomos_mongo import IntentContext, IntentRejected, MemoryPersistence, NomosApp
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent, RenameTodoIntent, TodoAggregate
from nomos_mongo.persistence import Commit

CTX = IntentContext(workspace_id="ws", actor_id="u")


class GatedPersistence(MemoryPersistence):
    """Holds every commit until the test opens the gate; can make it fail."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.fail_with: Exception | None = None

    async def commit(self, commit: Commit) -> None:
        await self.gate.wait()
        if self.fail_with is not None:
            raise self.fail_with
        await super().commit(commit)


@pytest.fixture
def gated() -> GatedPersistence:
    return GatedPersistence()


async def test_predicted_state_is_visible_until_confirmed(gated: GatedPersistence) -> None:
    app = NomosApp(gated, modules=[TODO_MODULE])
    result = await app.dispatch_optimistic(CreateTodoIntent(title="milk", todo_id="t"), CTX)
    assert result.aggregates["t"].title == "milk"  # type: ignore[attr-defined]
    seen = await app.read_latest(TodoAggregate, "ws", "main", "t")
    assert seen is not None and seen.title == "milk"
    assert await app.read_latest(TodoAggregate, "ws", "main", "t", include_optimistic=False) is None
    assert [t.title for t in await app.query(TodoAggregate, "ws", "main")] == ["milk"]
    gated.gate.set()
    entry = await result.confirmed()
    assert entry.workspace_intent_sequence == 1
    assert len(app.overlay) == 0
    confirmed = await app.read_latest(TodoAggregate, "ws", "main", "t", include_optimistic=False)
    assert confirmed is not None and confirmed.title == "milk"


async def test_a_failed_write_withdraws_the_prediction_and_watchers_re_emit(gated: GatedPersistence) -> None:
    app = NomosApp(gated, modules=[TODO_MODULE])
    live = app.watch_query(TodoAggregate, "ws", "main")
    assert await asyncio.wait_for(live.__anext__(), 2) == []
    result = await app.dispatch_optimistic(CreateTodoIntent(title="doomed", todo_id="t"), CTX)
    assert [t.title for t in await asyncio.wait_for(live.__anext__(), 2)] == ["doomed"]
    gated.fail_with = IntentRejected("test.refused", "the server said no")
    gated.gate.set()
    with pytest.raises(IntentRejected):
        await result.confirmed()
    assert await asyncio.wait_for(live.__anext__(), 2) == []
    assert await app.read_latest(TodoAggregate, "ws", "main", "t") is None
    live.close()


async def test_optimistic_intents_build_on_each_other(gated: GatedPersistence) -> None:
    app = NomosApp(gated, modules=[TODO_MODULE])
    first = await app.dispatch_optimistic(CreateTodoIntent(title="a", todo_id="t"), CTX)
    second = await app.dispatch_optimistic(RenameTodoIntent(todo_id="t", title="b"), CTX)
    assert second.aggregates["t"].title == "b"  # type: ignore[attr-defined]
    gated.gate.set()
    await first.confirmed()
    await second.confirmed()
    todo = await app.read_latest(TodoAggregate, "ws", "main", "t")
    assert todo is not None and todo.title == "b"


async def test_a_predicted_rejection_raises_at_once(gated: GatedPersistence) -> None:
    app = NomosApp(gated, modules=[TODO_MODULE])
    with pytest.raises(IntentRejected):
        await app.dispatch_optimistic(RenameTodoIntent(todo_id="missing", title="x"), CTX)
    assert len(app.overlay) == 0


async def test_dispatch_with_precomputed_optimistic_aggregates(gated: GatedPersistence) -> None:
    app = NomosApp(gated, modules=[TODO_MODULE])
    predicted = TodoAggregate(id="t", title="precomputed")
    task: Any = asyncio.create_task(
        app.dispatch(CreateTodoIntent(title="real", todo_id="t"), CTX, optimistic_aggregates={"t": predicted})
    )
    await asyncio.sleep(0.01)
    seen = await app.read_latest(TodoAggregate, "ws", "main", "t")
    assert seen is not None and seen.title == "precomputed"
    gated.gate.set()
    await task
    todo = await app.read_latest(TodoAggregate, "ws", "main", "t")
    assert todo is not None and todo.title == "real"

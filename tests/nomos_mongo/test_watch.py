"""watch_timeline and watch_query."""

from __future__ import annotations

import asyncio

import pytest

from nomos_mongo import BasicQuery, FieldFilter, IntentContext, NomosApp, NomosOptions
from nomos_mongo.examples.todo import CompleteTodoIntent, CreateTodoIntent, RenameTodoIntent, TodoAggregate


async def _next(iterator, within: float = 2.0):  # type: ignore[no-untyped-def]
    return await asyncio.wait_for(iterator.__anext__(), within)


async def test_watch_timeline_catches_up_then_goes_live(app: NomosApp, ctx: IntentContext) -> None:
    for i in range(3):
        await app.dispatch(CreateTodoIntent(title=f"t{i}"), ctx)
    async with app.watch_timeline("ws-1", "main", starting_workspace_intent_sequence=2) as watch:
        assert [(await _next(watch)).workspace_intent_sequence for _ in range(2)] == [2, 3]
        await app.dispatch(CreateTodoIntent(title="live"), ctx)
        live = await _next(watch)
        assert live.workspace_intent_sequence == 4 and live.intent.title == "live"  # type: ignore[attr-defined]


async def test_watcher_sees_every_entry_of_concurrent_writers_in_order(app: NomosApp) -> None:
    watch = app.watch_timeline("ws-1", "main")
    received: list[int] = []

    async def consume() -> None:
        async for entry in watch:
            received.append(entry.workspace_intent_sequence)
            if len(received) == 150:
                return

    consumer = asyncio.create_task(consume())
    writers = [
        app.dispatch(CreateTodoIntent(title=f"{w}-{i}"), IntentContext(workspace_id="ws-1", actor_id=f"w{w}"))
        for w in range(3)
        for i in range(50)
    ]
    await asyncio.gather(*writers)
    await asyncio.wait_for(consumer, 5)
    watch.close()
    assert received == list(range(1, 151))


async def test_closing_a_watch_releases_its_listener(app: NomosApp) -> None:
    before = app.live.listener_count()
    watch = app.watch_timeline("ws-1", "main")
    assert app.live.listener_count() == before + 1
    await watch.aclose()
    assert app.live.listener_count() == before


async def test_watch_query_is_seeded_then_live_and_filtered(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="a"), ctx)
    query = BasicQuery(filters=(FieldFilter("is_completed", False),), order_by_field="title")
    async with app.watch_query(TodoAggregate, "ws-1", "main", query) as live:
        assert [t.title for t in await _next(live)] == ["a"]
        await app.dispatch(CreateTodoIntent(title="b", todo_id="b"), ctx)
        assert [t.title for t in await _next(live)] == ["a", "b"]
        await app.dispatch(CompleteTodoIntent(todo_id="a"), ctx)
        assert [t.title for t in await _next(live)] == ["b"]


async def test_watch_query_orders_and_limits(app: NomosApp, ctx: IntentContext) -> None:
    for title in ("c", "a", "d", "b"):
        await app.dispatch(CreateTodoIntent(title=title), ctx)
    query = BasicQuery(order_by_field="title", descending=True, limit=2)
    async with app.watch_query(TodoAggregate, "ws-1", "main", query) as live:
        assert [t.title for t in await _next(live)] == ["d", "c"]


# Debouncing is the live layer's, whatever the store; on a store over the network each write
# takes longer than the 16 ms window, so 50 of them are no burst: in-process stores only.
@pytest.mark.parametrize("persistence", ["memory", "mongomock"], indirect=True)
async def test_a_burst_of_writes_is_debounced_into_few_evaluations(app: NomosApp, ctx: IntentContext) -> None:
    # a window the burst fits in a few times over on any store, however loaded the machine is
    app.live.queries.debounce = 0.25
    async with app.watch_query(TodoAggregate, "ws-1", "main") as live:
        await _next(live)
        await asyncio.gather(*(app.dispatch(CreateTodoIntent(title=f"t{i}"), ctx) for i in range(50)))
        result = await _next(live)
        while len(result) < 50:
            result = await _next(live)
        evaluator = next(iter(app.live.evaluators.values()))
        assert evaluator.evaluations < 10  # 1 seed + a handful, not 50


async def test_identical_live_queries_share_one_evaluation(app: NomosApp, ctx: IntentContext) -> None:
    query = BasicQuery(order_by_field="title")
    subscriptions = [app.watch_query(TodoAggregate, "ws-1", "main", query) for _ in range(100)]
    other = app.watch_query(TodoAggregate, "ws-1", "main", BasicQuery(order_by_field="title", limit=1))
    assert len(app.live.evaluators) == 2
    for s in subscriptions:
        assert await _next(s) == []
    await app.dispatch(CreateTodoIntent(title="x"), ctx)
    for s in subscriptions:
        assert [t.title for t in await _next(s)] == ["x"]
    shared = app.live.evaluators[(TodoAggregate.type_name, "ws-1", "main", query.key)]
    assert shared.evaluations == 2  # the seed and one update, for 100 subscribers
    for s in subscriptions:
        s.close()
    other.close()
    assert app.live.evaluators == {}
    assert app.live.listener_count() == 0


async def test_unchanged_results_are_not_pushed_again(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="a"), ctx)
    query = BasicQuery(filters=(FieldFilter("title", "a"),))
    async with app.watch_query(TodoAggregate, "ws-1", "main", query) as live:
        await _next(live)
        await app.dispatch(CreateTodoIntent(title="other"), ctx)  # same type, not in the result
        await app.dispatch(RenameTodoIntent(todo_id="a", title="a"), ctx)  # same value
        await asyncio.sleep(0.1)
        await app.dispatch(RenameTodoIntent(todo_id="a", title="renamed"), ctx)
        assert await _next(live) == []


async def test_live_queries_of_a_workspace_ignore_other_workspaces(app: NomosApp) -> None:
    app2_ctx = IntentContext(workspace_id="ws-2", actor_id="u")
    async with app.watch_query(TodoAggregate, "ws-1", "main") as live:
        assert await _next(live) == []
        await app.dispatch(CreateTodoIntent(title="elsewhere"), app2_ctx)
        await asyncio.sleep(0.1)
        assert app.live.evaluators and next(iter(app.live.evaluators.values())).evaluations == 1


async def test_debounce_is_configurable(persistence) -> None:  # type: ignore[no-untyped-def]
    from nomos_mongo.examples.todo import TODO_MODULE

    app = NomosApp(persistence, modules=[TODO_MODULE], options=NomosOptions(live_query_debounce_seconds=0))
    async with app.watch_query(TodoAggregate, "ws", "main") as live:
        assert await _next(live) == []
        await app.dispatch(CreateTodoIntent(title="x"), IntentContext(workspace_id="ws", actor_id="u"))
        assert len(await _next(live)) == 1


async def test_closing_the_app_ends_every_watch(persistence) -> None:  # type: ignore[no-untyped-def]
    from nomos_mongo.examples.todo import TODO_MODULE

    app = NomosApp(persistence, modules=[TODO_MODULE])
    await app.dispatch(CreateTodoIntent(title="x"), IntentContext(workspace_id="ws", actor_id="u"))
    watch = app.watch_timeline("ws", "main")
    live = app.watch_query(TodoAggregate, "ws", "main")
    assert (await _next(watch)).workspace_intent_sequence == 1
    assert len(await _next(live)) == 1
    pending = asyncio.create_task(watch.__anext__())
    await asyncio.sleep(0.01)
    await app.close()
    try:
        await asyncio.wait_for(pending, 2)
        raise AssertionError("the watch should have ended")
    except StopAsyncIteration:
        pass
    try:
        await _next(live)
        raise AssertionError("the live query should have ended")
    except StopAsyncIteration:
        pass
    assert app.live.listener_count() == 0

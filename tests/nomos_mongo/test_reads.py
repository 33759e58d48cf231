"""read_latest, query, state_at_sequence (with and without snapshots), aggregate history."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomos_mongo import (
    AggregateRef,
    BasicQuery,
    Cursor,
    FieldFilter,
    IntentContext,
    IntentRejected,
    InvalidArgument,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    UndoConflict,
)
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    CompleteTodoIntent,
    CreateTodoIntent,
    DeleteTodoIntent,
    RenameTodoIntent,
    TodoAggregate,
)


async def _todos(app: NomosApp, ctx: IntentContext, titles: list[str]) -> None:
    for i, title in enumerate(titles):
        await app.dispatch(CreateTodoIntent(title=title, todo_id=f"t{i}"), ctx)


async def test_read_latest_hides_deleted_unless_asked(app: NomosApp, ctx: IntentContext) -> None:
    await _todos(app, ctx, ["a"])
    await app.dispatch(DeleteTodoIntent(todo_id="t0"), ctx)
    assert await app.read_latest(TodoAggregate, "ws-1", "main", "t0") is None
    deleted = await app.read_latest(TodoAggregate, "ws-1", "main", "t0", include_deleted=True)
    assert deleted is not None and deleted.deleted
    assert await app.read_latest(TodoAggregate, "ws-1", "main", "never") is None


async def test_query_filters_orders_limits_and_pages(app: NomosApp, ctx: IntentContext) -> None:
    await _todos(app, ctx, ["delta", "alpha", "charlie", "bravo"])
    await app.dispatch(CompleteTodoIntent(todo_id="t1"), ctx)
    ordered = await app.query(TodoAggregate, "ws-1", "main", BasicQuery(order_by_field="title"))
    assert [t.title for t in ordered] == ["alpha", "bravo", "charlie", "delta"]
    desc = await app.query(TodoAggregate, "ws-1", "main", BasicQuery(order_by_field="title", descending=True, limit=2))
    assert [t.title for t in desc] == ["delta", "charlie"]
    done = await app.query(TodoAggregate, "ws-1", "main", BasicQuery(filters=(FieldFilter("is_completed", True),)))
    assert [t.title for t in done] == ["alpha"]
    page = await app.query(
        TodoAggregate, "ws-1", "main", BasicQuery(order_by_field="title", limit=2, after=Cursor("bravo", "t3"))
    )
    assert [t.title for t in page] == ["charlie", "delta"]
    has_ar = await app.query(
        TodoAggregate, "ws-1", "main", BasicQuery(filters=(FieldFilter("title", "AR", "contains"),))
    )
    assert sorted(t.title for t in has_ar) == ["charlie"]
    picked = await app.query(
        TodoAggregate, "ws-1", "main", BasicQuery(filters=(FieldFilter("title", ["alpha", "delta"], "in"),))
    )
    assert sorted(t.title for t in picked) == ["alpha", "delta"]


async def test_query_refuses_unknown_fields_and_bad_limits(app: NomosApp) -> None:
    with pytest.raises(InvalidArgument, match="colour"):
        await app.query(TodoAggregate, "ws-1", "main", BasicQuery(filters=(FieldFilter("colour", "red"),)))
    with pytest.raises(InvalidArgument, match="limit"):
        await app.query(TodoAggregate, "ws-1", "main", BasicQuery(limit=0))
    with pytest.raises(InvalidArgument, match="operator"):
        await app.query(TodoAggregate, "ws-1", "main", BasicQuery(filters=(FieldFilter("title", "x", "like"),)))  # type: ignore[arg-type]


async def test_state_at_sequence_sees_the_past(app: NomosApp, ctx: IntentContext) -> None:
    await _todos(app, ctx, ["a", "b"])
    await app.dispatch(RenameTodoIntent(todo_id="t0", title="a2"), ctx)
    await app.dispatch(DeleteTodoIntent(todo_id="t1"), ctx)
    for use_snapshots in (True, False):
        at1 = await app.state_at_sequence("ws-1", "main", inclusive_sequence=1, use_snapshots=use_snapshots)
        assert {ref.id: s.title for ref, s in at1.items()} == {"t0": "a"}  # type: ignore[attr-defined]
        at3 = await app.state_at_sequence("ws-1", "main", inclusive_sequence=3, use_snapshots=use_snapshots)
        assert {ref.id: s.title for ref, s in at3.items()} == {"t0": "a2", "t1": "b"}  # type: ignore[attr-defined]
        at4 = await app.state_at_sequence("ws-1", "main", inclusive_sequence=4, use_snapshots=use_snapshots)
        assert list(at4) == [AggregateRef("TodoAggregate", "t0")]
        assert await app.state_at_sequence("ws-1", "main", inclusive_sequence=0, use_snapshots=use_snapshots) == {}


async def test_one_aggregate_at_a_sequence(app: NomosApp, ctx: IntentContext) -> None:
    await _todos(app, ctx, ["a", "b"])
    await app.dispatch(RenameTodoIntent(todo_id="t0", title="a2"), ctx)
    await app.dispatch(DeleteTodoIntent(todo_id="t1"), ctx)

    async def title(todo_id: str, sequence: int) -> str | None:
        state = await app.read_at_sequence(TodoAggregate, "ws-1", "main", todo_id, inclusive_sequence=sequence)
        return None if state is None else state.title

    assert [await title("t0", s) for s in range(5)] == [None, "a", "a", "a2", "a2"]
    assert [await title("t1", s) for s in range(6)] == [None, None, "b", "b", None, None]  # deleted at 4
    assert await title("nope", 4) is None
    await app.create_timeline("ws-1", "draft", from_timeline="main", at_sequence=3)
    await app.dispatch(RenameTodoIntent(todo_id="t0", title="on draft"), IntentContext("ws-1", "alice", "draft"))
    draft_t0 = await app.read_at_sequence(TodoAggregate, "ws-1", "draft", "t0", inclusive_sequence=2)
    assert draft_t0 is not None and draft_t0.title == "a"  # before the fork: the parent's past
    draft_t0 = await app.read_at_sequence(TodoAggregate, "ws-1", "draft", "t0", inclusive_sequence=4)
    assert draft_t0 is not None and draft_t0.title == "on draft"
    with pytest.raises(InvalidArgument):
        await app.read_at_sequence(TodoAggregate, "ws-1", "main", "t0", inclusive_sequence=-1)


async def test_aggregate_intent_history(app: NomosApp, ctx: IntentContext) -> None:
    await _todos(app, ctx, ["a", "b"])
    for title in ("x", "y", "z"):
        await app.dispatch(RenameTodoIntent(todo_id="t0", title=title), ctx)
    history = await app.aggregate_intent_history("ws-1", "main", "t0")
    assert [e.workspace_intent_sequence for e in history] == [1, 3, 4, 5]
    window = await app.aggregate_intent_history("ws-1", "main", "t0", start=3, end=4)
    assert [e.workspace_intent_sequence for e in window] == [3, 4]
    assert [type(e.intent).__name__ for e in window] == ["RenameTodoIntent", "RenameTodoIntent"]


# Property: replay with snapshots equals replay without them, at every sequence, whatever
# mix of writes, deletes, undos and redos came before.
operation = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 4)),
    st.tuples(st.just("rename"), st.integers(0, 4)),
    st.tuples(st.just("complete"), st.integers(0, 4)),
    st.tuples(st.just("delete"), st.integers(0, 4)),
    st.tuples(st.just("undo"), st.sampled_from(["alice", "bob", None])),
    st.tuples(st.just("redo"), st.sampled_from(["alice", "bob", None])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ops=st.lists(st.tuples(operation, st.sampled_from(["alice", "bob"])), min_size=1, max_size=30),
    every=st.integers(1, 4),
)
async def test_replay_with_and_without_snapshots_agree(ops: list, every: int) -> None:  # type: ignore[type-arg]
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE], options=NomosOptions(history_snapshot_every=every))
    for (kind, arg), actor in ops:
        ctx = IntentContext(workspace_id="ws", actor_id=actor)
        try:
            if kind == "create":
                await app.dispatch(CreateTodoIntent(title=f"todo {arg}", todo_id=f"t{arg}"), ctx)
            elif kind == "rename":
                await app.dispatch(RenameTodoIntent(todo_id=f"t{arg}", title=f"{actor} {arg}"), ctx)
            elif kind == "complete":
                await app.dispatch(CompleteTodoIntent(todo_id=f"t{arg}"), ctx)
            elif kind == "delete":
                await app.dispatch(DeleteTodoIntent(todo_id=f"t{arg}"), ctx)
            elif kind == "undo":
                await app.undo_latest("ws", "main", arg)
            else:
                await app.redo_latest("ws", "main", arg)
        except (IntentRejected, UndoConflict):
            pass
    head = await app.head("ws", "main")
    for sequence in range(head + 1):
        with_snapshots = await app.state_at_sequence("ws", "main", inclusive_sequence=sequence)
        replayed = await app.state_at_sequence("ws", "main", inclusive_sequence=sequence, use_snapshots=False)
        assert with_snapshots == replayed, f"diverged at {sequence}"
        for k in range(5):  # one aggregate at a time reads what the whole timeline's state holds
            ref = AggregateRef("TodoAggregate", f"t{k}")
            one = await app.read_at_sequence(TodoAggregate, "ws", "main", ref.id, inclusive_sequence=sequence)
            assert one == replayed.get(ref), f"t{k} at {sequence}"
    latest = {ref: s for ref, s in (await app.state_at_sequence("ws", "main", inclusive_sequence=head)).items()}
    for ref, state in latest.items():
        assert await app.read_latest(TodoAggregate, "ws", "main", ref.id) == state
    report = await app.verify_timeline("ws", "main")
    assert report.ok, report.divergence

"""Undo and redo by strike-out; what happens when later intents touched the same aggregates."""

from __future__ import annotations

import pytest

from nomos_mongo import EntryKind, IntentContext, NomosApp, UndoConflict
from nomos_mongo.examples.todo import CreateTodoIntent, ProjectAggregate, RenameTodoIntent, TodoAggregate

ALICE = IntentContext(workspace_id="ws-1", actor_id="alice")
BOB = IntentContext(workspace_id="ws-1", actor_id="bob")


async def _title(app: NomosApp, todo_id: str = "t") -> str | None:
    todo = await app.read_latest(TodoAggregate, "ws-1", "main", todo_id)
    return todo.title if todo else None


async def test_undo_strikes_out_the_latest_intent_and_restores_state(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t"), ALICE)
    renamed = await app.dispatch(RenameTodoIntent(todo_id="t", title="b"), ALICE)
    assert await app.can_undo_latest("ws-1", "main")
    undo = await app.undo_latest("ws-1", "main")
    assert undo is not None and undo.kind is EntryKind.UNDO
    assert undo.strike_out_intent_ids == (renamed.intent_id,)
    assert undo.description == 'alice undid: alice renamed a to "b"'
    assert await _title(app) == "a"
    stored = await app.load_entry(renamed.intent_id)
    assert stored is not None and stored.struck_out
    assert (await app.verify_timeline("ws-1", "main")).ok


async def test_undo_of_a_creation_removes_the_aggregates(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t", project_id="p"), ALICE)
    await app.undo_latest("ws-1", "main")
    assert await _title(app) is None
    assert await app.read_latest(ProjectAggregate, "ws-1", "main", "p") is None
    assert await app.state_at_sequence("ws-1", "main", inclusive_sequence=2) == {}
    assert not await app.can_undo_latest("ws-1", "main")
    assert await app.undo_latest("ws-1", "main") is None


async def test_multi_level_undo_then_redo_in_reverse(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), ALICE)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2"), ALICE)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v3"), ALICE)
    await app.undo_latest("ws-1", "main")
    await app.undo_latest("ws-1", "main")
    assert await _title(app) == "v1"
    assert await app.can_redo_latest("ws-1", "main")
    await app.redo_latest("ws-1", "main")
    assert await _title(app) == "v2"
    await app.redo_latest("ws-1", "main")
    assert await _title(app) == "v3"
    assert await app.redo_latest("ws-1", "main") is None
    assert (await app.verify_timeline("ws-1", "main")).ok


async def test_undo_of_my_intent_is_refused_when_someone_changed_it_after(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="mine", todo_id="t"), ALICE)
    bobs = await app.dispatch(RenameTodoIntent(todo_id="t", title="bob's"), BOB)
    assert not await app.can_undo_latest("ws-1", "main", actor_id="alice")
    with pytest.raises(UndoConflict, match="RenameTodoIntent") as info:
        await app.undo_latest("ws-1", "main", actor_id="alice")
    assert info.value.blocking_intent_id == bobs.intent_id
    assert await _title(app) == "bob's"
    # once bob's change is undone, alice may undo hers
    await app.undo_latest("ws-1", "main", actor_id="bob")
    await app.undo_latest("ws-1", "main", actor_id="alice")
    assert await _title(app) is None


async def test_undo_only_my_intents_skips_others_on_other_aggregates(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="alice's", todo_id="a"), ALICE)
    await app.dispatch(CreateTodoIntent(title="bob's", todo_id="b"), BOB)
    await app.undo_latest("ws-1", "main", actor_id="alice")
    assert await _title(app, "a") is None and await _title(app, "b") == "bob's"


async def test_a_new_intent_by_the_same_actor_clears_redo(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), ALICE)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2"), ALICE)
    await app.undo_latest("ws-1", "main")
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2b"), ALICE)
    assert not await app.can_redo_latest("ws-1", "main")
    assert await app.redo_latest("ws-1", "main") is None
    assert await _title(app) == "v2b"


async def test_redo_is_refused_when_another_actor_changed_the_aggregate(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), ALICE)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2"), ALICE)
    await app.undo_latest("ws-1", "main", actor_id="alice")
    await app.dispatch(RenameTodoIntent(todo_id="t", title="bob"), BOB)
    with pytest.raises(UndoConflict, match="bob"):
        await app.redo_latest("ws-1", "main", actor_id="alice")
    assert await _title(app) == "bob"


async def test_undo_cost_does_not_replay_the_timeline(app: NomosApp) -> None:
    """Undo reads the aggregate's own history, never the whole ledger."""
    for i in range(30):
        await app.dispatch(CreateTodoIntent(title=f"other {i}"), ALICE)
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), ALICE)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2"), ALICE)
    calls: list[str] = []
    original = app.persistence.load_entries

    async def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("load_entries")
        return await original(*args, **kwargs)

    app.persistence.load_entries = spy  # type: ignore[method-assign]
    await app.undo_latest("ws-1", "main")
    assert calls == [] and await _title(app) == "v1"


async def test_the_undo_entry_names_who_performed_it(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t"), BOB)
    undo = await app.undo_latest("ws-1", "main", performed_by="alice")
    assert undo is not None and undo.actor_id == "alice"
    redo = await app.redo_latest("ws-1", "main", performed_by="carol")
    assert redo is not None and redo.actor_id == "carol"


async def test_aggregates_after_an_entry(app: NomosApp) -> None:
    created = await app.dispatch(CreateTodoIntent(title="a", todo_id="t", project_id="p"), ALICE)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="b"), ALICE)
    after = await app.aggregates_after(created)
    assert {ref.id: getattr(state, "title", None) for ref, state in after.items()} == {"t": "a", "p": None}
    undo = await app.undo_latest("ws-1", "main")
    assert undo is not None
    assert [s.title for s in (await app.aggregates_after(undo)).values() if s is not None] == ["a"]  # type: ignore[attr-defined]

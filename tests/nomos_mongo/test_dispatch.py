"""dispatch: routing, atomic multi-aggregate intents, rejection, idempotency, the entry."""

from __future__ import annotations

import pytest

from nomos_mongo import (
    EntryKind,
    IntentContext,
    IntentIdReused,
    IntentRejected,
    InvalidArgument,
    NomosApp,
)
from nomos_mongo.examples.todo import (
    CompleteTodoIntent,
    CreateTodoIntent,
    ProjectAggregate,
    RenameTodoIntent,
    TodoAggregate,
)


async def test_entry_keeps_intent_directives_events_and_metadata(app: NomosApp, ctx: IntentContext) -> None:
    entry = await app.dispatch(CreateTodoIntent(title="Buy milk", todo_id="t1"), ctx)
    assert entry.success and entry.kind is EntryKind.INTENT
    assert entry.workspace_intent_sequence == 1
    assert entry.intent.title == "Buy milk"  # type: ignore[attr-defined]
    assert [type(d).__name__ for d in entry.directives] == ["CreateTodoDirective"]
    assert [(r.aggregate_type, r.aggregate_id, r.version) for r in entry.events] == [("TodoAggregate", "t1", 1)]
    assert entry.actor_id == "alice" and entry.description == 'alice created todo "Buy milk"'
    assert entry.client_timestamp.tzinfo is not None and entry.server_timestamp.tzinfo is not None
    todo = await app.read_latest(TodoAggregate, "ws-1", "main", "t1")
    assert todo is not None and todo.title == "Buy milk" and not todo.is_completed


async def test_sequences_count_from_one_per_workspace_and_timeline(app: NomosApp) -> None:
    a = IntentContext(workspace_id="ws-a", actor_id="u")
    b = IntentContext(workspace_id="ws-b", actor_id="u")
    seqs = [(await app.dispatch(CreateTodoIntent(title="x"), c)).workspace_intent_sequence for c in (a, a, b, a, b)]
    assert seqs == [1, 2, 1, 3, 2]


async def test_one_intent_over_two_aggregates_is_atomic(app: NomosApp, ctx: IntentContext) -> None:
    for i in range(3):
        await app.dispatch(CreateTodoIntent(title=f"t{i}", todo_id=f"t{i}", project_id="p"), ctx)
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(CreateTodoIntent(title="one too many", todo_id="t9", project_id="p"), ctx)
    assert info.value.rule == "project.todo_limit"
    # the todo directive succeeded on its own, but the intent is all or nothing
    assert await app.read_latest(TodoAggregate, "ws-1", "main", "t9") is None
    project = await app.read_latest(ProjectAggregate, "ws-1", "main", "p")
    assert project is not None and project.todo_count == 3
    assert await app.head("ws-1", "main") == 3


async def test_rejection_names_the_rule_and_writes_nothing(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="x", todo_id="t1"), ctx)
    with pytest.raises(IntentRejected, match=r"todo\.exists") as info:
        await app.dispatch(CreateTodoIntent(title="again", todo_id="t1"), ctx)
    assert info.value.rule == "todo.exists"
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(CreateTodoIntent(title="   ", todo_id="t2"), ctx)
    assert (info.value.rule, info.value.field) == ("todo.title_required", "title")
    with pytest.raises(IntentRejected, match=r"todo\.not_found"):
        await app.dispatch(CompleteTodoIntent(todo_id="missing"), ctx)
    assert await app.head("ws-1", "main") == 1
    assert len(await app.read_timeline("ws-1", "main")) == 1


async def test_redispatching_a_stored_intent_id_returns_the_stored_entry(app: NomosApp, ctx: IntentContext) -> None:
    intent = CreateTodoIntent(id="client-chosen-id", title="x", todo_id="t1")
    first = await app.dispatch(intent, ctx)
    again = await app.dispatch(intent, ctx)
    assert again == first
    assert await app.head("ws-1", "main") == 1


async def test_a_stored_intent_id_on_another_timeline_is_an_error(app: NomosApp, ctx: IntentContext) -> None:
    intent = CreateTodoIntent(id="same-id", title="x")
    await app.dispatch(intent, ctx)
    with pytest.raises(IntentIdReused, match="same-id"):
        await app.dispatch(intent, ctx.copy_with(workspace_id="ws-2"))


async def test_unregistered_intent_types_are_refused(app: NomosApp, ctx: IntentContext) -> None:
    class StrayIntent(CreateTodoIntent):
        pass

    with pytest.raises(InvalidArgument, match="StrayIntent"):
        await app.dispatch(StrayIntent(title="x"), ctx)
    with pytest.raises(InvalidArgument, match="Intent"):
        await app.dispatch("not an intent", ctx)  # type: ignore[arg-type]


async def test_a_directive_without_events_leaves_state_alone(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="x", todo_id="t"), ctx)
    await app.dispatch(CompleteTodoIntent(todo_id="t"), ctx)
    entry = await app.dispatch(CompleteTodoIntent(todo_id="t"), ctx)  # already complete: no event
    assert entry.events == () and entry.touched == ()
    assert entry.workspace_intent_sequence == 3  # the user's intent is still on record


async def test_actor_fields_must_name_the_dispatching_actor(app: NomosApp) -> None:
    from typing import Annotated

    from nomos_mongo import ACTOR, NomosModule, actor_fields

    class SignedIntent(CreateTodoIntent):
        created_by: Annotated[str, ACTOR]

    assert actor_fields(SignedIntent) == ("created_by",)
    app.registry.register(NomosModule(name="signed", intents=(SignedIntent,)))
    app.policy.add(SignedIntent, app.policy._routes[CreateTodoIntent])
    ctx = IntentContext(workspace_id="ws", actor_id="alice")
    await app.dispatch(SignedIntent(title="x", created_by="alice"), ctx)
    with pytest.raises(IntentRejected) as info:
        await app.dispatch(SignedIntent(title="x", created_by="mallory"), ctx)
    assert (info.value.rule, info.value.field) == ("intent.actor_mismatch", "createdBy")


async def test_rename_of_a_missing_todo_is_rejected_in_execute(app: NomosApp, ctx: IntentContext) -> None:
    with pytest.raises(IntentRejected, match=r"todo\.not_found"):
        await app.dispatch(RenameTodoIntent(todo_id="nope", title="x"), ctx)

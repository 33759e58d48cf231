"""Branch timelines: fork, read-through, merge by re-execution, discard; workspace isolation."""

from __future__ import annotations

import pytest

from nomos_mongo import IntentContext, InvalidArgument, NomosApp, TimelineError, TimelineNotFound, TimelineStatus
from nomos_mongo.examples.todo import (
    CompleteTodoIntent,
    CreateTodoIntent,
    DeleteTodoIntent,
    RenameTodoIntent,
    TodoAggregate,
)

MAIN = IntentContext(workspace_id="ws", actor_id="alice")
DRAFT = MAIN.copy_with(timeline_id="draft")


async def _title(app: NomosApp, tl: str, todo_id: str = "t") -> str | None:
    todo = await app.read_latest(TodoAggregate, "ws", tl, todo_id)
    return todo.title if todo else None


async def test_a_branch_reads_its_parent_up_to_the_fork(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), MAIN)
    record = await app.create_timeline("ws", "draft", from_timeline="main")
    assert (record.parent_timeline_id, record.fork_sequence) == ("main", 1)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="main v2"), MAIN)
    assert await _title(app, "draft") == "v1"  # the parent's later change is invisible
    branch_entry = await app.dispatch(RenameTodoIntent(todo_id="t", title="draft v2"), DRAFT)
    assert branch_entry.workspace_intent_sequence == 2  # a branch forked at 1 continues at 2
    assert await _title(app, "draft") == "draft v2" and await _title(app, "main") == "main v2"
    assert [e.workspace_intent_sequence for e in await app.read_timeline("ws", "draft")] == [1, 2]
    at1 = await app.state_at_sequence("ws", "draft", inclusive_sequence=1)
    assert [s.title for s in at1.values()] == ["v1"]  # type: ignore[attr-defined]
    listed = await app.query(TodoAggregate, "ws", "draft")
    assert [t.title for t in listed] == ["draft v2"]


async def test_fork_at_an_earlier_sequence(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), MAIN)
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2"), MAIN)
    await app.create_timeline("ws", "old", at_sequence=1)
    assert await _title(app, "old") == "v1"
    with pytest.raises(InvalidArgument, match="at_sequence"):
        await app.create_timeline("ws", "future", at_sequence=9)
    with pytest.raises(TimelineError, match="exists"):
        await app.create_timeline("ws", "old")


async def test_merge_re_executes_and_reports_what_no_longer_applies(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), MAIN)
    await app.dispatch(CreateTodoIntent(title="gone", todo_id="g"), MAIN)
    await app.create_timeline("ws", "draft")
    renamed = await app.dispatch(RenameTodoIntent(todo_id="t", title="from draft"), DRAFT)
    completed = await app.dispatch(CompleteTodoIntent(todo_id="g"), DRAFT)
    await app.dispatch(DeleteTodoIntent(todo_id="g"), MAIN)  # main moved on: "g" is gone
    report = await app.merge_timeline("ws", source="draft", target="main")
    assert [o.source_intent_id for o in report.applied] == [renamed.intent_id]
    assert report.applied[0].entry is not None and report.applied[0].entry.causation_id == renamed.intent_id
    assert report.applied[0].entry.intent_id != renamed.intent_id  # ids are global: new ids on main
    assert [(o.source_intent_id, o.rule) for o in report.rejected] == [(completed.intent_id, "todo.not_found")]
    assert await _title(app, "main") == "from draft"
    draft = await app.persistence.load_timeline("ws", "draft")
    assert draft is not None and draft.status is TimelineStatus.MERGED
    with pytest.raises(TimelineError, match="merged"):
        await app.dispatch(RenameTodoIntent(todo_id="t", title="late"), DRAFT)


async def test_discard_closes_a_branch_and_leaves_main_alone(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), MAIN)
    await app.create_timeline("ws", "draft")
    await app.dispatch(RenameTodoIntent(todo_id="t", title="draft"), DRAFT)
    record = await app.discard_timeline("ws", "draft")
    assert record.status is TimelineStatus.DISCARDED
    assert await _title(app, "main") == "v1"
    with pytest.raises(TimelineError):
        await app.dispatch(RenameTodoIntent(todo_id="t", title="x"), DRAFT)
    with pytest.raises(TimelineError, match="main"):
        await app.discard_timeline("ws", "main")


async def test_unknown_timelines_are_errors(app: NomosApp) -> None:
    with pytest.raises(TimelineNotFound, match="nope"):
        await app.dispatch(CreateTodoIntent(title="x"), MAIN.copy_with(timeline_id="nope"))
    with pytest.raises(TimelineError):
        await app.read_latest(TodoAggregate, "ws", "nope", "t")


async def test_nested_branches_and_undo_on_a_branch(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="v1", todo_id="t"), MAIN)
    await app.create_timeline("ws", "draft")
    await app.dispatch(RenameTodoIntent(todo_id="t", title="v2"), DRAFT)
    await app.create_timeline("ws", "sub", from_timeline="draft")
    assert await _title(app, "sub") == "v2"
    await app.undo_latest("ws", "draft")
    assert await _title(app, "draft") == "v1" and await _title(app, "sub") == "v2"
    assert await app.undo_latest("ws", "draft") is None  # the parent's entries are not the branch's to undo
    assert (await app.verify_timeline("ws", "draft")).ok


async def test_workspaces_are_isolated(app: NomosApp) -> None:
    other = IntentContext(workspace_id="other", actor_id="eve")
    await app.dispatch(CreateTodoIntent(title="secret", todo_id="t"), MAIN)
    assert await app.read_latest(TodoAggregate, "other", "main", "t") is None
    assert await app.query(TodoAggregate, "other", "main") == []
    assert await app.read_timeline("other", "main") == []
    await app.dispatch(CreateTodoIntent(title="theirs", todo_id="t"), other)
    assert await _title(app, "main") == "secret"
    assert await app.undo_latest("other", "main") is not None
    assert await _title(app, "main") == "secret"

"""verify_timeline: deterministic replay as a check; rebuild_snapshots repairs from the ledger."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from itertools import count

from nomos_mongo import Event, IntentContext, MemoryPersistence, NomosApp, NomosModule, NomosOptions, Persistence
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    CreateTodoIntent,
    RenameTodoDirective,
    RenameTodoIntent,
    RenameTodoPayload,
    TodoAggregate,
    TodoRenamedEvent,
)
from nomos_mongo.persistence import SnapshotRecord

CTX = IntentContext(workspace_id="ws", actor_id="u")
_calls = count()


class FlakyRenameDirective(RenameTodoDirective):
    """Breaks the rule: execute() depends on something other than snapshot and payload."""

    def execute(self, snapshot: TodoAggregate, payload: RenameTodoPayload) -> Sequence[Event]:
        return [TodoRenamedEvent(title=f"{payload.title} #{next(_calls)}")]


class FlakyRenameIntent(RenameTodoIntent):
    pass


FLAKY = NomosModule(
    name="flaky",
    intents=(FlakyRenameIntent,),
    directives=(FlakyRenameDirective,),
    routes={
        FlakyRenameIntent: lambda i, c: [
            FlakyRenameDirective(payload=RenameTodoPayload(entity_id=i.todo_id, title=i.title))
        ]
    },
)


async def _timeline(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t"), CTX)
    for i in range(5):
        await app.dispatch(RenameTodoIntent(todo_id="t", title=f"v{i}"), CTX)
    await app.undo_latest("ws", "main")
    await app.undo_latest("ws", "main")
    await app.redo_latest("ws", "main")


async def test_a_healthy_timeline_verifies(app: NomosApp) -> None:
    await _timeline(app)
    report = await app.verify_timeline("ws", "main")
    assert report.ok and report.checked_intents == 6


async def test_a_non_deterministic_directive_is_reported_at_its_sequence() -> None:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE, FLAKY])
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t"), CTX)
    flaky = await app.dispatch(FlakyRenameIntent(todo_id="t", title="b"), CTX)
    report = await app.verify_timeline("ws", "main")
    assert not report.ok and report.divergence is not None
    assert (report.divergence.kind, report.divergence.sequence, report.divergence.intent_id) == (
        "events",
        2,
        flaky.intent_id,
    )
    assert "not deterministic" in report.divergence.detail


async def test_a_corrupted_snapshot_is_reported_and_rebuild_repairs_it(persistence: Persistence) -> None:
    store = persistence
    app = NomosApp(store, modules=[TODO_MODULE], options=NomosOptions(history_snapshot_every=2))
    await _timeline(app)
    good = await app.read_latest(TodoAggregate, "ws", "main", "t")
    record = await store.load_snapshot("ws", "main", TodoAggregate, "t")
    assert record is not None and good is not None
    corrupted = dataclasses.replace(record, state=good.evolve(title="tampered"))
    await store.replace_snapshots("ws", "main", [corrupted], [])
    report = await app.verify_timeline("ws", "main")
    assert report.divergence is not None and report.divergence.kind in {"snapshot", "history"}
    assert await app.rebuild_snapshots("ws", "main") == 1
    assert await app.read_latest(TodoAggregate, "ws", "main", "t") == good
    assert (await app.verify_timeline("ws", "main")).ok
    for sequence in range(await app.head("ws", "main") + 1):
        assert await app.state_at_sequence("ws", "main", inclusive_sequence=sequence) == await app.state_at_sequence(
            "ws", "main", inclusive_sequence=sequence, use_snapshots=False
        )


async def test_a_corrupted_history_snapshot_is_reported(app: NomosApp, persistence: Persistence) -> None:
    await _timeline(app)
    history: list[SnapshotRecord] = []
    for sequence in range(1, await app.head("ws", "main") + 1):
        record = await persistence.load_history_snapshot("ws", "main", TodoAggregate, "t", sequence)
        if record is not None and record.sequence == sequence:
            history.append(record)
    first = history[0]
    tampered = dataclasses.replace(first, state=first.state.evolve(title="tampered"))
    current = await persistence.load_snapshot("ws", "main", TodoAggregate, "t")
    assert current is not None
    await persistence.replace_snapshots("ws", "main", [current], [tampered, *history[1:]])
    report = await app.verify_timeline("ws", "main")
    assert report.divergence is not None and report.divergence.kind == "history"
    assert report.divergence.sequence == first.sequence

"""The one write path: contention budget, authorization inside the lock, results, previews, rebuilds."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import Any

import pytest

from nomos_mongo import (
    IntentContext,
    IntentIdConflict,
    IntentLedgerEntry,
    IntentRejected,
    LedgerWriteConflict,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    Persistence,
    SequenceConflict,
)
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    CompleteTodoIntent,
    CreateTodoIntent,
    ProjectAggregate,
    RenameTodoIntent,
    TodoAggregate,
)
from nomos_mongo.offload import may_hold_blobs
from nomos_mongo.persistence import Commit, CommitPipeline
from nomos_mongo.writer import Backoff

CTX = IntentContext(workspace_id="ws", actor_id="u")


def interleaving(store: Persistence, monkeypatch: pytest.MonkeyPatch) -> Persistence:
    """Give the event loop away after every head read, so two engines in one loop interleave."""
    head = store.head

    async def yielding_head(*args: Any, **kwargs: Any) -> int:
        found = await head(*args, **kwargs)
        await asyncio.sleep(0)
        return found

    monkeypatch.setattr(store, "head", yielding_head)
    return store


# contention ------------------------------------------------------------------------------
@pytest.mark.contending_transactions
async def test_two_engines_on_one_store_land_every_intent(
    persistence: Persistence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two NomosApps share a store but not their locks, as two API processes share a database."""
    store = interleaving(persistence, monkeypatch)
    commits = 0
    commit = store.commit

    async def counting_commit(c: Commit) -> None:
        nonlocal commits
        commits += 1
        await commit(c)

    monkeypatch.setattr(store, "commit", counting_commit)
    if isinstance(store, CommitPipeline):  # the writer orders commits on it instead
        order = store.order

        def counting_order(c: Commit, epoch: int) -> asyncio.Future[None]:
            nonlocal commits
            commits += 1
            return order(c, epoch)

        monkeypatch.setattr(store, "order", counting_order)
    apps = [NomosApp(store, modules=[TODO_MODULE]) for _ in range(2)]
    # a project holds at most 3 todos: 16 projects, each counted by writes from both engines
    writes = [apps[i % 2].dispatch(CreateTodoIntent(title=f"t{i}", project_id=f"p{i % 16}"), CTX) for i in range(48)]
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    sequences = [e.workspace_intent_sequence for e in await apps[0].read_timeline("ws", "main")]
    assert sequences == list(range(1, 49))
    assert commits > 48  # the engines did collide, and re-planned
    for i in range(16):  # every re-plan read the fresh count
        project = await apps[1].read_latest(ProjectAggregate, "ws", "main", f"p{i}")
        assert project is not None and project.todo_count == 3
    report = await apps[0].verify_timeline("ws", "main")
    assert report.ok, report.divergence


class Conflicting(MemoryPersistence):
    """Every commit loses its sequence to someone else, once `conflicting` is set."""

    def __init__(self, conflicting: bool = True) -> None:
        super().__init__()
        self.conflicting = conflicting
        self.attempts = 0

    async def commit(self, commit: Commit) -> None:
        if not self.conflicting:
            return await super().commit(commit)
        self.attempts += 1
        raise SequenceConflict(commit.entry.workspace_id, commit.entry.timeline_id, commit.entry.sequence)


async def test_the_time_budget_bounds_the_retries() -> None:
    store = Conflicting()
    options = NomosOptions(conflict_budget_seconds=0, max_dispatch_attempts=1_000)
    app = NomosApp(store, modules=[TODO_MODULE], options=options)
    with pytest.raises(LedgerWriteConflict, match="after 1 attempts"):
        await app.dispatch(CreateTodoIntent(title="x"), CTX)
    assert store.attempts == 1


async def test_undo_and_redo_give_up_on_contention_with_the_same_error() -> None:
    store = Conflicting(conflicting=False)
    app = NomosApp(store, modules=[TODO_MODULE], options=NomosOptions(conflict_backoff_seconds=0.0001))
    await app.dispatch(CreateTodoIntent(title="x", todo_id="t"), CTX)
    await app.dispatch(CreateTodoIntent(title="y", todo_id="u"), CTX)
    await app.undo_latest("ws", "main")
    store.conflicting = True
    with pytest.raises(LedgerWriteConflict):
        await app.undo_latest("ws", "main")
    with pytest.raises(LedgerWriteConflict):
        await app.redo_latest("ws", "main")
    assert store.attempts == 20 and await app.head("ws", "main") == 3


class Outpaced(MemoryPersistence):
    """Another writer takes each sequence first, 15 times: others make progress, nothing is stuck."""

    def __init__(self) -> None:
        super().__init__()
        self.taken = 0

    async def commit(self, commit: Commit) -> None:
        if self.taken < 15:
            self.taken += 1
            entry = commit.entry
            # another writer's intent, on other aggregates: it takes the sequence, not this todo
            other = dataclasses.replace(
                entry, intent=entry.intent.with_id(f"other-{self.taken}"), touched=(), events=()
            )
            await super().commit(Commit(other))
            raise SequenceConflict(entry.workspace_id, entry.timeline_id, entry.sequence)
        await super().commit(commit)


async def test_a_writer_outpaced_by_others_keeps_trying_within_the_time_budget() -> None:
    store = Outpaced()
    app = NomosApp(store, modules=[TODO_MODULE], options=NomosOptions(conflict_backoff_max_seconds=0.001))
    entry = await app.dispatch(CreateTodoIntent(title="x"), CTX)
    assert store.taken == 15 and entry.workspace_intent_sequence == 16  # more than 10 attempts: others progressed


async def test_backoff_is_exponential_with_full_jitter_up_to_a_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    ceilings: list[float] = []

    def uniform(low: float, high: float) -> float:
        ceilings.append(high)
        return 0.0

    monkeypatch.setattr("nomos_mongo.writer.random.uniform", uniform)
    backoff = Backoff(NomosOptions(conflict_backoff_seconds=0.001, conflict_backoff_max_seconds=0.004))
    while await backoff.wait():
        pass
    assert ceilings == [0.001, 0.002, 0.004, 0.004, 0.004, 0.004, 0.004, 0.004, 0.004]
    assert backoff.attempts == 10


# authorization inside the write ------------------------------------------------------------
async def test_undo_authorizes_the_entry_it_strikes_out_inside_the_lock(app: NomosApp, ctx: IntentContext) -> None:
    target = await app.dispatch(CreateTodoIntent(title="a", todo_id="t1"), ctx)
    seen: list[str] = []
    racer: asyncio.Task[IntentLedgerEntry] | None = None

    async def authorize(entries: Sequence[IntentLedgerEntry]) -> None:
        nonlocal racer
        seen.extend(e.intent_id for e in entries)
        # a write racing the undo in this process must wait for it: check and act see one state
        racer = asyncio.create_task(app.dispatch(CreateTodoIntent(title="b", todo_id="t2"), ctx))
        for _ in range(5):
            await asyncio.sleep(0)
        assert await app.head("ws-1", "main") == 1

    undo = await app.undo_latest("ws-1", "main", performed_by="alice", authorize=authorize)
    assert undo is not None and undo.workspace_intent_sequence == 2
    assert seen == [target.intent_id]
    assert racer is not None and (await racer).workspace_intent_sequence == 3


async def test_a_refusing_authorize_writes_nothing(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t1"), ctx)

    async def refuse(entries: Sequence[IntentLedgerEntry]) -> None:
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        await app.undo_latest("ws-1", "main", authorize=refuse)
    await app.undo_latest("ws-1", "main")
    with pytest.raises(PermissionError):
        await app.redo_latest("ws-1", "main", authorize=refuse)
    assert await app.head("ws-1", "main") == 2


async def test_merge_authorizes_the_live_entries_it_re_executes(app: NomosApp, ctx: IntentContext) -> None:
    await app.create_timeline("ws-1", "draft")
    draft = ctx.copy_with(timeline_id="draft")
    kept = await app.dispatch(CreateTodoIntent(title="a", todo_id="t1"), draft)
    await app.dispatch(CreateTodoIntent(title="b", todo_id="t2"), draft)
    await app.undo_latest("ws-1", "draft")
    seen: list[list[str]] = []

    async def authorize(entries: Sequence[IntentLedgerEntry]) -> None:
        seen.append([e.intent_id for e in entries])

    report = await app.merge_timeline("ws-1", source="draft", authorize=authorize)
    assert seen == [[kept.intent_id]]
    (outcome,) = report.outcomes
    assert outcome.states is not None
    assert [s.title for s in outcome.states.values() if s is not None] == ["a"]  # type: ignore[attr-defined]


# results and idempotency -------------------------------------------------------------------
async def test_a_write_returns_the_states_it_produced(app: NomosApp, ctx: IntentContext) -> None:
    written = await app.submit(CreateTodoIntent(title="a", todo_id="t1", project_id="p"), ctx)
    assert written.states is not None
    assert written.states == await app.aggregates_after(written.entry)
    retried = await app.submit(written.entry.intent, ctx)
    assert retried.entry == written.entry and retried.states is None  # stored before: not produced now


async def test_an_intent_id_reused_with_another_input_is_a_conflict_naming_it(
    app: NomosApp, ctx: IntentContext
) -> None:
    first = await app.dispatch(CreateTodoIntent(id="key-1", title="a", todo_id="t1"), ctx)
    assert await app.dispatch(CreateTodoIntent(id="key-1", title="a", todo_id="t1"), ctx) == first
    with pytest.raises(IntentIdConflict, match=r"'key-1'.*another input"):
        await app.dispatch(CreateTodoIntent(id="key-1", title="b", todo_id="t1"), ctx)
    with pytest.raises(IntentIdConflict, match="not a CompleteTodoIntent"):
        await app.dispatch(CompleteTodoIntent(id="key-1", todo_id="t1"), ctx)
    with pytest.raises(IntentIdConflict, match="another actor"):
        await app.dispatch(CreateTodoIntent(id="key-1", title="a", todo_id="t1"), ctx.copy_with(actor_id="bob"))
    assert await app.head("ws-1", "main") == 1


# previews ------------------------------------------------------------------------------------
async def test_a_preview_plans_and_executes_but_writes_nothing(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t1"), ctx)
    preview = await app.preview(RenameTodoIntent(todo_id="t1", title="b"), ctx)
    assert preview.description == 'alice renamed a to "b"'
    assert [type(r.event).__name__ for r in preview.events] == ["TodoRenamedEvent"]
    assert [s.title for s in preview.states.values() if s is not None] == ["b"]  # type: ignore[attr-defined]
    assert await app.head("ws-1", "main") == 1
    todo = await app.read_latest(TodoAggregate, "ws-1", "main", "t1")
    assert todo is not None and todo.title == "a"
    with pytest.raises(IntentRejected, match=r"todo\.exists"):
        await app.preview(CreateTodoIntent(title="again", todo_id="t1"), ctx)


def test_blob_offload_is_decided_once_per_intent_type() -> None:
    from nomos_mongo import LazyBlob
    from nomos_mongo.examples.todo import AttachToTodoIntent

    assert not may_hold_blobs(CreateTodoIntent(title="a"))
    assert may_hold_blobs(AttachToTodoIntent(todo_id="t", attachment=LazyBlob(inline=b"x")))


# rebuilding snapshots while others write -----------------------------------------------------
async def test_a_commit_landing_during_a_rebuild_survives(
    persistence: Persistence, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process renames a todo after the rebuild read the ledger, before it swapped."""
    rebuilder, other = (NomosApp(persistence, modules=[TODO_MODULE]) for _ in range(2))
    await rebuilder.dispatch(CreateTodoIntent(title="a", todo_id="t1"), CTX)
    await rebuilder.dispatch(CreateTodoIntent(title="b", todo_id="t2"), CTX)
    replace = persistence.replace_snapshots
    seen_during_rebuild: list[str | None] = []

    async def replace_after_a_concurrent_commit(*args: Any, **kwargs: Any) -> None:
        await other.dispatch(RenameTodoIntent(todo_id="t1", title="renamed"), CTX)
        await other.dispatch(CreateTodoIntent(title="c", todo_id="t3"), CTX)
        await replace(*args, **kwargs)
        todo = await other.read_latest(TodoAggregate, "ws", "main", "t1")
        seen_during_rebuild.append(todo.title if todo else None)

    monkeypatch.setattr(persistence, "replace_snapshots", replace_after_a_concurrent_commit)
    assert await rebuilder.rebuild_snapshots("ws", "main") == 2
    titles = {}
    for todo_id in ("t1", "t2", "t3"):
        todo = await other.read_latest(TodoAggregate, "ws", "main", todo_id)
        titles[todo_id] = todo.title if todo else None
    assert titles == {"t1": "renamed", "t2": "b", "t3": "c"}
    assert seen_during_rebuild == ["renamed"]
    report = await other.verify_timeline("ws", "main")
    assert report.ok, report.divergence


async def test_a_rebuild_holds_the_timeline_lock_of_its_process(
    app: NomosApp, ctx: IntentContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await app.dispatch(CreateTodoIntent(title="a", todo_id="t1"), ctx)
    load_entries = app.persistence.load_entries
    racer: list[asyncio.Task[IntentLedgerEntry]] = []

    async def slow_load(*args: Any, **kwargs: Any) -> list[IntentLedgerEntry]:
        if not racer:
            racer.append(asyncio.create_task(app.dispatch(RenameTodoIntent(todo_id="t1", title="b"), ctx)))
            for _ in range(5):
                await asyncio.sleep(0)
            assert await app.persistence.head("ws-1", "main") == 1  # the rename waits for the rebuild
        return await load_entries(*args, **kwargs)

    monkeypatch.setattr(app.persistence, "load_entries", slow_load)
    await app.rebuild_snapshots("ws-1", "main")
    monkeypatch.undo()
    await racer[0]
    todo = await app.read_latest(TodoAggregate, "ws-1", "main", "t1")
    assert todo is not None and todo.title == "b"
    assert (await app.verify_timeline("ws-1", "main")).ok

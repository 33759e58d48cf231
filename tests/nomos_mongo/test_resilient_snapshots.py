"""Snapshots are derived data: a failed read is retried, a lost or unreadable one rebuilt (every store)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nomos_mongo import (
    IntentContext,
    NomosApp,
    Persistence,
    SnapshotUnreadable,
    StoreUnavailable,
)
from nomos_mongo.examples.todo import CreateTodoIntent, RenameTodoIntent, TodoAggregate
from nomos_mongo.stores.mongo import MongoPersistence
from nomos_mongo.stores.mongo.indexes import snapshot_collection

WS = "ws-1"


def failing_once(persistence: Persistence, monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[str]:
    """The store's next snapshot read raises `error`; later ones read as usual."""
    load: Callable[..., Awaitable[Any]] = persistence.load_snapshot
    failures: list[str] = []

    async def load_snapshot(*args: Any) -> Any:
        if not failures:
            failures.append(type(error).__name__)
            raise error
        return await load(*args)

    monkeypatch.setattr(persistence, "load_snapshot", load_snapshot)
    return failures


async def renamed_todo(app: NomosApp, ctx: IntentContext) -> None:
    await app.dispatch(CreateTodoIntent(title="first", todo_id="t1"), ctx)
    await app.dispatch(RenameTodoIntent(todo_id="t1", title="second"), ctx)
    await app.dispatch(RenameTodoIntent(todo_id="t1", title="third"), ctx)
    await app.undo_latest(WS, "main")


async def test_a_snapshot_read_that_fails_transiently_is_retried(
    app: NomosApp, ctx: IntentContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    await renamed_todo(app, ctx)
    failures = failing_once(app.persistence, monkeypatch, StoreUnavailable("MongoDB is unreachable (reset)"))

    todo = await app.read_latest(TodoAggregate, WS, "main", "t1")

    assert failures == ["StoreUnavailable"]
    assert todo is not None and todo.title == "second"


async def test_a_snapshot_that_does_not_decode_is_rebuilt_from_the_ledger(
    app: NomosApp, ctx: IntentContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await renamed_todo(app, ctx)
    failing_once(app.persistence, monkeypatch, SnapshotUnreadable("TodoAggregate", "t1", "unknown field"))

    with caplog.at_level(logging.WARNING, logger="nomos_mongo.states"):
        todo = await app.read_latest(TodoAggregate, WS, "main", "t1")

    assert todo is not None and todo.title == "second"  # the undone rename stays undone
    assert any("rebuilding it from the ledger" in r.getMessage() for r in caplog.records)


async def test_a_missing_snapshot_is_rebuilt_and_the_next_intent_plans_on_it(
    app: NomosApp, ctx: IntentContext, caplog: pytest.LogCaptureFixture
) -> None:
    await renamed_todo(app, ctx)
    await app.persistence.replace_snapshots(WS, "main", [], [])

    with caplog.at_level(logging.INFO, logger="nomos_mongo.states"):
        todo = await app.read_latest(TodoAggregate, WS, "main", "t1")
        await app.dispatch(RenameTodoIntent(todo_id="t1", title="fourth"), ctx)

    assert todo is not None and todo.title == "second"
    assert any("no stored snapshot of TodoAggregate t1" in r.getMessage() for r in caplog.records)
    renamed = await app.read_latest(TodoAggregate, WS, "main", "t1")
    assert renamed is not None and renamed.title == "fourth"
    assert (await app.verify_timeline(WS, "main")).ok


async def test_an_undecodable_stored_document_is_reported_as_unreadable(app: NomosApp, ctx: IntentContext) -> None:
    store = app.persistence
    if not isinstance(store, MongoPersistence):
        pytest.skip("only stores that encode snapshots can hold one that does not decode")
    await renamed_todo(app, ctx)
    await store.database[snapshot_collection("TodoAggregate")].update_one(
        {"aggregate_id": "t1"}, {"$set": {"state": {"serialisationTargetClassName": "Gone"}}}
    )

    with pytest.raises(SnapshotUnreadable, match="TodoAggregate t1"):
        await store.load_snapshot(WS, "main", TodoAggregate, "t1")
    todo = await app.read_latest(TodoAggregate, WS, "main", "t1")
    assert todo is not None and todo.title == "second"

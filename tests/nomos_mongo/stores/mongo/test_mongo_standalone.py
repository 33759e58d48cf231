"""Several processes on a server without transactions: no lost update.

There a commit's ledger insert is visible before its snapshots are written. Another process
planning in between must not plan on the stale snapshot, and the late snapshot write must
not replace the later one that process wrote meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from nomos_mongo import Commit, IntentContext, NomosApp
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent, ProjectAggregate, TodoAggregate
from nomos_mongo.stores.mongo import MongoPersistence, writes
from tests.persistence.stores import open_store

WS = "estate-standalone"


@pytest.fixture(params=["mongomock", "wire-standalone"])
async def two_processes(request: pytest.FixtureRequest) -> AsyncIterator[tuple[NomosApp, NomosApp]]:
    async with open_store(request.param) as store:
        assert isinstance(store, MongoPersistence)
        other = MongoPersistence(store.client, store.database.name)
        apps = (NomosApp(store, modules=[TODO_MODULE]), NomosApp(other, modules=[TODO_MODULE]))
        for app in apps:
            await app.start()
        assert store.snapshots_may_lag
        yield apps
        await apps[1].close()


class HeldSnapshots:
    """Holds the derived writes of the first commit until released, as a slow process would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.held = asyncio.Event()
        self.release = asyncio.Event()
        self._write_derived = writes.write_derived
        monkeypatch.setattr(writes, "write_derived", self.write_derived)

    async def write_derived(self, database: Any, commit: Commit, session: Any) -> None:
        if not self.held.is_set():
            self.held.set()
            await self.release.wait()
        await self._write_derived(database, commit, session)


def ctx() -> IntentContext:
    return IntentContext(workspace_id=WS, actor_id="alice")


async def test_a_process_plans_on_the_ledger_not_on_a_snapshot_another_has_not_written_yet(
    two_processes: tuple[NomosApp, NomosApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_processes
    held = HeldSnapshots(monkeypatch)

    slow = asyncio.create_task(first.dispatch(CreateTodoIntent(title="one", project_id="p"), ctx()))
    await asyncio.wait_for(held.held.wait(), 10)  # its ledger entry is in, its snapshots are not
    await second.dispatch(CreateTodoIntent(title="two", project_id="p"), ctx())
    held.release.set()
    await slow  # its snapshot of the project, one commit old, arrives last
    await second.dispatch(CreateTodoIntent(title="three", project_id="p"), ctx())

    for app in two_processes:
        project = await app.read_latest(ProjectAggregate, WS, "main", "p")
        assert project is not None and project.todo_count == 3
    assert len(await first.query(TodoAggregate, WS, "main")) == 3
    report = await first.verify_timeline(WS, "main")
    assert report.ok, report.divergence

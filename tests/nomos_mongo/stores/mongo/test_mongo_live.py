"""Two API processes on one server: over the wire to the mongoeco stand-in (both adapter paths),
and to a real replica set when NOMOS_MONGO_URI is set (docker compose up -d mongo)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from nomos_mongo import IntentContext, NomosApp
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent
from nomos_mongo.stores.mongo import MongoPersistence, connect
from tests.persistence.stores import (
    SERVER_ADAPTERS,
    STANDIN_HAS_NO_CHANGE_STREAMS,
    fresh_db_name,
    server_uri,
    skip_on_standin,
)

WS = "estate-live"


@pytest.fixture(params=SERVER_ADAPTERS)
def server(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def two_processes(server: str) -> AsyncIterator[tuple[NomosApp, NomosApp]]:
    """Two engines, each with its own client, on one fresh database: two API processes."""
    uri = server_uri(server)
    name = fresh_db_name()
    stores = [await connect(uri, name, poll_interval=0.05) for _ in range(2)]
    apps = (NomosApp(stores[0], modules=[TODO_MODULE]), NomosApp(stores[1], modules=[TODO_MODULE]))
    for app in apps:
        await app.start()
    yield apps
    await stores[0].client.drop_database(name)
    for app in apps:
        await app.close()


def ctx(actor: str = "alice") -> IntentContext:
    return IntentContext(workspace_id=WS, actor_id=actor)


@pytest.mark.parametrize("server", ["wire-replica-set", *SERVER_ADAPTERS[2:]], indirect=True)
async def test_a_replica_set_has_transactions_and_change_streams(
    server: str, two_processes: tuple[NomosApp, NomosApp]
) -> None:
    store = two_processes[0].persistence
    assert isinstance(store, MongoPersistence)
    assert store.capabilities is not None
    assert store.capabilities.transactions
    skip_on_standin(server, STANDIN_HAS_NO_CHANGE_STREAMS)
    assert store.capabilities.change_streams


async def test_each_process_sees_the_others_writes_live(two_processes: tuple[NomosApp, NomosApp]) -> None:
    writer, reader = two_processes
    watch = reader.watch_timeline(WS, "main", 1)
    first = asyncio.create_task(anext(watch))
    await asyncio.sleep(0.2)  # the reader finds the ledger empty and waits for a wake-up
    assert not first.done()

    written = [await writer.dispatch(CreateTodoIntent(title=f"todo {n}"), ctx()) for n in range(3)]
    seen = [await asyncio.wait_for(first, 10)] + [await asyncio.wait_for(anext(watch), 10) for _ in range(2)]

    assert [e.intent_id for e in seen] == [e.intent_id for e in written]
    watch.close()


@pytest.mark.contending_transactions
async def test_concurrent_processes_leave_contiguous_sequences(two_processes: tuple[NomosApp, NomosApp]) -> None:
    entries = await asyncio.gather(
        *(two_processes[n % 2].dispatch(CreateTodoIntent(title=f"todo {n}"), ctx()) for n in range(40))
    )
    stored = await two_processes[0].persistence.load_entries(WS, "main")
    assert [e.sequence for e in stored] == list(range(1, 41))
    assert {e.intent_id for e in stored} == {e.intent_id for e in entries}
    report = await two_processes[1].verify_timeline(WS, "main")
    assert report.ok, report.divergence

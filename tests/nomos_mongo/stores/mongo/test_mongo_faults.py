"""The database dies mid-load and comes back: clients see UNAVAILABLE, retry, and nothing is lost or doubled.

The stand-in keeps its data in SQLite here, so that what it acknowledged survives the kill.
On the transaction path one client drives the load: the stand-in's SQLite engine holds one
transaction at a time across all sessions ("active transaction bound to another session").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from graph.authorization import AllowAll
from nomos_mongo import NomosApp, new_id
from nomos_mongo.examples.todo import TODO_MODULE, TodoAggregate
from nomos_mongo.stores.mongo import connect
from tests.graph.server_harness import Client, running_server
from tests.wire.harness import WireServer, WireUnavailable

WS = "estate-outage"
INTENTS_EACH = 12
CREATE = """mutation ($id: ID!, $title: String!) {
  createTodo(workspaceId: "estate-outage", intentId: $id, input: {title: $title}) { sequence }
}"""


@pytest.fixture(params=[("rs0", 1), (None, 3)], ids=["wire-replica-set", "wire-standalone"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WireServer]:
    replica_set, _ = request.param
    server = WireServer(replica_set=replica_set, sqlite=tmp_path / "outage.sqlite")
    try:
        server.start()
    except WireUnavailable as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
async def app(database: WireServer) -> AsyncIterator[NomosApp]:
    persistence = await connect(database.uri, "nomos", server_selection_timeout_ms=1_000)
    app = NomosApp(persistence, modules=[TODO_MODULE])
    yield app
    await app.close()


class Load:
    """Clients that dispatch intents with their own ids and retry what the API calls retryable."""

    def __init__(self) -> None:
        self.acknowledged: dict[str, int] = {}
        self.unavailable = 0
        self.other_errors: list[object] = []
        self.progress = asyncio.Event()
        self.refused = asyncio.Event()  # an UNAVAILABLE answer came back

    async def worker(self, client: Client, number: int) -> None:
        for n in range(INTENTS_EACH):
            intent_id = new_id()
            while True:
                try:
                    body = await client.gql(CREATE, {"id": intent_id, "title": f"todo {number}.{n}"})
                except httpx.TransportError:  # an idle keep-alive connection closed under it: send again
                    continue
                if "errors" not in body:
                    self.acknowledged[intent_id] = body["data"]["createTodo"]["sequence"]
                    if len(self.acknowledged) >= 4:
                        self.progress.set()
                    break
                extensions = body["errors"][0].get("extensions", {})
                if extensions.get("code") == "UNAVAILABLE" and extensions.get("retryable") is True:
                    self.unavailable += 1
                    self.refused.set()
                    await asyncio.sleep(0.05)
                    continue
                self.other_errors.append(body["errors"])
                return


async def test_an_outage_mid_load_is_retryable_and_loses_or_doubles_nothing(
    request: pytest.FixtureRequest, database: WireServer, app: NomosApp
) -> None:
    workers_count = request.node.callspec.params["database"][1]
    load = Load()
    async with (
        running_server([TODO_MODULE], authorizer=AllowAll(), app=app) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as http,
    ):
        client = Client(http, server.token("alice"))
        workers = [asyncio.create_task(load.worker(client, n)) for n in range(workers_count)]
        await asyncio.wait_for(load.progress.wait(), 60)

        database.kill()
        await asyncio.wait_for(load.refused.wait(), 60)  # requests meanwhile find no server
        database.start()  # the same port, the same data

        await asyncio.wait_for(asyncio.gather(*workers), 120)

        assert load.other_errors == []
        assert load.unavailable > 0
        assert len(load.acknowledged) == workers_count * INTENTS_EACH  # service resumed by itself
        stored = await app.persistence.load_entries(WS, "main")
        assert sorted(e.intent_id for e in stored) == sorted(load.acknowledged)  # each exactly once
        assert [e.sequence for e in stored] == list(range(1, len(stored) + 1))
        assert {e.intent_id: e.sequence for e in stored} == load.acknowledged
        for entry in stored:  # a commit the kill cut short after its ledger insert still reads whole
            todo_id = entry.touched[0].id
            assert await app.read_latest(TodoAggregate, WS, "main", todo_id) is not None
        if database.replica_set:  # each commit was one transaction: nothing half-written
            report = await app.verify_timeline(WS, "main")
            assert report.ok, report.divergence

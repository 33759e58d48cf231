"""The API over every persistence adapter: the embedded store, mongomock and (when configured) MongoDB."""

from __future__ import annotations

import httpx
import pytest

from graph.authorization import AllowAll
from nomos_mongo import NomosApp
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, running_server
from tests.graph.ws_client import open_socket
from tests.persistence.stores import ADAPTERS, open_store


@pytest.mark.parametrize("adapter", ADAPTERS)
async def test_create_list_watch_and_undo(adapter: str) -> None:
    async with open_store(adapter) as persistence:
        app = NomosApp(persistence, modules=[TODO_MODULE])
        async with (
            running_server([TODO_MODULE], authorizer=AllowAll(), app=app) as server,
            httpx.AsyncClient(base_url=server.url) as http,
        ):
            alice = Client(http, server.token("alice"))
            async with open_socket(server.ws_url, token=alice.token) as socket:
                await socket.subscribe("live", 'subscription { watchTodos(workspaceId: "w") { title } }')
                assert (await socket.next_data("live"))["watchTodos"] == []
                await alice.data(
                    'mutation { createTodo(workspaceId: "w", input: {title: "a", todoId: "t1"}) { sequence } }'
                )
                assert (await socket.next_data("live"))["watchTodos"] == [{"title": "a"}]
                listed = await alice.data(
                    '{ todos(workspaceId: "w", filter: {title: {eq: "a"}}) { nodes { aggregateId } } }'
                )
                assert listed["todos"]["nodes"] == [{"aggregateId": "t1"}]
                await alice.data('mutation { undoLatest(workspaceId: "w") { sequence } }')
                assert (await socket.next_data("live"))["watchTodos"] == []

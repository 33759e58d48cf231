"""A real Python GraphQL client (gql) over HTTP and graphql-transport-ws, as the README sets it up."""

from __future__ import annotations

import pytest

from tests.graph.server_harness import Running

gql_module = pytest.importorskip("gql", reason="gql is in the test extra")
from gql import Client, GraphQLRequest, gql  # noqa: E402
from gql.transport.exceptions import TransportQueryError  # noqa: E402
from gql.transport.httpx import HTTPXAsyncTransport  # noqa: E402
from gql.transport.websockets import WebsocketsTransport  # noqa: E402

CREATE = gql("""mutation Create($title: String!) {
  createTodo(workspaceId: "w-alice", input: {title: $title, todoId: "t1"}) {
    changedAggregates { __typename id aggregateId }
  }
}""")
NODE = gql("query Node($id: ID!) { node(id: $id) { id ... on Todo { title } } }")
PAGE = gql("""query Page($before: String) {
  todos(workspaceId: "w-alice", orderBy: TITLE, last: 1, before: $before) {
    nodes { title } pageInfo { hasPreviousPage hasNextPage startCursor }
  }
}""")
WATCH = gql('subscription { watchTodos(workspaceId: "w-alice") { id title } }')


def ask(request: GraphQLRequest, **variables: object) -> GraphQLRequest:
    return GraphQLRequest(request, variable_values=variables)


def http_client(server: Running, user: str = "alice") -> Client:
    headers = {"Authorization": f"Bearer {server.token(user)}"}
    return Client(transport=HTTPXAsyncTransport(url=server.url + "/graphql", headers=headers))


async def test_queries_mutations_and_node_over_http(server: Running) -> None:
    async with http_client(server) as session:
        created = await session.execute(ask(CREATE, title="b"))
        todo = created["createTodo"]["changedAggregates"][0]
        assert todo["aggregateId"] == "t1" and todo["id"] != "t1"
        assert (await session.execute(ask(NODE, id=todo["id"])))["node"] == {
            "id": todo["id"],
            "title": "b",
        }
        await session.execute(
            gql('mutation { createTodo(workspaceId: "w-alice", input: {title: "a", todoId: "t2"}) { sequence } }')
        )
        last = (await session.execute(PAGE))["todos"]
        assert last["nodes"] == [{"title": "b"}] and last["pageInfo"]["hasPreviousPage"] is True
        before = (await session.execute(ask(PAGE, before=last["pageInfo"]["startCursor"])))["todos"]
        assert before["nodes"] == [{"title": "a"}]
        assert (before["pageInfo"]["hasPreviousPage"], before["pageInfo"]["hasNextPage"]) == (False, True)


async def test_errors_reach_the_client_with_their_code(server: Running) -> None:
    async with http_client(server, "bob") as session:
        with pytest.raises(TransportQueryError) as raised:
            await session.execute(ask(NODE, id="bm90IGFuIGlk"))
    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_subscription_with_the_token_in_connection_init(server: Running) -> None:
    async with http_client(server) as session:
        await session.execute(ask(CREATE, title="a"))
    transport = WebsocketsTransport(
        url=server.ws_url, init_payload={"Authorization": f"Bearer {server.token('alice')}"}
    )
    async with Client(transport=transport) as session:
        async for result in session.subscribe(WATCH):
            assert [t["title"] for t in result["watchTodos"]] == ["a"]
            break

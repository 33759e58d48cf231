"""Global object identification: ids unique across timelines and workspaces, `node` and `nodes`."""

from __future__ import annotations

import base64
import json

import pytest

from graph.nodes import NodePlace, global_id, parse_global_id
from tests.graph.server_harness import Client, Running
from tests.graph.ws_client import open_socket

CREATE = """mutation($tl: ID!, $title: String!) {
  createTodo(workspaceId: "w-alice", timelineId: $tl, input: {title: $title, todoId: "t1"}) {
    changedAggregates { __typename id aggregateId ... on Todo { title } }
  }
}"""
RENAME = """mutation($tl: ID!, $title: String!) {
  renameTodo(workspaceId: "w-alice", timelineId: $tl, input: {todoId: "t1", title: $title}) {
    changedAggregates { __typename id aggregateId ... on Todo { title } }
  }
}"""
READ = """query($tl: ID!) {
  todo(workspaceId: "w-alice", timelineId: $tl, aggregateId: "t1") { id aggregateId title }
  todos(workspaceId: "w-alice", timelineId: $tl) { nodes { id } edges { node { id } } }
}"""
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Aggregate { aggregateId } ... on Todo { title } } }"


def todo_id(workspace: str, timeline: str, sequence: int | None = None) -> str:
    return global_id(NodePlace("Todo", workspace, timeline, "t1", sequence))


def test_a_global_id_round_trips_and_names_the_timeline() -> None:
    place = NodePlace("Todo", "w:1", 'ti"me', "t/1", 7)
    assert parse_global_id(global_id(place)) == place
    assert global_id(NodePlace("Todo", "w", "main", "t1")) != global_id(NodePlace("Todo", "w", "draft", "t1"))


@pytest.mark.parametrize("aggregate_id", ["a1", 'quote " and \\ backslash', "unicode é ✓ 𝄞", "control \n\t"])
def test_a_global_id_is_the_text_it_always_was(aggregate_id: str) -> None:
    """Clients cache objects by id: the same object keeps the same id across versions."""
    place = NodePlace("TrackableAsset", "estate-1", "main", aggregate_id)
    local = json.dumps([place.workspace_id, place.timeline_id, place.aggregate_id], separators=(",", ":"))
    expected = base64.urlsafe_b64encode(f"TrackableAsset:{local}".encode()).decode().rstrip("=")
    assert global_id(place) == expected
    assert parse_global_id(expected) == place


async def test_the_same_aggregate_on_two_timelines_has_two_identities(alice: Client) -> None:
    await alice.data(CREATE, {"tl": "main", "title": "on main"})
    await alice.data('mutation { createTimeline(workspaceId: "w-alice", timelineId: "draft") { status } }')
    renamed = await alice.data(RENAME, {"tl": "draft", "title": "on draft"})
    draft_todo = renamed["renameTodo"]["changedAggregates"][0]
    expected = {"__typename": "Todo", "id": todo_id("w-alice", "draft"), "aggregateId": "t1", "title": "on draft"}
    assert draft_todo == expected

    on_main = await alice.data(READ, {"tl": "main"})
    on_draft = await alice.data(READ, {"tl": "draft"})
    assert on_main["todo"] == {"id": todo_id("w-alice", "main"), "aggregateId": "t1", "title": "on main"}
    assert on_draft["todo"]["id"] == draft_todo["id"] != on_main["todo"]["id"]
    # connections, mutation results and by-id reads agree on the identity
    assert on_draft["todos"]["nodes"] == [{"id": draft_todo["id"]}]
    assert on_draft["todos"]["edges"] == [{"node": {"id": draft_todo["id"]}}]

    node = await alice.data(NODE, {"id": on_main["todo"]["id"]})
    assert node["node"] == {"__typename": "Todo", "id": on_main["todo"]["id"], "aggregateId": "t1", "title": "on main"}
    node = await alice.data(NODE, {"id": draft_todo["id"]})
    assert node["node"]["title"] == "on draft"


async def test_live_queries_carry_the_same_identity(server: Running, alice: Client) -> None:
    created = await alice.data(CREATE, {"tl": "main", "title": "a"})
    async with open_socket(server.ws_url, token=alice.token) as socket:
        await socket.subscribe("live", 'subscription { watchTodos(workspaceId: "w-alice") { id aggregateId } }')
        live = (await socket.next_data("live"))["watchTodos"]
    assert live == [{"id": created["createTodo"]["changedAggregates"][0]["id"], "aggregateId": "t1"}]


async def test_a_past_state_has_an_identity_of_its_own(alice: Client) -> None:
    await alice.data(CREATE, {"tl": "main", "title": "first"})
    await alice.data(RENAME, {"tl": "main", "title": "second"})
    past = await alice.data('{ stateAtSequence(workspaceId: "w-alice", sequence: 1) { id ... on Todo { title } } }')
    [then] = past["stateAtSequence"]
    assert then["id"] == todo_id("w-alice", "main", 1) != todo_id("w-alice", "main")
    assert (await alice.data(NODE, {"id": then["id"]}))["node"]["title"] == "first"
    assert (await alice.data(NODE, {"id": todo_id("w-alice", "main")}))["node"]["title"] == "second"


async def test_nodes_keep_order_and_null_what_is_not_there(alice: Client) -> None:
    await alice.data(CREATE, {"tl": "main", "title": "a"})
    missing = global_id(NodePlace("Todo", "w-alice", "main", "nope"))
    unknown_type = global_id(NodePlace("NoSuchType", "w-alice", "main", "t1"))
    body = await alice.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [missing, todo_id("w-alice", "main"), unknown_type]}
    )
    assert body["nodes"] == [None, {"id": todo_id("w-alice", "main")}, None]


async def test_node_authorizes_like_the_other_queries(alice: Client, bob: Client) -> None:
    await alice.data(CREATE, {"tl": "main", "title": "secret"})
    for forged in (todo_id("w-alice", "main"), global_id(NodePlace("Todo", "w-alice", "main", "nope"))):
        body = await bob.gql(NODE, {"id": forged})
        assert body["data"] == {"node": None}
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert "secret" not in str(body)
    # one forbidden id fails its own item only
    body = await bob.gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [todo_id("w-alice", "main")]})
    assert body["data"] == {"nodes": [None]}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["errors"][0]["path"] == ["nodes", 0]


async def test_an_id_this_api_did_not_issue_is_bad_input(alice: Client) -> None:
    for value in ("not base64!", "dG9kbw", global_id(NodePlace("Todo", "w", "main", "t1"))[:-3]):
        body = await alice.gql(NODE, {"id": value})
        assert body["errors"][0]["extensions"]["code"] in {"BAD_USER_INPUT", "FORBIDDEN"}, body
        assert "INTERNAL" not in str(body)
    body = await alice.gql(NODE, {"id": "not base64!"})
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "id",
        "correlationId": body["errors"][0]["extensions"]["correlationId"],
    }


async def test_a_preview_never_takes_the_identity_of_the_stored_object(alice: Client) -> None:
    created = await alice.data(CREATE, {"tl": "main", "title": "stored"})
    stored_id = created["createTodo"]["changedAggregates"][0]["id"]
    previewed = await alice.data(
        'mutation { renameTodo(workspaceId: "w-alice", preview: true, input: {todoId: "t1", title: "maybe"}) '
        "{ changedAggregates { id aggregateId ... on Todo { title } } } }"
    )
    [state] = previewed["renameTodo"]["changedAggregates"]
    assert state["aggregateId"] == "t1" and state["title"] == "maybe" and state["id"] != stored_id
    assert (await alice.data(NODE, {"id": state["id"]}))["node"] is None  # nothing was written
    assert (await alice.data(NODE, {"id": stored_id}))["node"]["title"] == "stored"

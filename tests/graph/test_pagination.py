"""Relay cursor connections in both directions: first/after and last/before, keyset based."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graph.server_harness import Client

TITLES = ["a", "b", "c", "d", "e"]
PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $desc: Boolean!) {
  todos(workspaceId: "w-alice", orderBy: TITLE, descending: $desc,
        first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { title } }
    pageInfo { hasPreviousPage hasNextPage startCursor endCursor }
  }
}"""


@pytest.fixture
async def todos(alice: Client) -> None:
    for i, title in enumerate(reversed(TITLES)):
        await alice.data(
            'mutation($t: String!, $id: ID!) { createTodo(workspaceId: "w-alice", input: {title: $t, todoId: $id}) '
            "{ sequence } }",
            {"t": title, "id": f"t{i}"},
        )


async def page(client: Client, desc: bool = False, **arguments: Any) -> tuple[list[str], dict[str, Any]]:
    body = await client.data(PAGE, {"desc": desc, **arguments})
    connection = body["todos"]
    titles = [e["node"]["title"] for e in connection["edges"]]
    info = connection["pageInfo"]
    if titles:
        assert info["startCursor"] == connection["edges"][0]["cursor"]
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
    return titles, info


def flags(info: dict[str, Any]) -> tuple[bool, bool]:
    return info["hasPreviousPage"], info["hasNextPage"]


@pytest.mark.parametrize("desc", [False, True])
async def test_paging_backward_from_the_end_to_the_start(todos: None, alice: Client, desc: bool) -> None:
    order = sorted(TITLES, reverse=desc)
    titles, info = await page(alice, desc, last=2)
    assert titles == order[-2:] and flags(info) == (True, False)
    titles, info = await page(alice, desc, last=2, before=info["startCursor"])
    assert titles == order[1:3] and flags(info) == (True, True)
    titles, info = await page(alice, desc, last=2, before=info["startCursor"])
    assert titles == order[:1] and flags(info) == (False, True)


@pytest.mark.parametrize("desc", [False, True])
async def test_paging_forward_then_back_returns_the_same_pages(todos: None, alice: Client, desc: bool) -> None:
    order = sorted(TITLES, reverse=desc)
    first, info = await page(alice, desc, first=2)
    assert first == order[:2] and flags(info) == (False, True)
    second, info = await page(alice, desc, first=2, after=info["endCursor"])
    assert second == order[2:4] and flags(info) == (True, True)
    back, back_info = await page(alice, desc, last=2, before=info["startCursor"])
    assert back == first and flags(back_info) == (False, True)
    last, info = await page(alice, desc, first=2, after=info["endCursor"])
    assert last == order[4:] and flags(info) == (True, False)


async def test_last_without_before_is_the_tail_and_everything_fits(todos: None, alice: Client) -> None:
    titles, info = await page(alice, last=10)
    assert titles == TITLES and flags(info) == (False, False)
    titles, info = await page(alice, first=10)
    assert titles == TITLES and flags(info) == (False, False)


async def test_mixing_directions_or_orderings_is_bad_input(todos: None, alice: Client) -> None:
    _, info = await page(alice, first=2)
    for arguments in ({"first": 2, "last": 2}, {"after": info["endCursor"], "last": 1}, {"last": 0}):
        body = await alice.gql(PAGE, {"desc": False, **arguments})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    body = await alice.gql(PAGE, {"desc": True, "last": 1, "before": info["endCursor"]})
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "before",
        "correlationId": body["errors"][0]["extensions"]["correlationId"],
    }


NODES_ONLY = """query($after: String) {
  todos(workspaceId: "w-alice", orderBy: TITLE, first: 2, after: $after) {
    nodes { title }
    pageInfo { hasNextPage endCursor }
  }
}"""
EDGES_IN_A_FRAGMENT = """query {
  todos(workspaceId: "w-alice", orderBy: TITLE, first: 2) { ...rows pageInfo { startCursor endCursor } }
}
fragment rows on TodoConnection { ... on TodoConnection { edges { cursor node { title } } } }"""


async def test_pages_of_nodes_alone_carry_the_cursors_to_go_on(todos: None, alice: Client) -> None:
    seen: list[str] = []
    after = None
    while True:
        connection = (await alice.data(NODES_ONLY, {"after": after}))["todos"]
        seen += [node["title"] for node in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == sorted(TITLES)


async def test_edges_selected_through_fragments_have_their_cursors(todos: None, alice: Client) -> None:
    connection = (await alice.data(EDGES_IN_A_FRAGMENT))["todos"]
    assert [e["node"]["title"] for e in connection["edges"]] == sorted(TITLES)[:2]
    assert connection["edges"][0]["cursor"] == connection["pageInfo"]["startCursor"]
    assert connection["edges"][-1]["cursor"] == connection["pageInfo"]["endCursor"]

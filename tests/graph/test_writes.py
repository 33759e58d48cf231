"""Writes over HTTP: previews, idempotency keys, and authorization checked inside the write."""

from __future__ import annotations

from tests.graph.server_harness import Client

CREATE = """
mutation($title: String!, $id: ID, $intentId: ID, $preview: Boolean = false) {
  createTodo(workspaceId: "w-alice", intentId: $intentId, preview: $preview, input: {title: $title, todoId: $id}) {
    success intentId sequence description
    events { aggregateType aggregateId }
    changedAggregates { aggregateId ... on Todo { title } }
    entry { sequence }
  }
}
"""
HEAD = '{ head(workspaceId: "w-alice") }'


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_a_preview_returns_the_result_shape_and_writes_nothing(alice: Client) -> None:
    preview = (await alice.data(CREATE, {"title": "draft", "id": "t1", "preview": True}))["createTodo"]
    assert preview["sequence"] is None and preview["entry"] is None
    assert preview["success"] is True and preview["description"] == 'Alice created todo "draft"'
    assert preview["events"] == [{"aggregateType": "TodoAggregate", "aggregateId": "t1"}]
    assert preview["changedAggregates"] == [{"aggregateId": "t1", "title": "draft"}]
    assert (await alice.data(HEAD))["head"] == 0
    assert (await alice.data('{ todo(workspaceId: "w-alice", aggregateId: "t1") { title } }'))["todo"] is None
    written = (await alice.data(CREATE, {"title": "draft", "id": "t1"}))["createTodo"]
    assert written["sequence"] == 1 and written["entry"] == {"sequence": 1}
    assert written["changedAggregates"] == preview["changedAggregates"]


async def test_a_preview_shows_the_rejection_with_its_rule(alice: Client) -> None:
    await alice.data(CREATE, {"title": "a", "id": "t1"})
    body = await alice.gql(CREATE, {"title": "again", "id": "t1", "preview": True})
    assert codes(body) == ["INTENT_REJECTED"] and body["errors"][0]["extensions"]["rule"] == "todo.exists"
    assert (await alice.data(HEAD))["head"] == 1


async def test_a_preview_is_authorized_like_the_mutation(carol: Client, bob: Client) -> None:
    query = 'mutation { createTodo(workspaceId: "w-alice", preview: true, input: {title: "x"}) { description } }'
    assert codes(await carol.gql(query)) == ["FORBIDDEN"]  # may read, not write
    assert codes(await bob.gql(query)) == ["FORBIDDEN"]


async def test_an_intent_id_means_one_request(alice: Client) -> None:
    first = (await alice.data(CREATE, {"title": "a", "id": "t1", "intentId": "key-1"}))["createTodo"]
    again = (await alice.data(CREATE, {"title": "a", "id": "t1", "intentId": "key-1"}))["createTodo"]
    assert again == first
    other = await alice.gql(CREATE, {"title": "b", "id": "t1", "intentId": "key-1"})
    assert codes(other) == ["CONFLICT"]
    error = other["errors"][0]
    assert error["extensions"]["intentId"] == "key-1" and "'key-1'" in error["message"]
    assert (await alice.data(HEAD))["head"] == 1


async def test_undo_and_merge_are_authorized_on_what_they_act_on(alice: Client, carol: Client) -> None:
    await alice.data(CREATE, {"title": "a", "id": "t1"})
    undo = 'mutation { undoLatest(workspaceId: "w-alice", timelineId: "main") { sequence description } }'
    assert codes(await carol.gql(undo)) == ["FORBIDDEN"]
    undone = (await alice.data(undo))["undoLatest"]
    assert undone["sequence"] == 2 and undone["description"] == 'Alice undid: Alice created todo "a"'
    redo = (
        'mutation { redoLatest(workspaceId: "w-alice", timelineId: "main") '
        "{ sequence changedAggregates { aggregateId } } }"
    )
    assert (await alice.data(redo))["redoLatest"] == {"sequence": 3, "changedAggregates": [{"aggregateId": "t1"}]}
    await alice.data('mutation { createTimeline(workspaceId: "w-alice", timelineId: "draft") { status } }')
    await alice.data(
        'mutation { createTodo(workspaceId: "w-alice", timelineId: "draft", input: {title: "b", todoId: "t2"}) '
        "{ sequence } }"
    )
    merge = (
        'mutation { mergeTimeline(workspaceId: "w-alice", source: "draft") '
        "{ outcomes { applied result { sequence changedAggregates { aggregateId ... on Todo { title } } } } } }"
    )
    assert codes(await carol.gql(merge)) == ["FORBIDDEN"]
    outcomes = (await alice.data(merge))["mergeTimeline"]["outcomes"]
    assert outcomes == [
        {"applied": True, "result": {"sequence": 4, "changedAggregates": [{"aggregateId": "t2", "title": "b"}]}}
    ]

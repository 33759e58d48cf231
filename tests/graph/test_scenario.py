"""A user's session over real HTTP: create, read, list, undo, redo, branch, retry."""

from __future__ import annotations

import base64
import hashlib
import json

import httpx

from tests.graph.server_harness import Client, Running

CREATE = """
mutation Create($ws: ID!, $title: String!, $id: ID, $project: ID, $intentId: ID) {
  createTodo(workspaceId: $ws, intentId: $intentId, input: {title: $title, todoId: $id, projectId: $project}) {
    success intentId sequence description
    events { __typename aggregateType aggregateId aggregateVersion ... on TodoCreatedEvent { title } }
    changedAggregates { __typename aggregateId deleted ... on Todo { title isCompleted } ... on Project { todoCount } }
  }
}"""


async def create(client: Client, title: str, todo_id: str, ws: str = "w-alice", **extra: str) -> dict:
    data = await client.data(CREATE, {"ws": ws, "title": title, "id": todo_id, **extra})
    return data["createTodo"]  # type: ignore[no-any-return]


async def test_create_returns_typed_events_and_changed_aggregates(alice: Client) -> None:
    result = await create(alice, "Buy milk", "t1", project="p1")
    assert result["success"] and result["sequence"] == 1
    assert result["description"] == 'Alice created todo "Buy milk"'  # the token's name: no user records here
    assert result["events"][0] == {
        "__typename": "TodoCreatedEvent",
        "aggregateType": "TodoAggregate",
        "aggregateId": "t1",
        "aggregateVersion": 1,
        "title": "Buy milk",
    }
    changed = {a["__typename"]: a for a in result["changedAggregates"]}
    assert changed["Todo"] == {
        "__typename": "Todo",
        "aggregateId": "t1",
        "deleted": False,
        "title": "Buy milk",
        "isCompleted": False,
    }
    assert changed["Project"]["todoCount"] == 1


async def test_read_by_id_and_list_with_filter_order_and_pages(alice: Client) -> None:
    for i, title in enumerate(["delta", "alpha", "charlie", "bravo"]):
        await create(alice, title, f"t{i}")
    await alice.data('mutation { completeTodo(workspaceId: "w-alice", input: {todoId: "t2"}) { success } }')

    one = await alice.data('{ todo(workspaceId: "w-alice", aggregateId: "t2") { title isCompleted createdAt } }')
    assert one["todo"]["title"] == "charlie" and one["todo"]["isCompleted"] is True
    assert (await alice.data('{ todo(workspaceId: "w-alice", aggregateId: "nope") { id } }'))["todo"] is None

    page = """query($after: String) {
      todos(workspaceId: "w-alice", orderBy: TITLE, first: 3, after: $after) {
        edges { cursor node { title } } nodes { aggregateId } pageInfo { hasNextPage endCursor }
      }
    }"""
    first = (await alice.data(page))["todos"]
    assert [e["node"]["title"] for e in first["edges"]] == ["alpha", "bravo", "charlie"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await alice.data(page, {"after": first["pageInfo"]["endCursor"]}))["todos"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["delta"]
    assert rest["pageInfo"]["hasNextPage"] is False

    filtered = await alice.data("""{
      done: todos(workspaceId: "w-alice", filter: {isCompleted: {eq: true}}) { nodes { aggregateId } }
      named: todos(workspaceId: "w-alice", filter: {title: {contains: "A", ne: "alpha"}}, orderBy: TITLE,
                   descending: true) { nodes { title } }
      some: todos(workspaceId: "w-alice", filter: {aggregateId: {in: ["t0", "t3"]}}, orderBy: AGGREGATE_ID) {
        nodes { aggregateId }
      }
    }""")
    assert filtered["done"]["nodes"] == [{"aggregateId": "t2"}]
    assert [n["title"] for n in filtered["named"]["nodes"]] == ["delta", "charlie", "bravo"]
    assert filtered["some"]["nodes"] == [{"aggregateId": "t0"}, {"aggregateId": "t3"}]


async def test_undo_and_redo_with_the_ledger_telling_what_happened(alice: Client) -> None:
    await create(alice, "Buy milk", "t1")
    await alice.data(
        'mutation { renameTodo(workspaceId: "w-alice", input: {todoId: "t1", title: "Buy oat milk"}) { success } }'
    )
    assert (await alice.data('{ canUndoLatest(workspaceId: "w-alice") }'))["canUndoLatest"] is True

    undo = await alice.data(
        'mutation { undoLatest(workspaceId: "w-alice", onlyMine: true) '
        "{ description changedAggregates { ... on Todo { title } } } }"
    )
    assert undo["undoLatest"]["changedAggregates"] == [{"title": "Buy milk"}]
    assert undo["undoLatest"]["description"].startswith("Alice undid")
    read = await alice.data('{ todo(workspaceId: "w-alice", aggregateId: "t1") { title } }')
    assert read["todo"]["title"] == "Buy milk"

    redo = await alice.data(
        'mutation { redoLatest(workspaceId: "w-alice") { changedAggregates { ... on Todo { title } } } }'
    )
    assert redo["redoLatest"]["changedAggregates"] == [{"title": "Buy oat milk"}]

    timeline = await alice.data(
        '{ timeline(workspaceId: "w-alice") { sequence intentType kind actorId success '
        "struckOut description intent { __typename id } events { aggregateId } } }"
    )
    entries = timeline["timeline"]
    assert [e["sequence"] for e in entries] == [1, 2, 3, 4]
    assert [e["kind"] for e in entries] == ["INTENT", "INTENT", "UNDO", "REDO"]
    assert entries[1]["intentType"] == "RenameTodoIntent" and entries[1]["intent"]["__typename"] == "RenameTodoIntent"
    assert entries[2]["struckOut"] is True  # the undo was struck out by the redo

    history = await alice.data('{ aggregateHistory(workspaceId: "w-alice", aggregateId: "t1") { sequence } }')
    assert [e["sequence"] for e in history["aggregateHistory"]] == [1, 2, 3, 4]
    before = await alice.data(
        '{ stateAtSequence(workspaceId: "w-alice", sequence: 1) { __typename aggregateId ... on Todo { title } } }'
    )
    assert before["stateAtSequence"] == [{"__typename": "Todo", "aggregateId": "t1", "title": "Buy milk"}]
    assert (await alice.data('{ head(workspaceId: "w-alice") }'))["head"] == 4


async def test_nothing_to_undo_is_null(alice: Client) -> None:
    assert (await alice.data('mutation { undoLatest(workspaceId: "w-alice") { success } }'))["undoLatest"] is None


async def test_branch_merge_and_discard(alice: Client) -> None:
    await create(alice, "main todo", "t1")
    created = await alice.data(
        'mutation { createTimeline(workspaceId: "w-alice", timelineId: "draft") '
        "{ timelineId parentTimelineId forkSequence status createdBy } }"
    )
    assert created["createTimeline"] == {
        "timelineId": "draft",
        "parentTimelineId": "main",
        "forkSequence": 1,
        "status": "ACTIVE",
        "createdBy": "alice",
    }
    await alice.data(
        'mutation { createTodo(workspaceId: "w-alice", timelineId: "draft", '
        'input: {title: "draft todo", todoId: "t2"}) { sequence } }'
    )
    on_main = await alice.data('{ todos(workspaceId: "w-alice") { nodes { aggregateId } } }')
    on_draft = await alice.data('{ todos(workspaceId: "w-alice", timelineId: "draft") { nodes { aggregateId } } }')
    assert on_main["todos"]["nodes"] == [{"aggregateId": "t1"}]
    assert on_draft["todos"]["nodes"] == [{"aggregateId": "t1"}, {"aggregateId": "t2"}]

    merged = await alice.data(
        'mutation { mergeTimeline(workspaceId: "w-alice", source: "draft") '
        "{ outcomes { intentType applied result { sequence } } } }"
    )
    assert merged["mergeTimeline"]["outcomes"] == [
        {"intentType": "CreateTodoIntent", "applied": True, "result": {"sequence": 2}}
    ]
    timelines = await alice.data('{ timelines(workspaceId: "w-alice") { timelineId status } }')
    assert timelines["timelines"] == [
        {"timelineId": "main", "status": "ACTIVE"},
        {"timelineId": "draft", "status": "MERGED"},
    ]

    await alice.data('mutation { createTimeline(workspaceId: "w-alice", timelineId: "scratch") { status } }')
    discarded = await alice.data(
        'mutation { discardTimeline(workspaceId: "w-alice", timelineId: "scratch") { status } }'
    )
    assert discarded["discardTimeline"]["status"] == "DISCARDED"


async def test_a_retry_with_the_same_intent_id_acts_once(alice: Client) -> None:
    first = await create(alice, "once", "t1", intentId="retry-1")
    again = await create(alice, "once", "t1", intentId="retry-1")
    assert again["intentId"] == first["intentId"] == "retry-1"
    assert again["sequence"] == first["sequence"] == 1
    assert (await alice.data('{ head(workspaceId: "w-alice") }'))["head"] == 1


async def test_blob_upload_then_attach_by_sha256_or_inline(
    server: Running, http: httpx.AsyncClient, alice: Client
) -> None:
    await create(alice, "with files", "t1")
    payload = b"%PDF-1.7 a small document"
    operations = {
        "query": 'mutation($file: Upload!) { uploadBlob(workspaceId: "w-alice", file: $file) '
        "{ sha256 size contentType } }",
        "variables": {"file": None},
    }
    response = await http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
        files={"0": ("doc.pdf", payload, "application/pdf")},
        headers={"authorization": f"Bearer {alice.token}", "graphql-require-preflight": "1"},
    )
    assert response.status_code == 200, response.text
    uploaded = response.json()["data"]["uploadBlob"]
    assert uploaded == {
        "sha256": hashlib.sha256(payload).hexdigest(),
        "size": len(payload),
        "contentType": "application/pdf",
    }

    attach = """mutation($blob: BlobInput!) {
      attachToTodo(workspaceId: "w-alice", input: {todoId: "t1", attachment: $blob}) {
        entry { intent { ... on AttachToTodoIntent { attachment { sha256 size contentType base64 } } } }
      }
    }"""
    by_ref = await alice.data(attach, {"blob": {"sha256": uploaded["sha256"]}})
    blob = by_ref["attachToTodo"]["entry"]["intent"]["attachment"]
    assert blob["sha256"] == uploaded["sha256"] and blob["size"] == len(payload)
    assert blob["contentType"] == "application/octet-stream"
    small = {"base64": base64.b64encode(b"hi").decode(), "contentType": "text/plain"}
    inline = await alice.data(attach, {"blob": small})
    assert inline["attachToTodo"]["entry"]["intent"]["attachment"]["base64"] == base64.b64encode(b"hi").decode()
    todo = await alice.data('{ todo(workspaceId: "w-alice", aggregateId: "t1") { attachments } }')
    assert todo["todo"]["attachments"] == 2


async def test_me_lists_the_readable_workspaces(alice: Client, carol: Client, bob: Client) -> None:
    await create(alice, "x", "t1")
    await create(bob, "y", "t1", ws="w-bob")
    assert (await alice.data("{ me { id name workspaces } }"))["me"] == {
        "id": "alice",
        "name": "Alice",
        "workspaces": ["w-alice"],
    }
    assert (await carol.data("{ me { workspaces } }"))["me"]["workspaces"] == ["w-alice"]

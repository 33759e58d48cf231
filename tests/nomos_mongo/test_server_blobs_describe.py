"""Server-only intents, blob offload, and describe()."""

from __future__ import annotations

import hashlib

import pytest

from nomos_mongo import (
    BlobNotFound,
    IntentContext,
    IntentLedgerEntry,
    InvalidArgument,
    LazyBlob,
    MemoryBlobStorage,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    ServerExecutionRequired,
)
from nomos_mongo.descriptions import DescribeContext, IntentDescription
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    ArchiveTodosIntent,
    AttachToTodoIntent,
    CompleteTodoIntent,
    CreateTodoIntent,
    TodoAggregate,
)

CTX = IntentContext(workspace_id="ws", actor_id="u")


async def test_client_runtime_without_transport_refuses_server_only_intents() -> None:
    client = NomosApp(MemoryPersistence(), modules=[TODO_MODULE], options=NomosOptions(is_server_runtime=False))
    with pytest.raises(ServerExecutionRequired, match="ArchiveTodosIntent"):
        await client.dispatch(ArchiveTodosIntent(todo_id="t"), CTX)
    await client.dispatch(CreateTodoIntent(title="ordinary intents still run"), CTX)


async def test_client_runtime_forwards_server_only_intents_to_the_transport() -> None:
    server = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    await server.dispatch(CreateTodoIntent(title="x", todo_id="t"), CTX)

    class LoopbackTransport:
        sent: list[str] = []

        async def send(self, intent, ctx):  # type: ignore[no-untyped-def]
            self.sent.append(intent.type_name)
            return await server.dispatch(intent, ctx)

    transport = LoopbackTransport()
    client = NomosApp(
        MemoryPersistence(), modules=[TODO_MODULE], transport=transport, options=NomosOptions(is_server_runtime=False)
    )
    entry = await client.dispatch(ArchiveTodosIntent(todo_id="t"), CTX)
    assert isinstance(entry, IntentLedgerEntry) and transport.sent == ["ArchiveTodosIntent"]
    todo = await server.read_latest(TodoAggregate, "ws", "main", "t")
    assert todo is not None and todo.is_completed


async def test_server_runtime_executes_server_only_intents(app: NomosApp) -> None:
    await app.dispatch(CreateTodoIntent(title="x", todo_id="t"), CTX)
    entry = await app.dispatch(ArchiveTodosIntent(todo_id="t"), CTX)
    assert entry.workspace_intent_sequence == 2


async def test_large_payloads_are_offloaded_by_sha256_and_loaded_lazily() -> None:
    storage = MemoryBlobStorage()
    app = NomosApp(
        MemoryPersistence(),
        modules=[TODO_MODULE],
        blob_storage=storage,
        options=NomosOptions(blob_offload_threshold_bytes=1024),
    )
    await app.dispatch(CreateTodoIntent(title="x", todo_id="t"), CTX)
    big = bytes(range(256)) * 20
    small = b"tiny"
    e1 = await app.dispatch(
        AttachToTodoIntent(todo_id="t", attachment=LazyBlob(inline=big, content_type="application/pdf")), CTX
    )
    e2 = await app.dispatch(AttachToTodoIntent(todo_id="t", attachment=LazyBlob(inline=small)), CTX)
    stored_big = e1.intent.attachment  # type: ignore[attr-defined]
    assert stored_big.is_offloaded and stored_big.ref.sha256 == hashlib.sha256(big).hexdigest()
    assert (stored_big.ref.size, stored_big.ref.content_type) == (len(big), "application/pdf")
    assert e2.intent.attachment.inline == small  # type: ignore[attr-defined]
    assert await stored_big.read(app.blob) == big
    reloaded = await app.load_entry(e1.intent_id)
    assert reloaded is not None and "inline" not in str(reloaded.intent.to_json()["attachment"].get("inline") or "")
    assert app.registry.intent_from_json(e1.intent.to_json()) == e1.intent


async def test_blob_upload_api_validates_and_deduplicates(app: NomosApp) -> None:
    ref = await app.blob.upload_blob(b"%PDF-1.7", "application/pdf")
    again = await app.blob.upload_blob(b"%PDF-1.7", "application/pdf")
    assert ref == again and ref.size == 8 and await app.blob.load(ref) == b"%PDF-1.7"
    with pytest.raises(InvalidArgument, match="content_type"):
        await app.blob.upload_blob(b"x", "not a mime type")
    with pytest.raises(InvalidArgument, match="data"):
        await app.blob.upload_blob("text", "text/plain")  # type: ignore[arg-type]
    with pytest.raises(BlobNotFound):
        await app.blob.get("0" * 64)


def test_lazy_blob_needs_a_source_and_base64_round_trips() -> None:
    with pytest.raises(ValueError, match="inline bytes or a blob reference"):
        LazyBlob()
    blob = LazyBlob(inline=b"\x00\xff binary")
    assert LazyBlob.model_validate(blob.model_dump(mode="json")) == blob


def test_description_templates_render_variables() -> None:
    ctx = DescribeContext(actor_id="u-1", workspace_id="ws", timeline_id="main")
    description = IntentDescription(
        '{actor} created todo "{title}"{missing}', {"actor": ctx.actor_name(), "title": "Buy milk"}
    )
    assert description.render() == 'u-1 created todo "Buy milk"{missing}'
    assert description.render({("user", "u-1"): "Alice"}) == 'Alice created todo "Buy milk"{missing}'


async def test_names_resolve_through_the_app_with_fallback() -> None:
    async def user_names(reader, user_id):  # type: ignore[no-untyped-def]
        return {"u": "Alice"}.get(user_id)

    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE], name_resolvers={"user": user_names})
    created = await app.dispatch(CreateTodoIntent(title="Buy milk", todo_id="t"), CTX)
    assert created.description == 'Alice created todo "Buy milk"'
    completed = await app.dispatch(CompleteTodoIntent(todo_id="t"), CTX)
    assert completed.description == "Alice completed Buy milk"  # the todo's name comes from state
    stranger = await app.dispatch(CreateTodoIntent(title="x"), CTX.copy_with(actor_id="nobody"))
    assert stranger.description.startswith("nobody created")
    assert await app.describe(created) == 'Alice created todo "Buy milk"'


async def test_server_only_intents_are_never_predicted_optimistically() -> None:
    client = NomosApp(MemoryPersistence(), modules=[TODO_MODULE], options=NomosOptions(is_server_runtime=False))
    with pytest.raises(ServerExecutionRequired):
        await client.dispatch_optimistic(ArchiveTodosIntent(todo_id="t"), CTX)
    server = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    await server.dispatch(CreateTodoIntent(title="x", todo_id="t"), CTX)
    result = await server.dispatch_optimistic(ArchiveTodosIntent(todo_id="t"), CTX)
    assert result.aggregates == {} and len(server.overlay) == 0
    assert (await result.confirmed()).workspace_intent_sequence == 2

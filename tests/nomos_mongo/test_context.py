from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from nomos_mongo import IntentContext, InvalidArgument, NomosApp
from nomos_mongo.examples.todo import CreateTodoIntent


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("workspace_id", ""),
        ("workspace_id", "  "),
        ("timeline_id", ""),
        ("actor_id", ""),
        ("actor_id", "a\nb"),
        ("workspace_id", "x" * 201),
        ("correlation_id", ""),
    ],
)
def test_bad_context_values_are_refused_by_name(field: str, value: str) -> None:
    values = {"workspace_id": "ws", "actor_id": "a", field: value}
    with pytest.raises(InvalidArgument, match=field):
        IntentContext(**values)  # type: ignore[arg-type]


def test_naive_client_timestamp_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="client_timestamp"):
        IntentContext(workspace_id="ws", actor_id="a", client_timestamp=datetime(2026, 1, 1))


async def test_intent_ids_are_uuidv7_by_default(app: NomosApp, ctx: IntentContext) -> None:
    entry = await app.dispatch(CreateTodoIntent(title="x"), ctx)
    assert uuid.UUID(entry.intent_id).version == 7
    assert entry.correlation_id == entry.intent_id  # a new chain starts at this intent


async def test_injected_id_generator_and_context_ids_are_kept(app: NomosApp) -> None:
    ctx = IntentContext(
        workspace_id="ws",
        actor_id="a",
        correlation_id="req-1",
        causation_id="intent-0",
        id_generator=lambda: "fixed-id-for-test",
    )
    entry = await app.dispatch(CreateTodoIntent(title="x"), ctx)
    assert entry.intent_id == "fixed-id-for-test"
    assert (entry.correlation_id, entry.causation_id, entry.actor_id) == ("req-1", "intent-0", "a")
    assert entry.server_timestamp >= entry.client_timestamp


async def test_default_context_is_used_when_none_is_given(app: NomosApp, ctx: IntentContext) -> None:
    with pytest.raises(InvalidArgument, match="default"):
        await app.dispatch(CreateTodoIntent(title="x"))
    app.set_default_intent_context(ctx)
    entry = await app.dispatch(CreateTodoIntent(title="Task"))
    assert (entry.workspace_id, entry.actor_id) == ("ws-1", "alice")


async def test_client_timestamp_is_the_intent_time(app: NomosApp) -> None:
    from datetime import UTC

    when = datetime(2025, 5, 1, 12, tzinfo=UTC)
    ctx = IntentContext(workspace_id="ws", actor_id="a", client_timestamp=when)
    entry = await app.dispatch(CreateTodoIntent(title="x", todo_id="t"), ctx)
    assert entry.client_timestamp == when
    assert entry.events[0].event.created_at == when  # type: ignore[attr-defined]

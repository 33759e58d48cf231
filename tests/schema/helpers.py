"""Contexts for dispatching CO2 intents in tests."""

from __future__ import annotations

from nomos_mongo import IntentContext
from schema.common import SYSTEM_WORKSPACE


def estate_ctx(estate_id: str, actor_id: str = "alice", timeline_id: str = "main") -> IntentContext:
    return IntentContext(workspace_id=estate_id, actor_id=actor_id, timeline_id=timeline_id)


def system_ctx(actor_id: str = "alice") -> IntentContext:
    return IntentContext(workspace_id=SYSTEM_WORKSPACE, actor_id=actor_id)

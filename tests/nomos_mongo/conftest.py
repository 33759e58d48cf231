from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nomos_mongo import IntentContext, MemoryPersistence, NomosApp, NomosOptions
from tests.todo_domain import TODO_MODULE


@pytest.fixture
def persistence() -> MemoryPersistence:
    return MemoryPersistence()


@pytest.fixture
async def app(persistence: MemoryPersistence) -> AsyncIterator[NomosApp]:
    app = NomosApp(persistence, modules=[TODO_MODULE], options=NomosOptions(history_snapshot_every=3))
    await app.start()
    yield app
    await app.close()


@pytest.fixture
def ctx() -> IntentContext:
    return IntentContext(workspace_id="ws-1", actor_id="alice")

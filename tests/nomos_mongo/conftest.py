from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nomos_mongo import IntentContext, NomosApp, NomosOptions, Persistence
from nomos_mongo.examples.todo import TODO_MODULE
from tests.persistence.stores import ADAPTERS, open_store


@pytest.fixture(params=ADAPTERS)
async def persistence(request: pytest.FixtureRequest) -> AsyncIterator[Persistence]:
    """Every engine behaviour is checked on every adapter of the port."""
    async with open_store(request.param) as store:
        yield store


@pytest.fixture
async def app(persistence: Persistence) -> AsyncIterator[NomosApp]:
    app = NomosApp(persistence, modules=[TODO_MODULE], options=NomosOptions(history_snapshot_every=3))
    await app.start()
    yield app
    await app.close()


@pytest.fixture
def ctx() -> IntentContext:
    return IntentContext(workspace_id="ws-1", actor_id="alice")

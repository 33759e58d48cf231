from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nomos_mongo import Persistence
from tests.persistence.domain import registry
from tests.persistence.stores import ADAPTERS, open_store


@pytest.fixture(params=ADAPTERS)
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Persistence]:
    async with open_store(request.param) as persistence:
        persistence.bind(registry())
        await persistence.start()
        yield persistence

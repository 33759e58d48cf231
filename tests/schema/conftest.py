"""Fixtures for the CO2 domain: an app on the in-memory store with every CO2 module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nomos_mongo import MemoryPersistence, NomosApp
from schema import co2_modules


@pytest.fixture
async def co2_app() -> AsyncIterator[NomosApp]:
    app = NomosApp(MemoryPersistence(), modules=co2_modules())
    await app.start()
    yield app
    await app.close()

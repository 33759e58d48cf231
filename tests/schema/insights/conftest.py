"""The app the insights tests report with: attachments and insights wired to its blob storage."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nomos_mongo import MemoryBlobStorage, MemoryPersistence, NomosApp
from schema import co2_modules
from schema.attachments import attachments_module
from schema.insights import insights_module


@pytest.fixture
async def blobs() -> MemoryBlobStorage:
    return MemoryBlobStorage()


@pytest.fixture
async def reporting_app(blobs: MemoryBlobStorage) -> AsyncIterator[NomosApp]:
    """Every CO2 module, with attachments and insights wired to the app's blob storage."""
    wired = {
        "co2.insights": insights_module(blob_storage=blobs),
        "co2.attachments": attachments_module(blob_storage=blobs, transcriber=None),
    }
    app = NomosApp(
        MemoryPersistence(), blob_storage=blobs, modules=[wired.get(module.name, module) for module in co2_modules()]
    )
    await app.start()
    yield app
    await app.close()

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.wire.harness import SERVERS


@pytest.fixture(scope="session", autouse=True)
def wire_servers() -> Iterator[None]:
    """The wire stand-ins start on first use (tests/persistence/stores.py); stop them at the end."""
    yield
    SERVERS.stop()

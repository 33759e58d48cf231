from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.persistence.stores import STANDIN_CONFLICTS_PER_DATABASE
from tests.wire.harness import SERVERS

CONTENDING = "contending_transactions"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{CONTENDING}: many transactions race for one timeline; skipped on the wire stand-in's transaction path",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A contention test needs MongoDB's per-document write conflicts, which the stand-in lacks."""
    params = getattr(item, "callspec", None)
    kinds = (params.params.get("persistence"), params.params.get("server")) if params is not None else ()
    if item.get_closest_marker(CONTENDING) and "wire-replica-set" in kinds:
        pytest.skip(STANDIN_CONFLICTS_PER_DATABASE)


@pytest.fixture(scope="session", autouse=True)
def wire_servers() -> Iterator[None]:
    """The wire stand-ins start on first use (tests/persistence/stores.py); stop them at the end."""
    yield
    SERVERS.stop()

"""MongoPersistence's replica-set paths (transactions, change stream) wired to fakes over mongomock.

mongomock has neither sessions nor change streams, so the client here answers `hello` as a
replica set member, hands out a FakeSession, and checks that every write of a commit carries
that session inside its transaction before passing it on to mongomock without it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mongomock_motor import AsyncMongoMockClient

from nomos_mongo import Commit, CommitNotice, SequenceConflict
from nomos_mongo.stores.mongo import MongoPersistence
from nomos_mongo.testing.domain import entry, registry, snapshot, task
from tests.nomos_mongo.stores.mongo.fakes import FakeLedger, FakeSession, change, history_lost, unsupported_stage
from tests.persistence.stores import fresh_db_name

WRITES = {"insert_one", "insert_many", "replace_one", "update_one", "update_many", "delete_many"}


class SessionChecked:
    def __init__(self, inner: Any, client: ReplicaSetClient) -> None:
        self._inner = inner
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in WRITES:
            return attribute

        async def write(*args: Any, session: FakeSession | None = None, **options: Any) -> Any:
            self._client.writes.append((name, session is not None and session.in_transaction))
            return await attribute(*args, **options)

        return write


class Database:
    def __init__(self, inner: Any, client: ReplicaSetClient) -> None:
        self._inner = inner
        self._client = client
        self.name = inner.name

    def __getitem__(self, name: str) -> SessionChecked:
        return SessionChecked(self._inner[name], self._client)

    async def command(self, name: str) -> dict[str, Any]:
        return {"isWritablePrimary": True, "setName": "rs0"} if name == "hello" else {"ok": 1}

    async def list_collection_names(self) -> list[str]:
        return list(await self._inner.list_collection_names())


class ReplicaSetClient:
    def __init__(self) -> None:
        self.mock: Any = AsyncMongoMockClient(tz_aware=True)
        self.sessions: list[FakeSession] = []
        self.writes: list[tuple[str, bool]] = []

    def __getitem__(self, name: str) -> Database:
        return Database(self.mock[name], self)

    @asynccontextmanager
    async def start_session(self) -> AsyncIterator[FakeSession]:
        session = FakeSession()
        self.sessions.append(session)
        yield session


@pytest.fixture
async def store() -> AsyncIterator[MongoPersistence]:
    client = ReplicaSetClient()
    persistence = MongoPersistence(client, fresh_db_name())
    persistence.bind(registry())
    await persistence.start()
    yield persistence
    await persistence.close()


async def test_a_commit_is_one_transaction_carrying_every_write(store: MongoPersistence) -> None:
    client: ReplicaSetClient = store.client
    assert store.capabilities is not None and store.capabilities.transactions
    first = entry(1, touched=["t1"])
    await store.commit(Commit(first))
    client.writes.clear()

    await store.commit(
        Commit(
            entry(2, touched=["t1", "t2"]),
            snapshots=(snapshot(task("t1", points=2), 2), snapshot(task("t2"), 2)),
            history=(snapshot(task("t2"), 2),),
            strike_outs={first.intent_id: True},
        )
    )

    assert client.writes == [
        ("insert_one", True),
        ("replace_one", True),
        ("replace_one", True),
        ("insert_many", True),
        ("update_many", True),
        ("update_one", True),
    ]
    session = client.sessions[-1]
    assert (session.starts, session.commits, session.aborts) == (1, 1, 0)
    assert await store.head("ws-1", "main") == 2


async def test_a_taken_sequence_aborts_the_transaction(store: MongoPersistence) -> None:
    await store.commit(Commit(entry(1)))
    with pytest.raises(SequenceConflict):
        await store.commit(Commit(entry(1, intent_id="other")))
    session = store.client.sessions[-1]
    assert (session.aborts, session.commits) == (1, 0)


async def test_the_change_stream_feeds_watchers_and_wakes_all_after_history_loss(store: MongoPersistence) -> None:
    await store.commit(Commit(entry(1)))
    await store.commit(Commit(entry(1, workspace_id="ws-2")))
    ledger = FakeLedger([change("a", "ws-1", "main", 2), history_lost()], [change("b", "ws-1", "main", 3)])
    ledger.with_options = lambda **options: ledger  # type: ignore[attr-defined]
    store._ledger = ledger  # type: ignore[assignment]

    notices = store.watch_commits()
    latest: dict[tuple[str, str], CommitNotice] = {}
    while latest.get(("ws-1", "main"), CommitNotice("", "", 0)).sequence < 3 or ("ws-2", "main") not in latest:
        notice = await asyncio.wait_for(anext(notices), 5)
        latest[(notice.workspace_id, notice.timeline_id)] = notice

    # ws-2 had no change event: only the wake-up after the lost history tells its watchers to re-read
    assert latest[("ws-2", "main")] == CommitNotice("ws-2", "main", 1, frozenset(registry().aggregates))
    assert [call["resume_after"] for call in ledger.watch_calls] == [None, None]


class RefusingChangeStreams:
    """The ledger of a server that cannot open change streams; everything else is the real one."""

    def __init__(self, ledger: Any) -> None:
        self._ledger = ledger
        self.refusals = FakeLedger(unsupported_stage(), unsupported_stage())

    def with_options(self, **options: Any) -> FakeLedger:
        return self.refusals

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ledger, name)


async def test_a_refused_change_stream_falls_back_to_polling_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = MongoPersistence(ReplicaSetClient(), fresh_db_name(), poll_interval=0.01)
    store.bind(registry())
    await store.start()
    ledger = RefusingChangeStreams(store._ledger)
    store._ledger = ledger  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING, logger="nomos_mongo.stores.mongo"):
        notices = store.watch_commits(lambda: [("ws-1", "main")])
        await asyncio.sleep(0.05)
        await store.commit(Commit(entry(1, touched=["t1"])))
        notice = await asyncio.wait_for(anext(notices), 5)
        await store.commit(Commit(entry(2, touched=["t1"])))
        second = await asyncio.wait_for(anext(notices), 5)

    assert (notice.sequence, second.sequence) == (1, 2)
    assert len(ledger.refusals.watch_calls) == 1
    # one warning; what other tests configured may let the start-up's info line through too
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(messages) == 1 and "polling" in messages[0] and "Unsupported aggregation stage" in messages[0]
    await store.close()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "nomos-commit-feed"]

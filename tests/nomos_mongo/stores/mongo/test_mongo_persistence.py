"""What the MongoDB adapter adds to the contract, exercised on mongomock-motor and PyMongo itself."""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections.abc import AsyncIterator
from typing import ClassVar

import pytest
from mongomock_motor import AsyncMongoMockClient
from pymongo import AsyncMongoClient

from nomos_mongo import Commit, CommitNotice, PersistenceError
from nomos_mongo.query import BasicQuery
from nomos_mongo.stores.mongo import MongoPersistence, connect
from nomos_mongo.stores.mongo.indexes import LEDGER, LEDGER_SEQUENCE_INDEX, indexed_fields, snapshot_collection
from nomos_mongo.testing.domain import BoardAggregate, TaskAggregate, entry, registry, snapshot, task
from tests.persistence.stores import MONGO_ADAPTERS, fresh_db_name, mongo_client

UNREACHABLE = "mongodb://127.0.0.1:9/?directConnection=true"


@pytest.fixture
async def unreachable() -> AsyncIterator[str]:
    yield UNREACHABLE
    # PyMongo's monitor leaks its socket when the client closes mid-connect (it closes the
    # socket on OSError, not on cancellation); collect it here, not in some later test.
    await asyncio.sleep(0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
async def client() -> AsyncIterator[AsyncMongoMockClient]:
    yield AsyncMongoMockClient(tz_aware=True)


async def started(client: AsyncMongoMockClient, name: str, **options: object) -> MongoPersistence:
    store = MongoPersistence(client, name, **options)  # type: ignore[arg-type]
    store.bind(registry())
    await store.start()
    return store


async def index_names(store: MongoPersistence, collection: str) -> set[str]:
    return set(await store.database[collection].index_information())


async def test_start_says_when_it_polls_and_has_no_transactions(
    client: AsyncMongoMockClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="nomos_mongo.stores.mongo"):
        store = await started(client, fresh_db_name())
        await store.start()
    assert store.capabilities is not None and not store.capabilities.transactions
    assert [r.getMessage() for r in caplog.records if "polling" in r.getMessage()] != []
    assert len(caplog.records) == 1
    await store.close()


async def test_indexes_are_created_once_and_idempotently(client: AsyncMongoMockClient) -> None:
    store = await started(client, fresh_db_name())
    await store.ensure_indexes()

    assert LEDGER_SEQUENCE_INDEX in await index_names(store, LEDGER)
    assert {"ledger_touched", "ledger_kind"} <= await index_names(store, LEDGER)
    task_indexes = await index_names(store, snapshot_collection("TaskAggregate"))
    assert {"snapshot_key", "by_points", "by_due_at", "by_priority", "by_title"} <= task_indexes
    assert "by_tags" not in task_indexes and "by_owner" not in task_indexes
    await store.close()


@pytest.mark.parametrize("kind", MONGO_ADAPTERS)
async def test_field_indexes_follow_what_the_aggregate_declares_at_each_start(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with mongo_client(kind) as client:
        name = fresh_db_name()
        try:
            store = await started(client, name)  # type: ignore[arg-type]
            await store.commit(Commit(entry(1, touched=["t1"]), snapshots=(snapshot(task("t1", points=4), 1),)))
            collection = store.database[snapshot_collection("TaskAggregate")]
            await collection.create_index("q.points", name="mine")  # not a field index of ours: left alone
            await store.close()

            monkeypatch.setattr(TaskAggregate, "query_indexes", ("points", "owner.name"), raising=False)
            again = await started(client, name)  # type: ignore[arg-type]
            indexes = await index_names(again, snapshot_collection("TaskAggregate"))
            assert {i for i in indexes if i.startswith("by_")} == {"by_points", "by_owner.name"}
            assert {"snapshot_key", "mine"} <= indexes
            by_title = await again.query_snapshots("ws-1", "main", TaskAggregate, BasicQuery(order_by_field="title"))
            assert [r.aggregate_id for r in by_title] == ["t1"]  # a field without an index is still ordered by
            await again.ensure_indexes()  # idempotent: nothing left to drop
            assert await index_names(again, snapshot_collection("TaskAggregate")) == indexes
            await again.close()
        finally:
            await client.drop_database(name)  # type: ignore[attr-defined]


def test_declared_query_indexes_replace_the_default() -> None:
    class Declared(TaskAggregate):
        query_indexes: ClassVar[tuple[str, ...]] = ("owner.display_name", "points")

    assert indexed_fields(Declared) == ["owner.display_name", "points"]
    assert indexed_fields(BoardAggregate) == ["name"]


async def test_another_process_sees_commits_by_polling(client: AsyncMongoMockClient) -> None:
    name = fresh_db_name()
    writer = await started(client, name)
    reader = await started(client, name, poll_interval=0.01)
    notices = reader.watch_commits()
    await asyncio.sleep(0.05)  # let the poller take its first look at the heads

    await writer.commit(Commit(entry(1, touched=["t1"])))
    await writer.commit(Commit(entry(1, workspace_id="ws-2")))

    received = {await asyncio.wait_for(anext(notices), 5) for _ in range(2)}
    assert received == {
        CommitNotice("ws-1", "main", 1, frozenset({"TaskAggregate"})),
        CommitNotice("ws-2", "main", 1, frozenset()),
    }
    await reader.close()
    await writer.close()
    assert [n async for n in notices] == []


async def test_derived_writes_share_the_commit(client: AsyncMongoMockClient) -> None:
    store = await started(client, fresh_db_name())
    await store.commit(Commit(entry(1)))
    head = await store.database["heads"].find_one({"workspace_id": "ws-1", "timeline_id": "main"})
    assert head is not None and head["seq"] == 1
    await store.close()


async def test_an_unreachable_server_fails_requests_with_a_clear_error(unreachable: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(unreachable, serverSelectionTimeoutMS=100)
    store = MongoPersistence(client, "nomos", owns_client=True)
    store.bind(registry())
    with pytest.raises(PersistenceError, match="MongoDB is unreachable") as raised:
        await store.head("ws-1", "main")
    assert "\n" not in str(raised.value) and "Topology Description" not in str(raised.value)
    with pytest.raises(PersistenceError, match="unreachable"):
        await store.ping()
    with pytest.raises(PersistenceError):
        await store.commit(Commit(entry(1)))
    assert store.blob_storage() is not None
    await store.close()


async def test_connect_gives_a_one_line_error_for_an_unreachable_server(unreachable: str) -> None:
    uri = unreachable.replace("//", "//nomos:s3cret@")
    with pytest.raises(PersistenceError) as raised:
        await connect(uri, server_selection_timeout_ms=100)
    message = str(raised.value)
    assert message.startswith("cannot reach MongoDB at mongodb://***@127.0.0.1:9/")
    assert "\n" not in message and "s3cret" not in message


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:27017",
        "mongodb://host:notaport",
        "mongodb://localhost/?tls=maybe",
        "mongodb://localhost/?w=-5",
    ],
)
async def test_connect_rejects_a_misconfigured_uri(uri: str) -> None:
    with pytest.raises(PersistenceError, match="invalid MongoDB URI"):
        await connect(uri, server_selection_timeout_ms=100)

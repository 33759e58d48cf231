"""The change-stream feed against a fake ledger yielding documented change-event shapes."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

import pytest
from pymongo.errors import AutoReconnect, OperationFailure

from nomos_mongo import CommitNotice
from nomos_mongo.stores.mongo.change_stream import ChangeStreamFeed, ChangeStreamUnavailable
from tests.nomos_mongo.stores.mongo.fakes import (
    END,
    FakeLedger,
    change,
    history_lost,
    invalid_resume_token,
    resumable_error,
    unsupported_stage,
)


class Harness:
    def __init__(self, ledger: FakeLedger) -> None:
        self.ledger = ledger
        self.notices: list[CommitNotice] = []
        self.resyncs: list[int] = []  # after which watch() call every timeline was woken
        self.sleeps: list[float] = []

    async def resync(self) -> None:
        self.resyncs.append(len(self.ledger.watch_calls))

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def run_until_idle(self) -> None:
        feed = ChangeStreamFeed(self.ledger, self.notices.append, self.resync, sleep=self.sleep)
        task = asyncio.create_task(feed.run())
        await asyncio.wait_for(self.ledger.idle.wait(), timeout=5)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    @property
    def sequences(self) -> list[int]:
        return [n.sequence for n in self.notices]

    def resumed_from(self) -> list[Any]:
        return [call["resume_after"] for call in self.ledger.watch_calls]


async def test_insert_events_become_notices() -> None:
    harness = Harness(
        FakeLedger(
            [
                change("a", seq=1, types=("TodoAggregate", "ProjectAggregate")),
                change("b", operation="update"),
                change("c", seq=2),
            ]
        )
    )
    await harness.run_until_idle()

    assert harness.notices[0] == CommitNotice("ws", "main", 1, frozenset({"TodoAggregate", "ProjectAggregate"}))
    assert harness.sequences == [1, 2]
    pipeline = harness.ledger.watch_calls[0]["pipeline"]
    assert pipeline[0] == {"$match": {"operationType": "insert"}}
    assert harness.resumed_from() == [None]
    assert harness.resyncs == [1]  # a fresh stream wakes every timeline once


async def test_a_network_error_resumes_after_the_last_event() -> None:
    harness = Harness(
        FakeLedger(
            [change("a", seq=1), change("b", seq=2), AutoReconnect("connection reset by peer")],
            [change("c", seq=3)],
        )
    )
    await harness.run_until_idle()

    assert harness.sequences == [1, 2, 3]
    assert harness.resumed_from() == [None, {"_data": "b"}]
    assert harness.resyncs == [1]
    assert len(harness.sleeps) == 1


async def test_an_error_before_any_event_resumes_from_the_stream_token() -> None:
    harness = Harness(FakeLedger([AutoReconnect("primary stepped down")], [change("a", seq=1)]))
    await harness.run_until_idle()
    assert harness.resumed_from() == [None, {"_data": "start-1"}]
    assert harness.sequences == [1]


async def test_repeated_failures_to_reopen_back_off_and_keep_the_token() -> None:
    harness = Harness(
        FakeLedger(
            [change("a", seq=1), AutoReconnect("down")],
            AutoReconnect("still down"),
            AutoReconnect("still down"),
            [change("b", seq=2)],
        )
    )
    await harness.run_until_idle()

    assert harness.resumed_from() == [None, {"_data": "a"}, {"_data": "a"}, {"_data": "a"}]
    assert harness.sleeps == sorted(harness.sleeps) and len(harness.sleeps) == 3
    assert harness.sequences == [1, 2]


async def test_history_lost_on_resume_restarts_from_now_and_wakes_everyone() -> None:
    harness = Harness(
        FakeLedger(
            [change("a", seq=1), AutoReconnect("down")],
            history_lost(),
            [change("z", seq=9)],
        )
    )
    await harness.run_until_idle()

    assert harness.resumed_from() == [None, {"_data": "a"}, None]
    assert harness.resyncs == [1, 3]
    assert harness.sequences == [1, 9]


async def test_history_lost_while_reading_restarts_and_keeps_notifying() -> None:
    harness = Harness(FakeLedger([change("a", seq=1), history_lost()], [change("b", seq=2), change("c", seq=3)]))
    await harness.run_until_idle()
    assert harness.resumed_from() == [None, None]
    assert harness.resyncs == [1, 2]
    assert harness.sequences == [1, 2, 3]


async def test_an_invalidated_stream_restarts_from_now() -> None:
    harness = Harness(FakeLedger([change("a", seq=1), END], [change("b", seq=1)]))
    await harness.run_until_idle()
    assert harness.resumed_from() == [None, None]
    assert harness.resyncs == [1, 2]
    assert harness.sequences == [1, 1]


async def test_a_non_resumable_server_error_backs_off_and_resumes() -> None:
    unauthorized = OperationFailure("not authorized", 13, {"code": 13})
    harness = Harness(FakeLedger([change("a", seq=1), unauthorized], [change("b", seq=2)]))
    await harness.run_until_idle()
    assert harness.resumed_from() == [None, {"_data": "a"}]
    assert harness.sequences == [1, 2]
    assert harness.resyncs == [1]


@pytest.mark.parametrize(
    "refusal",
    [unsupported_stage(), OperationFailure("only supported on replica sets", 40573, {"code": 40573})],
)
async def test_a_server_that_cannot_open_the_stream_is_not_retried(refusal: OperationFailure) -> None:
    harness = Harness(FakeLedger(refusal))
    feed = ChangeStreamFeed(harness.ledger, harness.notices.append, harness.resync, sleep=harness.sleep)
    with pytest.raises(ChangeStreamUnavailable, match=re.escape(str(refusal).split(",")[0])):
        await asyncio.wait_for(feed.run(), 5)
    assert len(harness.ledger.watch_calls) == 1
    assert harness.sleeps == [] and harness.resyncs == []


async def test_an_invalid_resume_token_restarts_from_now_like_a_lost_history() -> None:
    harness = Harness(
        FakeLedger([change("a", seq=1), AutoReconnect("down")], invalid_resume_token(), [change("b", seq=2)])
    )
    await harness.run_until_idle()
    assert harness.resumed_from() == [None, {"_data": "a"}, None]
    assert harness.resyncs == [1, 3]
    assert harness.sequences == [1, 2]


async def test_a_resumable_error_on_opening_backs_off_and_resumes() -> None:
    harness = Harness(FakeLedger([change("a", seq=1), AutoReconnect("down")], resumable_error(), [change("b", seq=2)]))
    await harness.run_until_idle()
    assert harness.resumed_from() == [None, {"_data": "a"}, {"_data": "a"}]
    assert harness.sequences == [1, 2]
    assert len(harness.sleeps) == 2

"""Fan-out of commit notices inside one process."""

from __future__ import annotations

import asyncio

from nomos_mongo import CommitNotice
from nomos_mongo.stores.mongo.notices import NoticeHub


async def test_every_subscriber_gets_every_timeline() -> None:
    hub = NoticeHub()
    first, second = hub.subscribe(), hub.subscribe()
    hub.publish(CommitNotice("ws", "main", 1, frozenset({"A"})))
    hub.publish(CommitNotice("ws", "draft", 1))

    for subscription in (first, second):
        assert [await anext(subscription), await anext(subscription)] == [
            CommitNotice("ws", "main", 1, frozenset({"A"})),
            CommitNotice("ws", "draft", 1),
        ]


async def test_a_slow_subscriber_holds_one_merged_notice_per_timeline() -> None:
    hub = NoticeHub()
    subscription = hub.subscribe()
    for seq, kind in ((1, "A"), (2, "B"), (3, "A")):
        hub.publish(CommitNotice("ws", "main", seq, frozenset({kind})))

    assert await anext(subscription) == CommitNotice("ws", "main", 3, frozenset({"A", "B"}))


async def test_a_waiting_subscriber_wakes_on_publish() -> None:
    hub = NoticeHub()
    subscription = hub.subscribe()
    waiting = asyncio.create_task(anext(subscription))
    await asyncio.sleep(0)
    hub.publish(CommitNotice("ws", "main", 4))
    assert await waiting == CommitNotice("ws", "main", 4)


async def test_closing_ends_iteration_and_unsubscribes() -> None:
    hub = NoticeHub()
    leaving, staying = hub.subscribe(), hub.subscribe()
    await leaving.aclose()
    assert hub.subscriber_count == 1
    assert [n async for n in leaving] == []

    hub.close()
    assert [n async for n in staying] == []

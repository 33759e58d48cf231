"""The polling feed (servers without change streams) against scripted collections."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from nomos_mongo import CommitNotice
from nomos_mongo.stores.mongo.polling import PollingFeed


class Cursor:
    def __init__(self, documents: list[dict[str, Any]]) -> None:
        self._documents = documents

    def sort(self, *args: Any) -> Cursor:
        return self

    async def to_list(self, length: int | None) -> list[dict[str, Any]]:
        return self._documents


class Heads:
    """Each find() answers the next scripted state of the heads collection (or raises it)."""

    def __init__(self, *states: Any) -> None:
        self._states = list(states)

    def find(self, *args: Any) -> Cursor:
        state = self._states.pop(0) if len(self._states) > 1 else self._states[0]
        if isinstance(state, BaseException):
            raise state
        return Cursor([{"workspace_id": ws, "timeline_id": tl, "seq": seq} for (ws, tl), seq in state.items()])


class Ledger:
    def __init__(self, entries: dict[tuple[str, str], list[tuple[int, list[str]]]]) -> None:
        self._entries = entries

    def find(self, query: dict[str, Any], projection: dict[str, Any]) -> Cursor:
        key = (query["workspace_id"], query["timeline_id"])
        window = query["seq"]
        return Cursor(
            [
                {"seq": seq, "touched_types": types}
                for seq, types in self._entries.get(key, [])
                if window["$gt"] < seq <= window["$lte"]
            ]
        )


async def poll(heads: Heads, ledger: Ledger, ticks: int) -> tuple[list[CommitNotice], int]:
    notices: list[CommitNotice] = []
    wakes = 0
    slept = 0

    async def wake_all() -> None:
        nonlocal wakes
        wakes += 1

    async def sleep(seconds: float) -> None:
        nonlocal slept
        slept += 1
        if slept >= ticks:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await PollingFeed(heads, ledger, notices.append, wake_all, interval=0, sleep=sleep).run()
    return notices, wakes


async def test_new_entries_of_moved_heads_become_one_notice_each() -> None:
    heads = Heads({("ws", "main"): 2}, {("ws", "main"): 4, ("ws", "draft"): 1})
    ledger = Ledger({("ws", "main"): [(1, []), (2, []), (3, ["A"]), (4, ["B"])], ("ws", "draft"): [(1, ["A"])]})

    notices, wakes = await poll(heads, ledger, ticks=3)

    assert wakes == 1
    assert notices == [
        CommitNotice("ws", "main", 3, frozenset({"A"})),
        CommitNotice("ws", "main", 4, frozenset({"B"})),
        CommitNotice("ws", "draft", 1, frozenset({"A"})),
    ]


async def test_a_failed_poll_is_retried_on_the_next_tick() -> None:
    heads = Heads({("ws", "main"): 1}, AutoReconnect("down"), {("ws", "main"): 2})
    ledger = Ledger({("ws", "main"): [(1, []), (2, ["A"])]})

    notices, _ = await poll(heads, ledger, ticks=4)

    assert notices == [CommitNotice("ws", "main", 2, frozenset({"A"}))]

"""The polling feed (servers without change streams) against scripted collections."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
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
        self.queries: list[dict[str, Any]] = []

    def find(self, query: dict[str, Any], *args: Any) -> Cursor:
        self.queries.append(query)
        state = self._states.pop(0) if len(self._states) > 1 else self._states[0]
        if isinstance(state, BaseException):
            raise state
        wanted = query.get("$or", [query] if query else None)
        return Cursor(
            [
                {"workspace_id": ws, "timeline_id": tl, "seq": seq}
                for (ws, tl), seq in state.items()
                if wanted is None or {"workspace_id": ws, "timeline_id": tl} in wanted
            ]
        )


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


async def poll(
    heads: Heads, ledger: Ledger, ticks: int, watched: Callable[[], list[tuple[str, str]]] | None = None
) -> tuple[list[CommitNotice], int]:
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
        feed = PollingFeed(
            heads,
            ledger,
            notices.append,
            wake_all,
            watched=watched,
            wake_types=frozenset({"T"}),
            interval=0,
            sleep=sleep,
        )
        await feed.run()
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


async def test_only_the_heads_of_watched_timelines_are_read() -> None:
    heads = Heads({("ws", "main"): 1, ("ws", "draft"): 1}, {("ws", "main"): 2, ("ws", "draft"): 3})
    ledger = Ledger({("ws", "main"): [(1, []), (2, ["A"])], ("ws", "draft"): [(1, []), (2, ["B"]), (3, ["B"])]})

    notices, wakes = await poll(heads, ledger, ticks=3, watched=lambda: [("ws", "main")])

    assert wakes == 1
    assert notices == [CommitNotice("ws", "main", 2, frozenset({"A"}))]
    assert heads.queries == [{"workspace_id": "ws", "timeline_id": "main"}] * 3


async def test_nothing_is_read_while_nobody_watches_and_a_new_watch_is_woken_once() -> None:
    watching: list[tuple[str, str]] = []
    heads = Heads({("ws", "main"): 5})
    ledger = Ledger({("ws", "main"): [(n, []) for n in range(1, 6)]})
    ticks = 0

    def watched() -> list[tuple[str, str]]:
        nonlocal ticks
        ticks += 1
        if ticks == 3:
            watching.append(("ws", "main"))
        return watching

    notices, _ = await poll(heads, ledger, ticks=5, watched=watched)

    assert len(heads.queries) == 3  # the third, fourth and fifth tick; none before anyone watched
    assert notices == [CommitNotice("ws", "main", 5, frozenset({"T"}))]  # one wake-up, not five entries


async def test_someone_listening_everywhere_reads_every_head_and_is_woken_for_the_rest() -> None:
    heads = Heads({("ws", "main"): 1, ("ws", "draft"): 2})
    ledger = Ledger({("ws", "main"): [(1, [])], ("ws", "draft"): [(1, ["B"]), (2, ["B"])]})
    looks: list[list[tuple[str, str]] | None] = [[("ws", "main")], None, None]

    def watched() -> list[tuple[str, str]] | None:
        return looks.pop(0) if len(looks) > 1 else looks[0]

    notices, _ = await poll(heads, ledger, ticks=3, watched=watched)

    assert heads.queries[1:] == [{}, {}]  # every head, once someone listens everywhere
    assert notices == [CommitNotice("ws", "draft", 2, frozenset({"T"}))]  # a wake-up, not its whole ledger

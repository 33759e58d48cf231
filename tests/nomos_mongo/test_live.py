"""The live layer: each commit wakes its listeners once, whichever feeds report it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from nomos_mongo import Commit, CommitNotice, IntentContext, MemoryPersistence, NomosApp
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent, TodoAggregate
from nomos_mongo.live.notices import Notices
from nomos_mongo.persistence import WatchedTimelines


class EchoingPersistence(MemoryPersistence):
    """A store whose commit feed reports this process's commits too, as MongoDB's does."""

    reports_foreign_commits = True

    def __init__(self) -> None:
        super().__init__()
        self.feed: asyncio.Queue[CommitNotice] = asyncio.Queue()

    async def commit(self, commit: Commit) -> None:
        await super().commit(commit)
        entry = commit.entry
        self.feed.put_nowait(
            CommitNotice(entry.workspace_id, entry.timeline_id, entry.workspace_intent_sequence, entry.touched_types)
        )

    def watch_commits(self, watched: WatchedTimelines | None = None) -> AsyncIterator[CommitNotice]:
        async def notices() -> AsyncIterator[CommitNotice]:
            while True:
                yield await self.feed.get()
                self.feed.task_done()  # the relay asks for the next one once it handled this one

        return notices()


def test_an_echo_of_an_own_commit_is_dropped_and_news_pass() -> None:
    notices = Notices()
    notices.expect_echoes = True
    seen: list[CommitNotice] = []
    notices.listen("ws", "main", seen.append)
    own = CommitNotice("ws", "main", 1, frozenset({"A"}))
    notices.own(own)
    notices.foreign(own)  # the echo
    other = CommitNotice("ws", "main", 2, frozenset({"A"}))
    notices.foreign(other)  # another process's commit
    merged = CommitNotice("ws", "main", 1, frozenset({"A", "B"}))
    notices.own(own)
    notices.foreign(merged)  # a feed that merged notices announces a type the commit did not
    assert seen == [own, other, own, merged]


async def test_a_commit_wakes_its_listeners_once_when_the_store_echoes_it() -> None:
    store = EchoingPersistence()
    app = NomosApp(store, modules=[TODO_MODULE])
    ctx = IntentContext(workspace_id="ws", actor_id="u")
    heard: list[int] = []
    app.live.on_commit(lambda notice: heard.append(notice.sequence))
    async with app, app.watch_query(TodoAggregate, "ws", "main") as live:
        assert await anext(live) == []
        for title in ("a", "b", "c"):
            await app.dispatch(CreateTodoIntent(title=title), ctx)
        await asyncio.wait_for(store.feed.join(), 2)
        assert heard == [1, 2, 3]  # the echoes woke nobody
        while len(await asyncio.wait_for(anext(live), 2)) < 3:
            pass

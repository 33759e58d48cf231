"""The persistence contract: every adapter passes these tests unchanged.

Subclass `PersistenceContract` in a test module and say how to open a fresh, empty store;
pytest collects the subclass (name it `Test...`) and runs every test on your adapter::

    from contextlib import asynccontextmanager

    from nomos_mongo.testing import PersistenceContract


    class TestMyPersistence(PersistenceContract):
        @asynccontextmanager
        async def create_store(self):
            store = MyPersistence(...)
            try:
                yield store
            finally:
                await store.drop_everything()

The contract binds the store to its own small registry (`nomos_mongo.testing.domain`) and
calls `start()` before each test; `close()` is yours, in `create_store`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest
import pytest_asyncio

from ..errors import DuplicateIntent, SequenceConflict
from ..ledger import AggregateRef, EntryKind, IntentLedgerEntry
from ..persistence import Persistence
from ..query import BasicQuery, Cursor, FieldFilter, apply_query, field_value
from ..records import Commit, SnapshotRecord, TimelineRecord, TimelineStatus
from .domain import (
    CET,
    T0,
    BoardAggregate,
    Priority,
    TaskAggregate,
    Title,
    by_id,
    entry,
    registry,
    snapshot,
    task,
    tasks,
)


def points_of(record: SnapshotRecord) -> int:
    assert isinstance(record.state, TaskAggregate)
    return record.state.points


async def commit_entries(store: Persistence, count: int, **fields: object) -> list[IntentLedgerEntry]:
    entries = [entry(seq, **fields) for seq in range(1, count + 1)]  # type: ignore[arg-type]
    for e in entries:
        await store.commit(Commit(e))
    return entries


async def seed_tasks(store: Persistence) -> list[TaskAggregate]:
    states = tasks()
    records = tuple(snapshot(s, seq, version=seq) for seq, s in enumerate(states, start=1))
    await store.commit(Commit(entry(1), snapshots=records))
    other = snapshot(task("x1", title=Title("Write report")), 1, timeline_id="draft")
    await store.commit(Commit(entry(1, timeline_id="draft"), snapshots=(other,)))
    board = snapshot(BoardAggregate(id="b1", name="Write report"), 2)
    await store.commit(Commit(entry(2), snapshots=(board,)))
    return states


QUERIES = {
    "all": BasicQuery(),
    "with deleted": BasicQuery(include_deleted=True),
    "eq enum": BasicQuery(filters=(FieldFilter("priority", Priority.HIGH),)),
    "eq value object": BasicQuery(filters=(FieldFilter("title", Title("buy milk")),)),
    "eq none": BasicQuery(filters=(FieldFilter("due_at", None),)),
    "ne": BasicQuery(filters=(FieldFilter("points", 5, "ne"),)),
    "ne none": BasicQuery(filters=(FieldFilter("owner", None, "ne"),)),
    "lt": BasicQuery(filters=(FieldFilter("points", 3, "lt"),)),
    "lte": BasicQuery(filters=(FieldFilter("points", 3, "lte"),)),
    "gt datetime": BasicQuery(filters=(FieldFilter("due_at", T0, "gt"),)),
    "gte datetime other zone": BasicQuery(filters=(FieldFilter("due_at", T0.astimezone(CET), "gte"),)),
    "lt none never": BasicQuery(filters=(FieldFilter("points", None, "lt"),)),
    "in": BasicQuery(filters=(FieldFilter("points", [1, 8, 42], "in"),)),
    "in with none": BasicQuery(filters=(FieldFilter("due_at", [None, T0], "in"),)),
    "contains text": BasicQuery(filters=(FieldFilter("title", "report", "contains"),)),
    "contains regex characters": BasicQuery(filters=(FieldFilter("title", "re.ort", "contains"),)),
    "contains element": BasicQuery(filters=(FieldFilter("tags", "home", "contains"),)),
    "eq bool": BasicQuery(filters=(FieldFilter("done", True),)),
    "nested path": BasicQuery(filters=(FieldFilter("owner.display_name", "Ann"),)),
    "nested none": BasicQuery(filters=(FieldFilter("owner.team", None),)),
    "nested not none": BasicQuery(filters=(FieldFilter("owner.team", None, "ne"),)),
    "nested ne value": BasicQuery(filters=(FieldFilter("owner.team", "ops", "ne"),)),
    "nested in with none": BasicQuery(filters=(FieldFilter("owner.team", [None, "ops"], "in"),)),
    "nested in": BasicQuery(filters=(FieldFilter("owner.display_name", ["Ann", "Zed"], "in"),)),
    "nested lt": BasicQuery(filters=(FieldFilter("owner.display_name", "B", "lt"),)),
    "two filters": BasicQuery(filters=(FieldFilter("priority", "high"), FieldFilter("points", 5, "gte"))),
    "order asc ties": BasicQuery(order_by_field="points"),
    "order desc ties": BasicQuery(order_by_field="points", descending=True),
    "order datetime with none": BasicQuery(order_by_field="due_at"),
    "order datetime desc": BasicQuery(order_by_field="due_at", descending=True),
    "order text": BasicQuery(order_by_field="title"),
    "order nested": BasicQuery(order_by_field="owner.display_name", descending=True),
    "id order desc": BasicQuery(descending=True),
    "limit": BasicQuery(order_by_field="points", limit=3),
    "after value": BasicQuery(order_by_field="points", after=Cursor(3, "t4")),
    "after value desc": BasicQuery(order_by_field="points", descending=True, after=Cursor(5, "t3")),
    "after none": BasicQuery(order_by_field="due_at", after=Cursor(None, "t4")),
    "after none desc": BasicQuery(order_by_field="due_at", descending=True, after=Cursor(None, "t8")),
    "after id": BasicQuery(after=Cursor(None, "t3"), limit=2),
    "after datetime desc": BasicQuery(order_by_field="due_at", descending=True, after=Cursor(T0, "t6")),
    "after nested none": BasicQuery(order_by_field="owner.team", after=Cursor(None, "t3")),
    "after nested none desc": BasicQuery(order_by_field="owner.team", descending=True, after=Cursor(None, "t5")),
    "after nested value desc": BasicQuery(
        order_by_field="owner.display_name", descending=True, after=Cursor("Ann", "t4")
    ),
}


class PersistenceContract(ABC):
    """The tests every `Persistence` adapter passes; subclass with `create_store`."""

    pytestmark = pytest.mark.asyncio

    @abstractmethod
    def create_store(self) -> AbstractAsyncContextManager[Persistence]:
        """A fresh, empty store for one test, and its cleanup."""

    @pytest_asyncio.fixture
    async def store(self) -> AsyncIterator[Persistence]:
        async with self.create_store() as persistence:
            persistence.bind(registry())
            await persistence.start()
            yield persistence

    # ledger ---------------------------------------------------------------------------------
    async def test_an_empty_store_has_nothing(self, store: Persistence) -> None:
        assert await store.head("ws-1", "main") == 0
        assert await store.load_entry("nope") is None
        assert await store.load_entries("ws-1", "main") == []
        assert await store.load_entries_touching("ws-1", "main", "t1") == []
        assert await store.find_latest_entry("ws-1", "main", kind=EntryKind.INTENT) is None
        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t1") is None
        assert await store.query_snapshots("ws-1", "main", TaskAggregate, BasicQuery()) == []
        assert await store.load_history_snapshot("ws-1", "main", TaskAggregate, "t1", 10) is None
        assert await store.load_history_snapshots_at("ws-1", "main", 10) == []
        assert await store.list_timelines("ws-1") == []
        assert await store.list_workspaces() == []

    async def test_an_entry_round_trips_exactly(self, store: Persistence) -> None:
        first, second = entry(1, touched=["t1", "t2"]), entry(2, touched=["t1"])
        await store.commit(Commit(first))
        await store.commit(Commit(second))

        loaded = await store.load_entry(second.intent_id)
        assert loaded == second
        assert loaded is not None
        assert loaded.client_timestamp.utcoffset() is not None
        assert loaded.client_timestamp.microsecond == second.client_timestamp.microsecond
        assert loaded.directives == second.directives and loaded.events == second.events
        assert await store.load_entries("ws-1", "main") == [first, second]
        assert await store.head("ws-1", "main") == 2

    async def test_sequences_belong_to_one_workspace_and_timeline(self, store: Persistence) -> None:
        await commit_entries(store, 2)
        branch = entry(1, timeline_id="draft")
        other = entry(1, workspace_id="ws-2")
        await store.commit(Commit(branch))
        await store.commit(Commit(other))

        assert await store.head("ws-1", "main") == 2
        assert await store.head("ws-1", "draft") == 1
        assert await store.head("ws-2", "main") == 1
        assert await store.load_entries("ws-1", "draft") == [branch]
        assert await store.load_entries("ws-2", "main") == [other]
        assert await store.list_workspaces() == ["ws-1", "ws-2"]

    async def test_a_taken_sequence_conflicts_and_writes_nothing(self, store: Persistence) -> None:
        (first,) = await commit_entries(store, 1, touched=["t1"])
        await store.commit(Commit(entry(2, touched=["t1"]), snapshots=(snapshot(task("t1", points=1), 2),)))

        loser = entry(2, intent_id="loser", touched=["t1", "t9"])
        with pytest.raises(SequenceConflict) as raised:
            await store.commit(
                Commit(
                    loser,
                    snapshots=(snapshot(task("t1", points=99), 2), snapshot(task("t9"), 2)),
                    history=(snapshot(task("t9"), 2),),
                    strike_outs={first.intent_id: True},
                )
            )

        assert raised.value.sequence == 2
        assert await store.load_entry("loser") is None
        assert await store.head("ws-1", "main") == 2
        stored = await store.load_snapshot("ws-1", "main", TaskAggregate, "t1")
        assert stored is not None and points_of(stored) == 1
        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t9") is None
        assert await store.load_history_snapshots_at("ws-1", "main", 10) == []
        assert (await store.load_entries("ws-1", "main"))[0].struck_out is False

    async def test_a_stored_intent_id_is_a_duplicate_on_any_timeline(self, store: Persistence) -> None:
        (first,) = await commit_entries(store, 1)
        for again in (entry(2, intent_id=first.intent_id), entry(1, intent_id=first.intent_id, timeline_id="draft")):
            with pytest.raises(DuplicateIntent) as raised:
                await store.commit(Commit(again, snapshots=(snapshot(task("t1"), 2),)))
            assert raised.value.intent_id == first.intent_id

        assert await store.head("ws-1", "main") == 1
        assert await store.head("ws-1", "draft") == 0
        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t1") is None

    @pytest.mark.parametrize(
        ("after", "up_to", "limit", "expected"),
        [
            (0, None, None, [1, 2, 3, 4, 5]),
            (2, None, None, [3, 4, 5]),
            (0, 3, None, [1, 2, 3]),
            (1, 4, 2, [2, 3]),
            (5, None, None, []),
            (3, 3, None, []),
            (0, None, 1, [1]),
        ],
    )
    async def test_load_entries_windows(
        self, store: Persistence, after: int, up_to: int | None, limit: int | None, expected: list[int]
    ) -> None:
        await commit_entries(store, 5)
        found = await store.load_entries("ws-1", "main", after=after, up_to=up_to, limit=limit)
        assert [e.sequence for e in found] == expected

    async def test_entries_touching_an_aggregate(self, store: Persistence) -> None:
        for seq, touched in enumerate([["t1"], ["t2"], ["t1", "t2"], ["t3"], ["t1"]], start=1):
            await store.commit(Commit(entry(seq, touched=touched)))
        await store.commit(Commit(entry(1, timeline_id="draft", touched=["t1"])))

        async def sequences(**window: int) -> list[int]:
            found = await store.load_entries_touching("ws-1", "main", "t1", **window)
            return [e.sequence for e in found]

        assert await sequences() == [1, 3, 5]
        assert await sequences(after=1) == [3, 5]
        assert await sequences(after=1, up_to=4) == [3]
        assert [e.sequence for e in await store.load_entries_touching("ws-1", "main", "t3")] == [4]

    async def test_events_touching_many_aggregates_at_once(self, store: Persistence) -> None:
        entries = [entry(seq, touched=t, title=f"v{seq}") for seq, t in enumerate([["t1"], ["t2"], ["t1", "t2"]], 1)]
        entries.append(entry(4, touched=["t3"]))
        # an undo's events are not folded into a state of the past: only intent entries count
        entries.append(entry(5, kind=EntryKind.UNDO, touched=["t1"], strike_out=("ws-1/main/intent-3",)))
        entries.append(entry(6, touched=["t1"], title="v6"))
        for e in entries:
            await store.commit(Commit(e))
        await store.commit(Commit(entry(1, timeline_id="draft", touched=["t1"], title="on draft")))

        def task_ref(aggregate_id: str) -> AggregateRef:
            return AggregateRef("TaskAggregate", aggregate_id)

        def events_of(sequence: int, aggregate_id: str) -> list[object]:
            return [r.event for r in entries[sequence - 1].events if r.aggregate_id == aggregate_id]

        after = {
            task_ref("t1"): 1,
            task_ref("t2"): 0,
            task_ref("t3"): 4,  # nothing after its bound
            task_ref("never"): 0,
            AggregateRef("BoardAggregate", "t1"): 0,  # the same id, another type: no events of its own
        }
        found = await store.load_events_touching("ws-1", "main", after, up_to=6)
        assert found == {
            task_ref("t1"): events_of(3, "t1") + events_of(6, "t1"),
            task_ref("t2"): events_of(2, "t2") + events_of(3, "t2"),
            task_ref("t3"): [],
            task_ref("never"): [],
            AggregateRef("BoardAggregate", "t1"): [],
        }
        window = await store.load_events_touching("ws-1", "main", {task_ref("t1"): 0}, up_to=5)
        assert window == {task_ref("t1"): events_of(1, "t1") + events_of(3, "t1")}
        assert await store.load_events_touching("ws-1", "nowhere", {task_ref("t1"): 0}, up_to=6) == {task_ref("t1"): []}
        assert await store.load_events_touching("ws-1", "main", {}, up_to=6) == {}

    async def test_find_latest_entry(self, store: Persistence) -> None:
        await store.commit(Commit(entry(1, actor_id="alice")))
        await store.commit(Commit(entry(2, actor_id="bob")))
        await store.commit(Commit(entry(3, actor_id="alice")))
        undo = entry(4, actor_id="alice", kind=EntryKind.UNDO, strike_out=("ws-1/main/intent-3",))
        await store.commit(Commit(undo, strike_outs={"ws-1/main/intent-3": True}))

        async def latest(**options: object) -> int | None:
            kind = options.pop("kind", EntryKind.INTENT)
            found = await store.find_latest_entry("ws-1", "main", kind=kind, **options)  # type: ignore[arg-type]
            return found.sequence if found else None

        assert await latest() == 2
        assert await latest(include_struck_out=True) == 3
        assert await latest(actor_id="alice") == 1
        assert await latest(actor_id="carol") is None
        assert await latest(actor_id="alice", include_struck_out=True) == 3
        assert await latest(actor_id="alice", kind=EntryKind.UNDO) == 4
        assert await latest(actor_id="bob", kind=EntryKind.UNDO) is None
        assert await latest(actor_id="bob", after=1) == 2
        assert await latest(actor_id="bob", after=2) is None
        assert await latest(after=2) is None
        assert await latest(kind=EntryKind.UNDO) == 4
        assert await latest(kind=EntryKind.REDO) is None
        assert await store.find_latest_entry("ws-1", "draft", kind=EntryKind.INTENT) is None

    async def test_strike_outs_are_written_with_the_commit_and_can_be_reverted(self, store: Persistence) -> None:
        first, second = await commit_entries(store, 2)
        await store.commit(Commit(entry(3, kind=EntryKind.UNDO), strike_outs={first.intent_id: True}))

        struck = await store.load_entry(first.intent_id)
        assert struck is not None and struck.struck_out is True
        assert [e.struck_out for e in await store.load_entries("ws-1", "main")] == [True, False, False]

        await store.commit(Commit(entry(4, kind=EntryKind.REDO), strike_outs={first.intent_id: False}))
        restored = await store.load_entry(first.intent_id)
        assert restored is not None and restored.struck_out is False
        assert (await store.load_entry(second.intent_id)) == second

    # snapshots ------------------------------------------------------------------------------
    async def test_snapshots_are_upserted_per_timeline(self, store: Persistence) -> None:
        await store.commit(Commit(entry(1, touched=["t1"]), snapshots=(snapshot(task("t1", points=1), 1),)))
        await store.commit(Commit(entry(2, touched=["t1"]), snapshots=(snapshot(task("t1", points=2), 2, version=2),)))
        await store.commit(
            Commit(
                entry(1, timeline_id="draft", touched=["t1"]),
                snapshots=(snapshot(task("t1", points=7), 1, timeline_id="draft"),),
            )
        )

        main = await store.load_snapshot("ws-1", "main", TaskAggregate, "t1")
        assert main == snapshot(task("t1", points=2), 2, version=2)
        draft = await store.load_snapshot("ws-1", "draft", TaskAggregate, "t1")
        assert draft is not None and points_of(draft) == 7
        assert await store.load_snapshot("ws-2", "main", TaskAggregate, "t1") is None
        assert await store.load_snapshot("ws-1", "main", BoardAggregate, "t1") is None

    async def test_snapshot_state_round_trips(self, store: Persistence) -> None:
        states = tasks()
        await store.commit(Commit(entry(1), snapshots=tuple(snapshot(s, 1) for s in states)))
        for state in states:
            loaded = await store.load_snapshot("ws-1", "main", TaskAggregate, state.id)
            assert loaded is not None and loaded.state == state

    @pytest.mark.parametrize("name", list(QUERIES))
    async def test_queries_agree_with_the_reference_evaluation(self, store: Persistence, name: str) -> None:
        states = await seed_tasks(store)
        query = QUERIES[name]

        found = await store.query_snapshots("ws-1", "main", TaskAggregate, query)

        expected = [s.id for s in apply_query(states, query)]
        assert [r.aggregate_id for r in found] == expected
        assert all(r.state == by_id(snapshot(s, 0) for s in states)[r.aggregate_id].state for r in found)
        assert all(r.sequence == r.version for r in found)

    @pytest.mark.parametrize(
        ("order", "descending"),
        [
            ("points", False),
            ("due_at", True),
            (None, False),
            ("title", True),
            ("owner.team", False),
            ("owner.team", True),
        ],
    )
    async def test_keyset_pages_cover_the_listing_once(
        self, store: Persistence, order: str | None, descending: bool
    ) -> None:
        states = await seed_tasks(store)
        full = [s.id for s in apply_query(states, BasicQuery(order_by_field=order, descending=descending))]

        seen: list[str] = []
        after: Cursor | None = None
        while True:
            query = BasicQuery(order_by_field=order, descending=descending, limit=2, after=after)
            page = await store.query_snapshots("ws-1", "main", TaskAggregate, query)
            if not page:
                break
            seen += [r.aggregate_id for r in page]
            last = page[-1].state
            after = Cursor(field_value(last, order) if order else None, last.id)
        assert seen == full

    async def test_history_snapshots(self, store: Persistence) -> None:
        history = [snapshot(task("t1", points=p), seq, version=p) for p, seq in ((1, 2), (2, 5), (3, 9))]
        history.append(snapshot(task("t2", points=10), 4))
        for seq, record in enumerate(history, start=1):
            await store.commit(Commit(entry(seq), history=(record,)))

        async def points_at(n: int) -> int | None:
            found = await store.load_history_snapshot("ws-1", "main", TaskAggregate, "t1", n)
            return points_of(found) if found else None

        assert [await points_at(n) for n in (1, 2, 4, 5, 8, 9, 100)] == [None, 1, 1, 2, 2, 3, 3]
        at_six = by_id(await store.load_history_snapshots_at("ws-1", "main", 6))
        assert {k: r.sequence for k, r in at_six.items()} == {"t1": 5, "t2": 4}
        assert by_id(await store.load_history_snapshots_at("ws-1", "main", 3)).keys() == {"t1"}
        assert await store.load_history_snapshots_at("ws-1", "draft", 6) == []

    async def test_replace_snapshots_repairs_one_timeline(self, store: Persistence) -> None:
        await store.commit(
            Commit(
                entry(1),
                snapshots=(snapshot(task("t1"), 1), snapshot(task("t2"), 1)),
                history=(snapshot(task("t1"), 1),),
            )
        )
        await store.commit(
            Commit(entry(1, timeline_id="draft"), snapshots=(snapshot(task("t1"), 1, timeline_id="draft"),))
        )

        fixed = snapshot(task("t1", points=3), 1)
        await store.replace_snapshots("ws-1", "main", [fixed], [fixed, snapshot(task("t3"), 1)])

        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t1") == fixed
        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t2") is None
        assert by_id(await store.load_history_snapshots_at("ws-1", "main", 1)).keys() == {"t1", "t3"}
        assert await store.load_snapshot("ws-1", "draft", TaskAggregate, "t1") is not None
        assert await store.head("ws-1", "main") == 1

    async def test_a_repair_up_to_a_sequence_keeps_what_later_commits_wrote(self, store: Persistence) -> None:
        await store.commit(Commit(entry(1), snapshots=(snapshot(task("t1"), 1), snapshot(task("gone"), 1))))
        # committed while the repair was being computed from entries up to 1
        renamed = snapshot(task("t1", title=Title("renamed")), 2, version=2)
        added = snapshot(task("t2"), 3)
        await store.commit(Commit(entry(2), snapshots=(renamed,), history=(renamed,)))
        await store.commit(Commit(entry(3), snapshots=(added,), history=(added,)))

        repaired = snapshot(task("t1", points=3), 1)
        await store.replace_snapshots("ws-1", "main", [repaired], [repaired], up_to=1)

        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t1") == renamed
        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "t2") == added
        assert await store.load_snapshot("ws-1", "main", TaskAggregate, "gone") is None
        assert await store.load_history_snapshot("ws-1", "main", TaskAggregate, "t1", 1) == repaired
        assert await store.load_history_snapshot("ws-1", "main", TaskAggregate, "t1", 2) == renamed
        assert by_id(await store.load_history_snapshots_at("ws-1", "main", 3)).keys() == {"t1", "t2"}

    # timelines ------------------------------------------------------------------------------
    async def test_timelines_are_saved_loaded_and_listed(self, store: Persistence) -> None:
        draft = TimelineRecord("ws-1", "draft", "main", 4, T0.astimezone(CET), created_by="alice")
        await store.save_timeline(draft)
        await store.save_timeline(TimelineRecord("ws-1", "draft/2", "draft", 6, T0 + timedelta(seconds=1)))
        await store.save_timeline(TimelineRecord("ws-2", "draft", "main", 0, T0))

        loaded = await store.load_timeline("ws-1", "draft")
        assert loaded == draft
        assert loaded is not None and loaded.created_at.utcoffset() is not None
        assert {t.timeline_id for t in await store.list_timelines("ws-1")} == {"draft", "draft/2"}
        assert await store.load_timeline("ws-1", "gone") is None

        merged = TimelineRecord("ws-1", "draft", "main", 4, draft.created_at, TimelineStatus.MERGED, "alice")
        await store.save_timeline(merged)
        assert await store.load_timeline("ws-1", "draft") == merged
        assert len(await store.list_timelines("ws-1")) == 2
        assert await store.list_workspaces() == ["ws-1", "ws-2"]

    async def test_ids_with_separators_stay_distinct(self, store: Persistence) -> None:
        await store.save_timeline(TimelineRecord("a/b", "c", None, 0, T0))
        await store.save_timeline(TimelineRecord("a", "b/c", None, 0, T0))
        first = await store.load_timeline("a/b", "c")
        second = await store.load_timeline("a", "b/c")
        assert first is not None and second is not None
        assert (first.workspace_id, second.workspace_id) == ("a/b", "a")

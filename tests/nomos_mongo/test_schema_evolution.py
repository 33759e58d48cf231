"""A ledger written by version 1 of the Todo domain, read and changed by version 2, on every store.

The fixture is `nomos_mongo/examples/todo_v1_ledger.jsonl` (written by
`python -m nomos_mongo.examples.todo_v1_ledger`). MongoDB gets its documents as they were
stored, so the adapter's own reads upcast them; other stores import them through the port.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nomos_mongo import (
    AggregateRef,
    EntryKind,
    MemoryPersistence,
    NomosApp,
    NomosOptions,
    Persistence,
    StaleSnapshot,
)
from nomos_mongo.examples.todo import (
    TODO_MODULE,
    ProjectAggregate,
    RenameTodoDirective,
    TodoAggregate,
    TodoCompletedEvent,
    TodoCreatedEvent,
    TodoPriority,
    TodoRenamedEvent,
    TodoReopenedEvent,
)
from nomos_mongo.examples.todo_v1_ledger import FIXTURE, write_v1_ledger
from nomos_mongo.ledger_check import check_lines, check_store, rebuild_stale_snapshots
from nomos_mongo.ledger_files import Line, import_lines, read_lines
from nomos_mongo.stores.mongo import MongoPersistence
from nomos_mongo.stores.mongo.indexes import HEADS, LEDGER, SNAPSHOT_HISTORY, TIMELINES, snapshot_collection
from nomos_mongo.stores.sqlite import SqlitePersistence
from nomos_mongo.stores.sqlite.writes import LEDGER_COLUMNS
from tests.persistence.stores import ADAPTERS, MONGO_ADAPTERS, open_store

WS = "ws-todo"


async def store_as_written(persistence: Persistence, lines: list[Line]) -> None:
    """MongoDB: the documents go into the collections unchanged, as version 1 left them."""
    assert isinstance(persistence, MongoPersistence)
    database = persistence.database
    for line in lines:
        document = dict(line["document"])
        collection = line["collection"]
        if collection == "ledger":
            await database[LEDGER].insert_one(document)
            key = {"workspace_id": document["workspace_id"], "timeline_id": document["timeline_id"]}
            await database[HEADS].update_one(key, {"$max": {"seq": document["seq"]}}, upsert=True)
        elif collection == "timelines":
            await database[TIMELINES].insert_one(document)
        elif collection == "snapshots":
            await database[snapshot_collection(document["aggregate_type"])].insert_one(document)
        else:
            await database[SNAPSHOT_HISTORY].insert_one(document)


@pytest.fixture(params=ADAPTERS)
async def v1_app(request: pytest.FixtureRequest) -> AsyncIterator[NomosApp]:
    """Version 2 of the domain on a store holding the version 1 ledger."""
    lines = list(read_lines(FIXTURE))
    async with open_store(request.param) as persistence:
        app = NomosApp(persistence, modules=[TODO_MODULE], options=NomosOptions(history_snapshot_every=3))
        await app.start()
        if isinstance(persistence, MongoPersistence):
            await store_as_written(persistence, lines)
            assert await rebuild_stale_snapshots(app) == [(WS, "main"), (WS, "draft")]
        else:
            report = await import_lines(app, lines)
            assert report.entries == 11 and report.rebuilt == [(WS, "main"), (WS, "draft")]
        yield app
        await app.close()


def todo(states: dict[AggregateRef, object], todo_id: str) -> TodoAggregate:
    state = states[AggregateRef("TodoAggregate", todo_id)]
    assert isinstance(state, TodoAggregate)
    return state


async def test_version_1_state_reads_under_version_2(v1_app: NomosApp) -> None:
    t1 = await v1_app.read_latest(TodoAggregate, WS, "main", "t1")
    t2 = await v1_app.read_latest(TodoAggregate, WS, "main", "t2")
    t3 = await v1_app.read_latest(TodoAggregate, WS, "main", "t3")
    assert t1 is not None and (t1.title, t1.is_completed, t1.priority) == ("Buy milk", True, TodoPriority.NORMAL)
    # the v1 rename of a completed t2 reopened it: upcast to a rename and a reopening
    assert t2 is not None and (t2.title, t2.is_completed) == ("Walk the dog twice", False)
    assert t3 is not None and t3.title == "Call mum"  # its deletion was undone
    project = await v1_app.read_latest(ProjectAggregate, WS, "main", "p1")
    assert project is not None and project.todo_count == 2  # `by` upcast to `delta`
    done = await v1_app.query(TodoAggregate, WS, "main")
    assert sorted(t.id for t in done) == ["t1", "t2", "t3"]


async def test_version_1_events_are_upcast_split_and_renamed(v1_app: NomosApp) -> None:
    entries = await v1_app.read_timeline(WS, "main")
    created = entries[0].events[0].event
    assert isinstance(created, TodoCreatedEvent) and created.priority is TodoPriority.NORMAL
    assert [type(r.event) for r in entries[2].events] == [TodoCompletedEvent]  # was TodoFinishedEvent
    assert [type(r.event) for r in entries[3].events] == [TodoRenamedEvent]  # t2 was open: no reopening
    last = entries[8]
    assert [type(r.event) for r in last.events] == [TodoRenamedEvent, TodoReopenedEvent]
    assert {r.version for r in last.events} == {4}  # both facts of one intent: one version of t2
    assert last.written_by_older_directives() and not entries[0].written_by_older_directives()


async def test_state_at_sequence_replays_version_1_history(v1_app: NomosApp) -> None:
    at4 = await v1_app.state_at_sequence(WS, "main", inclusive_sequence=4)
    assert (todo(at4, "t1").is_completed, todo(at4, "t2").title) == (True, "Walk the dog")
    assert AggregateRef("TodoAggregate", "t3") not in at4
    at8 = await v1_app.state_at_sequence(WS, "main", inclusive_sequence=8)
    assert todo(at8, "t2").is_completed and todo(at8, "t2").title == "Walk the dog"
    without = await v1_app.state_at_sequence(WS, "main", inclusive_sequence=8, use_snapshots=False)
    assert without == at8


async def test_undo_of_a_version_1_intent_folds_its_stored_events(v1_app: NomosApp) -> None:
    undo = await v1_app.undo_latest(WS, "main", actor_id="alice")
    assert undo is not None and undo.kind is EntryKind.UNDO and undo.sequence == 10
    t2 = await v1_app.read_latest(TodoAggregate, WS, "main", "t2")
    assert t2 is not None and (t2.title, t2.is_completed) == ("Walk the dog", True)


async def test_merge_re_executes_version_1_intents_with_version_2_directives(v1_app: NomosApp) -> None:
    draft_t1 = await v1_app.read_latest(TodoAggregate, WS, "draft", "t1")
    assert draft_t1 is not None and (draft_t1.title, draft_t1.is_completed) == ("Buy oat milk", False)
    report = await v1_app.merge_timeline(WS, source="draft", target="main")
    assert [o.applied for o in report.outcomes] == [True, True]
    t1 = await v1_app.read_latest(TodoAggregate, WS, "main", "t1")
    assert t1 is not None and (t1.title, t1.is_completed) == ("Buy oat milk", True)  # a v2 rename keeps it done
    t4 = await v1_app.read_latest(TodoAggregate, WS, "main", "t4")
    assert t4 is not None and t4.title == "Book dentist"
    project = await v1_app.read_latest(ProjectAggregate, WS, "main", "p1")
    assert project is not None and project.todo_count == 3


async def test_verify_re_executes_only_unchanged_directives(v1_app: NomosApp) -> None:
    await v1_app.undo_latest(WS, "main", actor_id="alice")
    await v1_app.merge_timeline(WS, source="draft", target="main")
    report = await v1_app.verify_timeline(WS, "main")
    assert report.ok, report.divergence
    assert report.facts_only == (4, 9)  # the v1 renames: their stored events are the facts
    assert report.checked_intents == 8 + 2 - 2
    draft = await v1_app.verify_timeline(WS, "draft")
    assert draft.ok and draft.facts_only == (8,)


async def test_without_a_new_context_version_verify_reports_the_changed_directive(
    v1_app: NomosApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(RenameTodoDirective, "context_version", 1)  # as if the behaviour change went unmarked
    report = await v1_app.verify_timeline(WS, "main")
    assert report.divergence is not None
    assert (report.divergence.kind, report.divergence.sequence) == ("events", 9)


async def test_check_store_tallies_documents_by_stored_type_and_version(v1_app: NomosApp) -> None:
    check = await check_store(v1_app)
    assert check.ok and check.entries == 11
    if not isinstance(v1_app.persistence, MongoPersistence):
        return  # the other stores hold what the import decoded: version 2 objects or documents
    finished = check.tallies[("event", "TodoFinishedEvent", 1)]
    assert (finished.loaded, finished.failed) == (2, 0)
    assert check.tallies[("event", "TodoRenamedEvent", 1)].loaded == 3
    assert check.tallies[("aggregate", "TodoAggregate", 2)].loaded > 0  # rebuilt by version 2


def test_the_fixture_file_reads_under_version_2() -> None:
    registry = NomosApp(MemoryPersistence(), modules=[TODO_MODULE]).registry
    check = check_lines(registry, read_lines(FIXTURE))
    assert not check.unreadable and check.entries == 11
    assert check.stale == [(WS, "draft"), (WS, "main")]  # every v1 snapshot: rebuilt, never served
    assert check.tallies[("event", "TodoRenamedEvent", 1)].loaded == 3
    assert check.tallies[("aggregate", "ProjectAggregate", 1)].failed > 0


async def test_the_generator_writes_version_1_again(tmp_path: Path) -> None:
    written = tmp_path / "v1.jsonl"
    assert await write_v1_ledger(written) == len(list(read_lines(FIXTURE)))
    fresh = [line["document"] for line in read_lines(written) if line["collection"] == "ledger"]
    committed = [line["document"] for line in read_lines(FIXTURE) if line["collection"] == "ledger"]
    stable = ("intent", "directives", "events", "seq", "timeline_id", "kind", "touched_refs")
    assert [{k: d[k] for k in stable} for d in fresh if d["kind"] == "intent"] == [
        {k: d[k] for k in stable} for d in committed if d["kind"] == "intent"
    ]


@pytest.mark.parametrize("kind", MONGO_ADAPTERS)
async def test_reads_never_serve_a_snapshot_of_an_older_aggregate_version(kind: str) -> None:
    async with open_store(kind) as persistence:
        app = NomosApp(persistence, modules=[TODO_MODULE])
        await store_as_written(persistence, list(read_lines(FIXTURE)))
        with pytest.raises(StaleSnapshot, match="rebuild-snapshots"):
            await app.read_latest(TodoAggregate, WS, "main", "t1")
        with pytest.raises(StaleSnapshot):
            await app.state_at_sequence(WS, "main", inclusive_sequence=4)
        check = await check_store(app)
        assert check.stale == [(WS, "main"), (WS, "draft")] and not check.unreadable
        await rebuild_stale_snapshots(app)
        assert (await check_store(app)).ok
        t1 = await app.read_latest(TodoAggregate, WS, "main", "t1")
        assert t1 is not None and t1.is_completed
        await app.close()


async def test_sqlite_reads_version_1_rows_as_they_were_written(tmp_path: Path) -> None:
    """The embedded store's own reads upcast: its ledger rows hold the version 1 documents."""
    path = tmp_path / "nomos.sqlite3"
    created = SqlitePersistence(path)
    NomosApp(created, modules=[TODO_MODULE])
    await created.start()  # the tables
    await created.close()
    with contextlib.closing(sqlite3.connect(path)) as connection, connection:
        for line in read_lines(FIXTURE):
            document = dict(line["document"])
            key = (document["workspace_id"], document["timeline_id"])
            if line["collection"] == "timelines":
                connection.execute("INSERT INTO timelines VALUES (?, ?, ?)", (*key, json.dumps(document)))
            elif line["collection"] == "ledger":
                row = (document["_id"], *key, document["seq"], document["kind"], document["actor_id"])
                stored = {k: v for k, v in document.items() if k not in LEDGER_COLUMNS}
                connection.execute(
                    "INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (*row, int(document["struck_out"]), json.dumps(stored)),
                )
                for aggregate_id in dict.fromkeys(document["touched"]):
                    connection.execute("INSERT INTO touches VALUES (?, ?, ?, ?)", (*key, aggregate_id, document["seq"]))
                connection.execute(
                    "INSERT INTO heads VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET seq = max(seq, excluded.seq)",
                    (*key, document["seq"]),
                )
    store = SqlitePersistence(path)
    app = NomosApp(store, modules=[TODO_MODULE], options=NomosOptions(history_snapshot_every=3))
    await app.start()
    try:
        for timeline in ("main", "draft"):  # what `nomos rebuild-snapshots` does after the deploy
            await app.rebuild_snapshots(WS, timeline)
        t2 = await app.read_latest(TodoAggregate, WS, "main", "t2")
        assert t2 is not None and (t2.title, t2.is_completed) == ("Walk the dog twice", False)
        report = await app.verify_timeline(WS, "main")
        assert report.ok and report.facts_only == (4, 9)
        assert (await check_store(app)).tallies[("event", "TodoFinishedEvent", 1)].loaded == 2
    finally:
        await app.close()
        await store.close()

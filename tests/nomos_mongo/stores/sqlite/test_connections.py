"""Where SQLite calls run: point reads on the loop's own connection, the rest on threads."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from nomos_mongo.errors import PersistenceError
from nomos_mongo.stores.sqlite.connections import Threads, Tuning, Workers


def _threads(tmp_path: Path) -> Threads:
    return Threads(tmp_path / "t.sqlite3", Tuning(), readers=1, functions=lambda connection: None)


async def test_a_point_read_runs_on_the_loop_and_a_busy_one_goes_to_a_reader_thread(tmp_path: Path) -> None:
    threads = _threads(tmp_path)
    ran_on: list[str] = []

    def read(connection: sqlite3.Connection, busy_once: bool) -> int:
        ran_on.append(threading.current_thread().name)
        if busy_once and len(ran_on) == 1:
            raise sqlite3.OperationalError("database is locked")
        return int(connection.execute("SELECT 41 + 1").fetchone()[0])

    try:
        assert await threads.read_here(read, False) == 42
        assert ran_on == [threading.current_thread().name]
        ran_on.clear()
        assert await threads.read_here(read, True) == 42  # SQLITE_BUSY here: a reader thread retries it
        assert ran_on[0] == threading.current_thread().name
        assert ran_on[1].startswith("nomos-sqlite-reader")
    finally:
        threads.close()


async def test_any_other_failure_of_a_point_read_is_a_persistence_error(tmp_path: Path) -> None:
    threads = _threads(tmp_path)

    def read(connection: sqlite3.Connection) -> None:
        connection.execute("SELECT * FROM no_such_table")

    try:
        with pytest.raises(PersistenceError, match="no_such_table"):
            await threads.read_here(read)
    finally:
        threads.close()


async def test_the_writer_runs_its_jobs_one_after_another_on_one_thread_in_the_order_given() -> None:
    workers = Workers(1, "test-writer")
    ran: list[tuple[int, str]] = []

    def job(k: int) -> int:
        ran.append((k, threading.current_thread().name))
        return k * k

    try:
        results = await asyncio.gather(*(workers.run(job, k) for k in range(20)))
        assert results == [k * k for k in range(20)]
        assert [k for k, _ in ran] == list(range(20))
        assert {name for _, name in ran} == {"test-writer-0"}
    finally:
        workers.shutdown()


async def test_a_jobs_error_reaches_its_caller_and_the_threads_go_on() -> None:
    workers = Workers(2, "test-readers")

    def fails() -> None:
        raise sqlite3.OperationalError("no such table: nothing")

    try:
        with pytest.raises(sqlite3.OperationalError, match="nothing"):
            await workers.run(fails)
        assert await workers.run(lambda: "still here") == "still here"
    finally:
        workers.shutdown()


async def test_a_job_whose_caller_gave_up_before_it_started_does_not_run() -> None:
    workers = Workers(1, "test-writer")
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def blocking() -> None:
        started.set()
        release.wait(5)

    try:
        first = workers.run(blocking)
        await asyncio.to_thread(started.wait, 5)
        second = workers.run(ran.append, "second")
        second.cancel()  # its caller was cancelled while the thread was busy
        release.set()
        await first
        assert await workers.run(ran.append, "third") is None
        assert ran == ["third"]
    finally:
        workers.shutdown()


async def test_shutdown_runs_what_was_queued_then_refuses_more() -> None:
    workers = Workers(1, "test-writer")
    ran: list[int] = []
    queued = [workers.submit(ran.append, k) for k in range(5)]
    workers.shutdown()
    assert [future.result(timeout=5) for future in queued] == [None] * 5
    assert ran == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="closed"):
        workers.run(ran.append, 5)
    with pytest.raises(RuntimeError, match="closed"):
        workers.submit(ran.append, 5)

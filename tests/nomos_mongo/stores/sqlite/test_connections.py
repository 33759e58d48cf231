"""Where SQLite calls run: point reads on the loop's own connection, the rest on threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from nomos_mongo.errors import PersistenceError
from nomos_mongo.stores.sqlite.connections import Threads, Tuning


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

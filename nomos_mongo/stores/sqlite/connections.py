"""Connections and the threads they live on, and SQLite errors as PersistenceError.

`sqlite3` calls block, so writes, queries and scans do not run on the event loop. One
writer thread owns the only connection that writes (SQLite admits one writer at a time
anyway, and a single owner needs no busy-waiting between our own writes); a small pool of
reader threads each own a read connection, which WAL lets run beside the writer without
blocking it. A dedicated thread per connection, rather than `asyncio.to_thread`, keeps
each connection on one thread for its life (sqlite3's own rule) and lets the writer gather
concurrent commits into one transaction (see `writes.py`).

The threads take their jobs from a queue and hand each result back to the loop with one
`call_soon_threadsafe` (`Workers`), not through an executor: `run_in_executor` wraps every
job in two futures and chains them, and its round trip cost the loop thread 64-91 µs on
this project's 2-core machine against 16-47 µs for the queue (measured alone, asyncio and
uvloop); a write of one intent pays it once, a listing query once.

The one exception: point reads by key (a snapshot, an aggregate's latest history record)
run on the event loop's own read connection (`read_here`). They take tens of
microseconds, wait for no writer in WAL mode, and the trip to a thread cost more than them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from ...errors import PersistenceError

P = ParamSpec("P")
R = TypeVar("R")

Synchronous = Literal["full", "normal"]
BUSY_TIMEOUT_MS = 5_000
CHECKPOINT_EVERY = 50  # writes (batches of commits); a commit adds ~15 pages to the WAL
WAL_RESTART_BYTES = 64 * 1024 * 1024
log = logging.getLogger("nomos_mongo.stores.sqlite")


def describe(exc: BaseException) -> str:
    """One line for the user; what SQLite said, in words that say what to do."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    lowered = text.lower()
    if _busy(exc):
        return f"the database is locked by another program ({text}); close it and retry"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return "the disk holding the database is full: free space, then retry"
    if "readonly" in lowered or "read-only" in lowered:
        return "the database cannot be written (read-only file or directory)"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return f"the database file is damaged ({text}): restore a backup (see the README)"
    if "unable to open" in lowered:
        return f"the database cannot be opened ({text})"
    return f"SQLite failed: {text}"


def _busy(exc: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds what this one needs."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextlib.contextmanager
def immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: `BEGIN IMMEDIATE` ... `COMMIT`, rolled back on any error (unless SQLite did)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise PersistenceError(describe(exc)) from exc


@dataclass(frozen=True, slots=True)
class Tuning:
    synchronous: Synchronous = "normal"
    busy_timeout_ms: int = BUSY_TIMEOUT_MS  # how long to wait for another program's lock
    max_bytes: int | None = None  # a size cap: writes past it fail as on a full disk
    wal_restart_bytes: int = WAL_RESTART_BYTES  # past this the writer restarts the WAL (see Threads)


def connect(path: Path, tuning: Tuning, functions: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE themselves
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, cached_statements=256)
    connection.execute(f"PRAGMA busy_timeout = {int(tuning.busy_timeout_ms)}")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        connection.close()
        raise PersistenceError(f"{path}: SQLite refused WAL mode (journal_mode is {mode}); use a local file system")
    connection.execute(f"PRAGMA synchronous = {'FULL' if tuning.synchronous == 'full' else 'NORMAL'}")
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints run on a thread of their own
    connection.execute("PRAGMA cache_size = -16000")  # 16 MB of pages per connection, off the Python heap
    # once the WAL starts over from its beginning, its file is cut back to this size
    connection.execute(f"PRAGMA journal_size_limit = {int(tuning.wal_restart_bytes)}")
    if tuning.max_bytes is not None:
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
        connection.execute(f"PRAGMA max_page_count = {max(1, int(tuning.max_bytes) // page_size)}")
    functions(connection)
    return connection


#: what a worker runs, and where its outcome goes: a loop's future (`run`) or a thread's (`submit`)
Job = tuple[Callable[..., Any], tuple[Any, ...], asyncio.AbstractEventLoop | None, "asyncio.Future[Any] | Future[Any]"]


def _settle(future: asyncio.Future[Any], failed: bool, value: Any) -> None:
    """On the loop: the job's outcome, unless its caller stopped waiting."""
    if future.cancelled():
        return
    if failed:
        future.set_exception(value)
    else:
        future.set_result(value)


class Workers:
    """Threads that run the jobs of one queue in turn: the writer (one thread) or the readers.

    `run` is awaited on the event loop; `submit` is for callers off it (a checkpoint asks
    the writer to restart the WAL) and for closing. A job whose caller was cancelled before
    a thread took it does not run, as with an executor. `shutdown` runs what is queued, then
    stops the threads; later jobs are refused. The threads are daemons: a process that ends
    without closing the store does not wait for them, and a transaction they had not
    committed was acknowledged to nobody (SQLite rolls it back on the next open).
    """

    def __init__(self, threads: int, name: str) -> None:
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True) for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def run(self, fn: Callable[..., R], *args: Any) -> asyncio.Future[R]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._put((fn, args, loop, future))
        return future

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        future: Future[R] = Future()
        self._put((fn, args, None, future))
        return future

    def _put(self, job: Job) -> None:
        if self._closed:
            raise RuntimeError("the store is closed")
        self._jobs.put(job)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            fn, args, loop, future = job
            if loop is None:
                assert isinstance(future, Future)
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args))
                    except BaseException as exc:  # as an executor does: the caller gets it
                        future.set_exception(exc)
                continue
            assert isinstance(future, asyncio.Future)
            if future.cancelled():  # read off the loop: at worst the job runs and its result is dropped
                continue
            try:
                value, failed = fn(*args), False
            except BaseException as exc:
                value, failed = exc, True
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
                loop.call_soon_threadsafe(_settle, future, failed, value)

    def shutdown(self) -> None:
        """Run every job queued so far, then end the threads."""
        if not self._closed:
            self._closed = True
            for _ in self._threads:
                self._jobs.put(None)
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join()


class Threads:
    """The writer thread and the reader pool, each thread with its own connection; the loop's own one."""

    def __init__(
        self,
        path: Path,
        tuning: Tuning,
        *,
        readers: int,
        functions: Callable[[sqlite3.Connection], None],
    ) -> None:
        self._path = path
        self._tuning = tuning
        self._functions = functions
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        self._writer = Workers(1, "nomos-sqlite-writer")
        self._readers = Workers(readers, "nomos-sqlite-reader")
        self._checkpointer = ThreadPoolExecutor(1, thread_name_prefix="nomos-sqlite-checkpoint")
        self._writes_since_checkpoint = 0
        self._checkpointing = False
        self._page_size: int | None = None  # the database's, read by the first checkpoint
        self._here: sqlite3.Connection | None = None  # the event loop's, for point reads

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = connect(self._path, self._tuning, self._functions)
            self._local.connection = connection
            with self._opened_lock:
                self._opened.append(connection)
        return connection

    def _call(self, fn: Callable[..., R], args: tuple[Any, ...]) -> R:
        with translated():
            return fn(self._connection(), *args)

    async def write(self, fn: Callable[..., R], *args: Any) -> R:
        """Run fn(connection, *args) on the writer thread, after every write queued before it."""
        result = await self._writer.run(self._call, fn, args)
        self._writes_since_checkpoint += 1
        if self._writes_since_checkpoint >= CHECKPOINT_EVERY and not self._checkpointing:
            self._writes_since_checkpoint = 0
            self._checkpointing = True
            self._checkpointer.submit(self._checkpoint)
        return result

    def _checkpoint(self) -> None:
        # Copying the WAL back into the database (and syncing both) takes milliseconds; done
        # here, beside the writer (PASSIVE never blocks it), instead of inside some commit.
        try:
            connection = self._connection()
            _, frames, _ = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if self._page_size is None:
                self._page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])
            if frames * self._page_size > self._tuning.wal_restart_bytes:
                self._writer.submit(self._restart_wal)
        except sqlite3.Error as exc:
            log.warning("SQLite checkpoint failed (the next one retries): %s", describe(exc))
        finally:
            self._checkpointing = False

    def _restart_wal(self) -> None:
        """Let the WAL start over from its beginning; runs on the writer thread, between batches.

        SQLite reuses the WAL from its start only once a checkpoint has copied all of it back
        while no write runs. A checkpoint beside a writer that never pauses is always a few
        commits behind, so under sustained writes the WAL grows without end (measured: 3.6 GB
        for 60,000 dispatches, ~60 KB each, until the disk is full). Between two batches the
        writer is still, so a PASSIVE checkpoint here copies the few frames the last one left,
        and the next commit starts the WAL over. PASSIVE never waits: should a reader still
        hold an old snapshot, the next checkpoint tries again, and commits are not held up.
        """
        try:
            self._connection().execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:
            log.warning("SQLite WAL restart failed (the next checkpoint retries): %s", describe(exc))

    async def read(self, fn: Callable[..., R], *args: Any) -> R:
        return await self._readers.run(self._call, fn, args)

    async def read_here(self, fn: Callable[..., R], *args: Any) -> R:
        """A point read (a row or two by key) on the event loop's own connection.

        A trip to a reader thread and back costs two thread wake-ups, ~100 µs of this
        process's CPU on a small machine: several times the read itself, a B-tree lookup in
        pages that are cached, and the decoding holds the GIL wherever it runs. A WAL read
        waits for no writer; on the rare SQLITE_BUSY (the WAL index being rebuilt) this
        connection does not wait either (busy_timeout 0) and the read goes to a reader thread.
        """
        connection = self._here
        if connection is None:
            with translated():
                connection = connect(self._path, replace(self._tuning, busy_timeout_ms=0), self._functions)
            with self._opened_lock:
                self._opened.append(connection)
            self._here = connection
        try:
            return fn(connection, *args)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise PersistenceError(describe(exc)) from exc
        except sqlite3.Error as exc:
            raise PersistenceError(describe(exc)) from exc
        return await self.read(fn, *args)

    def close(self) -> None:
        self._checkpointer.shutdown(wait=True)
        self._readers.shutdown()
        with contextlib.suppress(Exception):  # leave one compact file behind; the WAL is as safe
            self._writer.submit(lambda: self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")).result()
        self._writer.shutdown()
        with self._opened_lock:
            opened, self._opened = self._opened, []
        self._here = None
        for connection in opened:
            with contextlib.suppress(sqlite3.Error):
                connection.close()

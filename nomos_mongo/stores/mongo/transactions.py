"""One dispatch, one transaction, retried by the driver's rules; conflicts go to the engine.

The loop is `AsyncClientSession.with_transaction` (the transactions-convenient-API spec)
written out: a TransientTransactionError retries the whole transaction after a jittered
backoff, an UnknownTransactionCommitResult retries only the commit, both within 120 s.
It is written out because a WriteConflict (112) also carries TransientTransactionError, and
for us it means another writer is taking this timeline's next sequence: replaying the same
writes cannot succeed, the engine has to re-plan against the new state.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from pymongo.errors import BulkWriteError, OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from ...errors import DuplicateIntent, PersistenceError, SequenceConflict
from ...ledger import IntentLedgerEntry
from .translate import one_line, translate

T = TypeVar("T")

WRITE_CONFLICT = 112
DUPLICATE_KEY = 11000
MAX_TIME_MS_EXPIRED = 50
TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
TIME_LIMIT = 120.0
BACKOFF_INITIAL = 0.005
BACKOFF_MAX = 0.5


class TransactionSession(Protocol):
    @property
    def in_transaction(self) -> bool: ...

    async def start_transaction(
        self, read_concern: ReadConcern | None = None, write_concern: WriteConcern | None = None
    ) -> Any: ...

    async def commit_transaction(self) -> None: ...

    async def abort_transaction(self) -> None: ...


def _write_errors(exc: PyMongoError) -> list[Mapping[str, Any]]:
    if isinstance(exc, BulkWriteError):
        return list(exc.details.get("writeErrors", []))
    if isinstance(exc, OperationFailure):
        return [{**(exc.details or {}), "code": exc.code}] if exc.code is not None else []
    return []


def _codes(exc: PyMongoError) -> set[int]:
    codes = {error.get("code") for error in _write_errors(exc)}
    if isinstance(exc, OperationFailure) and exc.code is not None:
        codes.add(exc.code)
    return {code for code in codes if isinstance(code, int)}


def duplicated_index(exc: PyMongoError) -> str | None:
    """'_id' or 'other' for a duplicate key error; None when the server did not say which."""
    for error in _write_errors(exc):
        if error.get("code") != DUPLICATE_KEY:
            continue
        pattern = error.get("keyPattern")
        if isinstance(pattern, Mapping) and pattern:
            return "_id" if list(pattern) == ["_id"] else "other"
        message = str(error.get("errmsg", ""))
        if "index: " in message:
            return "_id" if "index: _id_ " in message else "other"
    return None


def conflict_of(exc: PyMongoError, entry: IntentLedgerEntry) -> PersistenceError | None:
    """The engine's view of a write error: the intent is stored, or the sequence is taken."""
    codes = _codes(exc)
    if DUPLICATE_KEY in codes and duplicated_index(exc) == "_id":
        return DuplicateIntent(entry.intent_id)
    if DUPLICATE_KEY in codes or WRITE_CONFLICT in codes:
        return SequenceConflict(entry.workspace_id, entry.timeline_id, entry.sequence)
    return None


async def run_in_transaction(
    session: TransactionSession,
    body: Callable[[Any], Awaitable[T]],
    entry: IntentLedgerEntry,
    *,
    time_limit: float = TIME_LIMIT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    start = clock()
    last: PyMongoError | None = None

    def within(backoff: float = 0.0) -> bool:
        return clock() + backoff - start < time_limit

    attempt = 0
    while True:
        if attempt:
            backoff = random.random() * min(BACKOFF_INITIAL * 1.5**attempt, BACKOFF_MAX)
            if not within(backoff):
                raise _gave_up(time_limit, last) from last
            await sleep(backoff)
        attempt += 1
        await session.start_transaction(read_concern=ReadConcern("snapshot"), write_concern=WriteConcern("majority"))
        try:
            result = await body(session)
        except BaseException as exc:
            if session.in_transaction:
                await session.abort_transaction()
            if not isinstance(exc, PyMongoError):
                raise
            conflict = conflict_of(exc, entry)
            if conflict is not None:
                raise conflict from exc
            if exc.has_error_label(TRANSIENT):
                last = exc
                if within():
                    continue
                raise _gave_up(time_limit, exc) from exc
            raise translate(exc) from exc

        while True:
            try:
                await session.commit_transaction()
                return result
            except PyMongoError as exc:
                last = exc
                conflict = conflict_of(exc, entry)
                if conflict is not None:
                    raise conflict from exc
                unknown = exc.has_error_label(UNKNOWN_COMMIT) and not (
                    isinstance(exc, OperationFailure) and exc.code == MAX_TIME_MS_EXPIRED
                )
                if unknown and within():
                    continue
                if exc.has_error_label(TRANSIENT) and within():
                    break
                raise translate(exc) from exc


def _gave_up(time_limit: float, last: PyMongoError | None) -> PersistenceError:
    reason = one_line(last) if last is not None else "transient errors"
    return PersistenceError(f"the MongoDB transaction kept failing for {time_limit:.0f} s ({reason}); retry later")

"""The transaction loop against fakes raising the driver's documented labels and codes."""

from __future__ import annotations

import pytest
from pymongo.errors import BulkWriteError, OperationFailure

from nomos_mongo import DuplicateIntent, PersistenceError, SequenceConflict
from nomos_mongo.stores.mongo.transactions import conflict_of, run_in_transaction
from nomos_mongo.testing.domain import entry
from tests.nomos_mongo.stores.mongo.fakes import (
    SEQUENCE_KEY,
    Body,
    FakeSession,
    duplicate_key,
    transient,
    unknown_commit_result,
    write_conflict,
)

ENTRY = entry(7, intent_id="intent-7")


async def no_sleep(seconds: float) -> None:
    pass


async def run(session: FakeSession, body: Body, **options: object) -> str:
    return await run_in_transaction(session, body, ENTRY, sleep=no_sleep, **options)  # type: ignore[arg-type]


async def test_commits_once_with_majority_write_concern() -> None:
    session, body = FakeSession(), Body()
    assert await run(session, body) == "written"
    assert (session.starts, body.runs, session.commits, session.aborts) == (1, 1, 1, 0)
    read_concern, write_concern = session.concerns[0]
    assert write_concern is not None and write_concern.document == {"w": "majority"}
    assert read_concern is not None and read_concern.level == "snapshot"


async def test_a_transient_error_retries_the_whole_transaction() -> None:
    session, body = FakeSession(), Body(transient(), transient(6, "HostUnreachable"))
    assert await run(session, body) == "written"
    assert (session.starts, body.runs, session.aborts, session.commits) == (3, 3, 2, 1)


async def test_an_unknown_commit_result_retries_the_commit_only() -> None:
    session, body = FakeSession([unknown_commit_result(), unknown_commit_result()]), Body()
    assert await run(session, body) == "written"
    assert (session.starts, body.runs, session.commits) == (1, 1, 3)


async def test_a_transient_commit_error_retries_the_whole_transaction() -> None:
    session, body = FakeSession([transient()]), Body()
    assert await run(session, body) == "written"
    assert (session.starts, body.runs, session.commits) == (2, 2, 2)


async def test_max_time_expired_on_commit_is_not_retried() -> None:
    expired = OperationFailure(
        "operation exceeded time limit", 50, {"code": 50, "errorLabels": ["UnknownTransactionCommitResult"]}
    )
    session = FakeSession([expired])
    with pytest.raises(PersistenceError, match="code 50"):
        await run(session, Body())
    assert session.commits == 1


async def test_a_write_conflict_is_a_sequence_conflict_not_a_retry() -> None:
    session, body = FakeSession(), Body(write_conflict())
    with pytest.raises(SequenceConflict) as raised:
        await run(session, body)
    assert raised.value.sequence == 7
    assert (session.starts, body.runs, session.aborts, session.commits) == (1, 1, 1, 0)
    assert isinstance(raised.value.__cause__, OperationFailure)


async def test_a_duplicate_sequence_is_a_sequence_conflict() -> None:
    session = FakeSession()
    with pytest.raises(SequenceConflict):
        await run(session, Body(duplicate_key(SEQUENCE_KEY)))
    assert session.aborts == 1 and session.commits == 0


async def test_a_duplicate_intent_id_is_a_duplicate_intent() -> None:
    with pytest.raises(DuplicateIntent) as raised:
        await run(FakeSession(), Body(duplicate_key({"_id": 1}, index="_id_")))
    assert raised.value.intent_id == "intent-7"


async def test_other_errors_are_persistence_errors_without_retry() -> None:
    session, body = FakeSession(), Body(OperationFailure("not authorized on nomos", 13, {"code": 13}))
    with pytest.raises(PersistenceError, match="code 13"):
        await run(session, body)
    assert body.runs == 1


async def test_non_driver_errors_abort_and_propagate() -> None:
    session = FakeSession()
    with pytest.raises(ValueError):
        await run(session, Body(ValueError("bug")))
    assert session.aborts == 1 and session.commits == 0


async def test_transient_errors_stop_after_the_time_limit() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 50.0
        return now[0]

    body = Body(*(transient() for _ in range(10)))
    with pytest.raises(PersistenceError, match="kept failing"):
        await run(FakeSession(), body, clock=clock)
    assert body.runs < 10


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (duplicate_key(SEQUENCE_KEY), SequenceConflict),
        (duplicate_key({"_id": 1}), DuplicateIntent),
        (duplicate_key(None, index="_id_"), DuplicateIntent),
        (duplicate_key(None, index="ledger_sequence_unique"), SequenceConflict),
        (write_conflict(), SequenceConflict),
        (BulkWriteError({"writeErrors": [{"index": 0, "code": 11000, "keyPattern": {"_id": 1}}]}), DuplicateIntent),
        (BulkWriteError({"writeErrors": [{"index": 0, "code": 112, "errmsg": "WriteConflict"}]}), SequenceConflict),
        (transient(), None),
        (OperationFailure("bad", 2, {"code": 2}), None),
    ],
)
def test_conflict_classification(error: Exception, expected: type[Exception] | None) -> None:
    found = conflict_of(error, ENTRY)  # type: ignore[arg-type]
    assert (type(found) if found is not None else None) is expected

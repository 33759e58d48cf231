"""Fakes that speak the driver's documented shapes: error labels and codes, change events."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

SEQUENCE_KEY = {"workspace_id": 1, "timeline_id": 1, "seq": 1}


def transient(code: int = 251, name: str = "NoSuchTransaction") -> OperationFailure:
    return OperationFailure(
        f"{name}: transaction aborted",
        code=code,
        details={"ok": 0, "code": code, "codeName": name, "errorLabels": ["TransientTransactionError"]},
    )


def write_conflict() -> OperationFailure:
    # the server labels a write conflict in a transaction as transient
    return transient(112, "WriteConflict")


def duplicate_key(key_pattern: Mapping[str, int] | None, index: str = "ledger_sequence_unique") -> DuplicateKeyError:
    message = f"E11000 duplicate key error collection: nomos.ledger index: {index} dup key: {{...}}"
    details: dict[str, Any] = {"index": 0, "code": 11000, "errmsg": message}
    if key_pattern is not None:
        details["keyPattern"] = dict(key_pattern)
        details["keyValue"] = {key: "x" for key in key_pattern}
    return DuplicateKeyError(message, 11000, details)


def unknown_commit_result() -> AutoReconnect:
    # what commit_transaction raises after a network error: the commit may or may not have applied
    return AutoReconnect("connection closed", {"errorLabels": ["UnknownTransactionCommitResult"]})


def history_lost() -> OperationFailure:
    return OperationFailure(
        "Resume of change stream was not possible, as the resume point may no longer be in the oplog.",
        code=286,
        details={"ok": 0, "code": 286, "codeName": "ChangeStreamHistoryLost"},
    )


class FakeSession:
    """Records the transaction calls; `commit_errors` are raised by successive commits."""

    def __init__(self, commit_errors: Sequence[BaseException | None] = ()) -> None:
        self.in_transaction = False
        self.starts = 0
        self.commits = 0
        self.aborts = 0
        self.concerns: list[tuple[ReadConcern | None, WriteConcern | None]] = []
        self._commit_errors = list(commit_errors)

    async def start_transaction(
        self, read_concern: ReadConcern | None = None, write_concern: WriteConcern | None = None
    ) -> None:
        assert not self.in_transaction, "transaction already in progress"
        self.in_transaction = True
        self.starts += 1
        self.concerns.append((read_concern, write_concern))

    async def commit_transaction(self) -> None:
        assert self.in_transaction
        self.commits += 1
        error = self._commit_errors.pop(0) if self._commit_errors else None
        if error is not None:
            if not isinstance(error, AutoReconnect):
                self.in_transaction = False
            raise error
        self.in_transaction = False

    async def abort_transaction(self) -> None:
        self.aborts += 1
        self.in_transaction = False


class Body:
    """A transaction body that raises `errors` on successive runs, then succeeds."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.runs = 0

    async def __call__(self, session: FakeSession) -> str:
        assert session.in_transaction
        self.runs += 1
        if self.errors:
            raise self.errors.pop(0)
        return "written"


END = object()  # the server closed the stream (it was invalidated)


def change(
    token: str,
    workspace_id: str = "ws",
    timeline_id: str = "main",
    seq: int = 1,
    types: Sequence[str] = ("TodoAggregate",),
    operation: str = "insert",
) -> dict[str, Any]:
    return {
        "_id": {"_data": token},
        "operationType": operation,
        "clusterTime": None,
        "ns": {"db": "nomos", "coll": "ledger"},
        "documentKey": {"_id": f"intent-{seq}"},
        "fullDocument": {
            "workspace_id": workspace_id,
            "timeline_id": timeline_id,
            "seq": seq,
            "touched_types": list(types),
        },
    }


class FakeStream:
    """An AsyncCollectionChangeStream: items are change events, errors to raise, or END."""

    def __init__(self, items: Sequence[Any], initial_token: Mapping[str, Any] | None, idle: asyncio.Event) -> None:
        self._items = list(items)
        self.resume_token = initial_token
        self._idle = idle
        self.closed = False

    async def __aenter__(self) -> FakeStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.closed = True

    def __aiter__(self) -> FakeStream:
        return self

    async def __anext__(self) -> dict[str, Any]:
        if not self._items:
            self._idle.set()
            await asyncio.Event().wait()  # a live stream waits for the next change
        item = self._items.pop(0)
        if item is END:
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        self.resume_token = item["_id"]
        return dict(item)


class FakeLedger:
    """`watch()` opens the next scripted stream; a script may be an error `watch` raises."""

    def __init__(self, *scripts: Any) -> None:
        self._scripts = list(scripts)
        self.watch_calls: list[dict[str, Any]] = []
        self.idle = asyncio.Event()

    async def watch(self, pipeline: list[dict[str, Any]], **options: Any) -> FakeStream:
        self.watch_calls.append({"pipeline": pipeline, **options})
        if not self._scripts:
            self.idle.set()
            await asyncio.Event().wait()
        script = self._scripts.pop(0)
        if isinstance(script, BaseException):
            raise script
        token = {"_data": f"start-{len(self.watch_calls)}"}
        return FakeStream(script, token, self.idle)


class FakeGridOut:
    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        self.filename = document["filename"]
        self.metadata = document.get("metadata")

    async def read(self, size: int = -1) -> bytes:
        data: bytes = self._document["data"]
        return data


class FakeGridFSBucket:
    """The part of AsyncGridFSBucket's documented API that blob storage uses."""

    def __init__(self) -> None:
        self.files: list[dict[str, Any]] = []

    async def upload_from_stream(
        self,
        filename: str,
        source: bytes,
        chunk_size_bytes: int | None = None,
        metadata: Mapping[str, Any] | None = None,
        session: object = None,
    ) -> int:
        self.files.append(
            {
                "_id": len(self.files),
                "filename": filename,
                "data": bytes(source),
                "length": len(source),
                "metadata": dict(metadata or {}),
            }
        )
        return len(self.files) - 1

    async def open_download_stream_by_name(
        self, filename: str, revision: int = -1, session: object = None
    ) -> FakeGridOut:
        from gridfs.errors import NoFile

        matching = [f for f in self.files if f["filename"] == filename]
        if not matching:
            raise NoFile(f"no version {revision} for filename {filename!r}")
        return FakeGridOut(matching[revision])

    async def find(self, filter: Mapping[str, Any], limit: int = 0) -> Any:  # an async generator, like the cursor
        found = [f for f in self.files if all(f.get(k) == v for k, v in filter.items())]
        for document in found[: limit or None]:
            yield FakeGridOut(document)


def unsupported_stage() -> OperationFailure:
    # what the mongoeco stand-in answers (no code, no label); a standalone mongod answers code 40573
    message = "Unsupported aggregation stage: $changeStream"
    return OperationFailure(message, details={"ok": 0.0, "errmsg": message})


def invalid_resume_token() -> OperationFailure:
    return OperationFailure(
        "cannot resume stream; the resume token was not found",
        code=260,
        details={"ok": 0, "code": 260, "codeName": "InvalidResumeToken"},
    )


def resumable_error() -> OperationFailure:
    return OperationFailure(
        "interrupted",
        code=11601,
        details={"ok": 0, "code": 11601, "errorLabels": ["ResumableChangeStreamError"]},
    )

"""The error tree of the engine.

NomosError
├── InvalidArgument           a public method was called with a bad value (empty id, negative sequence)
├── SerializationError        JSON that cannot become a registered type
│   └── UnknownType           a type name nobody registered
├── SchemaVersionError        a stored document newer than the code, or no upcaster for a step
│   └── StaleSnapshot         a snapshot of an older aggregate version: rebuild it from the ledger
├── IntentRejected            a domain rule refused the intent; nothing was written
├── LedgerWriteConflict       another writer kept winning the sequence; retries exhausted
├── IntentIdReused            an intent id already stored on another timeline
├── IntentIdConflict          an intent id already stored for another request (type, input, actor)
├── UndoConflict              a later intent touched what undo/redo would change
├── TimelineError             a timeline that does not exist, exists already, or is closed
├── ServerExecutionRequired   a server-only intent dispatched on a client without transport
├── BlobNotFound              a blob reference whose bytes are not in blob storage
└── PersistenceError          the store failed or is unreachable
    ├── StoreUnavailable      the store could not be reached; the same request may succeed later
    ├── SnapshotUnreadable    (adapter -> engine) a stored snapshot does not decode: rebuild it
    ├── SequenceConflict      (adapter -> engine) the sequence slot is taken: re-plan
    │   └── Superseded        (adapter -> engine) planned on an ordered commit that failed: re-plan
    └── DuplicateIntent       (adapter -> engine) the intent id is already in the ledger
"""

from __future__ import annotations


class NomosError(Exception):
    """Base of every error the engine raises on purpose."""


class InvalidArgument(NomosError, ValueError):
    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"{argument}: {problem}")


class SerializationError(NomosError, ValueError):
    def __init__(self, message: str, *, type_name: str | None = None, field: str | None = None):
        self.type_name = type_name
        self.field = field
        self.document_id: str | None = None  # the stored document's id, when one was being read
        super().__init__(message)


class UnknownType(SerializationError):
    def __init__(self, kind: str, type_name: object, known: list[str] | None = None) -> None:
        hint = ""
        if known:
            shown = ", ".join(sorted(known)[:12])
            hint = f"; registered {kind} types include: {shown}"
        super().__init__(
            f"unknown {kind} type {type_name!r}: register it in a module passed to NomosApp{hint}",
            type_name=str(type_name),
        )
        self.kind = kind


class SchemaVersionError(NomosError):
    """A stored document this code cannot bring to its type's current schema version.

    Not a SerializationError: the request was fine, the deployment is not (an API reports it
    as an internal error and logs it; `nomos check-ledger` finds these before a deploy).
    """

    def __init__(
        self,
        message: str,
        *,
        type_name: str,
        stored_version: int,
        code_version: int,
        missing_step: tuple[int, int] | None = None,
    ) -> None:
        self.type_name = type_name
        self.stored_version = stored_version
        self.code_version = code_version
        self.missing_step = missing_step
        self.document_id: str | None = None
        super().__init__(message)

    @classmethod
    def newer(cls, type_name: str, stored: int, code: int) -> SchemaVersionError:
        return cls(
            f"{type_name} version {stored} is newer than this code's version {code}: "
            "deploy the code that wrote it (or a later one) before reading this store",
            type_name=type_name,
            stored_version=stored,
            code_version=code,
        )

    @classmethod
    def missing(cls, type_name: str, stored: int, code: int) -> SchemaVersionError:
        return cls(
            f"{type_name} version {stored} cannot be read by version {code}: no upcaster for step "
            f"v{stored} -> v{stored + 1}; add `upcasters = {{{stored}: ...}}` to {type_name}",
            type_name=type_name,
            stored_version=stored,
            code_version=code,
            missing_step=(stored, stored + 1),
        )


class StaleSnapshot(SchemaVersionError):
    """Snapshots are derived from the ledger and never upcast: rebuild them with the current `apply`."""

    def __init__(self, type_name: str, aggregate_id: str, stored: int, code: int) -> None:
        self.aggregate_id = aggregate_id
        super().__init__(
            f"the stored snapshot of {type_name} {aggregate_id} is version {stored}, this code's {type_name} "
            f"is version {code}: run `nomos rebuild-snapshots` to rebuild snapshots from the ledger",
            type_name=type_name,
            stored_version=stored,
            code_version=code,
        )


class IntentRejected(NomosError):
    """A domain rule refused the intent. `rule` is a stable, machine-readable name."""

    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        self.rule = rule
        self.reason = message
        self.field = field
        super().__init__(f"rejected by rule {rule!r}: {message}")


class LedgerWriteConflict(NomosError):
    def __init__(self, workspace_id: str, timeline_id: str, attempts: int) -> None:
        self.workspace_id = workspace_id
        self.timeline_id = timeline_id
        self.attempts = attempts
        super().__init__(
            f"could not append to {workspace_id}/{timeline_id} after {attempts} attempts: "
            "other writers kept taking the next sequence; retry later"
        )


class IntentIdReused(NomosError):
    def __init__(self, intent_id: str, stored_on: str, requested: str) -> None:
        self.intent_id = intent_id
        super().__init__(
            f"intent id {intent_id!r} is already stored on {stored_on}; it cannot be dispatched "
            f"again on {requested}. Give the intent a new id."
        )


class IntentIdConflict(NomosError):
    """An idempotency key reused for a different request: the first result is not this one's."""

    def __init__(self, intent_id: str, difference: str) -> None:
        self.intent_id = intent_id
        super().__init__(
            f"intent id {intent_id!r} is already stored for another request ({difference}); a retry must "
            "repeat the first request exactly. Give a new intent a new id."
        )


class UndoConflict(NomosError):
    def __init__(self, message: str, *, blocking_intent_id: str | None = None) -> None:
        self.blocking_intent_id = blocking_intent_id
        super().__init__(message)


class TimelineError(NomosError):
    pass


class TimelineNotFound(TimelineError):
    def __init__(self, workspace_id: str, timeline_id: str) -> None:
        self.workspace_id = workspace_id
        self.timeline_id = timeline_id
        super().__init__(f"timeline {timeline_id!r} does not exist in workspace {workspace_id!r}")


class ServerExecutionRequired(NomosError):
    def __init__(self, intent_type: str) -> None:
        super().__init__(
            f"{intent_type} must run on the server: configure a ServerIntentTransport on this "
            "client, or dispatch it from a runtime with NomosOptions(is_server_runtime=True)"
        )


class BlobNotFound(NomosError):
    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(f"no blob with sha256 {sha256} in blob storage")


class PersistenceError(NomosError):
    pass


class StoreUnavailable(PersistenceError):
    """The store did not answer (network, failover, restart); retrying may succeed."""


class SnapshotUnreadable(PersistenceError):
    def __init__(self, aggregate_type: str, aggregate_id: str, problem: str) -> None:
        self.aggregate_type = aggregate_type
        self.aggregate_id = aggregate_id
        super().__init__(f"the stored snapshot of {aggregate_type} {aggregate_id} does not decode: {problem}")


class SequenceConflict(PersistenceError):
    def __init__(self, workspace_id: str, timeline_id: str, sequence: int) -> None:
        self.sequence = sequence
        super().__init__(f"sequence {sequence} of {workspace_id}/{timeline_id} is already taken")


class Superseded(SequenceConflict):
    """A commit ordered after one of its timeline that failed: planned on a state that never was."""

    def __init__(self, workspace_id: str, timeline_id: str, sequence: int) -> None:
        self.sequence = sequence
        PersistenceError.__init__(
            self, f"sequence {sequence} of {workspace_id}/{timeline_id} was planned on a commit that failed"
        )


class DuplicateIntent(PersistenceError):
    def __init__(self, intent_id: str) -> None:
        self.intent_id = intent_id
        super().__init__(f"intent {intent_id} is already in the ledger")

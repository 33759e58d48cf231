"""Nomos for Python: intents -> directives -> events, on a pluggable persistence port."""

from .access import SYSTEM_WORKSPACE, Access, Scope
from .app import NomosApp, OptimisticResult
from .authorization import Authorizer
from .blobs import BlobRef, BlobStorage, LazyBlob, MemoryBlobStorage
from .branching import MergeOutcome, MergeReport
from .context import MAIN_TIMELINE, SYSTEM_ACTOR, DirectiveContext, IntentContext
from .descriptions import DescribeContext, IntentDescription, NameRef
from .dispatching import Preview
from .errors import (
    BlobNotFound,
    DuplicateIntent,
    IntentIdConflict,
    IntentIdReused,
    IntentRejected,
    InvalidArgument,
    LedgerWriteConflict,
    NomosError,
    PersistenceError,
    SchemaVersionError,
    SequenceConflict,
    SerializationError,
    ServerExecutionRequired,
    SnapshotUnreadable,
    StaleSnapshot,
    StoreUnavailable,
    TimelineError,
    TimelineNotFound,
    UndoConflict,
    UnknownType,
)
from .groups import Group
from .ids import derived_id, new_id
from .ledger import AggregateRef, EntryKind, EventRecord, IntentLedgerEntry
from .live import LiveQuerySubscription, TimelineWatch
from .model import (
    ACTOR,
    TYPE_FIELD,
    VERSION_FIELD,
    Aggregate,
    Directive,
    Event,
    ExecutionTarget,
    Intent,
    NomosModel,
    Payload,
    SingleAggregateDirective,
    actor_fields,
)
from .options import NomosOptions
from .persistence import (
    HistoryStore,
    LedgerRecorder,
    LedgerSearch,
    Persistence,
    SnapshotRepair,
    SnapshotStore,
    TimelineStore,
    WorkspaceIndex,
)
from .policy import PolicyRouter, Route
from .query import BasicQuery, Cursor, FieldFilter
from .readers import SnapshotReader, Staged, latest_state
from .records import Commit, CommitNotice, SnapshotRecord, TimelineRecord, TimelineStatus
from .registry import NomosModule, TypeRegistry
from .stores.memory import MemoryPersistence
from .system import RedoIntent, UndoIntent
from .transport import ServerIntentTransport
from .undo import RedoPlanner, UndoPlanner
from .verify import Divergence, VerificationReport
from .writer import Authorize, Planner, Slot, TimelineWriter, Written

__all__ = [
    "ACTOR",
    "MAIN_TIMELINE",
    "SYSTEM_ACTOR",
    "SYSTEM_WORKSPACE",
    "TYPE_FIELD",
    "VERSION_FIELD",
    "Access",
    "Aggregate",
    "AggregateRef",
    "Authorize",
    "Authorizer",
    "BasicQuery",
    "BlobNotFound",
    "BlobRef",
    "BlobStorage",
    "Commit",
    "CommitNotice",
    "Cursor",
    "DescribeContext",
    "Directive",
    "DirectiveContext",
    "Divergence",
    "DuplicateIntent",
    "EntryKind",
    "Event",
    "EventRecord",
    "ExecutionTarget",
    "FieldFilter",
    "Group",
    "HistoryStore",
    "Intent",
    "IntentContext",
    "IntentDescription",
    "IntentIdConflict",
    "IntentIdReused",
    "IntentLedgerEntry",
    "IntentRejected",
    "InvalidArgument",
    "LazyBlob",
    "LedgerRecorder",
    "LedgerSearch",
    "LedgerWriteConflict",
    "LiveQuerySubscription",
    "MemoryBlobStorage",
    "MemoryPersistence",
    "MergeOutcome",
    "MergeReport",
    "NameRef",
    "NomosApp",
    "NomosError",
    "NomosModel",
    "NomosModule",
    "NomosOptions",
    "OptimisticResult",
    "Payload",
    "Persistence",
    "PersistenceError",
    "Planner",
    "PolicyRouter",
    "Preview",
    "RedoIntent",
    "RedoPlanner",
    "Route",
    "SchemaVersionError",
    "Scope",
    "SequenceConflict",
    "SerializationError",
    "ServerExecutionRequired",
    "ServerIntentTransport",
    "SingleAggregateDirective",
    "Slot",
    "SnapshotReader",
    "SnapshotRecord",
    "SnapshotRepair",
    "SnapshotStore",
    "SnapshotUnreadable",
    "Staged",
    "StaleSnapshot",
    "StoreUnavailable",
    "TimelineError",
    "TimelineNotFound",
    "TimelineRecord",
    "TimelineStatus",
    "TimelineStore",
    "TimelineWatch",
    "TimelineWriter",
    "TypeRegistry",
    "UndoConflict",
    "UndoIntent",
    "UndoPlanner",
    "UnknownType",
    "VerificationReport",
    "WorkspaceIndex",
    "Written",
    "actor_fields",
    "derived_id",
    "latest_state",
    "new_id",
]

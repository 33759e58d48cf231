"""Tables, indexes and the schema version of a Nomos SQLite database.

The shape follows the MongoDB data model of DESIGN.md:
- `ledger`: one row per intent; the primary key is the intent id (idempotency) and the
  unique key (workspace_id, timeline_id, seq) is the optimistic-concurrency guard.
  `document` is the codec's JSON of the entry; `struck_out` lives in its own column
  because strike-outs change it after the fact.
- `touches`: which aggregate ids each entry touched (the `touched` index of MongoDB).
- one `snap_*` table per aggregate type (what listing queries read), keyed by
  (workspace, timeline, aggregate id), with `q`: the queryable JSON of the state, and an
  expression index per field queries filter and sort on.
- `history` (snapshot history for `state_at_sequence`), `timelines`, `heads`, `blobs`.

`PRAGMA user_version` holds the schema version: a database written by a newer Nomos is
refused rather than misread, and an older one is migrated forward in one transaction
(`MIGRATIONS`: version N -> N + 1).

Every index is written by every commit that touches its table, so the ledger has only the
two its guards need: "the latest entry of a kind" (undo, redo) walks the sequence index
back from the head, which finds it after a few entries, as the filter on its actor did
with the kind index that version 1 had (dropped in version 2: a B-tree page less per commit).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable

from ...model import Aggregate
from ..mongo.indexes import indexed_fields
from .connections import immediate

SCHEMA_VERSION = 2
APPLICATION_ID = 0x4E6F6D6F  # "Nomo": marks the file as a Nomos database

_BASE = """
CREATE TABLE IF NOT EXISTS ledger (
    intent_id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    timeline_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor_id TEXT,
    struck_out INTEGER NOT NULL DEFAULT 0,
    document TEXT NOT NULL,
    CONSTRAINT ledger_sequence_unique UNIQUE (workspace_id, timeline_id, seq)
);
CREATE TABLE IF NOT EXISTS touches (
    workspace_id TEXT NOT NULL,
    timeline_id TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, timeline_id, aggregate_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
    workspace_id TEXT NOT NULL,
    timeline_id TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (workspace_id, timeline_id, aggregate_type, aggregate_id, seq)
);
CREATE TABLE IF NOT EXISTS timelines (
    workspace_id TEXT NOT NULL,
    timeline_id TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (workspace_id, timeline_id)
);
CREATE TABLE IF NOT EXISTS heads (
    workspace_id TEXT NOT NULL,
    timeline_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, timeline_id)
);
CREATE TABLE IF NOT EXISTS snapshot_tables (
    aggregate_type TEXT PRIMARY KEY,
    table_name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    data BLOB NOT NULL
);
"""

_SNAPSHOTS = """
CREATE TABLE IF NOT EXISTS "{table}" (
    workspace_id TEXT NOT NULL,
    timeline_id TEXT NOT NULL,
    aggregate_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    state TEXT NOT NULL,
    q TEXT NOT NULL,
    PRIMARY KEY (workspace_id, timeline_id, aggregate_id)
)
"""


#: the statements that take a database from version N (the key) to N + 1
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("DROP INDEX IF EXISTS ledger_kind",),
}


class NewerSchema(Exception):
    def __init__(self, found: int) -> None:
        self.found = found
        super().__init__(
            f"the database was written by a newer version of Nomos (schema {found}; this version "
            f"reads up to {SCHEMA_VERSION}): upgrade Nomos, or restore a backup made by this version"
        )


class NotNomos(Exception):
    def __init__(self) -> None:
        super().__init__("the file is an SQLite database but not a Nomos one (its application_id differs)")


def prepare(connection: sqlite3.Connection) -> None:
    """Create or migrate the schema in one transaction; refuse what this version cannot read."""
    with immediate(connection):
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        application = connection.execute("PRAGMA application_id").fetchone()[0]
        empty = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        if application != APPLICATION_ID and not empty:
            raise NotNomos()
        if version > SCHEMA_VERSION:
            raise NewerSchema(version)
        if version < SCHEMA_VERSION:
            for statement in _statements(_BASE):
                connection.execute(statement)
            for step in range(version or SCHEMA_VERSION, SCHEMA_VERSION):  # a new file is made at the newest
                for statement in MIGRATIONS[step]:
                    connection.execute(statement)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def table_name(type_name: str) -> str:
    """A table name for an aggregate type: readable, and unique even when type names differ only in case."""
    readable = re.sub(r"[^A-Za-z0-9_]", "_", type_name)[:40]
    digest = hashlib.sha256(type_name.encode()).hexdigest()[:8]
    return f"snap_{readable}_{digest}"


def json_path(field_path: str) -> str:
    """The JSON path of a query field inside `q` (field names are Python identifiers)."""
    return "$." + ".".join(f'"{part}"' for part in field_path.split("."))


def field_index(table: str, path: str) -> str:
    return f"{table}_by_{re.sub(r'[^A-Za-z0-9_]', '_', path)}"


def ensure_snapshot_table(connection: sqlite3.Connection, aggregate_type: type[Aggregate]) -> str:
    """Create the type's table and its field indexes (idempotent); runs inside the caller's transaction."""
    name = table_name(aggregate_type.type_name)
    connection.execute(_SNAPSHOTS.format(table=name))
    match_field_indexes(connection, name, aggregate_type)
    connection.execute(
        "INSERT OR IGNORE INTO snapshot_tables (aggregate_type, table_name) VALUES (?, ?)",
        (aggregate_type.type_name, name),
    )
    return name


def _field_indexes(connection: sqlite3.Connection, table: str) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))
    return {index for (index,) in rows if index.startswith(f"{table}_by_")}


def match_field_indexes(connection: sqlite3.Connection, table: str, aggregate_type: type[Aggregate]) -> None:
    """Give the table an index for each of the type's indexed fields, and no other field index.

    Every index is written by every commit that changes a row, so an index the type no
    longer declares (a field removed, or left out of `query_indexes`) is dropped, and one it
    now declares is built from the rows already stored. Runs inside the caller's transaction.
    """
    wanted = {field_index(table, path): path for path in indexed_fields(aggregate_type)}
    present = _field_indexes(connection, table)
    for index in sorted(present - wanted.keys()):
        connection.execute(f'DROP INDEX "{index}"')
    for index, path in wanted.items():
        if index not in present:
            connection.execute(
                f'CREATE INDEX "{index}" ON "{table}" '
                f"(workspace_id, timeline_id, json_extract(q, '{json_path(path)}'), aggregate_id)"
            )


class SnapshotTables:
    """Which table holds each aggregate type's snapshots; creates them on first use.

    Tables are created outside any commit's transaction, so that a commit rolled back never
    takes a table with it that this map still names.
    """

    def __init__(self, resolve: Callable[[str], type[Aggregate]]) -> None:
        self._resolve = resolve
        self._names: dict[str, str] = {}

    def load(self, connection: sqlite3.Connection) -> None:
        for type_name, name in connection.execute("SELECT aggregate_type, table_name FROM snapshot_tables"):
            self._names[type_name] = name

    def ensure(self, connection: sqlite3.Connection, type_names: Iterable[str]) -> None:
        missing = [t for t in dict.fromkeys(type_names) if t not in self._names]
        if not missing:
            return
        with immediate(connection):
            created = {t: ensure_snapshot_table(connection, self._resolve(t)) for t in missing}
        self._names.update(created)

    def match_indexes(self, connection: sqlite3.Connection, type_names: Iterable[str]) -> None:
        """At start: each known type's table gets the field indexes its class declares now."""
        with immediate(connection):
            for type_name in dict.fromkeys(type_names):
                if type_name in self._names:
                    match_field_indexes(connection, self._names[type_name], self._resolve(type_name))

    def name(self, type_name: str) -> str | None:
        return self._names.get(type_name)

    def all(self) -> list[str]:
        return list(self._names.values())

"""A small domain for the persistence contract: one aggregate with every kind of field a query meets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel
from pydantic.alias_generators import to_camel

from nomos_mongo import (
    Aggregate,
    AggregateRef,
    EntryKind,
    Event,
    EventRecord,
    Intent,
    IntentLedgerEntry,
    NomosModule,
    Payload,
    SingleAggregateDirective,
    SnapshotRecord,
    TypeRegistry,
)


class Priority(StrEnum):
    LOW = "low"
    HIGH = "high"


class Title(RootModel[str]):
    model_config = ConfigDict(frozen=True)


class Owner(BaseModel):
    model_config = ConfigDict(frozen=True, alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)

    display_name: str
    team: str | None = None


class TaskCreated(Event):
    title: Title
    priority: Priority = Priority.LOW
    points: int = 0
    due_at: datetime | None = None
    tags: tuple[str, ...] = ()
    owner: Owner | None = None


class TaskCompleted(Event):
    pass


class TaskDeleted(Event):
    pass


class TaskAggregate(Aggregate):
    title: Title = Title("")
    priority: Priority = Priority.LOW
    points: int = 0
    done: bool = False
    due_at: datetime | None = None
    tags: tuple[str, ...] = ()
    owner: Owner | None = None

    def apply(self, event: Event) -> TaskAggregate:
        match event:
            case TaskCreated():
                return self.evolve(**{name: getattr(event, name) for name in TaskCreated.model_fields})
            case TaskCompleted():
                return self.evolve(done=True)
            case TaskDeleted():
                return self.evolve(deleted=True)
        return self


class BoardAggregate(Aggregate):
    name: str = ""

    def apply(self, event: Event) -> BoardAggregate:
        return self


class TaskPayload(Payload):
    task_id: str
    title: str
    due_at: datetime | None = None


class CreateTaskDirective(SingleAggregateDirective[TaskAggregate, TaskPayload]):
    aggregate_type = TaskAggregate

    def target_id(self) -> str:
        return self.payload.task_id

    def execute(self, snapshot: TaskAggregate, payload: TaskPayload) -> list[Event]:
        return [TaskCreated(title=Title(payload.title), due_at=payload.due_at)]


class CreateTask(Intent):
    title: str
    due_at: datetime | None = None


class UndoTask(Intent):
    pass


MODULE = NomosModule(
    name="contract",
    intents=(CreateTask, UndoTask),
    directives=(CreateTaskDirective,),
    events=(TaskCreated, TaskCompleted, TaskDeleted),
    aggregates=(TaskAggregate, BoardAggregate),
    payloads=(TaskPayload,),
)


def registry() -> TypeRegistry:
    return TypeRegistry([MODULE])


T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
CET = timezone(timedelta(hours=1), "CET")


def entry(
    sequence: int,
    *,
    workspace_id: str = "ws-1",
    timeline_id: str = "main",
    intent_id: str | None = None,
    actor_id: str = "alice",
    kind: EntryKind = EntryKind.INTENT,
    touched: Iterable[str] = (),
    strike_out: tuple[str, ...] = (),
    title: str = "a task",
) -> IntentLedgerEntry:
    """A ledger entry whose intent created each task in `touched`, with microsecond timestamps."""
    intent_id = intent_id or f"{workspace_id}/{timeline_id}/intent-{sequence}"
    ids = list(touched)
    intent: Intent = (
        CreateTask(id=intent_id, title=title, due_at=T0) if kind is EntryKind.INTENT else UndoTask(id=intent_id)
    )
    return IntentLedgerEntry(
        intent=intent,
        workspace_id=workspace_id,
        timeline_id=timeline_id,
        workspace_intent_sequence=sequence,
        actor_id=actor_id,
        correlation_id=intent_id,
        causation_id=None if sequence == 1 else f"cause-{sequence}",
        client_timestamp=(T0 + timedelta(seconds=sequence, microseconds=7)).astimezone(CET),
        server_timestamp=T0 + timedelta(seconds=sequence, microseconds=11),
        directives=tuple(CreateTaskDirective(payload=TaskPayload(task_id=i, title=title, due_at=T0)) for i in ids),
        events=tuple(
            EventRecord("TaskAggregate", i, 1, TaskCreated(title=Title(title), due_at=T0, tags=("x",))) for i in ids
        ),
        touched=tuple(AggregateRef("TaskAggregate", i) for i in ids),
        kind=kind,
        description=f"alice did {sequence}",
        strike_out_intent_ids=strike_out,
    )


def task(aggregate_id: str, **fields: Any) -> TaskAggregate:
    return TaskAggregate(id=aggregate_id, **fields)


def snapshot(
    state: Aggregate,
    sequence: int,
    *,
    version: int = 1,
    workspace_id: str = "ws-1",
    timeline_id: str = "main",
) -> SnapshotRecord:
    return SnapshotRecord(
        workspace_id=workspace_id,
        timeline_id=timeline_id,
        aggregate_type=state.type_name,
        aggregate_id=state.id,
        sequence=sequence,
        version=version,
        state=state,
    )


def tasks() -> list[TaskAggregate]:
    """A listing with ties, None values, nested values, arrays and one deleted row."""
    day = timedelta(days=1)
    return [
        task("t1", title=Title("Write report"), priority=Priority.HIGH, points=5, due_at=T0, tags=("work", "q1")),
        task("t2", title=Title("buy milk"), points=1, due_at=T0 + day, tags=("home",), owner=Owner(display_name="Bob")),
        task(
            "t3", title=Title("Review REPORT"), priority=Priority.HIGH, points=5, due_at=T0 + timedelta(microseconds=1)
        ),
        task("t4", title=Title("Plan trip"), points=3, done=True, owner=Owner(display_name="Ann", team="ops")),
        task("t5", title=Title("File taxes"), priority=Priority.HIGH, points=8, due_at=T0 - day, tags=("home", "q1")),
        task("t6", title=Title("old chore"), points=2, deleted=True, due_at=T0),
        task(
            "t7",
            title=Title("Call Ann"),
            points=3,
            due_at=T0.astimezone(CET) + 2 * day,
            owner=Owner(display_name="Ann"),
        ),
        task("t8", title=Title("report bug"), points=0, tags=("work",)),
    ]


def by_id(records: Iterable[SnapshotRecord]) -> Mapping[str, SnapshotRecord]:
    return {r.aggregate_id: r for r in records}

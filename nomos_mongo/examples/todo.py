"""The seed's Todo example in Python: the engine's test domain and the benchmark's workload.

This is version 2 of the domain; `todo_v1.py` keeps version 1, which wrote the ledger in
`todo_v1_ledger.jsonl`. What changed, and the upcaster that reads the old JSON:
- `TodoCreatedEvent` and `CreateTodoPayload` gained the required `priority` (old: "normal");
- `ProjectTodoCountedEvent.by` and `CountPayload.by` are now `delta` (a renamed field);
- `TodoFinishedEvent` is now `TodoCompletedEvent` (a renamed type);
- a v1 `TodoRenamedEvent` that reopened a completed todo is now two events, a rename and a
  `TodoReopenedEvent`: renaming no longer reopens (`RenameTodoDirective.context_version` 2);
- `TodoAggregate` gained `priority` and `ProjectAggregate.count` is `todo_count`: their
  snapshots of version 1 are rebuilt from the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from nomos_mongo import (
    Aggregate,
    DescribeContext,
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentDescription,
    IntentRejected,
    LazyBlob,
    NomosModule,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)
from nomos_mongo.model import JsonObject
from nomos_mongo.upcasting import added_field, renamed_field, retyped


class TodoPriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


# events ---------------------------------------------------------------------------------
class TodoCreatedEvent(Event):
    schema_version = 2
    upcasters = {1: added_field("priority", TodoPriority.NORMAL.value)}

    title: str
    created_at: datetime
    priority: TodoPriority


class TodoCompletedEvent(Event):
    previous_type_names = ("TodoFinishedEvent",)


class TodoReopenedEvent(Event):
    pass


def _split_reopening_rename(data: JsonObject) -> JsonObject | list[JsonObject]:
    """v1 renames of a completed todo also reopened it: now a rename and a reopening."""
    renamed = {"title": data["title"]}
    return [renamed, retyped("TodoReopenedEvent", {})] if data.get("reopened") else renamed


class TodoRenamedEvent(Event):
    schema_version = 2
    upcasters = {1: _split_reopening_rename}

    title: str


class TodoDeletedEvent(Event):
    pass


class TodoAttachmentAddedEvent(Event):
    attachment: LazyBlob


class ProjectTodoCountedEvent(Event):
    schema_version = 2
    upcasters = {1: renamed_field("by", "delta")}

    delta: int


# aggregates ------------------------------------------------------------------------------
class TodoAggregate(Aggregate):
    schema_version = 2  # gained `priority`

    title: str = ""
    is_completed: bool = False
    created_at: datetime | None = None
    attachments: int = 0
    priority: TodoPriority = TodoPriority.NORMAL

    def apply(self, event: Event) -> TodoAggregate:
        match event:
            case TodoCreatedEvent(title=title, created_at=created_at, priority=priority):
                # a creation starts from a clean slate, also when re-creating a deleted id
                return self.empty(self.id).evolve(title=title, created_at=created_at, priority=priority)
            case TodoCompletedEvent():
                return self.evolve(is_completed=True)
            case TodoReopenedEvent():
                return self.evolve(is_completed=False)
            case TodoRenamedEvent(title=title):
                return self.evolve(title=title)
            case TodoDeletedEvent():
                return self.evolve(deleted=True)
            case TodoAttachmentAddedEvent():
                return self.evolve(attachments=self.attachments + 1)
        return self

    def validate_state(self) -> None:
        if self.created_at is not None and not self.title.strip():
            raise IntentRejected("todo.title_required", "a todo needs a title", field="title")


class ProjectAggregate(Aggregate):
    schema_version = 2  # `count` became `todo_count`

    todo_count: int = 0

    def apply(self, event: Event) -> ProjectAggregate:
        if isinstance(event, ProjectTodoCountedEvent):
            return self.evolve(todo_count=self.todo_count + event.delta)
        return self

    def validate_state(self) -> None:
        if self.todo_count > 3:
            raise IntentRejected("project.todo_limit", "a project holds at most 3 todos")


# payloads and directives --------------------------------------------------------------------
class CreateTodoPayload(Payload):
    schema_version = 2
    upcasters = {1: added_field("priority", TodoPriority.NORMAL.value)}

    entity_id: str
    title: str
    created_at: datetime
    priority: TodoPriority


class TodoIdPayload(Payload):
    entity_id: str


class RenameTodoPayload(Payload):
    entity_id: str
    title: str


class CountPayload(Payload):
    schema_version = 2
    upcasters = {1: renamed_field("by", "delta")}

    project_id: str
    delta: int


class AttachPayload(Payload):
    entity_id: str
    attachment: LazyBlob


class CreateTodoDirective(Directive[TodoAggregate, CreateTodoPayload]):
    aggregate_type = TodoAggregate

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[TodoAggregate, CreateTodoPayload]]:
        existing = await snapshots.get(TodoAggregate, self.payload.entity_id)
        if existing is not None:
            raise IntentRejected("todo.exists", f"todo {self.payload.entity_id} exists already")
        return [ExecutionTarget(self.payload.entity_id, self.payload, TodoAggregate.empty(self.payload.entity_id))]

    def execute(self, snapshot: TodoAggregate, payload: CreateTodoPayload) -> Sequence[Event]:
        return [TodoCreatedEvent(title=payload.title, created_at=payload.created_at, priority=payload.priority)]


class _ExistingTodo(SingleAggregateDirective[TodoAggregate, TodoIdPayload]):
    aggregate_type = TodoAggregate

    def target_id(self) -> str:
        return self.payload.entity_id

    async def plan(self, ctx, intent, snapshots, staged):  # type: ignore[no-untyped-def]
        targets = await super().plan(ctx, intent, snapshots, staged)
        if targets[0].snapshot.created_at is None or targets[0].snapshot.deleted:
            raise IntentRejected("todo.not_found", f"todo {self.payload.entity_id} does not exist")
        return targets


class CompleteTodoDirective(_ExistingTodo):
    def execute(self, snapshot: TodoAggregate, payload: TodoIdPayload) -> Sequence[Event]:
        return [] if snapshot.is_completed else [TodoCompletedEvent()]


class ToggleTodoDirective(_ExistingTodo):
    def execute(self, snapshot: TodoAggregate, payload: TodoIdPayload) -> Sequence[Event]:
        return [TodoReopenedEvent() if snapshot.is_completed else TodoCompletedEvent()]


class DeleteTodoDirective(_ExistingTodo):
    def execute(self, snapshot: TodoAggregate, payload: TodoIdPayload) -> Sequence[Event]:
        return [TodoDeletedEvent()]


class RenameTodoDirective(SingleAggregateDirective[TodoAggregate, RenameTodoPayload]):
    aggregate_type = TodoAggregate
    context_version = 2  # version 1 also reopened a completed todo

    def target_id(self) -> str:
        return self.payload.entity_id

    def execute(self, snapshot: TodoAggregate, payload: RenameTodoPayload) -> Sequence[Event]:
        if snapshot.created_at is None:
            raise IntentRejected("todo.not_found", f"todo {payload.entity_id} does not exist")
        return [TodoRenamedEvent(title=payload.title)]


class AttachToTodoDirective(SingleAggregateDirective[TodoAggregate, AttachPayload]):
    aggregate_type = TodoAggregate

    def target_id(self) -> str:
        return self.payload.entity_id

    def execute(self, snapshot: TodoAggregate, payload: AttachPayload) -> Sequence[Event]:
        return [TodoAttachmentAddedEvent(attachment=payload.attachment)]


class CountTodosDirective(SingleAggregateDirective[ProjectAggregate, CountPayload]):
    aggregate_type = ProjectAggregate

    def target_id(self) -> str:
        return self.payload.project_id

    def execute(self, snapshot: ProjectAggregate, payload: CountPayload) -> Sequence[Event]:
        return [ProjectTodoCountedEvent(delta=payload.delta)]


# intents -------------------------------------------------------------------------------
class CreateTodoIntent(Intent):
    title: str
    todo_id: str | None = None
    project_id: str | None = None
    priority: TodoPriority = TodoPriority.NORMAL

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription('{actor} created todo "{title}"', {"actor": ctx.actor_name(), "title": self.title})


class CompleteTodoIntent(Intent):
    todo_id: str

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} completed {todo}", {"actor": ctx.actor_name(), "todo": ctx.resource_name("todo", self.todo_id)}
        )


class RenameTodoIntent(Intent):
    todo_id: str
    title: str

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            '{actor} renamed {todo} to "{title}"',
            {"actor": ctx.actor_name(), "todo": ctx.resource_name("todo", self.todo_id), "title": self.title},
        )


class ToggleTodoIntent(Intent):
    todo_id: str


class DeleteTodoIntent(Intent):
    todo_id: str


class AttachToTodoIntent(Intent):
    todo_id: str
    attachment: LazyBlob


class ArchiveTodosIntent(Intent):
    """A server-only intent."""

    requires_server_execution = True
    todo_id: str


def create_todo(intent: CreateTodoIntent, ctx: DirectiveContext) -> list[Directive]:  # type: ignore[type-arg]
    todo_id = intent.todo_id or ctx.derive_id("todo")
    directives: list[Directive] = [  # type: ignore[type-arg]
        CreateTodoDirective(
            payload=CreateTodoPayload(
                entity_id=todo_id, title=intent.title, created_at=ctx.now, priority=intent.priority
            )
        )
    ]
    if intent.project_id:
        directives.append(CountTodosDirective(payload=CountPayload(project_id=intent.project_id, delta=1)))
    return directives


async def todo_name(reader: SnapshotReader, todo_id: str) -> str | None:
    todo = await reader.get(TodoAggregate, todo_id, include_deleted=True)
    return todo.title if todo else None


TODO_MODULE = NomosModule(
    name="todo",
    intents=(
        CreateTodoIntent,
        CompleteTodoIntent,
        RenameTodoIntent,
        DeleteTodoIntent,
        AttachToTodoIntent,
        ArchiveTodosIntent,
        ToggleTodoIntent,
    ),
    directives=(
        CreateTodoDirective,
        CompleteTodoDirective,
        DeleteTodoDirective,
        RenameTodoDirective,
        AttachToTodoDirective,
        CountTodosDirective,
        ToggleTodoDirective,
    ),
    events=(
        TodoCreatedEvent,
        TodoCompletedEvent,
        TodoRenamedEvent,
        TodoDeletedEvent,
        TodoAttachmentAddedEvent,
        ProjectTodoCountedEvent,
        TodoReopenedEvent,
    ),
    aggregates=(TodoAggregate, ProjectAggregate),
    payloads=(CreateTodoPayload, TodoIdPayload, RenameTodoPayload, CountPayload, AttachPayload),
    routes={
        CreateTodoIntent: create_todo,
        CompleteTodoIntent: lambda i, c: [CompleteTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
        ToggleTodoIntent: lambda i, c: [ToggleTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
        RenameTodoIntent: lambda i, c: [
            RenameTodoDirective(payload=RenameTodoPayload(entity_id=i.todo_id, title=i.title))
        ],
        DeleteTodoIntent: lambda i, c: [DeleteTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
        AttachToTodoIntent: lambda i, c: [
            AttachToTodoDirective(payload=AttachPayload(entity_id=i.todo_id, attachment=i.attachment))
        ],
        ArchiveTodosIntent: lambda i, c: [CompleteTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
    },
    name_resolvers={"todo": todo_name},
)

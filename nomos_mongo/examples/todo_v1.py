"""Version 1 of the Todo example domain, kept as it was so its ledger can be written again.

Only `todo_v1_ledger.py` (which writes `todo_v1_ledger.jsonl`) and the schema evolution
tests use it; `todo.py` is the current version. Never change this module: it stands for
code that has been deployed and has written data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from nomos_mongo import (
    Aggregate,
    Directive,
    DirectiveContext,
    Event,
    ExecutionTarget,
    Intent,
    IntentRejected,
    NomosModule,
    Payload,
    SingleAggregateDirective,
    SnapshotReader,
)


# events ---------------------------------------------------------------------------------
class TodoCreatedEvent(Event):
    title: str
    created_at: datetime


class TodoFinishedEvent(Event):
    pass


class TodoReopenedEvent(Event):
    pass


class TodoRenamedEvent(Event):
    title: str
    reopened: bool


class TodoDeletedEvent(Event):
    pass


class ProjectTodoCountedEvent(Event):
    by: int


# aggregates ------------------------------------------------------------------------------
class TodoAggregate(Aggregate):
    title: str = ""
    is_completed: bool = False
    created_at: datetime | None = None

    def apply(self, event: Event) -> TodoAggregate:
        match event:
            case TodoCreatedEvent(title=title, created_at=created_at):
                return self.empty(self.id).evolve(title=title, created_at=created_at)
            case TodoFinishedEvent():
                return self.evolve(is_completed=True)
            case TodoReopenedEvent():
                return self.evolve(is_completed=False)
            case TodoRenamedEvent(title=title, reopened=reopened):
                return self.evolve(title=title, is_completed=self.is_completed and not reopened)
            case TodoDeletedEvent():
                return self.evolve(deleted=True)
        return self


class ProjectAggregate(Aggregate):
    count: int = 0

    def apply(self, event: Event) -> ProjectAggregate:
        if isinstance(event, ProjectTodoCountedEvent):
            return self.evolve(count=self.count + event.by)
        return self


# payloads and directives --------------------------------------------------------------------
class CreateTodoPayload(Payload):
    entity_id: str
    title: str
    created_at: datetime


class TodoIdPayload(Payload):
    entity_id: str


class RenameTodoPayload(Payload):
    entity_id: str
    title: str


class CountPayload(Payload):
    project_id: str
    by: int


class CreateTodoDirective(Directive[TodoAggregate, CreateTodoPayload]):
    aggregate_type = TodoAggregate

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[TodoAggregate, CreateTodoPayload]]:
        if await snapshots.get(TodoAggregate, self.payload.entity_id) is not None:
            raise IntentRejected("todo.exists", f"todo {self.payload.entity_id} exists already")
        return [ExecutionTarget(self.payload.entity_id, self.payload, TodoAggregate.empty(self.payload.entity_id))]

    def execute(self, snapshot: TodoAggregate, payload: CreateTodoPayload) -> Sequence[Event]:
        return [TodoCreatedEvent(title=payload.title, created_at=payload.created_at)]


class _ExistingTodo(SingleAggregateDirective[TodoAggregate, TodoIdPayload]):
    aggregate_type = TodoAggregate

    def target_id(self) -> str:
        return self.payload.entity_id


class CompleteTodoDirective(_ExistingTodo):
    def execute(self, snapshot: TodoAggregate, payload: TodoIdPayload) -> Sequence[Event]:
        return [] if snapshot.is_completed else [TodoFinishedEvent()]


class ToggleTodoDirective(_ExistingTodo):
    def execute(self, snapshot: TodoAggregate, payload: TodoIdPayload) -> Sequence[Event]:
        return [TodoReopenedEvent() if snapshot.is_completed else TodoFinishedEvent()]


class DeleteTodoDirective(_ExistingTodo):
    def execute(self, snapshot: TodoAggregate, payload: TodoIdPayload) -> Sequence[Event]:
        return [TodoDeletedEvent()]


class RenameTodoDirective(SingleAggregateDirective[TodoAggregate, RenameTodoPayload]):
    aggregate_type = TodoAggregate

    def target_id(self) -> str:
        return self.payload.entity_id

    def execute(self, snapshot: TodoAggregate, payload: RenameTodoPayload) -> Sequence[Event]:
        return [TodoRenamedEvent(title=payload.title, reopened=snapshot.is_completed)]


class CountTodosDirective(SingleAggregateDirective[ProjectAggregate, CountPayload]):
    aggregate_type = ProjectAggregate

    def target_id(self) -> str:
        return self.payload.project_id

    def execute(self, snapshot: ProjectAggregate, payload: CountPayload) -> Sequence[Event]:
        return [ProjectTodoCountedEvent(by=payload.by)]


# intents -------------------------------------------------------------------------------
class CreateTodoIntent(Intent):
    title: str
    todo_id: str | None = None
    project_id: str | None = None


class CompleteTodoIntent(Intent):
    todo_id: str


class RenameTodoIntent(Intent):
    todo_id: str
    title: str


class ToggleTodoIntent(Intent):
    todo_id: str


class DeleteTodoIntent(Intent):
    todo_id: str


def create_todo(intent: CreateTodoIntent, ctx: DirectiveContext) -> list[Directive]:  # type: ignore[type-arg]
    todo_id = intent.todo_id or ctx.derive_id("todo")
    directives: list[Directive] = [  # type: ignore[type-arg]
        CreateTodoDirective(payload=CreateTodoPayload(entity_id=todo_id, title=intent.title, created_at=ctx.now))
    ]
    if intent.project_id:
        directives.append(CountTodosDirective(payload=CountPayload(project_id=intent.project_id, by=1)))
    return directives


TODO_V1_MODULE = NomosModule(
    name="todo",
    intents=(CreateTodoIntent, CompleteTodoIntent, RenameTodoIntent, DeleteTodoIntent, ToggleTodoIntent),
    directives=(
        CreateTodoDirective,
        CompleteTodoDirective,
        DeleteTodoDirective,
        RenameTodoDirective,
        CountTodosDirective,
        ToggleTodoDirective,
    ),
    events=(
        TodoCreatedEvent,
        TodoFinishedEvent,
        TodoRenamedEvent,
        TodoDeletedEvent,
        ProjectTodoCountedEvent,
        TodoReopenedEvent,
    ),
    aggregates=(TodoAggregate, ProjectAggregate),
    payloads=(CreateTodoPayload, TodoIdPayload, RenameTodoPayload, CountPayload),
    routes={
        CreateTodoIntent: create_todo,
        CompleteTodoIntent: lambda i, c: [CompleteTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
        ToggleTodoIntent: lambda i, c: [ToggleTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
        RenameTodoIntent: lambda i, c: [
            RenameTodoDirective(payload=RenameTodoPayload(entity_id=i.todo_id, title=i.title))
        ],
        DeleteTodoIntent: lambda i, c: [DeleteTodoDirective(payload=TodoIdPayload(entity_id=i.todo_id))],
    },
)

"""The seed's Todo example, as the benchmark's workload (the tests have their own copy)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..context import DirectiveContext
from ..descriptions import DescribeContext, IntentDescription
from ..errors import IntentRejected
from ..model import Aggregate, Directive, Event, ExecutionTarget, Intent, Payload, SingleAggregateDirective
from ..readers import SnapshotReader
from ..registry import NomosModule


class TodoCreated(Event):
    title: str
    created_at: datetime


class TodoRenamed(Event):
    title: str


class TodoCompleted(Event):
    pass


class TodoReopened(Event):
    pass


class ProjectTodoCounted(Event):
    delta: int


class Todo(Aggregate):
    title: str = ""
    is_completed: bool = False
    created_at: datetime | None = None

    def apply(self, event: Event) -> Todo:
        match event:
            case TodoCreated(title=title, created_at=created_at):
                return self.evolve(title=title, created_at=created_at, is_completed=False)
            case TodoRenamed(title=title):
                return self.evolve(title=title)
            case TodoCompleted():
                return self.evolve(is_completed=True)
            case TodoReopened():
                return self.evolve(is_completed=False)
        return self

    def validate_state(self) -> None:
        if self.created_at is not None and not self.title.strip():
            raise IntentRejected("todo.title_required", "a todo needs a title", field="title")


class Project(Aggregate):
    todo_count: int = 0

    def apply(self, event: Event) -> Project:
        if isinstance(event, ProjectTodoCounted):
            return self.evolve(todo_count=self.todo_count + event.delta)
        return self

    def validate_state(self) -> None:
        if self.todo_count > 3:
            raise IntentRejected("project.todo_limit", "a project holds at most 3 todos")


class CreateTodoPayload(Payload):
    entity_id: str
    title: str
    created_at: datetime


class RenameTodoPayload(Payload):
    entity_id: str
    title: str


class TodoIdPayload(Payload):
    entity_id: str


class CountPayload(Payload):
    project_id: str
    delta: int


class CreateTodoDirective(Directive[Todo, CreateTodoPayload]):
    aggregate_type = Todo

    async def plan(
        self,
        ctx: DirectiveContext,
        intent: Intent,
        snapshots: SnapshotReader,
        staged: Mapping[tuple[str, str], Aggregate],
    ) -> Sequence[ExecutionTarget[Todo, CreateTodoPayload]]:
        if await snapshots.get(Todo, self.payload.entity_id) is not None:
            raise IntentRejected("todo.exists", f"todo {self.payload.entity_id} exists already")
        return [ExecutionTarget(self.payload.entity_id, self.payload, Todo.empty(self.payload.entity_id))]

    def execute(self, snapshot: Todo, payload: CreateTodoPayload) -> Sequence[Event]:
        return [TodoCreated(title=payload.title, created_at=payload.created_at)]


class RenameTodoDirective(SingleAggregateDirective[Todo, RenameTodoPayload]):
    aggregate_type = Todo

    def target_id(self) -> str:
        return self.payload.entity_id

    def execute(self, snapshot: Todo, payload: RenameTodoPayload) -> Sequence[Event]:
        if snapshot.created_at is None:
            raise IntentRejected("todo.not_found", f"todo {payload.entity_id} does not exist")
        return [TodoRenamed(title=payload.title)]


class ToggleTodoDirective(SingleAggregateDirective[Todo, TodoIdPayload]):
    aggregate_type = Todo

    def target_id(self) -> str:
        return self.payload.entity_id

    def execute(self, snapshot: Todo, payload: TodoIdPayload) -> Sequence[Event]:
        if snapshot.created_at is None:
            raise IntentRejected("todo.not_found", f"todo {payload.entity_id} does not exist")
        return [TodoReopened() if snapshot.is_completed else TodoCompleted()]


class CountTodosDirective(SingleAggregateDirective[Project, CountPayload]):
    aggregate_type = Project

    def target_id(self) -> str:
        return self.payload.project_id

    def execute(self, snapshot: Project, payload: CountPayload) -> Sequence[Event]:
        return [ProjectTodoCounted(delta=payload.delta)]


class CreateTodo(Intent):
    title: str
    todo_id: str | None = None
    project_id: str | None = None

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription('{actor} created todo "{title}"', {"actor": ctx.actor_name(), "title": self.title})


class RenameTodo(Intent):
    todo_id: str
    title: str

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            '{actor} renamed {todo} to "{title}"',
            {"actor": ctx.actor_name(), "todo": ctx.resource_name("todo", self.todo_id), "title": self.title},
        )


class ToggleTodo(Intent):
    todo_id: str

    def describe(self, ctx: DescribeContext) -> IntentDescription:
        return IntentDescription(
            "{actor} toggled {todo}", {"actor": ctx.actor_name(), "todo": ctx.resource_name("todo", self.todo_id)}
        )


def create_todo(intent: CreateTodo, ctx: DirectiveContext) -> list[Directive]:  # type: ignore[type-arg]
    todo_id = intent.todo_id or ctx.derive_id("todo")
    payload = CreateTodoPayload(entity_id=todo_id, title=intent.title, created_at=ctx.now)
    directives: list[Directive] = [CreateTodoDirective(payload=payload)]  # type: ignore[type-arg]
    if intent.project_id:
        directives.append(CountTodosDirective(payload=CountPayload(project_id=intent.project_id, delta=1)))
    return directives


def rename_todo(intent: RenameTodo, ctx: DirectiveContext) -> list[Directive]:  # type: ignore[type-arg]
    return [RenameTodoDirective(payload=RenameTodoPayload(entity_id=intent.todo_id, title=intent.title))]


def toggle_todo(intent: ToggleTodo, ctx: DirectiveContext) -> list[Directive]:  # type: ignore[type-arg]
    return [ToggleTodoDirective(payload=TodoIdPayload(entity_id=intent.todo_id))]


async def todo_name(reader: SnapshotReader, todo_id: str) -> str | None:
    todo = await reader.get(Todo, todo_id, include_deleted=True)
    return todo.title if todo else None


TODO_MODULE = NomosModule(
    name="bench.todo",
    intents=(CreateTodo, RenameTodo, ToggleTodo),
    directives=(CreateTodoDirective, RenameTodoDirective, ToggleTodoDirective, CountTodosDirective),
    events=(TodoCreated, TodoRenamed, TodoCompleted, TodoReopened, ProjectTodoCounted),
    aggregates=(Todo, Project),
    payloads=(CreateTodoPayload, RenameTodoPayload, TodoIdPayload, CountPayload),
    routes={CreateTodo: create_todo, RenameTodo: rename_todo, ToggleTodo: toggle_todo},
    name_resolvers={"todo": todo_name},
)

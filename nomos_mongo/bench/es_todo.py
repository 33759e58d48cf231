"""The Todo of the peer suite in the `eventsourcing` library (imported only when it is installed)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class EsTodo(Aggregate):
    @event("Created")
    def __init__(self, title: str) -> None:
        self.title = title
        self.is_completed = False

    @event("Renamed")
    def rename(self, title: str) -> None:
        self.title = title


class Todos(Application[UUID]):
    def create(self, title: str) -> UUID:
        todo = EsTodo(title=title)
        self.save(todo)
        return todo.id

    def rename(self, todo_id: UUID, title: str) -> None:
        todo: EsTodo = self.repository.get(todo_id)
        todo.rename(title)
        self.save(todo)

    def read(self, todo_id: UUID) -> Any:
        return self.repository.get(todo_id)


class SnapshottingTodos(Todos):
    snapshotting_intervals = {EsTodo: 5}

"""Every public method refuses bad arguments with an error that names the argument."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from nomos_mongo import Aggregate, BasicQuery, InvalidArgument, NomosApp, NomosOptions
from nomos_mongo.examples.todo import TodoAggregate


class Unregistered(Aggregate):
    def apply(self, event: Any) -> Unregistered:
        return self


CASES: list[tuple[str, Callable[[NomosApp], Awaitable[Any]]]] = [
    ("workspace_id", lambda a: a.read_latest(TodoAggregate, "", "main", "t")),
    ("timeline_id", lambda a: a.read_latest(TodoAggregate, "ws", " ", "t")),
    ("aggregate_id", lambda a: a.read_latest(TodoAggregate, "ws", "main", "")),
    ("aggregate_type", lambda a: a.read_latest(Unregistered, "ws", "main", "t")),
    ("aggregate_type", lambda a: a.query(Unregistered, "ws", "main", BasicQuery())),
    ("inclusive_sequence", lambda a: a.state_at_sequence("ws", "main", inclusive_sequence=-1)),
    ("inclusive_sequence", lambda a: a.state_at_sequence("ws", "main", inclusive_sequence="3")),  # type: ignore[arg-type]
    ("start", lambda a: a.aggregate_intent_history("ws", "main", "t", start=-2)),
    ("end", lambda a: a.aggregate_intent_history("ws", "main", "t", start=5, end=2)),
    ("after", lambda a: a.read_timeline("ws", "main", after=-1)),
    ("limit", lambda a: a.read_timeline("ws", "main", limit=0)),
    ("actor_id", lambda a: a.undo_latest("ws", "main", actor_id="")),
    ("actor_id", lambda a: a.redo_latest("ws", "main", actor_id="")),
    ("timeline_id", lambda a: a.create_timeline("ws", "")),
    ("at_sequence", lambda a: a.create_timeline("ws", "b", at_sequence=-1)),
    ("intent_id", lambda a: a.load_entry("")),
]


@pytest.mark.parametrize(("argument", "call"), CASES)
async def test_bad_arguments_are_named(
    app: NomosApp, argument: str, call: Callable[[NomosApp], Awaitable[Any]]
) -> None:
    with pytest.raises(InvalidArgument) as info:
        await call(app)
    assert info.value.argument == argument


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.watch_timeline("ws", "main", starting_workspace_intent_sequence=-1),
        lambda a: a.watch_timeline("", "main"),
        lambda a: a.watch_query(Unregistered, "ws", "main"),
    ],
)
def test_watchers_refuse_bad_arguments_at_once(app: NomosApp, call: Callable[[NomosApp], Any]) -> None:
    with pytest.raises(InvalidArgument):
        call(app)


@pytest.mark.parametrize(
    "options",
    [
        {"blob_offload_threshold_bytes": 0},
        {"history_snapshot_every": 0},
        {"max_dispatch_attempts": 0},
        {"conflict_backoff_seconds": -1},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        NomosOptions(**options)

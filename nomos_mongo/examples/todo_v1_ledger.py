"""Writes `todo_v1_ledger.jsonl`: a ledger of version 1 of the Todo domain (`todo_v1.py`).

    python -m nomos_mongo.examples.todo_v1_ledger [output.jsonl]

The schema evolution tests load it with the current code (`todo.py`, version 2). Ids and
client times are fixed, so a new run differs from the committed file in server times only.

Workspace `ws-todo`, actor alice. Main: 1 create t1 "Buy milk" in p1, 2 create t2 "Walk dog"
in p1, 3 complete t1, 4 rename t2 "Walk the dog", 5 create t3 "Call mum", 6 delete t3, 7 undo
(t3 is back), 8 toggle t2 (completed), 9 rename t2 "Walk the dog twice" (v1 reopens it).
Branch `draft` forked at 7: 8 rename t1 "Buy oat milk" (v1 reopens it), 9 create t4
"Book dentist" in p1.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nomos_mongo import Intent, IntentContext, MemoryPersistence, NomosApp, NomosOptions
from nomos_mongo.ledger_files import export_lines, write_lines

from .todo_v1 import (
    TODO_V1_MODULE,
    CompleteTodoIntent,
    CreateTodoIntent,
    DeleteTodoIntent,
    RenameTodoIntent,
    ToggleTodoIntent,
)

FIXTURE = Path(__file__).with_name("todo_v1_ledger.jsonl")
WORKSPACE, ACTOR = "ws-todo", "alice"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HISTORY_EVERY = 3


def _ids(prefix: str) -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"{prefix}-{next(counter):04d}"


async def write_v1_ledger(path: Path = FIXTURE) -> int:
    options = NomosOptions(history_snapshot_every=HISTORY_EVERY)
    app = NomosApp(MemoryPersistence(), modules=[TODO_V1_MODULE], options=options)
    generated = _ids("v1")
    clock = itertools.count(1)

    def ctx(timeline: str = "main") -> IntentContext:
        return IntentContext(
            workspace_id=WORKSPACE,
            actor_id=ACTOR,
            timeline_id=timeline,
            client_timestamp=T0 + timedelta(minutes=next(clock)),
            id_generator=generated,
        )

    async def run(intent: Intent, timeline: str = "main") -> None:
        entry = await app.dispatch(intent.with_id(generated()), ctx(timeline))
        assert entry.success, entry

    async with app:
        await run(CreateTodoIntent(title="Buy milk", todo_id="t1", project_id="p1"))
        await run(CreateTodoIntent(title="Walk dog", todo_id="t2", project_id="p1"))
        await run(CompleteTodoIntent(todo_id="t1"))
        await run(RenameTodoIntent(todo_id="t2", title="Walk the dog"))
        await run(CreateTodoIntent(title="Call mum", todo_id="t3"))
        await run(DeleteTodoIntent(todo_id="t3"))
        await app.undo_latest(WORKSPACE, "main", actor_id=ACTOR)
        await app.create_timeline(WORKSPACE, "draft", from_timeline="main")
        await run(RenameTodoIntent(todo_id="t1", title="Buy oat milk"), "draft")
        await run(CreateTodoIntent(title="Book dentist", todo_id="t4", project_id="p1"), "draft")
        await run(ToggleTodoIntent(todo_id="t2"))
        await run(RenameTodoIntent(todo_id="t2", title="Walk the dog twice"))
        return write_lines(path, await export_lines(app.persistence, app.registry))


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else FIXTURE
    count = asyncio.run(write_v1_ledger(path))
    print(f"wrote {count} documents to {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""Fresh stores for each measurement: SQLite in a temporary directory, memory, or a throwaway MongoDB database."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

from ..app import NomosApp
from ..context import IntentContext
from ..examples.todo import TODO_MODULE
from ..persistence import Persistence
from ..stores.memory import MemoryPersistence
from ..stores.sqlite import SqlitePersistence

WORKSPACE = "bench"
ACTOR = "bench-user"
StoreKind = Literal["sqlite", "memory", "mongo"]
STORE_KINDS: tuple[StoreKind, ...] = ("sqlite", "memory", "mongo")


def temporary_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="nomos-bench-"))


def sqlite_store(directory: Path, name: str = "nomos.sqlite3") -> SqlitePersistence:
    return SqlitePersistence(directory / name)


class Stores:
    """Hands out a new app on a new store each time; on close, drops MongoDB databases and closes apps."""

    def __init__(self, mongo_uri: str | None = None, store: StoreKind = "memory") -> None:
        self.mongo_uri = mongo_uri
        self.store: StoreKind = "mongo" if mongo_uri else store
        self._mongo: list[Any] = []
        self._apps: list[NomosApp] = []
        self._directory: Path | None = None
        self._opened = 0

    @property
    def kind(self) -> str:
        return {"mongo": "mongodb", "memory": "embedded (memory)", "sqlite": "embedded (SQLite)"}[self.store]

    async def new(self) -> Persistence:
        if self.store == "memory":
            return MemoryPersistence()
        if self.store == "sqlite":
            self._directory = self._directory or temporary_directory()
            self._opened += 1
            return sqlite_store(self._directory, f"bench-{self._opened}.sqlite3")
        assert self.mongo_uri is not None
        from ..stores.mongo import connect

        name = f"nomos_bench_{os.getpid()}_{len(self._mongo)}"
        persistence = await connect(self.mongo_uri, name)
        self._mongo.append(persistence)
        return persistence

    async def app(self) -> NomosApp:
        app = NomosApp(await self.new(), modules=[TODO_MODULE])
        self._apps.append(app)
        app.set_default_intent_context(context())
        await app.start()
        return app

    async def release(self, app: NomosApp) -> None:
        """Forget an app whose measurements are done, so that its memory can go (embedded stores)."""
        if self.store != "mongo" and app in self._apps:
            self._apps.remove(app)
            await app.close()

    async def close(self) -> None:
        for persistence in self._mongo:
            with contextlib.suppress(Exception):
                await persistence.client.drop_database(persistence.database.name)
        for app in self._apps:
            with contextlib.suppress(Exception):
                await app.close()
        self._mongo.clear()
        self._apps.clear()
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def context() -> IntentContext:
    return IntentContext(workspace_id=WORKSPACE, actor_id=ACTOR)

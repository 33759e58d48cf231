"""Fresh stores for each measurement: the embedded store, or a throwaway MongoDB database."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from ..app import NomosApp
from ..context import IntentContext
from ..examples.todo import TODO_MODULE
from ..persistence import Persistence
from ..stores.memory import MemoryPersistence

WORKSPACE = "bench"
ACTOR = "bench-user"


class Stores:
    """Hands out a new app on a new store each time; on close, drops MongoDB databases and closes apps."""

    def __init__(self, mongo_uri: str | None = None) -> None:
        self.mongo_uri = mongo_uri
        self._mongo: list[Any] = []
        self._apps: list[NomosApp] = []

    @property
    def kind(self) -> str:
        return "mongodb" if self.mongo_uri else "embedded"

    async def new(self) -> Persistence:
        if self.mongo_uri is None:
            return MemoryPersistence()
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
        """Forget an app whose measurements are done, so that its memory can go (embedded store)."""
        if self.mongo_uri is None and app in self._apps:
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


def context() -> IntentContext:
    return IntentContext(workspace_id=WORKSPACE, actor_id=ACTOR)

"""Which commits move a workspace's access epoch (and so re-check its open streams)."""

from __future__ import annotations

from graph.revocation import AccessWatch
from nomos_mongo import IntentContext, NomosApp
from nomos_mongo.authorization import AllowAll, RoleTable
from nomos_mongo.examples.todo import TODO_MODULE, CreateTodoIntent
from nomos_mongo.stores.memory import MemoryPersistence


class Undeclared:
    """An authorizer that does not say which aggregates its answers come from."""

    async def allows(self, app: object, user_id: str, workspace_id: str, need: object) -> bool:
        return True


async def epoch_after_a_commit(authorizer: object) -> int:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    async with app:
        watch = AccessWatch(app, authorizer)  # type: ignore[arg-type]
        try:
            await app.dispatch(CreateTodoIntent(title="t"), IntentContext(workspace_id="w", actor_id="u"))
            return watch.epoch("w")
        finally:
            watch.close()


async def test_fixed_authorizers_let_no_commit_move_the_epoch() -> None:
    assert await epoch_after_a_commit(AllowAll()) == 0
    assert await epoch_after_a_commit(RoleTable({})) == 0


async def test_an_authorizer_that_names_no_aggregates_has_every_commit_move_it() -> None:
    assert await epoch_after_a_commit(Undeclared()) == 1

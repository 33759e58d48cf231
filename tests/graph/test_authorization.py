"""The API's authorizer comes from the domain's declarations, or from the caller."""

from __future__ import annotations

import pytest

from graph.authorization import AllowAll, default_authorizer, undo_need
from nomos_mongo import MemoryPersistence, NomosApp, NomosModule
from nomos_mongo.access import Access
from nomos_mongo.authorization import RoleTable
from nomos_mongo.examples.todo import TODO_MODULE


def test_the_authorizer_comes_from_the_module_that_declares_one() -> None:
    table = RoleTable({("ws-1", "ann"): Access.ADMIN})
    received: list[frozenset[str]] = []

    def build(system_admins: frozenset[str]) -> RoleTable:
        received.append(system_admins)
        return table

    permissions = NomosModule(name="permissions", authorizer=build)
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE, permissions])
    assert default_authorizer(app, frozenset({"root"})) is table
    assert received == [frozenset({"root"})]


def test_without_a_declared_authorizer_everyone_may_do_everything() -> None:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    assert isinstance(default_authorizer(app), AllowAll)


def test_two_declared_authorizers_are_refused() -> None:
    modules = [NomosModule(name=name, authorizer=lambda admins: AllowAll()) for name in ("a", "b")]
    with pytest.raises(ValueError, match=r"several modules declare an authorizer \(a, b\)"):
        default_authorizer(NomosApp(MemoryPersistence(), modules=modules))


def test_nothing_to_undo_needs_write() -> None:
    app = NomosApp(MemoryPersistence(), modules=[TODO_MODULE])
    assert undo_need(app.registry, None) is Access.WRITE


def test_an_authorizer_without_allows_is_refused() -> None:
    app = NomosApp(MemoryPersistence(), modules=[NomosModule(name="broken", authorizer=lambda admins: object())])
    with pytest.raises(TypeError, match="module broken's authorizer has no `allows` method"):
        default_authorizer(app)

"""The API layer knows GraphQL, not the domain: it serves any registry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from graph.authorization import AllowAll, default_authorizer, undo_need
from nomos_mongo import MemoryPersistence, NomosApp, NomosModule
from nomos_mongo.access import Access
from nomos_mongo.authorization import RoleTable
from nomos_mongo.examples.todo import TODO_MODULE

GRAPH = Path(__file__).parents[2] / "graph"


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(GRAPH.rglob("*.py")), ids=lambda p: p.name)
def test_no_graph_module_imports_the_domain(path: Path) -> None:
    assert "schema" not in imported_packages(path)


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

"""Imports flow one way: the API knows the engine and finds the domain by name; the engine
knows neither (its `bench` tool drives the API, as a client would); the domain knows no API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str, *, besides: str | None = None) -> list[Path]:
    found = sorted((ROOT / package).rglob("*.py"))
    return [path for path in found if besides is None or besides not in path.relative_to(ROOT).parts]


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", modules("graph"), ids=ids)
def test_no_graph_module_imports_the_domain(path: Path) -> None:
    assert "schema" not in imported_packages(path)


@pytest.mark.parametrize("path", modules("nomos_mongo", besides="bench"), ids=ids)
def test_no_engine_module_imports_the_api_or_the_domain(path: Path) -> None:
    assert not imported_packages(path) & {"graph", "schema"}


@pytest.mark.parametrize("path", modules("schema"), ids=ids)
def test_no_domain_module_imports_the_api(path: Path) -> None:
    assert "graph" not in imported_packages(path)

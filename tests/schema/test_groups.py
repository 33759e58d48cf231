"""Every domain group has the standard module set and declares each of its classes once."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import schema
from nomos_mongo import Aggregate, Directive, Event, Intent, Payload
from nomos_mongo.groups import Group

PACKAGES = [name for name in schema.GROUPS if name != "schema.access"]  # schema.access is one module
STANDARD = {"__init__", "group", "intents", "events", "aggregates", "policy"}
KINDS = {"intents": Intent, "directives": Directive, "events": Event, "aggregates": Aggregate, "payloads": Payload}


def modules_of(package: str) -> set[str]:
    path = Path(importlib.import_module(package).__file__ or "").parent
    return {info.name for info in pkgutil.iter_modules([str(path)])} | {"__init__"}


@pytest.mark.parametrize("package", PACKAGES)
def test_a_group_has_the_standard_modules(package: str) -> None:
    modules = modules_of(package)
    assert modules >= STANDARD, f"{package} lacks {sorted(STANDARD - modules)}"
    assert any(m == "directives" or m.endswith("_directives") for m in modules), f"{package} has no directives"


@pytest.mark.parametrize("package", PACKAGES)
def test_the_module_is_what_the_group_declares(package: str) -> None:
    group_package = importlib.import_module(package)
    group = group_package.GROUP
    assert isinstance(group, Group)
    assert group_package.MODULE.name == group.name == f"co2.{package.removeprefix('schema.')}"
    for kind in KINDS:
        assert getattr(group_package.MODULE, kind) == tuple(getattr(group, kind)), kind


@pytest.mark.parametrize("package", PACKAGES)
def test_every_class_defined_in_a_group_is_declared_in_it(package: str) -> None:
    group_package = importlib.import_module(package)
    declared = {cls for kind in KINDS for cls in getattr(group_package.MODULE, kind)}
    for name in modules_of(package) - {"__init__", "group"}:
        module = importlib.import_module(f"{package}.{name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or inspect.isabstract(cls) or cls.__name__.startswith("_"):
                continue
            if not any(issubclass(cls, base) for base in KINDS.values()):
                continue
            if not any(issubclass(other, cls) and other is not cls for other in declared):  # not a base: ReportIntent
                assert cls in declared, f"{cls.__module__}.{cls.__name__} is not declared in {package}'s GROUP"
                assert getattr(group_package, cls.__name__) is cls  # `from schema.<group> import X`

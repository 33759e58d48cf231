"""The CO2 asset-management domain: contracts, intents, directives, events, aggregates, policy.

Each bounded context is a package exporting `MODULE`, a NomosModule; `MODULES` (also
`CO2_MODULES`) lists them all in registration order, and is what the API and the tests load.
How a group is written, and how to add an intent: CONTRIBUTING.md.
"""

from __future__ import annotations

import importlib
import importlib.util

from nomos_mongo import NomosModule

GROUPS = (
    "schema.access",
    "schema.estates",
    "schema.assets",
    "schema.identity",
    "schema.attachments",
    "schema.licences",
    "schema.proposals",
    "schema.catalogues",
    "schema.custom_fields",
    "schema.insights",
    "schema.funding",
    "schema.taxonomy",
)


def co2_modules() -> list[NomosModule]:
    modules = []
    for name in GROUPS:
        if importlib.util.find_spec(name) is None:
            continue
        package = importlib.import_module(name)
        modules.append(package.ACCESS_MODULE if name == "schema.access" else package.MODULE)
    return modules


def __getattr__(name: str) -> object:
    if name in ("MODULES", "CO2_MODULES"):
        return co2_modules()
    raise AttributeError(name)

"""The domain the API serves, found by its package name: any package with a `MODULES` list.

The API knows no domain by import: it loads the package named here and serves whatever
modules it registers (their intents become mutations, their aggregates queries), with the
authorizer one of them declares.
"""

from __future__ import annotations

import importlib
import logging

from nomos_mongo import NomosModule

log = logging.getLogger("nomos.graph")

#: the CO2 asset-management domain of this distribution
DEFAULT_DOMAIN = "schema"


def load_modules(domain: str = DEFAULT_DOMAIN) -> list[NomosModule]:
    try:
        package = importlib.import_module(domain)
    except ModuleNotFoundError as exc:
        if exc.name != domain:
            raise  # a broken domain module must not pass for a missing one
        log.warning("the domain package %r is not importable (%s); serving the engine alone", domain, exc)
        return []
    try:
        modules = package.MODULES
    except AttributeError as exc:
        if "MODULES" not in str(exc):
            raise
        log.warning("%s.MODULES does not exist; serving the engine alone", domain)
        return []
    return list(modules)

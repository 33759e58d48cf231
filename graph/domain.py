"""The domain modules the API serves: the CO2 modules, when the `schema` package has them."""

from __future__ import annotations

import logging

from nomos_mongo import NomosModule

log = logging.getLogger("nomos.graph")


def load_modules() -> list[NomosModule]:
    try:
        import schema
    except ImportError as exc:
        log.warning("the CO2 domain (schema package) is not importable (%s); serving the engine alone", exc)
        return []
    try:
        modules = schema.CO2_MODULES
    except AttributeError as exc:
        if "CO2_MODULES" not in str(exc):
            raise  # a broken domain module must not pass for a missing one
        log.warning("schema.CO2_MODULES does not exist yet; serving the engine alone")
        return []
    return list(modules)  # type: ignore[call-overload]

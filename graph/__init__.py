"""The GraphQL API: a Strawberry schema built from the engine's registries, served by Starlette."""

from .authorization import AllowAll, Authorizer, Need, RoleTable
from .schema import build_schema, sdl
from .server import create_app
from .settings import Settings

__all__ = [
    "AllowAll",
    "Authorizer",
    "Need",
    "RoleTable",
    "Settings",
    "build_schema",
    "create_app",
    "sdl",
]

"""The policy router: which directives an intent becomes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from .context import DirectiveContext
from .errors import InvalidArgument
from .model import Directive, Intent

I = TypeVar("I", bound=Intent)  # noqa: E741 - the conventional name of an intent type variable

#: a policy route for intents of type I: the directives it becomes (sync or async); bare `Route` is Route[Any]
Route = Callable[[I, DirectiveContext], Sequence[Directive[Any, Any]] | Awaitable[Sequence[Directive[Any, Any]]]]


class PolicyRouter:
    """Routes each intent type to a function returning its directives.

    Register with `router.route(CreateTodoIntent)(fn)` or pass `routes=` mappings; modules
    carry their routes, and the app merges them. A route may be sync or async.
    """

    def __init__(self, routes: Mapping[type[Intent], Route] | None = None) -> None:
        self._routes: dict[type[Intent], Route] = {}
        for intent_type, route in (routes or {}).items():
            self.add(intent_type, route)

    def add(self, intent_type: type[Intent], route: Route) -> None:
        if intent_type in self._routes and self._routes[intent_type] is not route:
            raise TypeError(f"{intent_type.__name__} is routed twice")
        self._routes[intent_type] = route

    def route(self, intent_type: type[Intent]) -> Callable[[Route], Route]:
        def register(fn: Route) -> Route:
            self.add(intent_type, fn)
            return fn

        return register

    def routes_for(self, intent_type: type[Intent]) -> bool:
        return intent_type in self._routes

    @property
    def routed(self) -> frozenset[type[Intent]]:
        return frozenset(self._routes)

    async def resolve(self, intent: Intent, ctx: DirectiveContext) -> list[Directive[Any, Any]]:
        route = self._routes.get(type(intent))
        if route is None:
            raise InvalidArgument("intent", f"no policy route for {intent.type_name}")
        result = route(intent, ctx)
        if isinstance(result, Awaitable):
            result = await result
        return list(result)

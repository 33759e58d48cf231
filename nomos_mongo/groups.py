"""A group declares each of its classes once, where the class is defined.

    GROUP = Group("co2.assets")                          # group.py

    @GROUP.intent                                        # intents.py
    class CreateTrackableAssetIntent(Co2Intent): ...

    @GROUP.route(CreateTrackableAssetIntent)             # policy.py
    def create_trackable_asset(intent: CreateTrackableAssetIntent, ctx: DirectiveContext) -> Directives: ...

    MODULE = GROUP.module()                              # __init__.py, after importing the modules above

`module()` refuses an intent without a route, so a forgotten route is an import error, not
a runtime surprise. A group whose routes need runtime services (blob storage, a speech
engine) passes them to `module(routes=...)` instead of declaring them with `route`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .model import Aggregate, Directive, Event, Intent, NomosModel, Payload
from .policy import I, Route
from .registry import NomosModule

D = TypeVar("D", bound=Directive[Any, Any])
E = TypeVar("E", bound=Event)
A = TypeVar("A", bound=Aggregate)
P = TypeVar("P", bound=Payload)
T = TypeVar("T", bound=NomosModel)
F = TypeVar("F", bound=Callable[..., Any])


class Group:
    def __init__(self, name: str) -> None:
        self.name = name
        self.intents: list[type[Intent]] = []
        self.directives: list[type[Directive[Any, Any]]] = []
        self.events: list[type[Event]] = []
        self.aggregates: list[type[Aggregate]] = []
        self.payloads: list[type[Payload]] = []
        self.routes: dict[type[Intent], Route[Any]] = {}
        self.name_resolvers: dict[str, Callable[..., Any]] = {}
        self._members: dict[str, type[NomosModel]] = {}

    def _add(self, kind: list[Any], cls: type[T]) -> type[T]:
        if cls.__name__ in self._members:
            raise TypeError(f"{cls.__name__} is declared twice in group {self.name}")
        kind.append(cls)
        self._members[cls.__name__] = cls
        return cls

    def intent(self, cls: type[I]) -> type[I]:
        return self._add(self.intents, cls)

    def directive(self, cls: type[D]) -> type[D]:
        return self._add(self.directives, cls)

    def event(self, cls: type[E]) -> type[E]:
        return self._add(self.events, cls)

    def aggregate(self, cls: type[A]) -> type[A]:
        return self._add(self.aggregates, cls)

    def payload(self, cls: type[P]) -> type[P]:
        return self._add(self.payloads, cls)

    def route(self, intent_type: type[I], *more: type[Intent]) -> Callable[[Route[I]], Route[I]]:
        """Register the decorated function as the route of `intent_type` (and of `more`)."""

        def register(route: Route[I]) -> Route[I]:
            routed_types: tuple[type[Intent], ...] = (intent_type, *more)
            for routed in routed_types:
                if routed in self.routes:
                    raise TypeError(f"{routed.__name__} is routed twice in group {self.name}")
                self.routes[routed] = route
            return route

        return register

    def name_resolver(self, kind: str) -> Callable[[F], F]:
        """Register an async `(reader, id) -> name | None` for `NameRef`s of `kind`."""

        def register(resolver: F) -> F:
            self.name_resolvers[kind] = resolver
            return resolver

        return register

    def module(self, *, routes: Mapping[type[Intent], Route[Any]] | None = None, **declared: Any) -> NomosModule:
        """The NomosModule of everything declared so far (`declared`: e.g. `authorizer=`)."""
        chosen = dict(self.routes if routes is None else routes)
        unrouted = [cls.__name__ for cls in self.intents if cls not in chosen]
        if unrouted:
            raise TypeError(f"group {self.name}: no route for {', '.join(unrouted)}")
        return NomosModule(
            name=self.name,
            intents=tuple(self.intents),
            directives=tuple(self.directives),
            events=tuple(self.events),
            aggregates=tuple(self.aggregates),
            payloads=tuple(self.payloads),
            routes=chosen,
            name_resolvers=dict(self.name_resolvers),
            **declared,
        )

    def member(self, name: str) -> type[NomosModel]:
        """A declared class by name: a group package's `__getattr__`, for `from group import X`."""
        try:
            return self._members[name]
        except KeyError:
            raise AttributeError(f"group {self.name} declares no {name!r}") from None

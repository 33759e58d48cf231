"""The parts every operation of the engine uses, built once by NomosApp and handed to each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .blobs import BlobStorage, MemoryBlobStorage
from .dispatcher import Executor, NameResolver
from .live import LiveResults
from .options import NomosOptions
from .persistence import Persistence
from .policy import PolicyRouter
from .registry import NomosModule, TypeRegistry
from .states import States, TimelineDirectory
from .system import system_module
from .writer import TimelineWriter


@dataclass(frozen=True, eq=False)
class Engine:
    options: NomosOptions
    registry: TypeRegistry
    policy: PolicyRouter
    persistence: Persistence
    timelines: TimelineDirectory
    states: States
    executor: Executor
    blob: BlobStorage
    writer: TimelineWriter

    @classmethod
    def build(
        cls,
        persistence: Persistence,
        modules: Iterable[NomosModule],
        policy: PolicyRouter | None,
        name_resolvers: Mapping[str, NameResolver] | None,
        options: NomosOptions,
        blob: BlobStorage | None,
        live: LiveResults,
    ) -> Engine:
        """Register the modules (their types, routes and name resolvers) and wire the parts."""
        registry = TypeRegistry([system_module(), *modules])
        policy = policy or PolicyRouter()
        resolvers: dict[str, NameResolver] = {}
        for module in registry.modules:
            for intent_type, route in module.routes.items():
                policy.add(intent_type, route)
            resolvers.update(module.name_resolvers)
        resolvers.update(name_resolvers or {})
        persistence.bind(registry)
        timelines = TimelineDirectory(persistence)
        states = States(persistence, timelines, registry)
        executor = Executor(registry, policy, resolvers, options.history_snapshot_every)
        writer = TimelineWriter(persistence, timelines, options, live)
        return cls(
            options, registry, policy, persistence, timelines, states, executor, blob or MemoryBlobStorage(), writer
        )

"""The Strawberry schema of one registry: generated fields, limits, and error shaping."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import create_type
from strawberry.types import ExecutionContext
from strawberry.types.field import StrawberryField

from nomos_mongo import TypeRegistry

from .caps import InputListCaps
from .catalog import Catalog
from .combined import combined
from .errors import shape_errors
from .execution import PlainFieldsExecutionContext
from .filters import Filters
from .limits import operation_limits
from .mutations import intent_mutations
from .nodes import node_queries
from .operations import OperationNameRequired
from .persisted import PersistedQueries
from .queries import aggregate_queries, ledger_queries
from .scalars import SCALAR_MAP
from .settings import Settings
from .shapes import SchemaBuildError
from .sharing import SharingSchema
from .subscriptions import live_query_subscriptions, timeline_subscription
from .system import system_mutations
from .validation import validation_by_text

CACHE_SIZE = 1000


class NomosSchema(SharingSchema):
    catalog: Catalog
    persisted: PersistedQueries
    live_queries: frozenset[str]  # subscriptions whose each result supersedes the one before

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        context = execution_context.context if execution_context is not None else None
        hide = self.config.disable_field_suggestions
        shape_errors(errors, getattr(context, "correlation_id", None), hide_suggestions=hide)


def _root(name: str, fields: Iterable[StrawberryField]) -> type:
    fields = list(fields)
    twice = [n for n, count in Counter(f.graphql_name or f.python_name for f in fields).items() if count > 1]
    if twice:
        raise SchemaBuildError(f"{name} would have these fields twice: {sorted(twice)}")
    return create_type(name, fields)


def persisted_queries(settings: Settings) -> PersistedQueries:
    return PersistedQueries(
        settings.persisted_queries or "auto",
        max_bytes=settings.persisted_queries_cache_bytes,
        manifest=settings.persisted_queries_file,
    )


def extensions(settings: Settings, persisted: PersistedQueries) -> list[Callable[[], SchemaExtension]]:
    """Factories: Strawberry makes fresh extensions per request; the caches are shared anyway."""
    # one rule class for all requests, or the validation cache would never hit
    limits = operation_limits(
        settings.max_depth, settings.max_aliases, settings.max_cost, settings.max_page_size, settings.unpaged_list_size
    )
    chosen: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules([limits]),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        validation_by_text(CACHE_SIZE),
        OperationNameRequired,
        InputListCaps,
        persisted.extension(),  # after the caches: it overrides their validation result when it refuses
    ]
    if not settings.introspection_enabled:
        chosen.append(DisableIntrospection)
    return [combined(chosen)]


def cached_parse() -> Callable[..., DocumentNode]:
    """The parse of the schema's ParserCache: its LRU is shared by every cache of the same size."""
    parse: Callable[..., Any] = ParserCache(maxsize=CACHE_SIZE).cached_parse_document
    return parse


def build_schema(registry: TypeRegistry, settings: Settings | None = None) -> NomosSchema:
    settings = settings or Settings()
    catalog = Catalog(registry)
    filters = Filters(catalog.names, catalog.enums)
    aggregate_fields, listings = aggregate_queries(catalog, filters, settings)
    query = _root("Query", [*node_queries(catalog, settings), *ledger_queries(catalog, settings), *aggregate_fields])
    mutation = _root("Mutation", [*intent_mutations(catalog), *system_mutations(catalog)])
    live_queries = live_query_subscriptions(catalog, listings, settings)
    catalog.inputs.list_caps.update(filters.list_caps)  # `in` lists are capped where they enter too
    subscription = _root("Subscription", [timeline_subscription(catalog, settings), *live_queries])
    persisted = persisted_queries(settings)
    schema = NomosSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=catalog.object_types(),
        extensions=extensions(settings, persisted),
        config=StrawberryConfig(disable_field_suggestions=settings.production, scalar_map=SCALAR_MAP),
        execution_context_class=PlainFieldsExecutionContext,
    )
    schema.catalog = catalog
    schema.persisted = persisted
    schema.live_queries = frozenset(field.graphql_name or field.python_name for field in live_queries)
    return schema


def sdl(schema: strawberry.Schema) -> str:
    return schema.as_str().rstrip() + "\n"

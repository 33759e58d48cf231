"""The floor: a trivial Strawberry mutation served the way the API is (Starlette, uvicorn).

Strawberry's ParserCache and ValidationCache are on, as in the API, so the floor measures
what any Strawberry-on-uvicorn server pays per request: HTTP, JSON, and the GraphQL
execution of one small mutation. The API's figures are reported as ratios to it.
"""

from __future__ import annotations

import itertools

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

FLOOR_MUTATION = "mutation($name: String!) { createItem(name: $name) { id name } }"
_ids = itertools.count(1)


@strawberry.type
class Item:
    id: strawberry.ID
    name: str


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


@strawberry.type
class Mutation:
    @strawberry.mutation
    def create_item(self, name: str) -> Item:
        return Item(id=strawberry.ID(str(next(_ids))), name=name)


def floor_app() -> Starlette:
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
    )
    return Starlette(routes=[Route("/graphql", GraphQL(schema, graphql_ide=None), methods=["GET", "POST"])])

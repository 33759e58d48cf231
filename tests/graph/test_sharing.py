"""The Strawberry override behind shared subscriptions holds for the releases it was written against."""

from __future__ import annotations

import inspect
import json
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import get_origin

import strawberry
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from strawberry.asgi import GraphQL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation

from graph.fanout import SharedData
from graph.server import NomosGraphQL
from graph.sharing import STRAWBERRY_VERSIONS, SharingSchema, shared_frame
from graph.transport_ws import OperationTransportWSHandler

WRITTEN_FOR = SpecifierSet(",".join(STRAWBERRY_VERSIONS))


def test_the_installed_strawberry_is_a_release_the_override_was_written_against() -> None:
    assert version("strawberry-graphql") in WRITTEN_FOR, (
        f"graph/sharing.py overrides Schema.stream for Strawberry {WRITTEN_FOR}; check it against "
        f"{version('strawberry-graphql')} (both websocket protocols must still run operations through "
        "Schema.stream) and widen STRAWBERRY_VERSIONS and pyproject.toml together"
    )


def test_the_dependency_is_bounded_by_the_same_range() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    (strawberry_dependency,) = [
        Requirement(d) for d in pyproject["project"]["dependencies"] if d.startswith("strawberry-graphql")
    ]
    assert strawberry_dependency.specifier == WRITTEN_FOR


def test_the_override_keeps_the_signature_of_schema_stream() -> None:
    ours = inspect.signature(SharingSchema.stream).parameters
    theirs = inspect.signature(strawberry.Schema.stream).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


def test_the_operation_handler_hook_and_the_operation_fields_it_reads_are_there() -> None:
    """transport_ws.py overrides `run_operation` and fanout.py reads `Operation.id` and `.completed`."""
    ours = inspect.signature(OperationTransportWSHandler.run_operation).parameters
    theirs = inspect.signature(BaseGraphQLTransportWSHandler.run_operation).parameters
    assert list(ours) == list(theirs) == ["self", "operation"]
    assert {"id", "completed", "handler"} <= set(Operation.__slots__)
    assert get_origin(GraphQL.graphql_transport_ws_handler_class) is BaseGraphQLTransportWSHandler  # the hook we set
    assert NomosGraphQL.graphql_transport_ws_handler_class is OperationTransportWSHandler


def test_a_shared_payload_is_spliced_into_each_protocols_frame() -> None:
    payload = {"data": {"watchTimeline": {"sequence": 3}}, "errors": [{"message": "partial"}]}
    data = SharedData(payload["data"], json.dumps(payload))
    for frame in (
        {"id": "op-1", "type": "next", "payload": {"data": data, "errors": payload["errors"]}},
        {"type": "data", "id": "op-2", "payload": {"data": data}},
        {"id": 'op "4"', "type": "next", "payload": {"data": data}},
    ):
        encoded = shared_frame(frame)
        assert encoded is not None
        assert json.loads(encoded) == {**frame, "payload": payload}
    assert shared_frame({"id": "op-3", "type": "next", "payload": {"data": {"plain": 1}}}) is None

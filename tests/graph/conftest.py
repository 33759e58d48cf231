"""Fixtures: a real server on a loopback port serving the Todo domain, and clients per user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from graph.authorization import Need, RoleTable
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import Client, Running, running_server

# alice owns w-alice, bob owns w-bob, carol may only read w-alice
ROLES = RoleTable(
    {
        ("w-alice", "alice"): Need.OWNER,
        ("w-bob", "bob"): Need.OWNER,
        ("w-alice", "carol"): Need.READ,
    }
)


@pytest.fixture
async def server() -> AsyncIterator[Running]:
    async with running_server([TODO_MODULE], authorizer=ROLES) as running:
        yield running


@pytest.fixture
async def http(server: Running) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture
def alice(server: Running, http: httpx.AsyncClient) -> Client:
    return Client(http, server.token("alice", "Alice"))


@pytest.fixture
def bob(server: Running, http: httpx.AsyncClient) -> Client:
    return Client(http, server.token("bob", "Bob"))


@pytest.fixture
def carol(server: Running, http: httpx.AsyncClient) -> Client:
    return Client(http, server.token("carol", "Carol"))


@pytest.fixture
def anonymous(http: httpx.AsyncClient) -> Client:
    return Client(http)

"""Estate data wherever it is stored: funding applications in the shared system workspace, their
audit sentences, blobs referred to by sha256. Black-box against a real server."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from graph.authorization import Need, RoleTable
from graph.settings import Settings
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import SECRET, Client, Running, running_server
from tests.graph.ws_client import open_socket

schema = pytest.importorskip("schema")

ESTATE = """mutation { createEstate(workspaceId: "estate-a", input: {estateId: "estate-a", name: "Alice Campus"}) {
  success } }"""
PROGRAM = """mutation { createFundingProgram(input: {programId: "retrofit", name: "Retrofit",
  budget: {amountInMinorUnits: 100000000, currency: "EUR"}}) { success } }"""
APPLY = """mutation { applyForFunding(input: {programId: "retrofit", estateId: "estate-a", applicationId: "app-1",
  requested: {amountInMinorUnits: 500000, currency: "EUR"}, description: "New heat pumps"}) { success } }"""
APPLICATIONS = """{ fundingApplications(workspaceId: "system") { nodes { id estateId description } }
  one: fundingApplication(workspaceId: "system", aggregateId: "app-1") { id estateId }
  timeline(workspaceId: "system") { description } }"""


@pytest.fixture
async def co2() -> AsyncIterator[tuple[Running, dict[str, Client]]]:
    async with (
        running_server(list(schema.CO2_MODULES), settings=Settings(system_admins=("root",))) as running,
        httpx.AsyncClient(base_url=running.url, timeout=30) as http,
    ):
        users = {u: Client(http, running.token(u, u.title())) for u in ("root", "alice", "eve")}
        for user, client in users.items():
            await client.data(
                "mutation($n: String!, $e: String!) { createUser(input: {displayName: $n, email: $e}) { success } }",
                {"n": user.title(), "e": f"{user}@example.com"},
            )
        await users["alice"].data(ESTATE)
        await users["root"].data(PROGRAM)
        await users["alice"].data(APPLY)
        yield running, users


async def test_an_estates_funding_application_is_its_members_and_the_admins(
    co2: tuple[Running, dict[str, Client]],
) -> None:
    _, users = co2
    for reader in ("alice", "root"):
        seen = await users[reader].data(APPLICATIONS)
        assert [n["estateId"] for n in seen["fundingApplications"]["nodes"]] == ["estate-a"], reader
        assert seen["one"]["estateId"] == "estate-a"
        assert any("Alice Campus" in e["description"] or "estate-a" in e["description"] for e in seen["timeline"])
    stranger = await users["eve"].data(APPLICATIONS)
    assert stranger["fundingApplications"]["nodes"] == [] and stranger["one"] is None
    assert not any("estate-a" in e["description"] or "Campus" in e["description"] for e in stranger["timeline"])
    assert any("Retrofit" in e["description"] for e in stranger["timeline"])  # reference data stays readable
    history = await users["eve"].data(
        '{ aggregateHistory(workspaceId: "system", aggregateId: "app-1") { description } }'
    )
    assert history["aggregateHistory"] == []
    head = (await users["eve"].data('{ head(workspaceId: "system") }'))["head"]
    states = f'stateAtSequence(workspaceId: "system", sequence: {head})'
    at = await users["eve"].data(f"{{ {states} {{ __typename ... on FundingApplication {{ id }} }} }}")
    assert not any(s["__typename"] == "FundingApplication" for s in at["stateAtSequence"])


async def test_a_stranger_watching_the_system_timeline_misses_the_estates_entries(
    co2: tuple[Running, dict[str, Client]],
) -> None:
    running, users = co2
    watch = 'subscription { watchTimeline(workspaceId: "system") { description } }'
    head = (await users["eve"].data('{ head(workspaceId: "system") }'))["head"]
    async with (
        open_socket(running.ws_url, token=users["eve"].token) as eve,
        open_socket(running.ws_url, token=users["alice"].token) as alice,
    ):
        await eve.subscribe("1", watch)
        await alice.subscribe("1", watch)
        await users["root"].data(
            'mutation { createTaxonomy(input: {taxonomyId: "tax-1", name: "Services"}) { success } }'
        )
        # eve gets every entry but the application, then the taxonomy: nothing is skipped but that
        seen_by_eve = [(await eve.next_data("1"))["watchTimeline"]["description"] for _ in range(head)]
        seen_by_alice = [(await alice.next_data("1"))["watchTimeline"]["description"] for _ in range(head + 1)]
    assert any("Alice Campus" in d for d in seen_by_alice) and "Services" in seen_by_alice[-1]
    assert not any("Alice Campus" in d for d in seen_by_eve) and "Services" in seen_by_eve[-1]


async def test_system_tokens_cannot_act_for_another_estate(co2: tuple[Running, dict[str, Client]]) -> None:
    users = co2[1]
    system = jwt.encode({"sub": "system", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")
    body = await Client(users["eve"].http, system).gql(APPLY.replace("app-1", "app-2"))
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await users["root"].data('{ fundingApplication(workspaceId: "system", aggregateId: "app-2") { id } }')) == {
        "fundingApplication": None
    }


# blobs ----------------------------------------------------------------------------------
ROLES = RoleTable(
    {
        ("w-alice", "alice"): Need.OWNER,
        ("w-alice-2", "alice"): Need.OWNER,
        ("w-bob", "bob"): Need.OWNER,
        ("w-shared", "bob"): Need.WRITE,
        ("w-shared", "carol"): Need.WRITE,
    }
)
ATTACH = """mutation($ws: ID!, $blob: BlobInput!) {
  attachToTodo(workspaceId: $ws, input: {todoId: "t", attachment: $blob}) { success } }"""


async def upload(http: httpx.AsyncClient, token: str, workspace: str, payload: bytes) -> str:
    operations = {
        "query": "mutation($ws: ID!, $file: Upload!) { uploadBlob(workspaceId: $ws, file: $file) { sha256 } }",
        "variables": {"ws": workspace, "file": None},
    }
    response = await http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
        files={"0": ("f.bin", payload, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}", "graphql-require-preflight": "1"},
    )
    return response.json()["data"]["uploadBlob"]["sha256"]  # type: ignore[no-any-return]


@pytest.fixture
async def todo() -> AsyncIterator[dict[str, Client]]:
    async with (
        running_server([TODO_MODULE], authorizer=ROLES) as running,
        httpx.AsyncClient(base_url=running.url, timeout=30) as http,
    ):
        clients = {u: Client(http, running.token(u)) for u in ("alice", "bob", "carol")}
        for user, workspace in (("alice", "w-alice"), ("alice", "w-alice-2"), ("bob", "w-bob"), ("bob", "w-shared")):
            create = f'createTodo(workspaceId: "{workspace}", input: {{title: "t", todoId: "t"}})'
            await clients[user].data(f"mutation {{ {create} {{ success }} }}")
        yield clients


async def test_a_blob_is_referred_to_only_where_it_was_uploaded_or_by_its_uploader(todo: dict[str, Client]) -> None:
    alice, bob, carol = todo["alice"], todo["bob"], todo["carol"]
    secret = b"the board's confidential minutes"
    sha = await upload(alice.http, alice.token or "", "w-alice", secret)
    assert sha == hashlib.sha256(secret).hexdigest()

    stolen = await bob.gql(ATTACH, {"ws": "w-bob", "blob": {"sha256": sha}})
    missing = await bob.gql(ATTACH, {"ws": "w-bob", "blob": {"sha256": "0" * 64}})
    assert stolen["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert stolen["errors"][0]["message"] == missing["errors"][0]["message"]  # no existence, no size
    assert (await bob.data('{ head(workspaceId: "w-bob") }'))["head"] == 1

    for workspace in ("w-alice", "w-alice-2"):  # where it was uploaded, and wherever its uploader writes
        assert (await alice.data(ATTACH, {"ws": workspace, "blob": {"sha256": sha}}))["attachToTodo"]["success"]

    shared = await upload(bob.http, bob.token or "", "w-shared", b"shared plans")
    assert (await carol.data(ATTACH, {"ws": "w-shared", "blob": {"sha256": shared}}))["attachToTodo"]["success"]
    assert (await bob.data(ATTACH, {"ws": "w-bob", "blob": {"sha256": shared}}))["attachToTodo"]["success"]
    refused = await carol.gql(ATTACH, {"ws": "w-shared", "blob": {"sha256": sha}})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

"""The CO2 domain over the real server: estate -> asset -> undo, with estate roles deciding access."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from graph.demo import load_demo
from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import open_socket

schema = pytest.importorskip("schema")


def needs(*intents: str) -> pytest.MarkDecorator:
    registered = {cls.__name__ for module in schema.CO2_MODULES for cls in module.intents}
    missing = [name for name in intents if name not in registered]
    return pytest.mark.skipif(bool(missing), reason=f"not registered yet: {missing}")


@pytest.fixture
async def co2() -> AsyncIterator[Running]:
    async with running_server(list(schema.CO2_MODULES)) as running:  # the default, estate-role authorizer
        yield running


@pytest.fixture
async def clients(co2: Running) -> AsyncIterator[dict[str, Client]]:
    async with httpx.AsyncClient(base_url=co2.url, timeout=10) as http:
        users = {"alice": "Alice", "bob": "Bob", "eve": "Eve"}
        clients = {u: Client(http, co2.token(u, name)) for u, name in users.items()}
        for user, name in users.items():
            await clients[user].data(
                "mutation($n: String!, $e: String!) { createUser(input: {displayName: $n, email: $e}) { success } }",
                {"n": name, "e": f"{user}@example.com"},
            )
        yield clients


CREATE_ESTATE = """mutation { createEstate(workspaceId: "estate-1", input: {estateId: "estate-1",
  name: "Corporate Campus", address: {street: "Main St", city: "Boston", country: "us"}}) {
    description changedAggregates { __typename ... on Estate { name address { country } } } } }"""
CREATE_ASSET = """mutation($fields: [CustomFieldInput!]) {
  createTrackableAsset(workspaceId: "estate-1", input: {assetId: "asset-1", name: "HVAC Unit A", assetType: "HVAC",
                       customFields: $fields}) {
    sequence description
    changedAggregates { ... on TrackableAsset { aggregateId name assetType createdBy
      customFields { __typename ... on TextCustomField { key text: value }
                     ... on MoneyCustomField { key money: value { amountInMinorUnits currency } } } } }
  }
}"""


@needs("CreateUserIntent", "CreateEstateIntent", "CreateTrackableAssetIntent")
async def test_estate_to_asset_to_undo(clients: dict[str, Client]) -> None:
    alice = clients["alice"]
    estate = await alice.data(CREATE_ESTATE)
    assert estate["createEstate"]["description"] == "Alice created estate Corporate Campus"
    assert estate["createEstate"]["changedAggregates"][0]["address"] == {"country": "US"}

    fields = [
        {"text": {"key": "serial", "value": "HV-2041"}},
        {"money": {"key": "cost", "value": {"amountInMinorUnits": 1250000, "currency": "USD"}}},
    ]
    asset = (await alice.data(CREATE_ASSET, {"fields": fields}))["createTrackableAsset"]
    assert asset["description"] == "Alice created asset HVAC Unit A (hvac)"
    state = asset["changedAggregates"][0]
    assert (state["aggregateId"], state["name"], state["assetType"], state["createdBy"]) == (
        "asset-1",
        "HVAC Unit A",
        "hvac",
        "alice",
    )
    assert state["customFields"] == [
        {"__typename": "TextCustomField", "key": "serial", "text": "HV-2041"},
        {"__typename": "MoneyCustomField", "key": "cost", "money": {"amountInMinorUnits": 1250000, "currency": "USD"}},
    ]
    listed = await alice.data(
        '{ trackableAssets(workspaceId: "estate-1", filter: {assetType: {eq: "hvac"}}) { nodes { name } } }'
    )
    assert listed["trackableAssets"]["nodes"] == [{"name": "HVAC Unit A"}]

    undone = await alice.data('mutation { undoLatest(workspaceId: "estate-1") { description } }')
    assert undone["undoLatest"]["description"].startswith("Alice undid")
    gone = await alice.data('{ trackableAsset(workspaceId: "estate-1", aggregateId: "asset-1") { id } }')
    assert gone["trackableAsset"] is None


@needs("CreateUserIntent", "CreateEstateIntent", "GrantEstateAccessIntent")
async def test_estate_roles_decide_who_reads_and_writes(co2: Running, clients: dict[str, Client]) -> None:
    alice, bob, eve = clients["alice"], clients["bob"], clients["eve"]
    await alice.data(CREATE_ESTATE)
    refused = await bob.gql('{ estate(workspaceId: "estate-1", aggregateId: "estate-1") { name } }')
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    grant = """mutation($user: ID!, $level: RoleLevel!) { grantEstateAccess(workspaceId: "estate-1",
      input: {targetUserId: $user, estateId: "estate-1", role: {type: ESTATE, value: $level}}) { description } }"""
    granted = await alice.data(grant, {"user": "bob", "level": "READ"})
    assert granted["grantEstateAccess"]["description"] == "Alice granted Bob the read role on Estate Corporate Campus"
    assert (await bob.data('{ estate(workspaceId: "estate-1", aggregateId: "estate-1") { name } }'))["estate"][
        "name"
    ] == "Corporate Campus"
    written = await bob.gql(
        'mutation { createTrackableAsset(workspaceId: "estate-1", input: {name: "X"}) { sequence } }'
    )
    assert written["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    escalate = await bob.gql(grant, {"user": "bob", "level": "OWNER"})
    assert escalate["errors"][0]["extensions"]["code"] == "INTENT_REJECTED"
    assert escalate["errors"][0]["extensions"]["rule"].endswith("cannot_grant")
    # undoing an owner's grant is granting: a writer may not
    await alice.data(grant, {"user": "eve", "level": "WRITE"})
    undo = await eve.gql('mutation { undoLatest(workspaceId: "estate-1") { sequence } }')
    assert undo["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async with open_socket(co2.ws_url, token=eve.token) as socket:
        await socket.subscribe("1", 'subscription { watchEstates(workspaceId: "estate-1") { name } }')
        assert (await socket.next_data("1"))["watchEstates"] == [{"name": "Corporate Campus"}]


@needs("CreateUserIntent")
async def test_the_system_workspace_is_readable_by_signed_in_users(clients: dict[str, Client]) -> None:
    users = await clients["eve"].data(
        '{ users(workspaceId: "system", orderBy: AGGREGATE_ID) { nodes { aggregateId displayName } } }'
    )
    assert users["users"]["nodes"] == [
        {"aggregateId": "alice", "displayName": "Alice"},
        {"aggregateId": "bob", "displayName": "Bob"},
        {"aggregateId": "eve", "displayName": "Eve"},
    ]


async def test_the_demo_loads_and_is_idempotent(co2: Running) -> None:
    first = await load_demo(co2.app, "dev")
    again = await load_demo(co2.app, "dev")
    assert len(first) == len(again)
    heads = {ws: await co2.app.head(ws, "main") for ws in await co2.app.persistence.list_workspaces()}
    assert sum(heads.values()) == len(first)


@needs("CreateUserIntent", "CreateEstateIntent", "CreateTrackableAssetIntent")
async def test_the_graphiql_example_runs_as_written(co2: Running) -> None:
    from graph.ide import EXAMPLE

    async with httpx.AsyncClient(base_url=co2.url, timeout=10) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert "Corporate Campus" in page.text
        client = Client(http, co2.token("dev", "Developer"))
        for operation in ("Me", "SignUp", "CreateEstate", "CreateAsset", "Assets"):
            response = await http.post(
                "/graphql",
                json={"query": EXAMPLE, "operationName": operation},
                headers={"authorization": f"Bearer {client.token}"},
            )
            assert "errors" not in response.json(), (operation, response.json())
        async with open_socket(co2.ws_url, token=client.token) as socket:
            await socket.send({"id": "w", "type": "subscribe", "payload": {"query": EXAMPLE, "operationName": "Watch"}})
            assert (await socket.next_data("w"))["watchTrackableAssets"][0]["name"] == "HVAC Unit A"
        undo = await http.post(
            "/graphql",
            json={"query": EXAMPLE, "operationName": "Undo"},
            headers={"authorization": f"Bearer {client.token}"},
        )
        assert undo.json()["data"]["undoLatest"]["description"].startswith("Developer undid")


@needs("CreateUserIntent", "CreateEstateIntent")
async def test_nobody_can_turn_the_system_workspace_into_an_estate(clients: dict[str, Client]) -> None:
    body = await clients["eve"].gql(
        'mutation { createEstate(workspaceId: "system", input: {estateId: "system", name: "Mine"}) { sequence } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

"""A revoked user's open subscriptions end on the revoking commit, before anything written later."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.graph.server_harness import Client, Running, running_server
from tests.graph.ws_client import open_socket

schema = pytest.importorskip("schema")

ESTATE = """mutation { createEstate(workspaceId: "estate-1", input: {estateId: "estate-1",
  name: "Corporate Campus", address: {street: "Main St", city: "Boston", country: "us"}}) { sequence } }"""
GRANT = """mutation { grantEstateAccess(workspaceId: "estate-1",
  input: {targetUserId: "bob", estateId: "estate-1", role: {type: ESTATE, value: READ}}) { sequence } }"""
REVOKE = """mutation { revokeEstateAccess(workspaceId: "estate-1",
  input: {targetUserId: "bob", estateId: "estate-1"}) { sequence } }"""
ASSET = """mutation($id: ID!) { createTrackableAsset(workspaceId: "estate-1",
  input: {assetId: $id, name: "HVAC Unit", assetType: "HVAC"}) { sequence } }"""
WATCH = 'subscription($from: Int!) { watchTimeline(workspaceId: "estate-1", fromSequence: $from) { sequence } }'
ASSETS = 'subscription { watchTrackableAssets(workspaceId: "estate-1") { id } }'
# an inline fragment at the root is not shared: this one runs through its own resolver
ASSETS_ALONE = 'subscription { ... on Subscription { watchTrackableAssets(workspaceId: "estate-1") { id } } }'


@pytest.fixture
async def co2() -> AsyncIterator[Running]:
    # the default re-check interval: only the revoking commit can stop the streams in time
    async with running_server(list(schema.CO2_MODULES)) as running:
        yield running


@pytest.fixture
async def users(co2: Running) -> AsyncIterator[dict[str, Client]]:
    async with httpx.AsyncClient(base_url=co2.url, timeout=10) as http:
        clients = {user: Client(http, co2.token(user, user.title())) for user in ("alice", "bob")}
        for user, client in clients.items():
            await client.data(
                "mutation($n: String!, $e: String!) { createUser(input: {displayName: $n, email: $e}) { success } }",
                {"n": user.title(), "e": f"{user}@example.com"},
            )
        yield clients


async def test_a_revoked_reader_receives_nothing_written_after_the_revocation(
    co2: Running, users: dict[str, Client]
) -> None:
    alice, bob = users["alice"], users["bob"]
    await alice.data(ESTATE)
    head = (await alice.data(GRANT))["grantEstateAccess"]["sequence"]
    async with (
        open_socket(co2.ws_url, token=alice.token) as alices,
        open_socket(co2.ws_url, token=bob.token) as bobs,
    ):
        await alices.subscribe("t", WATCH, {"from": head + 1})
        await bobs.subscribe("t", WATCH, {"from": head + 1})  # shares alice's execution
        await bobs.subscribe("a", ASSETS)
        await bobs.subscribe("x", ASSETS_ALONE)
        seeds = {m["id"]: m["payload"] for m in [await bobs.receive(), await bobs.receive()]}
        assert seeds == {op: {"data": {"watchTrackableAssets": []}} for op in ("a", "x")}

        revoked = (await alice.data(REVOKE))["revokeEstateAccess"]["sequence"]
        later = [(await alice.data(ASSET, {"id": f"asset-{k}"}))["createTrackableAsset"]["sequence"] for k in (1, 2)]
        assert [(await alices.next_data("t"))["watchTimeline"]["sequence"] for _ in range(3)] == [revoked, *later]

        frames: dict[str, list[dict[str, Any]]] = {"t": [], "a": [], "x": []}
        while any(not ops or ops[-1]["type"] != "complete" for ops in frames.values()):
            message = await bobs.receive()
            frames[message["id"]].append(message)
        await bobs.send({"type": "ping"})  # frames go out in order: nothing was sent between
        assert json.loads(await bobs.connection.recv()) == {"type": "pong"}

        for op_id, messages in frames.items():
            *_, refused, complete = messages
            assert complete == {"id": op_id, "type": "complete"}
            assert refused["payload"]["data"] is None, op_id
            assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        delivered = json.dumps(frames)
        assert "asset-1" not in delivered and "asset-2" not in delivered
        assert not [m for m in frames["t"][:-2] if m["payload"]["data"]["watchTimeline"]["sequence"] >= revoked]

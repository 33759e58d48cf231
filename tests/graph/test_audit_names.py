"""Audit sentences name people: the user record's display name, else the token's `name` claim."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from nomos_mongo.descriptions import DescribeContext, IntentDescription
from tests.graph.server_harness import Client, Running, running_server

schema = pytest.importorskip("schema")

ESTATE = """mutation($ws: ID!) { createEstate(workspaceId: $ws, input: {estateId: $ws, name: "Corporate Campus"}) {
  description } }"""
SIGN_UP = """mutation($n: String!) { createUser(input: {displayName: $n, email: "zoe@example.com"}) { description } }"""


@pytest.fixture
async def co2() -> AsyncIterator[Running]:
    async with running_server(list(schema.CO2_MODULES)) as running:
        yield running


def test_the_token_name_is_the_fallback_and_a_record_wins() -> None:
    ctx = DescribeContext("zoe", "ws", "main", actor_display_name="Zoe")
    sentence = IntentDescription("{actor} met {other}", {"actor": ctx.actor_name(), "other": ctx.user_name("bob")})
    assert sentence.render() == "Zoe met bob"
    assert sentence.render({("user", "zoe"): "Zoe Quinn", ("user", "bob"): "Bob"}) == "Zoe Quinn met Bob"
    assert DescribeContext("zoe", "ws", "main").actor_name().fallback == "zoe"


async def test_a_new_user_is_named_by_their_token_until_they_sign_up(co2: Running) -> None:
    async with httpx.AsyncClient(base_url=co2.url, timeout=10) as http:
        zoe = Client(http, co2.token("zoe", "Zoe"))
        before = await zoe.data(ESTATE, {"ws": "estate-z1"})
        assert before["createEstate"]["description"] == "Zoe created estate Corporate Campus"
        await zoe.data(SIGN_UP, {"n": "Zoe Quinn"})
        after = await zoe.data(ESTATE, {"ws": "estate-z2"})
        assert after["createEstate"]["description"] == "Zoe Quinn created estate Corporate Campus"
        nameless = Client(http, co2.token("yan"))
        assert (await nameless.data(ESTATE, {"ws": "estate-y"}))["createEstate"]["description"] == (
            "yan created estate Corporate Campus"
        )

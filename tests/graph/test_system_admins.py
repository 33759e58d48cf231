"""The system workspace has no creator to own it: NOMOS_SYSTEM_ADMINS names its administrators."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from graph.settings import Settings
from tests.graph.server_harness import Client, running_server

schema = pytest.importorskip("schema")

CREATE_TAXONOMY = """mutation { createTaxonomy(input: {taxonomyId: "tax-1", name: "Building services"}) {
  success description } }"""


@pytest.fixture
async def clients() -> AsyncIterator[dict[str, Client]]:
    settings = Settings(system_admins=("root",))
    async with (
        running_server(list(schema.CO2_MODULES), settings=settings) as running,
        httpx.AsyncClient(base_url=running.url, timeout=10) as http,
    ):
        yield {user: Client(http, running.token(user, user.title())) for user in ("root", "eve")}


async def test_only_system_admins_administer_the_system_workspace(clients: dict[str, Client]) -> None:
    refused = await clients["eve"].gql(CREATE_TAXONOMY)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    created = await clients["root"].data(CREATE_TAXONOMY)
    assert created["createTaxonomy"]["success"] is True


def test_system_admins_come_from_the_environment() -> None:
    settings = Settings.from_env({"NOMOS_SYSTEM_ADMINS": "root, ops"})
    assert settings.system_admins == ("root", "ops")


async def test_money_beyond_32_bits_goes_through_as_a_long(clients: dict[str, Client]) -> None:
    hundred_million_euros = 100_000_000_00
    created = await clients["root"].data(
        """mutation($amount: Long!) { createFundingProgram(input: {programId: "retrofit", name: "Retrofit",
             budget: {amountInMinorUnits: $amount, currency: "EUR"}}) {
           description changedAggregates { ... on FundingProgram { budget { amountInMinorUnits currency } } } } }""",
        {"amount": hundred_million_euros},
    )
    program = created["createFundingProgram"]["changedAggregates"][0]
    assert program["budget"] == {"amountInMinorUnits": hundred_million_euros, "currency": "EUR"}
    assert "€100,000,000.00" in created["createFundingProgram"]["description"]

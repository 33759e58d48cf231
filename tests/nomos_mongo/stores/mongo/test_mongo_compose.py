"""docker-compose.yml as compose reads it (no Docker engine runs here): the API can start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

COMPOSE_FILE = Path(__file__).resolve().parents[4] / "docker-compose.yml"
# compose's interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}, ...
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    return dict(compose["services"])


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the "NAME=value" form
        env = dict(item.split("=", 1) for item in env)
    return {name: str(value) for name, value in env.items()}


def test_the_api_gets_a_key_the_user_sets_or_a_clear_refusal(services: dict[str, Any]) -> None:
    secret = environment(services["api"])["NOMOS_JWT_SECRET"]
    match = VARIABLE.fullmatch(secret)
    assert match is not None, "the key comes from the user's environment or .env, never from the file"
    assert match["name"] == "NOMOS_JWT_SECRET"
    assert match["op"] == ":?", "unset or empty, compose refuses to start and says why"
    assert ".env" in match["arg"]


def test_the_api_waits_for_a_healthy_database(services: dict[str, Any]) -> None:
    assert services["api"]["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert services["mongo"]["healthcheck"]["test"]


def test_the_api_uri_names_the_replica_set_the_database_runs(services: dict[str, Any]) -> None:
    uri = environment(services["api"])["NOMOS_MONGO_URI"]
    parts = urlsplit(uri)
    assert parts.scheme == "mongodb" and parts.hostname == "mongo"
    replica_set = parse_qs(parts.query)["replicaSet"][0]
    command = services["mongo"]["command"]
    assert command[command.index("--replSet") + 1] == replica_set
    assert f"_id: '{replica_set}'" in " ".join(services["mongo"]["healthcheck"]["test"])
    assert "--mongo-uri" not in " ".join(services["api"]["command"])  # one place says where MongoDB is

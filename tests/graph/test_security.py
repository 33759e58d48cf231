"""The limits of SECURITY.md, black-box against a real server: work a document may ask for,
bodies that are no request, suggestions in production, token lifetimes and reserved subjects."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import jwt
import pytest
from graphql import get_introspection_query

from graph.auth import InvalidToken, TokenVerifier
from graph.authorization import AllowAll
from graph.settings import Settings
from nomos_mongo.examples.todo import TODO_MODULE
from tests.graph.server_harness import SECRET, Client, Running, running_server
from tests.graph.ws_client import LEGACY_WS, TRANSPORT_WS, open_socket


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


@pytest.fixture
async def served(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Running, Client]]:
    settings = getattr(request, "param", None) or Settings()
    async with (
        running_server([TODO_MODULE], authorizer=AllowAll(), settings=settings) as srv,
        httpx.AsyncClient(base_url=srv.url, timeout=30) as http,
    ):
        yield srv, Client(http, srv.token("alice"))


def with_settings(**values: object) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("served", [Settings(**values)], indirect=True)  # type: ignore[arg-type]


# work amplification ---------------------------------------------------------------------
TYPENAME_BOMB = (
    "fragment F on Todo { " + " ".join(f"t{i}: __typename" for i in range(1400)) + " } "
    "{ " + " ".join(f'c{i}: todos(workspaceId: "w", first: 500) {{ nodes {{ ...F }} }}' for i in range(6)) + " }"
)


async def test_typename_aliases_count_as_aliases(served: tuple[Running, Client]) -> None:
    body = await served[1].gql(TYPENAME_BOMB)
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"] and "8406 aliases" in body["errors"][0]["message"]
    schema_aliases = "{ " + " ".join(f"s{i}: __schema {{ queryType {{ name }} }}" for i in range(31)) + " }"
    assert "31 aliases" in (await served[1].gql(schema_aliases))["errors"][0]["message"]


@with_settings(max_aliases=100_000, max_tokens=100_000)
async def test_lists_multiply_by_their_page_size(served: tuple[Running, Client]) -> None:
    body = await served[1].gql(TYPENAME_BOMB)
    assert codes(body) == ["QUERY_TOO_COSTLY"]
    assert body["errors"][0]["extensions"]["cost"] > 4_000_000 and body["errors"][0]["extensions"]["maxCost"] == 50_000


@with_settings(max_cost=1000)
async def test_the_cost_limit_counts_pages_variables_and_typename(served: tuple[Running, Client]) -> None:
    client = served[1]
    small = '{ todos(workspaceId: "w", first: 10) { nodes { id __typename } pageInfo { hasNextPage } } }'
    assert "errors" not in await client.gql(small)
    big = '{ todos(workspaceId: "w", first: 400) { nodes { id title __typename } } }'  # 1 + 1 + 400 x 3
    assert codes(await client.gql(big)) == ["QUERY_TOO_COSTLY"]
    by_default = '{ todos(workspaceId: "w") { nodes { id } edges { cursor node { __typename } } } }'  # first = 50
    assert "errors" not in await client.gql(by_default)
    unknown = 'query($n: Int!) { todos(workspaceId: "w", first: $n) { nodes { id __typename } } }'  # the largest page
    assert codes(await client.gql(unknown, {"n": 1})) == ["QUERY_TOO_COSTLY"]
    aliased = (
        "{ "
        + " ".join(f'a{i}: todos(workspaceId: "w", first: 50) {{ nodes {{ id title }} }}' for i in range(11))
        + " }"
    )
    assert codes(await client.gql(aliased)) == ["QUERY_TOO_COSTLY"]


async def test_the_schema_may_be_read_once_per_document(served: tuple[Running, Client]) -> None:
    full = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    assert "errors" not in await served[1].gql(full)
    inner = full[full.index("__schema") : full.rindex("}", 0, full.index("fragment"))]
    twice = full.replace(inner, f"a: {inner} b: {inner}", 1)
    body = await served[1].gql(twice)
    assert codes(body) == ["QUERY_TOO_COSTLY"] and "introspection" in body["errors"][0]["message"]


@with_settings(max_response_bytes=4000)
async def test_the_response_size_cap(served: tuple[Running, Client]) -> None:
    client = served[1]
    for i in range(40):
        await client.data(
            f'mutation {{ createTodo(workspaceId: "w", input: {{title: "todo number {i}"}}) {{ sequence }} }}'
        )
    assert "errors" not in await client.gql('{ todos(workspaceId: "w", first: 5) { nodes { id title } } }')
    response = await client.post('{ todos(workspaceId: "w", first: 40) { nodes { id title createdAt } } }')
    body = response.json()
    assert codes(body) == ["RESPONSE_TOO_LARGE"] and body["data"] is None
    assert body["errors"][0]["extensions"]["maxBytes"] == 4000 and len(response.content) < 4000


# bodies -----------------------------------------------------------------------------------
@pytest.fixture
def server_log() -> Iterator[list[logging.LogRecord]]:
    """What uvicorn and the API log (uvicorn's loggers do not propagate to pytest's handler)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "nomos", "nomos.graph")]
    for logger in loggers:
        logger.addHandler(handler)
    yield records
    for logger in loggers:
        logger.removeHandler(handler)


DEEP = b'{"query": "{ me { id } }", "variables": {"v": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}"


@pytest.mark.parametrize(
    "body", [b'"a string"', b"5", b"true", b"null", b'\xff\xfe{"query": "{ me { id } }"}', DEEP], ids=repr
)
async def test_a_body_that_is_no_request_is_a_coded_400(
    served: tuple[Running, Client], body: bytes, server_log: list[logging.LogRecord]
) -> None:
    response = await served[1].http.post(
        "/graphql",
        content=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {served[1].token}"},
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]
    assert len(server_log) <= 1 and not any(r.exc_info for r in server_log)


async def test_deep_variables_in_a_get_are_a_coded_400(served: tuple[Running, Client]) -> None:
    response = await served[1].http.get(
        "/graphql",
        params={"query": "{ me { id } }", "variables": DEEP.decode()[DEEP.index(b"[") - 6 : -1]},
        headers={"graphql-require-preflight": "1", "authorization": f"Bearer {served[1].token}"},
    )
    assert response.status_code == 400 and codes(response.json()) == ["BAD_REQUEST"]


async def test_upload_blob_with_a_string_for_the_file_is_bad_input(served: tuple[Running, Client]) -> None:
    mutation = 'mutation($f: Upload!) { uploadBlob(workspaceId: "w", file: $f) { sha256 } }'
    body = await served[1].gql(mutation, {"f": "not a file"})
    assert codes(body) == ["BAD_USER_INPUT"] and body["errors"][0]["extensions"]["field"] == "file"
    operations = json.dumps({"query": mutation, "variables": {"f": "not a file"}})
    response = await served[1].http.post(
        "/graphql",
        files={"operations": (None, operations), "map": (None, "{}")},
        headers={"graphql-require-preflight": "1", "authorization": f"Bearer {served[1].token}"},
    )
    assert codes(response.json()) == ["BAD_USER_INPUT"]


async def test_queries_and_mutations_on_legacy_graphql_ws_are_a_coded_error(served: tuple[Running, Client]) -> None:
    srv, alice = served
    async with open_socket(srv.ws_url, token=alice.token, protocol=LEGACY_WS) as socket:
        await socket.subscribe("1", "{ me { id } }")
        refused = await socket.receive()
        assert refused["type"] == "error" and refused["payload"]["extensions"]["code"] == "BAD_REQUEST"
        await socket.subscribe("2", 'mutation { createTodo(workspaceId: "w", input: {title: "x"}) { sequence } }')
        assert (await socket.receive())["payload"]["extensions"]["code"] == "BAD_REQUEST"
    assert (await alice.data('{ head(workspaceId: "w") }'))["head"] == 0


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_the_subscription_limit_carries_a_code(served: tuple[Running, Client], protocol: str) -> None:
    srv, alice = served
    watch = 'subscription { watchTimeline(workspaceId: "w") { sequence } }'
    async with open_socket(srv.ws_url, token=alice.token, protocol=protocol) as socket:
        for i in range(100):
            await socket.subscribe(str(i), watch)
        await socket.subscribe("one too many", watch)
        message = await socket.receive()
        while message.get("id") != "one too many":
            message = await socket.receive()
        payload = message["payload"][0] if protocol == TRANSPORT_WS else message["payload"]
        assert message["type"] == "error" and payload["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_several_operations_need_an_operation_name(served: tuple[Running, Client]) -> None:
    document = 'query A { me { id } } mutation B { createTodo(workspaceId: "w", input: {title: "x"}) { sequence } }'
    body = await served[1].gql(document)
    assert codes(body) == ["BAD_REQUEST"] and "operationName" in body["errors"][0]["message"]
    response = await served[1].http.post(
        "/graphql",
        json={"query": document, "operationName": "A"},
        headers={"authorization": f"Bearer {served[1].token}"},
    )
    assert response.json()["data"]["me"]["id"] == "alice"
    assert (await served[1].data('{ head(workspaceId: "w") }'))["head"] == 0


# production -----------------------------------------------------------------------------
@with_settings(production=True)
async def test_production_suggests_nothing(served: tuple[Running, Client]) -> None:
    client = served[1]
    for query, variables in [
        ("{ mee { id } }", None),  # a field
        ('{ todos(workspaceId: "w", frist: 1) { nodes { id } } }', None),  # an argument
        ('{ todos(workspaceId: "w", orderBy: TITEL) { nodes { id } } }', None),  # an enum value
        ("query($w: IDD!) { head(workspaceId: $w) }", {"w": "w"}),  # a type
        (
            'mutation($i: CreateTodoInput!) { createTodo(workspaceId: "w", input: $i) { sequence } }',
            {"i": {"titel": "x"}},
        ),
        ('{ todos(workspaceId: "w", filter: {titel: {eq: "x"}}) { nodes { id } } }', None),  # an input field
        ('query($o: TodoOrderField) { todos(workspaceId: "w", orderBy: $o) { nodes { id } } }', {"o": "TITEL"}),
    ]:
        body = await client.gql(query, variables)
        assert body["errors"], query
        assert "Did you mean" not in json.dumps(body), body


async def test_development_still_suggests(served: tuple[Running, Client]) -> None:
    assert "Did you mean" in json.dumps(await served[1].gql('{ todos(workspaceId: "w", frist: 1) { nodes { id } } }'))


# tokens ---------------------------------------------------------------------------------
async def test_tokens_without_exp_are_refused_by_default(served: tuple[Running, Client]) -> None:
    forever = jwt.encode({"sub": "alice", "iat": int(time.time())}, SECRET, algorithm="HS256")
    body = await Client(served[1].http, forever).gql("{ me { id } }")
    assert codes(body) == ["UNAUTHENTICATED"] and "no exp" in body["errors"][0]["message"]


@with_settings(jwt_max_lifetime_seconds=3600)
async def test_a_maximum_lifetime_admits_tokens_without_exp(served: tuple[Running, Client]) -> None:
    now = int(time.time())
    fresh = jwt.encode({"sub": "alice", "iat": now - 60}, SECRET, algorithm="HS256")
    assert (await Client(served[1].http, fresh).data("{ me { id } }"))["me"]["id"] == "alice"
    for claims in ({"sub": "alice", "iat": now - 7200}, {"sub": "alice"}):
        stale = jwt.encode(claims, SECRET, algorithm="HS256")
        assert codes(await Client(served[1].http, stale).gql("{ me { id } }")) == ["UNAUTHENTICATED"]


def test_the_expiry_leeway_is_a_setting() -> None:
    expired_a_while_ago = jwt.encode({"sub": "alice", "exp": int(time.time()) - 20}, SECRET, algorithm="HS256")
    assert TokenVerifier(secret=SECRET).verify(expired_a_while_ago).id == "alice"  # 30 s by default
    with pytest.raises(InvalidToken, match="expired"):
        TokenVerifier(secret=SECRET, leeway_seconds=5).verify(expired_a_while_ago)
    assert Settings.from_env({"NOMOS_JWT_LEEWAY_SECONDS": "5"}).jwt_leeway_seconds == 5


@pytest.mark.parametrize("subject", ["system", "System", "SYSTEM"])
async def test_reserved_subjects_are_refused(served: tuple[Running, Client], subject: str) -> None:
    token = jwt.encode({"sub": subject, "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")
    body = await Client(served[1].http, token).gql("{ me { id } }")
    assert codes(body) == ["UNAUTHENTICATED"] and "reserved" in body["errors"][0]["message"]

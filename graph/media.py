"""The response media type of GraphQL over HTTP, and the status codes that go with it.

A client that accepts `application/graphql-response+json` (Apollo Client 4 and graphql-http
send it first) gets that type, and the GraphQL-over-HTTP status codes: a request error (the
document does not parse or validate, or the variables do not coerce) is 400 with no `data`
entry; once execution started it is 200, whatever the field errors. Everyone else gets
`application/json`, always 200, as before the spec.

Persisted-query misses stay 200 with `data: null` under both types: that is the answer APQ
links of Apollo and urql wait for before sending the document (Apollo Server does the same).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from strawberry.types import ExecutionResult

from .persisted import NO_CACHE, is_persisted_error

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
CONTENT_TYPE = f"{GRAPHQL_RESPONSE}; charset=utf-8"
BAD_REQUEST = 400


def _accepted(accept: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            weights[media.lower()] = max(quality, weights.get(media.lower(), 0.0))
    return weights


def response_type(accept: str | None) -> str:
    """`application/graphql-response+json` if the client prefers it (or takes it only), else JSON."""
    if not accept:
        return JSON  # the spec's legacy default for clients that do not say
    weights = _accepted(accept)
    wanted = weights.get(GRAPHQL_RESPONSE, 0.0)
    legacy = max(weights.get(JSON, 0.0), weights.get("application/*", 0.0), weights.get("*/*", 0.0))
    return GRAPHQL_RESPONSE if wanted > 0 and wanted >= legacy else JSON


def is_request_error(result: ExecutionResult) -> bool:
    """No execution happened: parsing, validation or variable coercion failed (no error has a path)."""
    return result.data is None and bool(result.errors) and all(not e.path for e in result.errors or ())


def prepare(accept: str | None, result: ExecutionResult, sub_response: Response) -> None:
    """Set the status and media type of a single operation's response on Strawberry's sub-response."""
    media = response_type(accept)
    if media == GRAPHQL_RESPONSE:
        sub_response.headers["content-type"] = CONTENT_TYPE
    formatted = [e.formatted for e in result.errors or ()]
    if is_persisted_error(formatted):  # type: ignore[arg-type]
        sub_response.headers["cache-control"] = NO_CACHE
    elif media == GRAPHQL_RESPONSE and is_request_error(result):
        sub_response.status_code = BAD_REQUEST


def finish(response_data: Any, sub_response: Response) -> Any:
    """The body to encode: a request error under the spec's media type carries no `data` entry."""
    if (
        isinstance(response_data, dict)
        and sub_response.status_code == BAD_REQUEST
        and sub_response.headers.get("content-type") == CONTENT_TYPE
    ):
        return {key: value for key, value in response_data.items() if key != "data"}
    return response_data


def apply(response: Response, sub_response: Response) -> None:
    """Strawberry's response is JSON and appends the sub-response's headers: keep one content type."""
    media = sub_response.headers.get("content-type")
    if media:
        response.headers["content-type"] = media

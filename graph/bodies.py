"""Request bodies as the API accepts them, and the GraphQL-shaped answer to one it does not.

A GraphQL request is a JSON object (a list only where batching is on). Anything else - a JSON
string, number, `true` or `null`, bytes that are not UTF-8, nesting deeper than the parser's
recursion allows - is the client's mistake: 400 with a coded GraphQL error, never a 500.
Responses over `max_response_bytes` are replaced by a coded error of their own, and so are
subscription results over it (the subscription goes on: a later result may be smaller).
"""

from __future__ import annotations

import json
import logging
from typing import Any

BAD_REQUEST = "BAD_REQUEST"
RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
log = logging.getLogger("nomos.graph")
JSON_KINDS = {str: "a string", bool: "a boolean"}


def decode_request_json(data: str | bytes) -> object:
    """`json.loads`, refusing what no GraphQL request is with the JSONDecodeError callers expect."""
    try:
        value = json.loads(data)
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not UTF-8", "", exc.start) from None
    except RecursionError:
        raise json.JSONDecodeError("the JSON nests too deeply", "", 0) from None
    if not isinstance(value, dict | list):
        kind = "null" if value is None else JSON_KINDS.get(type(value), "a number")
        raise json.JSONDecodeError(f"a GraphQL request is a JSON object, not {kind}", "", 0)
    return value


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def too_large_body(size: int, limit: int) -> dict[str, Any]:
    message = (
        f"the response would be {size} bytes; at most {limit} are sent. Ask for less (smaller pages, fewer "
        "fields); a mutation's writes were made all the same"
    )
    return error_body(message, RESPONSE_TOO_LARGE, size=size, maxBytes=limit)


def over_the_cap(size: int, limit: int) -> dict[str, Any] | None:
    """The payload to send in place of a subscription result of `size` bytes, if it is over `limit`."""
    if size <= limit:
        return None
    log.warning("a subscription result of %d bytes refused (NOMOS_MAX_RESPONSE_BYTES=%d)", size, limit)
    return too_large_result(size, limit)


def too_large_result(size: int, limit: int) -> dict[str, Any]:
    """The payload sent in place of a subscription result over the cap; the subscription goes on."""
    message = (
        f"this result would be {size} bytes; at most {limit} are sent. Ask for less (a smaller limit, fewer "
        "fields); the subscription goes on, and later results are sent if they fit"
    )
    return error_body(message, RESPONSE_TOO_LARGE, size=size, maxBytes=limit)

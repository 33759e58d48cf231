"""Driver errors become PersistenceError at this edge, with a one-line message."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from ...errors import PersistenceError, StoreUnavailable

P = ParamSpec("P")
R = TypeVar("R")

_CREDENTIALS = re.compile(r"(?<=://)[^@/]+@")


def redact(uri: str) -> str:
    """The URI without its user name and password, fit for logs and error messages."""
    return _CREDENTIALS.sub("***@", uri)


def one_line(exc: BaseException) -> str:
    """The useful head of a driver message (server selection errors append a topology dump)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    for tail in (", full error:", ", Timeout:", " (configured timeouts", ", Topology Description:"):
        text = text.split(tail, 1)[0]
    return text[:300]


def describe(exc: PyMongoError) -> str:
    if isinstance(exc, ConnectionFailure):
        return f"MongoDB is unreachable ({one_line(exc)}); the request can be retried once it is back"
    if isinstance(exc, OperationFailure) and exc.code is not None:
        return f"MongoDB refused the operation (code {exc.code}): {one_line(exc)}"
    return f"MongoDB failed: {one_line(exc)}"


def translate(exc: PyMongoError) -> PersistenceError:
    if isinstance(exc, ConnectionFailure):
        return StoreUnavailable(describe(exc))
    return PersistenceError(describe(exc))


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except PyMongoError as exc:
        raise translate(exc) from exc


def translating(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translated():
            return await method(*args, **kwargs)

    return wrapper

"""Errors as clients see them: every GraphQL error carries `extensions.code`.

    ApiError                      raised by resolvers of this package
    ├── Unauthenticated           UNAUTHENTICATED  no valid bearer token
    ├── Forbidden                 FORBIDDEN        no role (high enough) in the workspace
    ├── NotFound                  NOT_FOUND
    ├── BadUserInput              BAD_USER_INPUT   names the field path the client wrote
    └── Conflict                  CONFLICT

Requests refused before execution: BAD_REQUEST (a body that is no GraphQL request, several
operations without operationName, a query or mutation over legacy graphql-ws),
QUERY_TOO_COSTLY (graph.limits), RESPONSE_TOO_LARGE (graph.bodies).

Engine errors are mapped by `code_of`: IntentRejected -> INTENT_REJECTED (with its rule),
InvalidArgument / SerializationError / contract violations -> BAD_USER_INPUT, conflicts and
closed timelines -> CONFLICT, a missing timeline -> NOT_FOUND. Anything else is INTERNAL:
its message is replaced and the original is logged with the request's correlation id.
"""

from __future__ import annotations

import logging
import re
from typing import Any, ClassVar

from graphql import GraphQLError, GraphQLFormattedError, GraphQLSyntaxError
from pydantic import ValidationError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.exceptions import InvalidOperationTypeError

from nomos_mongo import (
    BlobNotFound,
    IntentIdConflict,
    IntentIdReused,
    IntentRejected,
    InvalidArgument,
    LedgerWriteConflict,
    NomosError,
    PersistenceError,
    SerializationError,
    TimelineError,
    TimelineNotFound,
    UndoConflict,
)

from .naming import camel

log = logging.getLogger("nomos.graph")
SUGGESTION = " Did you mean "
# graphql-core's messages for variable values that do not coerce (not for validation rules)
_VARIABLE_VALUE = re.compile(
    r"Variable values are nested|Variable '\$\w+' "
    r"(has invalid (default )?value|got invalid value|of required type|of non-null type|expected value of type)"
)


class ApiError(Exception):
    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": self.code, **extensions}


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class NotFound(ApiError):
    code = "NOT_FOUND"


class Conflict(ApiError):
    code = "CONFLICT"


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"

    def __init__(self, field: str, problem: str, **extensions: Any) -> None:
        super().__init__(f"{field}: {problem}", field=field, **extensions)


def from_validation_error(exc: ValidationError, prefix: str = "input") -> BadUserInput:
    problems = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(part) for part in (prefix, *error["loc"]))
        cause = (error.get("ctx") or {}).get("error")
        field = getattr(cause, "field", None)
        if not error["loc"] and field:
            location = f"{prefix}.{field}"  # a model-level rule that names its field
        message = str(getattr(cause, "message", None) or error["msg"]).removeprefix("Value error, ")
        problems.append({"field": location, "message": message})
    first = problems[0]
    return BadUserInput(first["field"], first["message"], problems=problems)


def code_of(error: GraphQLError) -> tuple[str, dict[str, Any]]:
    """The code of an error and the extensions to add; INTERNAL for what was not meant."""
    original = error.original_error
    if isinstance(error, StrawberryInputCoercionError) or isinstance(original, StrawberryInputCoercionError):
        return "BAD_USER_INPUT", {}
    if original is None or isinstance(original, GraphQLError):
        if isinstance(error, GraphQLSyntaxError):
            return "GRAPHQL_PARSE_FAILED", {}
        if _VARIABLE_VALUE.match(error.message):  # the value a client sent; unused variables are validation
            return "BAD_USER_INPUT", {}
        return "GRAPHQL_VALIDATION_FAILED", {}
    if isinstance(original, ApiError):
        return original.code, original.extensions
    if isinstance(original, InvalidOperationTypeError):
        return "BAD_REQUEST", {}
    if isinstance(original, IntentRejected):
        return "INTENT_REJECTED", {"rule": original.rule, "reason": original.reason, "field": original.field}
    if isinstance(original, ValidationError):
        bad = from_validation_error(original)
        return bad.code, bad.extensions
    if isinstance(original, InvalidArgument):
        return "BAD_USER_INPUT", {"field": camel(original.argument)}
    if isinstance(original, SerializationError):
        return "BAD_USER_INPUT", {"field": original.field}
    if isinstance(original, TimelineNotFound):
        return "NOT_FOUND", {}
    if isinstance(original, TimelineError):
        return "CONFLICT", {}
    if isinstance(original, IntentIdConflict):
        return "CONFLICT", {"intentId": original.intent_id}
    if isinstance(original, LedgerWriteConflict | UndoConflict | IntentIdReused):
        return "CONFLICT", {}
    if isinstance(original, BlobNotFound):
        return "NOT_FOUND", {}
    if isinstance(original, PersistenceError):
        return "UNAVAILABLE", {"retryable": True}
    if isinstance(original, NomosError) and isinstance(original, ValueError):
        return "BAD_USER_INPUT", {"field": getattr(original, "field", None)}
    return "INTERNAL", {}


def public_message(error: GraphQLError, code: str, correlation_id: str | None) -> str:
    if code == "INTERNAL":
        return f"internal error; quote correlation id {correlation_id} when reporting it"
    if isinstance(error.original_error, PersistenceError):  # details (hosts, codes) stay in the log
        return "the database is unavailable; nothing was written, and the request can be retried shortly"
    if isinstance(error.original_error, IntentIdReused):
        # the stored entry's workspace is not the caller's business
        return "this intent id is already used; give the intent a new id"
    if isinstance(error.original_error, ValidationError):
        return str(from_validation_error(error.original_error))
    if isinstance(error.original_error, InvalidOperationTypeError):
        return (
            f"{error.message} here: the legacy graphql-ws protocol carries subscriptions only; "
            "send queries and mutations over HTTP or graphql-transport-ws"
        )
    if isinstance(error.original_error, InvalidArgument):  # the engine names arguments in snake_case
        return f"{camel(error.original_error.argument)}: {error.original_error.problem}"
    return error.message


def subscription_limit_error(limit: int) -> GraphQLFormattedError:
    """The error a websocket operation past the per-connection limit gets (Strawberry's has no code)."""
    message = (
        f"Subscription limit reached: at most {limit} operations run at once on one connection; "
        "complete one first, or open another connection"
    )
    return GraphQLError(message, extensions={"code": "TOO_MANY_SUBSCRIPTIONS", "maxSubscriptions": limit}).formatted


def without_suggestions(message: str) -> str:
    """The message without graphql-core's "Did you mean ...?" (always its last sentence)."""
    return message.split(SUGGESTION)[0].rstrip() if SUGGESTION in message else message


def shape_errors(errors: list[GraphQLError], correlation_id: str | None, *, hide_suggestions: bool = False) -> None:
    """Give each error its code and a client-safe message (in place: Strawberry returns these).

    Errors without an original exception come from parsing and validation, which may be
    cached and shared between requests: they only get their code, never request details.
    With `hide_suggestions` (production) no message names a field, argument, type or enum
    value the client did not write.
    """
    for error in errors:
        if hide_suggestions:
            error.message = without_suggestions(error.message)
        extensions = error.extensions or {}
        if error.original_error is None or isinstance(error.original_error, GraphQLError):
            if "code" not in extensions:
                error.extensions = {**extensions, "code": code_of(error)[0]}
            continue
        if "correlationId" in extensions:
            continue  # shaped already
        code, extra = code_of(error)
        if code == "INTERNAL":
            log.error(
                "internal error [%s] at %s: %s",
                correlation_id,
                ".".join(map(str, error.path or ())),
                error.message,
                exc_info=error.original_error,
            )
        elif code == "UNAVAILABLE":
            log.warning("database unavailable [%s]: %s", correlation_id, error.message)
        else:
            log.debug("client error [%s] %s: %s", correlation_id, code, error.message)
        error.message = public_message(error, code, correlation_id)
        error.extensions = {
            **{k: v for k, v in extra.items() if v is not None},
            "code": code,
            "correlationId": correlation_id,
        }

"""Persisted queries: Apollo's automatic persisted queries (APQ), and a registered-only mode.

A client sends `extensions.persistedQuery = {version: 1, sha256Hash}` without the document;
an unknown hash is answered with the error Apollo's and urql's links wait for (message
`PersistedQueryNotFound`, code `PERSISTED_QUERY_NOT_FOUND`), and they resend the hash with the
document, which is kept (once it parsed and validated) in a least-recently-used store bounded
in bytes. This works for POST and GET alike (GET stays behind the CSRF preflight rule).

Modes (NOMOS_PERSISTED_QUERIES):
    auto        APQ as above; documents sent in full run as always (the default)
    registered  only the operations of the manifest (NOMOS_PERSISTED_QUERIES_FILE) run, by hash
                or by their exact text; anything else is refused (PERSISTED_QUERY_NOT_IN_LIST)
    off         hashes are not looked up (PERSISTED_QUERY_NOT_SUPPORTED), as without APQ

Strawberry has no persisted-query support of its own (strawberry-graphql issue #1707); its
`GraphQLRequestData.query` is optional so that an extension can supply the document, which is
what this one does before parsing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from graphql import (
    GraphQLError,
)
from strawberry.extensions import SchemaExtension

MODES = ("auto", "registered", "off")
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
CODES = frozenset({NOT_FOUND, NOT_SUPPORTED, NOT_IN_LIST})
# clients retry these with the document: no cache may keep the miss (as Apollo Server sends)
NO_CACHE = "private, no-cache, must-revalidate"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def _size(document: str) -> int:
    return len(document.encode())


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted_error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class PersistedQueryProblem(Exception):
    """A malformed `persistedQuery` extension: refused as bad input."""


@dataclass(frozen=True, slots=True)
class Requested:
    sha256: str


def requested(extensions: Mapping[str, Any] | None) -> Requested | None:
    """The hash a request names, if it names one; raises on a malformed extension."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping):
        raise PersistedQueryProblem("extensions.persistedQuery must be an object")
    if persisted.get("version") != 1:
        raise PersistedQueryProblem("Unsupported persisted query version")
    value = persisted.get("sha256Hash")
    if not isinstance(value, str) or len(value) != 64 or any(c not in "0123456789abcdef" for c in value.lower()):
        raise PersistedQueryProblem("extensions.persistedQuery.sha256Hash must be a hex sha256")
    return Requested(value.lower())


def read_manifest(path: str) -> dict[str, str]:
    """Hash -> document, from Apollo's persisted query manifest or a plain `{hash: document}` map
    (what GraphQL Code Generator's client preset and relay-compiler write)."""
    data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        pairs = [(op.get("id"), op.get("body")) for op in data["operations"] if isinstance(op, dict)]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ValueError(f"{path}: expected a persisted query manifest or an object of hash -> document")
    documents: dict[str, str] = {}
    for key, body in pairs:
        if not isinstance(body, str):
            raise ValueError(f"{path}: operation {key!r} has no document text")
        digest = sha256_of(body)
        if isinstance(key, str) and len(key) == 64 and key.lower() != digest:
            raise ValueError(f"{path}: operation {key!r} does not hash to its id (sha256 {digest})")
        documents[digest] = body
    return documents


class PersistedQueries:
    """The documents known by hash: a bounded LRU (auto), or a fixed list (registered)."""

    def __init__(self, mode: str = "auto", *, max_bytes: int = 16 * 1024 * 1024, manifest: str | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"NOMOS_PERSISTED_QUERIES must be one of {', '.join(MODES)}, got {mode!r}")
        if mode == "registered" and not manifest:
            raise ValueError("registered operations need a manifest: set NOMOS_PERSISTED_QUERIES_FILE")
        self.mode = mode
        self.registered: dict[str, str] = read_manifest(manifest) if manifest else {}
        self._learned: LRUCache[str, str] = LRUCache(maxsize=max_bytes, getsizeof=_size)

    def __len__(self) -> int:
        return len(self.registered) + len(self._learned)

    def find(self, sha256: str) -> str | None:
        return self.registered.get(sha256) or self._learned.get(sha256)

    def learn(self, sha256: str, document: str) -> None:
        if self.mode == "auto" and sha256 not in self.registered and _size(document) <= self._learned.maxsize:
            self._learned[sha256] = document

    def resolve(self, extensions: Mapping[str, Any] | None, query: str | None) -> tuple[str | None, str | None]:
        """(document to run, hash to learn it under once it validates); raises the client's error."""
        try:
            asked = requested(extensions)
        except PersistedQueryProblem as exc:
            raise persisted_error("BAD_USER_INPUT", str(exc)) from None
        if self.mode == "registered":
            digest = asked.sha256 if asked is not None else (sha256_of(query) if query else None)
            document = self.registered.get(digest) if digest else None
            if document is None or (query and sha256_of(query) != digest):
                raise persisted_error(NOT_IN_LIST, "this server runs registered operations only; this one is not")
            return document, None
        if asked is None:
            return query, None
        if self.mode == "off":
            raise persisted_error(NOT_SUPPORTED, "PersistedQueryNotSupported")
        if query:
            if sha256_of(query) != asked.sha256:
                raise persisted_error("BAD_USER_INPUT", "provided sha does not match query")
            return query, asked.sha256
        document = self.find(asked.sha256)
        if document is None:
            raise persisted_error(NOT_FOUND, "PersistedQueryNotFound")
        return document, None

    def extension(self) -> type[SchemaExtension]:
        """The extension to list after Strawberry's caches (see `on_validate`)."""
        store = self

        class PersistedQueryExtension(SchemaExtension):
            refusal: GraphQLError | None = None
            learn: str | None = None

            def on_operation(self) -> Iterator[None]:
                context = self.execution_context
                try:
                    document, self.learn = store.resolve(context.operation_extensions, context.query)
                except GraphQLError as refusal:
                    # answered at validation, so HTTP, websockets and shared subscriptions all report it
                    self.refusal, document = refusal, placeholder(context.operation_name)
                context.query = document
                yield
                valid = context.graphql_document is not None and not context.pre_execution_errors
                if self.learn and document and valid:
                    store.learn(self.learn, document)

            def on_validate(self) -> Iterator[None]:
                # after the validation cache has set its result, and instead of validating the placeholder
                if self.refusal is not None:
                    self.execution_context.pre_execution_errors = [self.refusal]
                yield

        return PersistedQueryExtension


def placeholder(operation_name: str | None) -> str:
    """A document that parses and names the client's operation; refused before it could run."""
    if operation_name and _NAME.fullmatch(operation_name):
        return f"query {operation_name} {{ __typename }}"
    return "{ __typename }"


def is_persisted_error(errors: list[dict[str, Any]] | None) -> bool:
    return bool(errors) and all((e.get("extensions") or {}).get("code") in CODES for e in errors or ())

"""Settings of the API server: flags win over environment variables, which win over defaults.

NOMOS_HOST, NOMOS_PORT   where `nomos serve` listens (default 127.0.0.1:8000)
NOMOS_DATA_DIR           where the embedded SQLite store keeps its data (default ./nomos-data)
NOMOS_MEMORY             1: keep everything in memory instead (nothing survives a restart)
NOMOS_SQLITE_SYNCHRONOUS normal (default: an acknowledged write survives a crash of the process;
                         a power loss or OS crash may lose the last ones, never corrupts) or full
                         (a sync per commit: survives power loss too, at a few ms per commit)
NOMOS_MONGO_URI          MongoDB URI; unset: the embedded SQLite store
NOMOS_MONGO_DB           database name (default: the URI's, else "nomos")
NOMOS_JWT_SECRET         HS256 secret for bearer tokens
NOMOS_JWT_PUBLIC_KEY     RS256 public key (PEM, or a path to a PEM file)
NOMOS_JWT_AUDIENCE       required `aud` claim, if set
NOMOS_JWT_ISSUER         required `iss` claim, if set
NOMOS_PRODUCTION         1: no GraphiQL, no introspection, no field suggestions, a key required
NOMOS_GRAPHIQL           1/0: serve GraphiQL at /graphql (default: not in production)
NOMOS_INTROSPECTION      1/0: allow introspection (default: not in production)
NOMOS_ALLOWED_ORIGINS    comma-separated origins allowed for CORS and websockets
NOMOS_MAX_BODY_BYTES     largest request body or websocket message (default 10 MiB)
NOMOS_MAX_DEPTH          deepest operation (default 12)
NOMOS_MAX_ALIASES        most aliases in one document (default 30)
NOMOS_MAX_TOKENS         most tokens in one document (default 5000)
NOMOS_MAX_PAGE_SIZE      largest `first` / `last` / `limit` (default 500)
NOMOS_MAX_COST           most field resolutions an operation may ask for, lists multiplied by
                         their page size (default 50000; QUERY_TOO_COSTLY above it)
NOMOS_UNPAGED_LIST_SIZE  items a list without first/last/limit counts as in that cost (default 50)
NOMOS_MAX_RESPONSE_BYTES largest encoded response (default 5 MiB; RESPONSE_TOO_LARGE above it)
NOMOS_JWT_LEEWAY_SECONDS clock skew allowed when checking `exp`, `nbf` and `iat` (default 30)
NOMOS_JWT_MAX_LIFETIME_SECONDS  0 (default): tokens must carry `exp`; N: tokens without `exp`
                         are accepted for N seconds after their `iat` (which they then need)
NOMOS_SYSTEM_ADMINS      comma-separated user ids who administer the system workspace
                         (taxonomies, funding programs...); on the embedded default with a
                         generated dev token, the dev user is one
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .auth import MIN_SECRET_BYTES

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: str = "nomos-data"
    memory: bool = False
    sqlite_synchronous: str = "normal"
    mongo_uri: str | None = None
    mongo_db: str | None = None
    jwt_secret: str | None = None
    jwt_public_key: str | None = None
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    production: bool = False
    graphiql: bool | None = None
    introspection: bool | None = None
    allowed_origins: tuple[str, ...] = ()
    system_admins: tuple[str, ...] = ()
    max_body_bytes: int = 10 * 1024 * 1024
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = 500
    max_cost: int = 50_000
    unpaged_list_size: int = 50
    max_response_bytes: int = 5 * 1024 * 1024
    jwt_leeway_seconds: int = 30
    jwt_max_lifetime_seconds: int = 0
    demo: bool = False
    # how stale an authorization decision held by a running subscription may become
    access_recheck_seconds: float = 1.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> str:
        """Which store serves: "mongo", "memory" or "sqlite" (the default)."""
        if self.mongo_uri:
            return "mongo"
        return "memory" if self.memory else "sqlite"

    def check(self) -> None:
        """Raise ValueError, in one line, for settings that cannot work together."""
        if not 1 <= self.port <= 65535:
            raise ValueError(f"the port must be from 1 to 65535, got {self.port}")
        if self.memory and self.mongo_uri:
            raise ValueError("choose one store: --memory or --mongo-uri, not both")
        if self.sqlite_synchronous not in ("full", "normal"):
            raise ValueError(f"NOMOS_SQLITE_SYNCHRONOUS must be full or normal, got {self.sqlite_synchronous!r}")
        if self.jwt_secret and len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"NOMOS_JWT_SECRET is {len(self.jwt_secret.encode())} bytes; it must be at least {MIN_SECRET_BYTES} "
                "(RFC 7518 3.2), e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )

    @property
    def graphiql_enabled(self) -> bool:
        return (not self.production) if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return (not self.production) if self.introspection is None else self.introspection

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = environ.get(f"NOMOS_{item.name.upper()}")
            if raw is None or item.name in ("host", "port", "demo", "extra"):
                continue
            values[item.name] = _parse(item.name, raw, getattr(cls, item.name, None))
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _parse(name: str, raw: str, default: Any) -> Any:
    if name in ("allowed_origins", "system_admins"):
        return tuple(o.strip() for o in raw.split(",") if o.strip())
    if name in ("graphiql", "introspection", "production"):
        return _flag(name, raw)
    if isinstance(default, bool):
        return _flag(name, raw)
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw or None


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"NOMOS_{name.upper()} must be 1 or 0, got {raw!r}")

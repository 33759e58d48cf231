"""Bearer JWTs: HS256 with a shared secret, RS256 with a public key, or both.

The key is picked by the token's `alg` header and each key serves only its own algorithm,
so an RS256 public key can never be used as an HS256 secret. A token must expire (`exp`),
unless a maximum lifetime is configured for tokens without one; and its subject may not be
an id the engine acts as itself (`system`), which would pass for the engine in domain rules.
"""

from __future__ import annotations

import math
import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jwt

from nomos_mongo import InvalidArgument
from nomos_mongo.context import RESERVED_ACTOR_IDS
from nomos_mongo.ids import check_id

LEEWAY_SECONDS = 30
REMEMBERED_TOKENS = 4096
REMEMBER_SECONDS = 300
MIN_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str | None = None
    # when the token stops being accepted (its exp plus the leeway); not part of who the user is
    expires_at: float = field(default=math.inf, compare=False)


class InvalidToken(Exception):
    pass


class TokenVerifier:
    def __init__(
        self,
        *,
        secret: str | None = None,
        public_key: str | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        leeway_seconds: int = LEEWAY_SECONDS,
        max_lifetime_seconds: int = 0,
    ) -> None:
        if not secret and not public_key:
            raise ValueError("set a JWT secret (NOMOS_JWT_SECRET) or public key (NOMOS_JWT_PUBLIC_KEY)")
        self._keys: dict[str, str] = {}
        if secret:
            if len(secret.encode()) < MIN_SECRET_BYTES:
                raise ValueError(f"NOMOS_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes (RFC 7518 3.2)")
            self._keys["HS256"] = secret
        if public_key:
            self._keys["RS256"] = read_key(public_key)
        self.audience = audience
        self.issuer = issuer
        self.leeway_seconds = leeway_seconds
        # 0: every token needs `exp`; N: one without `exp` lives N seconds from its `iat`
        self.max_lifetime_seconds = max_lifetime_seconds
        self._verified: OrderedDict[str, tuple[User, float]] = OrderedDict()

    def verify(self, token: str) -> User:
        """The token's user; a verified token is remembered until it expires (or for a while)."""
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            self._verified.move_to_end(token)
            return remembered[0]
        user, expires = self._verify(token)
        self._verified[token] = (user, min(expires, time.time() + REMEMBER_SECONDS))
        if len(self._verified) > REMEMBERED_TOKENS:
            self._verified.popitem(last=False)
        return user

    def _verify(self, token: str) -> tuple[User, float]:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
            key = self._keys.get(str(algorithm))
            if key is None:
                raise InvalidToken(f"tokens signed with {algorithm} are not accepted")
            required = ["sub", "exp"] if self.max_lifetime_seconds <= 0 else ["sub"]
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": required, "verify_aud": self.audience is not None},
            )
        except jwt.MissingRequiredClaimError as exc:
            if exc.claim == "exp":
                raise InvalidToken("the token has no exp claim; issue tokens that expire") from exc
            raise InvalidToken(str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        try:
            user_id = check_id("sub", claims["sub"])
        except InvalidArgument as exc:
            raise InvalidToken(f"the sub claim is not a user id: {exc.problem}") from exc
        if user_id.casefold() in RESERVED_ACTOR_IDS:
            raise InvalidToken(f"the subject {user_id!r} is reserved for the engine; sign tokens for real users")
        name = claims.get("name")
        expires = self._expiry(claims)
        user = User(user_id, name if isinstance(name, str) and name.strip() else None, expires + self.leeway_seconds)
        return user, expires

    def _expiry(self, claims: dict[str, object]) -> float:
        expires = claims.get("exp")
        if isinstance(expires, int | float):
            return float(expires)
        issued = claims.get("iat")  # no exp: allowed only with a maximum lifetime, counted from iat
        if not isinstance(issued, int | float):
            raise InvalidToken("a token without exp needs an iat claim")
        expires = float(issued) + self.max_lifetime_seconds
        if expires + self.leeway_seconds < time.time():
            raise InvalidToken(f"the token has no exp and is older than {self.max_lifetime_seconds} seconds")
        return expires


def read_key(value: str) -> str:
    """A PEM given inline, or the path of a file holding it."""
    if "-----BEGIN" in value:
        return value
    return Path(value).expanduser().read_text(encoding="utf-8")


def issue_token(secret: str, user_id: str, name: str | None = None, *, ttl_seconds: int = 30 * 86_400) -> str:
    now = int(time.time())
    claims: dict[str, object] = {"sub": user_id, "iat": now, "exp": now + ttl_seconds}
    if name:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm="HS256")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def bearer_token(headers: Mapping[str, object]) -> str | None:
    """The token of an `Authorization: Bearer ...` header, or of `authToken` (websocket payloads)."""
    for key, value in headers.items():
        if not isinstance(value, str):
            continue
        if key.lower() == "authorization":
            scheme, _, token = value.strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
        if key == "authToken" and value.strip():
            return value.strip().removeprefix("Bearer ").strip()
    return None

"""Bearer JWTs: HS256 with a shared secret, RS256 with a public key, or both.

The key is picked by the token's `alg` header and each key serves only its own algorithm,
so an RS256 public key can never be used as an HS256 secret.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jwt

from nomos_mongo import InvalidArgument
from nomos_mongo.ids import check_id

LEEWAY_SECONDS = 30
REMEMBERED_TOKENS = 4096
REMEMBER_SECONDS = 300
MIN_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str | None = None


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
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["sub"], "verify_aud": self.audience is not None},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        try:
            user_id = check_id("sub", claims["sub"])
        except InvalidArgument as exc:
            raise InvalidToken(f"the sub claim is not a user id: {exc.problem}") from exc
        name = claims.get("name")
        user = User(user_id, name if isinstance(name, str) and name.strip() else None)
        expires = claims.get("exp")
        return user, float(expires) if isinstance(expires, int | float) else float("inf")


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

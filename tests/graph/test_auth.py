"""Bearer tokens: HS256, RS256, claims, and where clients put them."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from graph.auth import InvalidToken, TokenVerifier, User, bearer_token, issue_token

SECRET = "a-secret-of-at-least-thirty-two-bytes!"


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_hs256_round_trip_with_name() -> None:
    assert TokenVerifier(secret=SECRET).verify(issue_token(SECRET, "alice", "Alice")) == User("alice", "Alice")


def test_rs256_with_a_public_key_given_inline_or_as_a_file(rsa_keys: tuple[str, str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    private, public = rsa_keys
    token = jwt.encode({"sub": "bob", "exp": int(time.time()) + 60}, private, algorithm="RS256")
    assert TokenVerifier(public_key=public).verify(token) == User("bob")
    path = tmp_path / "key.pem"
    path.write_text(public)
    assert TokenVerifier(public_key=str(path)).verify(token).id == "bob"


def test_a_key_serves_only_its_own_algorithm(rsa_keys: tuple[str, str]) -> None:
    _, public = rsa_keys
    forged = jwt.encode({"sub": "mallory"}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken, match="HS256"):
        TokenVerifier(public_key=public).verify(forged)


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": " padded"}, {"sub": "x", "exp": 10}])
def test_bad_claims_are_refused(claims: dict) -> None:
    with pytest.raises(InvalidToken):
        TokenVerifier(secret=SECRET).verify(jwt.encode(claims, SECRET, algorithm="HS256"))


def test_audience_and_issuer_when_configured() -> None:
    verifier = TokenVerifier(secret=SECRET, audience="nomos", issuer="https://id.example")
    soon = int(time.time()) + 60
    good = jwt.encode({"sub": "a", "aud": "nomos", "iss": "https://id.example", "exp": soon}, SECRET, algorithm="HS256")
    assert verifier.verify(good).id == "a"
    with pytest.raises(InvalidToken):
        verifier.verify(
            jwt.encode({"sub": "a", "aud": "other", "iss": "https://id.example"}, SECRET, algorithm="HS256")
        )


def test_short_secrets_and_no_key_at_all_are_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        TokenVerifier(secret="short")
    with pytest.raises(ValueError):
        TokenVerifier()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Authorization": "Bearer abc"}, "abc"),
        ({"authorization": "bearer  abc "}, "abc"),
        ({"authToken": "abc"}, "abc"),
        ({"authToken": "Bearer abc"}, "abc"),
        ({"Authorization": "Basic abc"}, None),
        ({"Authorization": "Bearer "}, None),
        ({"Authorization": 5}, None),
        ({}, None),
    ],
)
def test_where_tokens_are_found(headers: dict, expected: str | None) -> None:
    assert bearer_token(headers) == expected

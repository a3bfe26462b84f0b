"""Bearer tokens: what is issued reads back; expired, forged or foreign tokens are refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.identity.tokens import (
    Principal,
    TokenExpired,
    TokenInvalid,
    identity_secret,
    issue_token,
    read_token,
    sign,
    unsign,
)

SECRET = identity_secret(bytes(32))
ALICE = Principal("Alice.Smith", "facilitator", "advanced", "Alice Smith")
NOON = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def test_a_token_reads_back_as_the_principal_it_was_issued_for():
    token = issue_token(ALICE, SECRET, now=NOON)
    assert read_token(token, SECRET, now=NOON + timedelta(minutes=14)) == ALICE
    assert read_token(issue_token(ALICE, SECRET), SECRET) == ALICE  # the real clock too


def test_a_token_expires_after_its_ttl_fifteen_minutes_by_default():
    token = issue_token(ALICE, SECRET, now=NOON)
    with pytest.raises(TokenExpired, match="expired"):
        read_token(token, SECRET, now=NOON + timedelta(minutes=15))
    short = issue_token(ALICE, SECRET, timedelta(seconds=30), now=NOON)
    with pytest.raises(TokenExpired):
        read_token(short, SECRET, now=NOON + timedelta(seconds=31))


def test_a_token_signed_with_another_secret_is_refused():
    token = issue_token(ALICE, identity_secret(b"\x01" * 32), now=NOON)
    with pytest.raises(TokenInvalid, match="not one this system issued"):
        read_token(token, SECRET, now=NOON)


def test_a_forged_payload_is_refused():
    token = issue_token(ALICE, SECRET, now=NOON)
    signature = token.rsplit(".", 1)[1]
    payload = unsign(token, SECRET, "rj identity bearer token") | {"r": "admin"}
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=") + "." + signature
    with pytest.raises(TokenInvalid):
        read_token(forged, SECRET, now=NOON)


@pytest.mark.parametrize("token", ["", "x", "a.b", ".", "\x00", "\ud800.\udfff", "é" * 300, "A" * 10_000])
def test_garbage_is_invalid_not_an_error(token):
    with pytest.raises(TokenInvalid):
        read_token(token, SECRET, now=NOON)


def test_something_else_signed_with_the_secret_is_no_token():
    # a session cookie is signed with the same secret under another salt
    cookie = sign({"u": "Alice.Smith", "s": "id"}, SECRET, "rj identity session cookie")
    with pytest.raises(TokenInvalid):
        read_token(cookie, SECRET, now=NOON)
    # and a well-signed payload of the wrong shape is refused, not a KeyError
    with pytest.raises(TokenInvalid):
        read_token(sign({"u": "x"}, SECRET, "rj identity bearer token"), SECRET, now=NOON)


def test_the_secret_is_derived_for_its_purpose():
    kek = bytes(range(32))
    assert identity_secret(kek) == identity_secret(kek) != kek
    assert len(identity_secret(kek)) == 32 and identity_secret(kek) != identity_secret(bytes(32))

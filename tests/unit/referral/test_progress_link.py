"""The victim's private progress link: signed, for one purpose, expiring, revocable by staff."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from uuid import uuid4

import pytest

from services.referral.domain.commands import ReceiveReferral, RecordProgressView, RevokeProgressLink
from services.referral.domain.errors import MissingReason, UnknownReferral
from services.referral.domain.state import progress_stream, referral_stream
from services.referral.handlers import handle, link_stands
from shared.crypto.derive import VICTIM_PROGRESS_LINK, purpose_key
from shared.crypto.links import sign_link, verify_link
from shared.envelope import Cause, open_event
from shared.eventstore.port import Actor
from tests.unit.referral.examples import submission
from tests.unit.referral.fakes import NOW

KEK = bytes(range(32))
KEY = purpose_key(KEK, VICTIM_PROGRESS_LINK)
STAFF = Cause.fresh(Actor("user", "sam", "supervisor"))


def test_a_link_names_its_referral_until_it_expires():
    referral_id = uuid4()
    token = sign_link(KEY, referral_id, lifetime=timedelta(days=180), now=NOW)
    claims = verify_link(KEY, token, now=NOW + timedelta(days=179))
    assert (claims.subject_id, claims.issued_at, claims.expires_at) == (referral_id, NOW, NOW + timedelta(days=180))
    assert verify_link(KEY, token, now=NOW + timedelta(days=180)) is None


def test_a_forged_or_altered_link_is_refused():
    token = sign_link(KEY, uuid4(), now=NOW)
    body, signature = token.rsplit(".", 1)  # a compressed body starts with "." itself
    other = base64.urlsafe_b64encode(json.dumps({"id": str(uuid4()), "iat": 0, "exp": 4_000_000_000}).encode())
    assert verify_link(KEY, other.decode().rstrip("=") + "." + signature, now=NOW) is None
    # One bit of the signature flipped (not its last characters replaced: those can decode to the
    # same bytes, about once in a thousand runs).
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 1
    altered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert verify_link(KEY, body + "." + altered, now=NOW) is None
    assert verify_link(KEY, "not-a-token", now=NOW) is None
    assert verify_link(KEY, "", now=NOW) is None


def test_a_link_made_with_another_purpose_key_is_refused():
    token = sign_link(purpose_key(KEK, "self-referral signed answers"), uuid4(), now=NOW)
    assert verify_link(KEY, token, now=NOW) is None
    assert verify_link(purpose_key(bytes(32), VICTIM_PROGRESS_LINK), sign_link(KEY, uuid4(), now=NOW), now=NOW) is None


async def a_referral(deps, cause):
    return (await handle(ReceiveReferral(submission(), "thames-valley-police", "k-1"), cause, deps)).referral_id


async def test_a_revoked_link_no_longer_stands_and_a_later_one_does(deps, cause, clock):
    referral_id = await a_referral(deps, cause)
    before = verify_link(KEY, sign_link(KEY, referral_id, now=clock()), now=clock())
    assert await link_stands(before, deps)

    clock.advance(days=3)
    await handle(RevokeProgressLink(referral_id, "sent to an address the victim no longer uses", "sam"), STAFF, deps)
    [*_, revoked] = await deps.store.read_stream(referral_stream(referral_id))
    assert revoked.event_type == "ProgressLinkRevoked"
    assert "no longer uses" not in str(revoked.data)  # sealed under the victim's key
    opened = (await open_event(revoked, deps.keys)).event
    assert opened.reason == "sent to an address the victim no longer uses" and opened.revoked_by == "sam"
    assert not await link_stands(before, deps)

    clock.advance(minutes=1)
    after = verify_link(KEY, sign_link(KEY, referral_id, now=clock()), now=clock())
    assert await link_stands(after, deps)


async def test_a_link_to_no_referral_does_not_stand_and_cannot_be_revoked(deps):
    claims = verify_link(KEY, sign_link(KEY, uuid4(), now=NOW), now=NOW)
    assert not await link_stands(claims, deps)
    with pytest.raises(UnknownReferral):
        await handle(RevokeProgressLink(claims.subject_id, "no reason needed?", "sam"), STAFF, deps)


async def test_a_revocation_says_why(deps, cause):
    referral_id = await a_referral(deps, cause)
    with pytest.raises(MissingReason):
        await handle(RevokeProgressLink(referral_id, "  ", "sam"), STAFF, deps)


async def test_each_view_is_recorded_apart_from_the_referral(deps, cause):
    referral_id = await a_referral(deps, cause)
    for _ in range(2):
        await handle(RecordProgressView(referral_id, "received"), STAFF, deps)
    views = await deps.store.read_stream(progress_stream(referral_id))
    assert [(v.event_type, v.data["stage"]) for v in views] == [("ProgressPageViewed", "received")] * 2
    assert len(await deps.store.read_stream(referral_stream(referral_id))) == 1

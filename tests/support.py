"""Helpers for tests: building referrals, waiting for eventual consistency."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from rj.registry import SERVICES
from shared.contracts.referral import ContactPreferences, Offence, Offender, ReferralReceived, Victim
from shared.identity.tokens import identity_secret
from shared.settings import ServiceSettings

KEK = base64.b64encode(os.urandom(32)).decode()
IDENTITY_KEY = base64.b64encode(identity_secret(base64.b64decode(KEK))).decode()
"""What a service without key access is given to check sign-ins: derived from the KEK, as ``rj up`` does."""


def settings_for(service: str, database_url: str, nats_url: str, **extra: Any) -> ServiceSettings:
    """A service's own settings on the test's engines; the key only where the service has key access."""
    chosen = SERVICES[service]
    keys = {"key_encryption_key": KEK} if chosen.definition.key_access else {"identity_key": IDENTITY_KEY}
    return chosen.settings(database_url=database_url, nats_url=nats_url, **(keys | extra))


def a_referral(**overrides: Any) -> ReferralReceived:
    """A plausible police referral with a victim and a known offender."""
    fields: dict[str, Any] = dict(
        referral_id=uuid.uuid4(),
        reference="REF-2026-000001",
        source="police",
        agency_id="thames-valley-police",
        victim=Victim(
            subject_id=uuid.uuid4(), name="Alex Morgan", email="alex@example.org", phone="07700 900123",
            address="1 High Street, Aylesbury", postcode="HP20 1AA",
            contact_preferences=ContactPreferences(channels=("email", "phone"), may_leave_message=False),
        ),
        offence=Offence(crime_reference="43/12345/26", offence_type="burglary", area="Buckinghamshire",
                        description="Break-in at home while away"),
        offender=Offender(subject_id=uuid.uuid4(), name="Sam Taylor", custody_status="in_community"),
        criminal_justice_stage="post_sentence",
        initiated_by="victim",
        victim_aware_of_referral=True,
        received_at=datetime.now(UTC),
    )
    fields.update(overrides)
    return ReferralReceived(**fields)


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 15.0, every: float = 0.05) -> Any:
    """Poll ``check`` until it returns something truthy; fail with what it last returned."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: Any = None
    while asyncio.get_running_loop().time() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s; last result: {last!r}")


async def record_referral(store, keys, referral: ReferralReceived | None = None, actor=None) -> ReferralReceived:
    """Append a ``ReferralReceived`` straight to the store, as the referral service would."""
    from shared.envelope import Cause, new_event
    from shared.eventstore.port import NO_STREAM, Actor

    referral = referral or a_referral()
    cause = Cause.fresh(actor or Actor("agency", "thames-valley-police", "partner"))
    event = await new_event(referral, cause, keys, event_id=uuid.uuid5(referral.referral_id, "ReferralReceived"))
    await store.append(f"referral-{referral.referral_id}", [event], NO_STREAM)
    return referral

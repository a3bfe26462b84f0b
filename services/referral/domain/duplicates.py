"""Possible duplicates: the same crime reference and the same victim, within a window of days."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from services.referral.domain.submission import ReferralSubmission


@dataclass(frozen=True)
class EarlierReferral:
    """A referral already recorded with the same crime reference and victim fingerprint."""

    referral_id: UUID
    received_at: datetime


def fingerprint(key: bytes, submission: ReferralSubmission) -> str:
    """A keyed hash of who the victim is, so duplicates are found without storing their name."""
    victim = submission.victim
    anchor = victim.date_of_birth or victim.email or victim.phone or victim.postcode or ""
    material = f"{' '.join(victim.name.lower().split())}|{anchor}".encode()
    return hmac.new(key, material, hashlib.sha256).hexdigest()


def possible_duplicate_of(earlier: Iterable[EarlierReferral], now: datetime, window: timedelta) -> UUID | None:
    """The first earlier referral received within ``window`` before ``now``, if any."""
    within = [e for e in earlier if e.received_at >= now - window]
    return min(within, key=lambda e: e.received_at).referral_id if within else None

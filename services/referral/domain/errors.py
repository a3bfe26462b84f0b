"""Every refusal of the referral service, named by the rule it enforces."""

from __future__ import annotations

from shared.commands import RuleBroken


class ReferralRuleBroken(RuleBroken):
    """A referral rule forbids the command as it stands."""


class UnknownReferral(ReferralRuleBroken):
    """No referral with that id was made by whoever is asking (another agency's is not revealed)."""


class AlreadyReceived(ReferralRuleBroken):
    """A referral is received once; its stream must be new."""


class ReferralWithdrawn(ReferralRuleBroken):
    """A withdrawn referral takes no further updates."""


class SelfReferralNotByAgency(ReferralRuleBroken):
    """Source 'self' is for victims referring themselves through the web form, not for agencies."""


class DeferralOutOfRange(ReferralRuleBroken):
    """Sentence may be deferred to a date after today and at most six months ahead."""


class IdempotencyKeyReused(ReferralRuleBroken):
    """An idempotency key stands for one request; the same key came with a different one."""

    def __init__(self, key: str):
        super().__init__("this Idempotency-Key was used with a different request body; use a new key",
                         field="Idempotency-Key", pointer="#/headers/Idempotency-Key")
        self.key = key


class MissingReason(ReferralRuleBroken):
    """A decision recorded for the audit (revoking a victim's link) says why."""

"""The reporting service's read models, one module each."""

from services.reporting.projections.case_facts import CaseFacts
from services.reporting.projections.equality_tallies import EqualityTallies
from services.reporting.projections.referral_volume import ReferralVolume

REFERRAL_VOLUME = ReferralVolume()
CASE_FACTS = CaseFacts()
EQUALITY_TALLIES = EqualityTallies()
PROJECTIONS = (REFERRAL_VOLUME, CASE_FACTS, EQUALITY_TALLIES)

"""The reporting service's read models, one module each."""

from services.reporting.projections.referral_volume import ReferralVolume

REFERRAL_VOLUME = ReferralVolume()
PROJECTIONS = (REFERRAL_VOLUME,)

"""The referral service's read models, one module each."""

from services.referral.projections.referral_status import ReferralStatus

REFERRAL_STATUS = ReferralStatus()
PROJECTIONS = (REFERRAL_STATUS,)

"""Settings of the referral service (environment, prefix ``RJ_``), read once at start-up."""

from pydantic import Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The referral service's settings; everything shared is inherited."""

    duplicate_window_days: int = Field(
        default=90, ge=1, le=3650,
        description="a referral with the same crime reference and victim within this many days is a possible duplicate",
    )

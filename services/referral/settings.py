"""Settings of the referral service (environment, prefix ``RJ_``), read once at start-up."""

from pydantic import Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The referral service's settings; everything shared is inherited."""

    duplicate_window_days: int = Field(
        default=90, ge=1, le=3650,
        description="a referral with the same crime reference and victim within this many days is a possible duplicate",
    )
    key_failure_limit: int = Field(
        default=10, ge=1, le=10_000,
        description="wrong or missing API keys from one address within the window before it gets 429s",
    )
    key_failure_window_seconds: float = Field(
        default=60.0, gt=0, le=86_400, description="the window of key_failure_limit, in seconds",
    )

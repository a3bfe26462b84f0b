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
    contact_phone: str = Field(default="0300 123 4567", description="the service's phone number, shown to victims")
    contact_email: str = Field(default="restorative.justice@example.org",
                               description="the service's email address, shown to victims")
    contact_hours: str = Field(default="Monday to Friday, 9am to 5pm", description="when the phone is answered")
    progress_link_days: int = Field(default=180, ge=1, le=730,
                                    description="days a victim's private progress link keeps working")

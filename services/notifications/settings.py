"""Settings of the notifications service (environment, prefix ``RJ_``), read once at start-up."""

from datetime import time
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The notifications service's settings; everything shared is inherited."""

    smtp_host: str | None = Field(default=None, description="SMTP server for email; unset: no email is sent")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "starttls"
    smtp_from_address: str = "Restorative Justice Service <no-reply@rj.invalid>"
    progress_url: str = Field(
        default="http://localhost:8000/progress/",
        description="where the referral service serves progress pages; a victim's link is this and a token")
    progress_link_days: int = Field(default=180, ge=1, le=730, description="how long a progress link works")
    casework_url: str = Field(default="http://localhost:8001", description="staff messages link to cases here")
    contact_hours: str = Field(
        default="08:00-21:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
        description="London time within which anyone is contacted at all, whatever their safe times allow")
    notify_api_key: SecretStr | None = Field(
        default=None, description="GOV.UK Notify API key: texts and letters (and email when no RJ_SMTP_HOST)"
                                  " go through Notify; its other settings are RJ_NOTIFY_…")
    mail_folder: str | None = Field(
        default=None, description="where a local mail catcher keeps the email it caught (rj up sets it); "
                                  "staff read it at /mail")
    @field_validator("contact_hours")
    @classmethod
    def _opens_before_it_closes(cls, value: str) -> str:
        opens, closes = value.split("-")
        if opens >= closes:
            raise ValueError(f"contact hours {value!r}: the start must be before the end, as in 08:00-21:00")
        return value

    def civil_hours(self) -> tuple[time, time]:
        opens, closes = self.contact_hours.split("-")
        return time.fromisoformat(opens), time.fromisoformat(closes)

    timer_interval: float = Field(default=3.0, gt=0, description="seconds between looks for due timers")

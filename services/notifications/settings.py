"""Settings of the notifications service (environment, prefix ``RJ_``), read once at start-up."""

from typing import Literal

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The notifications service's settings; everything shared is inherited."""

    smtp_host: str | None = Field(default=None, description="SMTP server for email; unset: no email is sent")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "starttls"
    smtp_from_address: str = "Restorative Justice Service <no-reply@rj.invalid>"
    progress_url: str = Field(default="http://localhost:8000/",
                              description="the link a self-referring victim is given to follow progress")
    mail_folder: str | None = Field(
        default=None, description="where a local mail catcher keeps the email it caught (rj up sets it); "
                                  "staff read it at /mail")
    timer_interval: float = Field(default=3.0, gt=0, description="seconds between looks for due timers")

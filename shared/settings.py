"""Settings every service reads from the environment (prefix ``RJ_``), once, at start-up."""

from __future__ import annotations

import base64

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What a service needs to reach the store, the broker and its keys."""

    model_config = SettingsConfigDict(env_prefix="RJ_", extra="ignore")

    database_url: str = Field(description="PostgreSQL URL of the event store and read models")
    nats_url: str = Field(description="NATS URL with JetStream enabled")
    key_encryption_key: SecretStr | None = Field(
        default=None, description="base64 of 32 bytes; only services granted key access get it"
    )
    identity_key: SecretStr | None = Field(
        default=None,
        description="base64 of the key that signs sessions and tokens (derived from the KEK, opens no personal"
                    " data); for a service that signs people in without key access")
    event_store: str = Field(default="postgres", description="the event-store backend")
    log_format: str = Field(default="auto", pattern="^(auto|json|console)$")
    log_level: str = "INFO"
    max_deliver: int = Field(default=6, ge=2, le=100, description="deliveries before a dead letter")
    relay_batch: int = Field(default=200, ge=1, le=5000)
    data_dir: str | None = None
    demo_clock: bool = Field(
        default=False, description="honour the X-RJ-Demo-Time header (RJ_DEMO_CLOCK): for filling a demo system"
                                   " with a past, never for production")

    @field_validator("key_encryption_key")
    @classmethod
    def _is_32_bytes(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(base64.b64decode(value.get_secret_value())) != 32:
            raise ValueError("RJ_KEY_ENCRYPTION_KEY must be the base64 of exactly 32 bytes")
        return value

    @field_validator("event_store")
    @classmethod
    def _available_backend(cls, value: str) -> str:
        if value != "postgres":
            raise ValueError(
                f"RJ_EVENT_STORE={value!r} is not available in this build; only 'postgres' is"
                " (see docs/decisions/0003-kurrentdb-backend-later.md)"
            )
        return value

    def identity_signing_key(self) -> bytes | None:
        """The sessions' and tokens' signing key given on its own (``RJ_IDENTITY_KEY``), or None."""
        return base64.b64decode(self.identity_key.get_secret_value()) if self.identity_key else None

    def kek(self) -> bytes | None:
        """The key-encryption key as bytes, or None for a service without key access."""
        return base64.b64decode(self.key_encryption_key.get_secret_value()) if self.key_encryption_key else None

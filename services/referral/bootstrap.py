"""The referral handlers' dependencies, built once from the running service and its settings."""

from __future__ import annotations

from datetime import timedelta

from services.referral.adapters.duplicate_index import PostgresDuplicateIndex
from services.referral.adapters.references import postgres_reference_numbers
from services.referral.handlers import Dependencies
from services.referral.settings import Settings
from shared.crypto.derive import purpose_key
from shared.runtime import ServiceRuntime


def bootstrap(runtime: ServiceRuntime) -> Dependencies:
    """Real adapters on the service's pool; keys from its key store."""
    settings: Settings = runtime.settings  # type: ignore[assignment]  # create_app passes referral's Settings
    assert runtime.keys is not None, "the referral service has key access"
    return Dependencies(
        store=runtime.store, keys=runtime.keys,
        duplicates=PostgresDuplicateIndex(runtime.pool),
        references=postgres_reference_numbers(runtime.pool),
        fingerprint_key=purpose_key(settings.kek(), "referral duplicate fingerprint"),
        duplicate_window=timedelta(days=settings.duplicate_window_days),
    )

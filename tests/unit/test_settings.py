"""Settings refuse what this build cannot do, naming the variable and what is allowed."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from shared.settings import ServiceSettings

URLS = {"database_url": "postgresql://x@127.0.0.1/db", "nats_url": "nats://127.0.0.1:1"}


def test_an_unavailable_event_store_backend_is_refused_by_name():
    with pytest.raises(ValidationError, match="RJ_EVENT_STORE='kurrentdb' is not available"):
        ServiceSettings(**URLS, event_store="kurrentdb")


def test_a_key_encryption_key_must_be_32_bytes():
    with pytest.raises(ValidationError, match="exactly 32 bytes"):
        ServiceSettings(**URLS, key_encryption_key=base64.b64encode(b"short").decode())
    ok = ServiceSettings(**URLS, key_encryption_key=base64.b64encode(bytes(32)).decode())
    assert ok.kek() == bytes(32)


def test_settings_come_from_rj_prefixed_environment(monkeypatch):
    monkeypatch.setenv("RJ_DATABASE_URL", URLS["database_url"])
    monkeypatch.setenv("RJ_NATS_URL", URLS["nats_url"])
    monkeypatch.setenv("RJ_MAX_DELIVER", "9")
    settings = ServiceSettings()
    assert settings.max_deliver == 9 and settings.kek() is None

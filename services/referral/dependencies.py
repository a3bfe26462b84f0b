"""What a request handler needs from the running service, built once and kept on the app."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request

from services.referral.handlers import Deps
from shared.crypto.derive import purpose_key
from shared.runtime import ServiceRuntime


def runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def deps(request: Request) -> Deps:
    """The referral handlers' dependencies (store, keys, pool), made on first use."""
    state = request.app.state
    if getattr(state, "referral_deps", None) is None:
        rt = runtime(request)
        state.referral_deps = Deps(
            store=rt.store, keys=rt.keys, pool=rt.pool,
            fingerprint_key=purpose_key(rt.settings.kek(), "referral duplicate fingerprint"),
            duplicate_window=timedelta(days=rt.settings.duplicate_window_days),
        )
    return state.referral_deps

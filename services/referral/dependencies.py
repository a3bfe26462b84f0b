"""What a request handler needs from the running service, built once and kept on the app."""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request

from services.referral.handlers import Deps
from shared.runtime import ServiceRuntime


def runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def _fingerprint_key(kek: bytes) -> bytes:
    # A key of its own for duplicate fingerprints, derived so it never doubles as the KEK.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"rj referral duplicate fingerprint").derive(kek)


def deps(request: Request) -> Deps:
    """The referral handlers' dependencies (store, keys, pool), made on first use."""
    state = request.app.state
    if getattr(state, "referral_deps", None) is None:
        rt = runtime(request)
        window = timedelta(days=getattr(rt.settings, "duplicate_window_days", 90))
        state.referral_deps = Deps(store=rt.store, keys=rt.keys, pool=rt.pool,
                                   fingerprint_key=_fingerprint_key(rt.settings.kek()), duplicate_window=window)
    return state.referral_deps

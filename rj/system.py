"""Where a running system lives: its data folder, its key file and ``services.json``."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import asyncpg

from rj.registry import Service
from shared.crypto.keystore import LocalKeyWrapper, PostgresKeyStore
from shared.identity.tokens import identity_secret
from shared.settings import ServiceSettings


def data_dir(given: str | None) -> Path:
    """``--data-dir``, else ``RJ_DATA_DIR``, else ``./var``."""
    return Path(given or os.environ.get("RJ_DATA_DIR") or "var").resolve()


def key_encryption_key(folder: Path, *, create: bool = False) -> str:
    """``RJ_KEY_ENCRYPTION_KEY`` if set, else the data folder's own key. Only ``rj up`` may
    ``create`` it: any other command inventing a key would replay with one that opens nothing."""
    if from_env := os.environ.get("RJ_KEY_ENCRYPTION_KEY"):
        return from_env
    path = folder / "secrets" / "key-encryption-key"
    if not path.exists() and not create:
        raise SystemExit(f"no key-encryption key: set RJ_KEY_ENCRYPTION_KEY or run where {path} exists")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        path.write_text(base64.b64encode(os.urandom(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def identity_key(kek: str) -> str:
    """``RJ_IDENTITY_KEY`` for a service without key access: base64 of the sign-in key derived
    from the KEK (one way: it checks sessions and tokens, and opens no personal data)."""
    return base64.b64encode(identity_secret(base64.b64decode(kek))).decode()


async def key_store(pool: asyncpg.Pool, kek: str) -> PostgresKeyStore:
    """The data-subject key store, opened with the key-encryption key (base64)."""
    keys = PostgresKeyStore(pool, LocalKeyWrapper(base64.b64decode(kek)))
    await keys.migrate()
    return keys


def _key_exists(folder: Path) -> bool:
    return bool(os.environ.get("RJ_KEY_ENCRYPTION_KEY")) or (folder / "secrets" / "key-encryption-key").exists()


def services_file(folder: Path) -> Path:
    return folder / "services.json"


def write_services(folder: Path, description: dict[str, Any]) -> None:
    """Write atomically, so a reader never sees half a file."""
    tmp = services_file(folder).with_suffix(".tmp")
    tmp.write_text(json.dumps(description, indent=2))
    tmp.replace(services_file(folder))


def read_services(folder: Path) -> dict[str, Any]:
    """The running system's URLs from ``services.json``; in a container, where ``rj up`` did not
    run, the engines' URLs come from ``RJ_DATABASE_URL`` and ``RJ_NATS_URL`` instead."""
    path = services_file(folder)
    if path.exists():
        return json.loads(path.read_text())
    if os.environ.get("RJ_DATABASE_URL") and os.environ.get("RJ_NATS_URL"):
        return {"database_url": os.environ["RJ_DATABASE_URL"], "nats_url": os.environ["RJ_NATS_URL"]}
    raise SystemExit(f"no running system found: {path} does not exist (start one with `rj up`)")


def service_settings(folder: Path, service: Service, *, keys_required: bool = True) -> ServiceSettings:
    """A service's settings for an ``rj`` command beside the running system: its engines' URLs,
    and the key-encryption key only for a service granted key access (D5). A command that opens
    events (a rebuild) requires the key; a service's own verbs get it only where it exists."""
    system = read_services(folder)
    kek = None
    if service.definition.key_access and (keys_required or _key_exists(folder)):
        kek = key_encryption_key(folder)
    return service.settings(database_url=system["database_url"], nats_url=system["nats_url"],
                            key_encryption_key=kek)

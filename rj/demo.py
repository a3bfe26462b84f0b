"""What `rj up` makes on its first start so a newcomer can try the system at once: a demo partner
agency's API key and sign-ins for a demo supervisor and facilitator, kept in the data folder's
``secrets/`` (mode 600) so that they can be shown again. For trying it out, not for production."""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path

from rj.system import key_store
from services.referral.adapters import agencies
from shared.db import create_pool
from shared.identity.accounts import Accounts
from shared.identity.contact import sealed_contact


def demo_agency_key(folder: Path, database_url: str) -> str:
    """A key for a demo partner agency, made on the first `rj up` and kept in the data folder
    (mode 600) so that it can be shown again: this is for trying the API, not for production."""
    path = folder / "secrets" / "demo-agency-key"
    if not path.exists():
        key = asyncio.run(with_pool(database_url, lambda pool: agencies.add(pool, "Demo partner agency")))[1]
        path.write_text(key)
        path.chmod(0o600)
    return path.read_text().strip()


DEMO_PEOPLE = {"demo.supervisor": ("supervisor", "advanced"), "demo.facilitator": ("facilitator", "advanced")}


def demo_logins(folder: Path, database_url: str, kek: str) -> dict[str, str]:
    """Sign-ins for a demo supervisor and facilitator, made on the first `rj up` and kept in the
    data folder (mode 600) so they can be shown again; for trying casework, not for production."""
    path = folder / "secrets" / "demo-logins.json"
    if not path.exists():
        logins = {name: secrets.token_urlsafe(12) for name in DEMO_PEOPLE}
        asyncio.run(with_pool(database_url, lambda pool: _add_people(pool, logins, kek)))
        path.write_text(json.dumps(logins))
        path.chmod(0o600)
    return json.loads(path.read_text())


async def _add_people(pool, logins: dict[str, str], kek: str) -> None:
    accounts, keys = Accounts(pool), await key_store(pool, kek)
    await accounts.migrate()
    for name, password in logins.items():
        if await accounts.get(name) is None:
            role, level = DEMO_PEOPLE[name]
            await accounts.add(name, password, role=role, level=level)
            # Their messages land in the mail catcher, or nowhere: example.org takes no mail (RFC 2606).
            await accounts.set_contact(name, await sealed_contact(name, f"{name}@example.org", keys))


async def with_pool(database_url: str, work):
    """Run ``work(pool)`` on a small pool of its own."""
    pool = await create_pool(database_url, max_size=2)
    try:
        return await work(pool)
    finally:
        await pool.close()

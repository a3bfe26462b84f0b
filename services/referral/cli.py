"""The referral service's ``rj`` verbs: ``rj agency add|revoke|list`` for partner agencies' API keys."""

from __future__ import annotations

import argparse
import asyncio

from services.referral.adapters import agencies
from services.referral.settings import Settings
from shared.db import create_pool


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``agency`` to ``rj``; the chosen verb runs as ``args.run(args, settings)``."""
    parser = commands.add_parser("agency", help="partner agencies' API keys (add, revoke, list)")
    sub = parser.add_subparsers(dest="agency_command", required=True)
    add = sub.add_parser("add", help="register an agency and print its key (shown once)")
    add.add_argument("name")
    add.add_argument("--scopes", default=",".join(agencies.SCOPES),
                     help=f"comma-separated, from: {', '.join(agencies.SCOPES)}")
    revoke = sub.add_parser("revoke", help="stop an agency's key working")
    revoke.add_argument("agency_id")
    sub.add_parser("list", help="list agencies")
    parser.set_defaults(service="referral", run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings.database_url))


async def _run(args: argparse.Namespace, database_url: str) -> int:
    pool = await create_pool(database_url, max_size=2)
    try:
        match args.agency_command:
            case "add":
                scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip())
                agency, key = await agencies.add(pool, args.name, scopes)
                print(f"agency {agency.agency_id} ({', '.join(agency.scopes)})")
                print(f"key: {key}")
                print("Store this key now: it is not shown again and only its hash is kept.")
            case "revoke":
                done = await agencies.revoke(pool, args.agency_id)
                print(f"{args.agency_id}: {'revoked' if done else 'no live key found'}")
                return 0 if done else 1
            case "list":
                for row in await agencies.listing(pool):
                    state = f"revoked {row['revoked_at']:%Y-%m-%d}" if row["revoked_at"] else "live"
                    print(f"{row['agency_id']:<32} {state:<20} {','.join(row['scopes'])}  {row['name']}")
        return 0
    except ValueError as error:
        print(f"error: {error}")
        return 2
    finally:
        await pool.close()

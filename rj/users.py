"""``rj user add|email|disable|enable|list``: the people who sign in (local accounts, DESIGN D10).

Accounts live in the ``identity`` schema of the system's database; only a work email needs the
key-encryption key, since it is sealed under the person's own key."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from rj.system import key_encryption_key, key_store, read_services
from shared.db import create_pool
from shared.identity.accounts import LEVELS, ROLES, Account, Accounts
from shared.identity.contact import sealed_contact


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``user`` to ``rj``."""
    parser = commands.add_parser("user", help="people's accounts (add, disable, enable, list)")
    sub = parser.add_subparsers(dest="user_command", required=True)
    add = sub.add_parser("add", help="make an account")
    add.add_argument("username", help="3 to 64 of letters, digits, '.', '_', '-'; any case is the same user")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--level", choices=LEVELS, help="practitioner level: for a facilitator or supervisor only")
    add.add_argument("--name", help="display name (default: the username)")
    add.add_argument("--email", help="work email for the system's messages (kept sealed under the person's key)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (otherwise it is asked for)")
    for verb, what in (("disable", "stop an account signing in and end its sessions"),
                       ("enable", "let a disabled account sign in again")):
        sub.add_parser(verb, help=what).add_argument("username")
    email = sub.add_parser("email", help="set (or with --remove, remove) an account's work email")
    email.add_argument("username")
    email.add_argument("address", nargs="?")
    email.add_argument("--remove", action="store_true")
    sub.add_parser("list", help="list accounts")


def run(args: argparse.Namespace, folder: Path) -> int:
    password = _password(args) if args.user_command == "add" else None
    if password is None and args.user_command == "add":
        return 2
    if args.user_command == "email" and bool(args.address) == bool(args.remove):
        print("error: address: give an email address, or --remove", file=sys.stderr)
        return 2
    kek = key_encryption_key(folder) if getattr(args, "email", None) or args.user_command == "email" else None
    return asyncio.run(_run(args, read_services(folder)["database_url"], password, kek))


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")  # one line, as `docker login` reads it
    if not sys.stdin.isatty():
        print("error: password: give --password-stdin to read it from a pipe", file=sys.stderr)
        return None
    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        print("error: password: the two did not match", file=sys.stderr)
        return None
    return password


async def _run(args: argparse.Namespace, database_url: str, password: str | None, kek: str | None) -> int:
    pool = await create_pool(database_url, max_size=2)
    try:
        accounts = Accounts(pool)
        await accounts.migrate()
        keys = await key_store(pool, kek) if kek else None
        match args.user_command:
            case "add":
                contact = await sealed_contact(args.username, args.email, keys) if args.email else None
                account = await accounts.add(args.username, password or "", role=args.role, level=args.level,
                                             display_name=args.name)
                if contact:
                    await accounts.set_contact(account.username, contact)
                print(f"added {_line(account)}")
            case "email":
                contact = await sealed_contact(args.username, args.address, keys) if args.address else None
                if (account := await accounts.set_contact(args.username, contact)) is None:
                    print(f"error: username: no account is called {args.username!r}", file=sys.stderr)
                    return 1
                print(f"{'set' if contact else 'removed'} the email of {account.username}")
            case "disable" | "enable":
                change = accounts.disable if args.user_command == "disable" else accounts.enable
                if (account := await change(args.username)) is None:
                    print(f"error: username: no account is called {args.username!r}", file=sys.stderr)
                    return 1
                print(f"{args.user_command}d {_line(account)}")
            case "list":
                for account in await accounts.list():
                    print(_line(account))
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        await pool.close()


def _line(account: Account) -> str:
    state = f"disabled {account.disabled_at:%Y-%m-%d}" if account.disabled_at else "enabled"
    role = f"{account.role} ({account.level})" if account.level else account.role
    return f"{account.username:<24} {role:<28} {state:<20} {account.display_name}"

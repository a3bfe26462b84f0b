"""The ``rj`` command: run the whole system on one machine and operate it.

The system's own verbs are here; each service adds its own (``rj agency`` from referral)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rj import audit, ops, seed, users
from rj.registry import SERVICES
from rj.system import data_dir, identity_key, key_encryption_key, service_settings
from rj.up import up
from shared.contracts.export import write


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="rj", description="Run and operate the restorative justice service.")
    root.add_argument("--data-dir", help="the system's data folder (default: $RJ_DATA_DIR or ./var)")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="run the whole system on this machine until Ctrl-C").add_argument(
        "--demo-clock", action="store_true", help="let referral and casework take X-RJ-Demo-Time (for `rj demo seed`)")
    commands.add_parser("status", help="report each service's health")
    rebuild = commands.add_parser("rebuild", help="rebuild a service's read models from the event store")
    rebuild.add_argument("service", choices=SERVICES)
    rebuild.add_argument("--projection", help="only this read model")
    dead = commands.add_parser("dead-letters", help="list, or re-drive, a service's dead letters")
    dead.add_argument("service", choices=SERVICES)
    dead.add_argument("--redrive", type=int, metavar="ID", help="apply this dead letter again")
    contracts = commands.add_parser("contracts", help="write the events' JSON Schemas and AsyncAPI document")
    contracts.add_argument("--out", default="contracts", help="folder to write to (default: ./contracts)")
    verify = commands.add_parser("verify", help="check the event store's hash chains (an auditor's proof)")
    verify.add_argument("--stream", help="only this stream, e.g. referral-<uuid>")
    commands.add_parser("identity-key", help="print the key a service without key access checks sign-ins with"
                                             " (RJ_IDENTITY_KEY, derived from the key-encryption key)")
    users.add_commands(commands)
    audit.add_commands(commands)
    seed.add_commands(commands)
    for service in SERVICES.values():
        if service.commands:
            service.commands(commands)
    for sub in commands.choices.values():
        sub.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = data_dir(args.data_dir)
    if run := getattr(args, "run", None):  # a service's own verb
        return run(args, service_settings(folder, SERVICES[args.service], keys_required=False))
    match args.command:
        case "up":
            return up(folder, demo_clock=args.demo_clock)
        case "status":
            return ops.status(folder)
        case "rebuild":
            return ops.rebuild(folder, args.service, args.projection)
        case "dead-letters":
            return ops.dead_letters(folder, args.service, args.redrive)
        case "user":
            return users.run(args, folder)
        case "identity-key":
            print(identity_key(key_encryption_key(folder)))
            return 0
        case "verify":
            return ops.verify(folder, args.stream)
        case "contracts":
            written = write(Path(args.out))
            print(f"wrote {len(written)} files under {args.out}/")
            return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

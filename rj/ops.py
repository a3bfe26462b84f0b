"""Operating a running system: status, rebuild, dead letters."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx

from rj.registry import SERVICES, find_service
from rj.system import read_services, service_settings
from shared.db import create_pool
from shared.eventstore.postgres import PostgresEventStore
from shared.logging import configure_logging
from shared.runtime import ServiceRuntime


def status(folder: Path) -> int:
    """Print each service's readiness; exit 0 only when all four are ready."""
    system = read_services(folder)
    all_ready = True
    for name in SERVICES:
        url = system.get(name)
        if url is None:
            raise SystemExit("status needs the services.json that `rj up` writes")
        try:
            response = httpx.get(f"{url}/readyz", timeout=3)
            ready, detail = response.status_code == 200, response.json().get("checks", {})
        except (httpx.HTTPError, ValueError) as error:
            ready, detail = False, {"error": type(error).__name__}
        all_ready &= ready
        print(f"{name:<14} {'ready' if ready else 'NOT READY':<10} {url}  {detail}")
    print(f"{'database':<14} {system['database_url']}")
    print(f"{'broker':<14} {system['nats_url']}")
    _print_processes(system.get("processes", {}))
    return 0 if all_ready else 1


def _print_processes(processes: dict) -> None:
    """The processes `rj up` supervises: pid, running or restarting, and how often each restarted."""
    if not processes:
        return
    print(f"\n{'process':<14} {'state':<11} {'pid':>8} {'restarts':>9}  last restart (exit code before it)")
    for name, process in processes.items():
        last = process.get("last_restart_at") or "-"
        if process.get("last_exit") is not None:
            last += f" (exit {process['last_exit']})"
        print(f"{name:<14} {process['state']:<11} {process.get('pid') or '-':>8} {process['restarts']:>9}  {last}")


def _runtime(folder: Path, name: str) -> ServiceRuntime:
    chosen = find_service(name)
    return ServiceRuntime(chosen.definition, service_settings(folder, chosen))


def rebuild(folder: Path, service: str, projection: str | None) -> int:
    """Replay the store into fresh read-model tables and swap them in, the service still serving."""
    configure_logging(service, fmt=os.environ.get("RJ_LOG_FORMAT", "console"))

    async def run() -> dict[str, int]:
        runtime = _runtime(folder, service)
        await runtime.open()
        try:
            return await runtime.rebuild(projection)
        finally:
            await runtime.pool.close()

    done = asyncio.run(run())
    if not done:
        print(f"{service} has no read model named {projection!r}")
        return 1
    for name, events in done.items():
        print(f"rebuilt {service}.{name} from {events} events")
    return 0


def dead_letters(folder: Path, service: str, redrive: int | None) -> int:
    """List a service's dead letters, or re-drive one through its consumer."""

    async def run() -> int:
        runtime = _runtime(folder, service)
        await runtime.open()
        try:
            if redrive is not None:
                ok = await runtime.redrive(redrive)
                print(f"dead letter {redrive}: {'re-driven' if ok else 'not found or already re-driven'}")
                return 0 if ok else 1
            letters = await runtime.dead_letters.waiting()
            for row in letters:
                print(f"{row['id']:>6}  {row['failed_at']:%Y-%m-%d %H:%M}  {row['consumer']:<32}"
                      f" {row['subject']:<40} x{row['deliveries']}  {row['error'][:80]}")
            print(f"{len(letters)} dead letter(s) waiting in {service}")
            return 0
        finally:
            await runtime.pool.close()

    return asyncio.run(run())


def verify(folder: Path, stream: str | None) -> int:
    """Recompute the hash chain of one stream, or of the whole store; exit 1 on any finding."""
    async def run() -> int:
        pool = await create_pool(read_services(folder)["database_url"], max_size=2)
        try:
            breaks = await PostgresEventStore(pool).verify(stream)
            total = await pool.fetchval(
                "SELECT count(*) FROM eventstore.events WHERE $1::text IS NULL OR stream_id = $1", stream
            )
        finally:
            await pool.close()
        for found in breaks:
            print(f"{found.problem.upper():<10} {found.stream_id} version {found.stream_version}: {found.detail}")
        scope = f"stream {stream}" if stream else "the whole store"
        print(f"verified {total} events in {scope}: " + (f"{len(breaks)} finding(s)" if breaks else "intact"))
        return 1 if breaks else 0

    return asyncio.run(run())

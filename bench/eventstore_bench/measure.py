"""Timing one run: wall clock, and CPU of this process, the database's backends and the machine (/proc)."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg


@dataclass
class Run:
    events: int
    seconds: float
    client_cpu: float  # this process, all threads
    server_cpu: float | None  # the benchmark database's client backends
    machine_cpu: float  # every process on the machine: client, PostgreSQL, anything else running

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def per_event(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds / self.events * 1e6


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat; 0 if unknown."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    """CPU seconds of a local PostgreSQL process, None if it is not one we can read.

    /proc/PID/schedstat counts nanoseconds on a CPU; /proc/PID/stat (clock ticks, 10 ms) is the
    fallback, too coarse for short runs.
    """
    try:
        if b"postgres" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
        try:
            return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Probe:
    """One side connection: server facts, CHECKPOINTs, and the CPU of the database's backends.

    Server CPU is the CPU time of the client backends connected to the benchmark database (read
    from /proc, so only when the server runs on this machine); the WAL writer,
    checkpointer and autovacuum are not in it (they show in the machine figure).
    """

    def __init__(self, url: str, *, analyze: bool = True):
        self.url, self.analyze_tables = url, analyze
        self.local = (urlsplit(url).hostname or "localhost") in ("localhost", "127.0.0.1", "::1")

    async def open(self) -> None:
        self.conn = await asyncpg.connect(self.url)

    async def close(self) -> None:
        await self.conn.close()

    async def info(self) -> dict[str, str]:
        info = {"version": await self.conn.fetchval("SELECT version()")}
        for setting in ("shared_buffers", "fsync", "synchronous_commit", "wal_level", "max_wal_size"):
            info[setting] = await self.conn.fetchval(f"SHOW {setting}")
        return info

    async def eventstore_scans(self) -> list[asyncpg.Record]:
        """Sequential and index scans on our tables so far (pg_stat_user_tables)."""
        return await self.conn.fetch(
            "SELECT relname, seq_scan, seq_tup_read, idx_scan FROM pg_stat_user_tables"
            " WHERE schemaname = 'eventstore' ORDER BY relname"
        )

    async def analyze(self) -> None:
        """Refresh planner statistics, as autovacuum would in a long-lived store (see --no-analyze)."""
        if self.analyze_tables:
            await self.conn.execute("ANALYZE")

    async def checkpoint(self) -> None:
        """Start every timed run with no dirty buffers to write (needs superuser; skipped otherwise)."""
        try:
            await self.conn.execute("CHECKPOINT")
        except asyncpg.PostgresError:
            pass

    async def server_cpu(self) -> dict[int, float] | None:
        if not self.local:
            return None
        pids = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        cpu = {r["pid"]: process_cpu(r["pid"]) for r in pids}
        if not cpu or any(v is None for v in cpu.values()):
            return None
        return {pid: v for pid, v in cpu.items() if v is not None}

    async def measure(self, events: int, action: Callable[[], Awaitable[Any]]) -> Run:
        await self.checkpoint()
        server = await self.server_cpu()
        cpu, busy = time.process_time(), machine_busy()
        started = time.perf_counter()
        await action()
        seconds = time.perf_counter() - started
        client, machine = time.process_time() - cpu, machine_busy() - busy
        after = await self.server_cpu()
        server_s = None
        if server is not None and after is not None and not server.keys() - after.keys():
            # A backend that ended during the run took its CPU time with it: then "unknown". (asyncpg
            # pools replace a connection after 50,000 queries, so this happens now and then.)
            server_s = sum(v - server.get(pid, 0.0) for pid, v in after.items())
        return Run(events, seconds, client, server_s, machine)

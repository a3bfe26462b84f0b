"""What the benchmark prints: the header (machine, server, code), per-run lines and the summary tables."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
from datetime import UTC, datetime
from importlib.metadata import version as dist_version
from pathlib import Path

import asyncpg

from .config import BATCH10_FACTOR, PAGE, STREAM_LENGTH, SYSTEMS
from .measure import Run
from .workload import referral_payload

Runs = dict[tuple[str, str], list[Run]]  # (cell, system name) -> its timed runs


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}"


def median_known(values: list[float | None]) -> float | None:
    """The median of the known values (a run whose server CPU is unknown shows "-" on its line)."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def cell_name(writers: int, batch: int) -> str:
    return f"append, {writers:>2} writer{'s' if writers > 1 else ' '}, batch {batch:>2}"


def run_line(run: Run, cell: str, system: str) -> str:
    """One timed run: events, seconds, rate, and CPU per event of client, server and machine."""
    return (
        f"  {cell:<29} {system:<8} {run.events:>6} ev {run.seconds:6.2f} s {run.rate:>8,.0f} ev/s"
        f" | CPU us/ev: client {run.per_event(run.client_cpu):5,.0f}"
        f" server {fmt(run.per_event(run.server_cpu)):>5}"
        f" machine {run.per_event(run.machine_cpu):5,.0f}"
        f" ({run.machine_cpu / run.seconds / (os.cpu_count() or 1):4.0%} of all cores)"
    )


def print_header(
    info: dict[str, str], where: str, events: int, repeat: int, quick: bool, analyze: bool
) -> None:
    """The date, server, machine, versions, workload and code this run measures."""
    print("Event store benchmark (bench/eventstore.py)")
    print(f"  date      {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"  server    {where}")
    print(f"  machine   {cpu_model()}, {os.cpu_count()} cores, {ram_gib()} RAM, {platform.platform()}")
    print(f"  postgres  {info.pop('version')}")
    print("  settings  " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(
        f"  python    {platform.python_version()}; asyncpg {dist_version('asyncpg')},"
        f" psycopg {dist_version('psycopg')}, eventsourcing {dist_version('eventsourcing')}"
    )
    print(
        f"  workload  {events} events per batch-1 run, {events * BATCH10_FACTOR} per batch-10 run,"
        f" median of {repeat} runs per cell; {len(json.dumps(referral_payload(0)))} B JSON data per event;"
        f" {STREAM_LENGTH} events per stream; read_all pages of {PAGE}" + (" (--quick)" if quick else "")
        + ("; ANALYZE before each set of runs" if analyze else "; no ANALYZE (--no-analyze)")
    )
    print(f"  code      {code_fingerprint()}")
    print(f"  load avg  {loadavg()} (1, 5, 15 min) at the start", flush=True)
    print()


def print_tables(cells: list[str], runs: Runs) -> None:
    """The summary: median events/s per cell and system, then median CPU per event."""
    _print_rates(cells, runs)
    print()
    _print_cpu(cells, runs)


def _print_rates(cells: list[str], runs: Runs) -> None:
    rate = {key: statistics.median(r.rate for r in rs) for key, rs in runs.items()}
    print()
    header = f"{'events/s (median)':<31}" + "".join(
        f"{name:>{width}}" for name, width in (("ours", 10), ("ceiling", 10), ("peer", 10),
                                               ("ours/ceiling", 14), ("ours/peer", 11))
    )
    print(header)
    print("-" * len(header))
    for cell in cells:
        ours, ceiling, peer = (rate.get((cell, s)) for s in SYSTEMS)
        print(f"{cell:<31}{fmt(ours):>10}{fmt(ceiling):>10}{fmt(peer):>10}"
              f"{ratio(ours, ceiling):>14}{ratio(ours, peer):>11}")


def _print_cpu(cells: list[str], runs: Runs) -> None:
    header = f"{'CPU us/event, client+server':<31}" + "".join(f"{s:>14}" for s in SYSTEMS)
    print(header)
    print("-" * len(header))
    for cell in cells:
        row = []
        for system in SYSTEMS:
            rs = runs[(cell, system)]
            client = median_known([r.per_event(r.client_cpu) for r in rs])
            server = median_known([r.per_event(r.server_cpu) for r in rs])
            row.append(f"{fmt(client)}+{fmt(server)}")
        print(f"{cell:<31}" + "".join(f"{c:>14}" for c in row))


def print_store_checks(
    appended: int, verify_s: float, breaks: int, scans: list[asyncpg.Record], load_end: str
) -> None:
    """The hash-chain verify, the scans on our tables over the whole run, and the final load."""
    print()
    print(f"hash-chain verify of our whole store: {appended} events in {verify_s:.2f} s"
          f" ({appended / verify_s:,.0f} events/s), {breaks} breaks")
    print("our tables (whole run, verify included): " + "; ".join(
        f"eventstore.{r['relname']} {r['seq_scan']:,} seq scans ({r['seq_tup_read']:,} rows read),"
        f" {r['idx_scan']:,} index scans" for r in scans
    ))
    print(f"load avg {load_end} (1, 5, 15 min) at the end")


# -- the machine and the code -----------------------------------------------------------------------


def code_fingerprint() -> str:
    """A short SHA-256 of the store's code as this run loaded it (the files change over time)."""
    import shared.db
    import shared.eventstore.postgres as module
    import shared.jsontext

    folder = Path(module.__file__).parent
    files = [*sorted(folder.glob("*.py")), *sorted((folder / "sql").glob("*.sql")), Path(shared.db.__file__),
             Path(shared.jsontext.__file__)]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{digest.hexdigest()[:12]} (sha256 of shared/eventstore/*.py, sql/*.sql, shared/db.py, jsontext.py)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"

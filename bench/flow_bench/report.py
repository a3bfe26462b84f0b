"""What the benchmark prints: the header, a block per rate as it finishes, and the summary tables."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as dist_version
from pathlib import Path

from .backlog import Backlog
from .config import LATE, POLL_INTERVAL, PROCESSES
from .load import RateRun, late_sends
from .procs import Usage, loadavg
from .stages import Stages


@dataclass
class Result:
    """One rate, measured: the run, the server-side stages, and the processes' usage."""

    run: RateRun
    stages: Stages
    usage: dict[str, Usage]  # PROCESSES and "client"
    machine_cpu_s: float
    seconds: float  # wall time the usage covers (first send to last case seen)
    trouble: dict[str, int]  # log lines during this rate
    restarts: dict[str, int]
    backlog: Backlog


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least ``p`` % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value * 1000:,.{digits}f}"


def mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:,.0f}"


def spread(values: list[float]) -> str:
    """p50 / p95 / p99 / max in milliseconds."""
    return " / ".join(ms(percentile(values, p)) for p in (50, 95, 99, 100))


# -- the figures of one rate ----------------------------------------------------------------------


def figures(result: Result) -> dict[str, str]:
    """Every row of the summary table for one rate, label -> value."""
    run, st = result.run, result.stages
    accepted = run.accepted
    errors = [r for r in run.referrals if not r.accepted]
    send_span = run.last_send - run.first_send
    lags = late_sends(run)
    accept = [r.answered - r.scheduled for r in accepted]
    visible = [r.seen - r.answered for r in accepted if r.seen is not None]
    end_to_end = [r.seen - r.scheduled for r in accepted if r.seen is not None]
    thirds = _thirds([r for r in accepted if r.seen is not None])
    windows = [r.window for r in accepted if r.window is not None]
    last_seen = max((r.seen for r in accepted if r.seen is not None), default=None)
    polls = run.polls
    error_kinds: dict[str, int] = {}
    for r in errors:
        error_kinds[r.error or "?"] = error_kinds.get(r.error or "?", 0) + 1
    return {
        "sent (POSTs started)": f"{len(run.referrals):,}",
        "accepted (201)": f"{len(accepted):,}",
        "errors": f"{len(errors):,}" + (" (" + ", ".join(f"{k}: {v}" for k, v in error_kinds.items()) + ")"
                                         if errors else ""),
        "achieved send rate /s": f"{(len(run.referrals) - 1) / send_span:.2f}" if send_span > 0 else "-",
        "cases seen /s (first send to last seen)":
            f"{len(visible) / (last_seen - run.first_send):.2f}" if last_seen else "-",
        f"sends late > {LATE * 1000:.0f} ms / max lag ms": f"{sum(lag > LATE for lag in lags):,} / {ms(max(lags), 1)}",
        "peak POSTs in flight": f"{run.peak_in_flight}",
        "accept ms p50/p95/p99/max": spread(accept),
        "accepted->visible ms p50/p95/p99/max": spread(visible),
        "sent->visible ms p50/p95/p99/max": spread(end_to_end),
        "accepted->visible p50 ms, 1st/2nd/3rd third": " / ".join(ms(percentile(t, 50)) for t in thirds),
        "visible at 1st poll after 201": f"{sum(r.at_first_poll for r in accepted):,}",
        "accepted, never seen (drain)": f"{len(accepted) - len(visible):,}",
        "polls / mean gap ms / query p50,p99 ms": f"{polls.count:,} / {ms(_mean(polls.gaps), 1)} / "
            f"{ms(percentile(polls.durations, 50), 1)},{ms(percentile(polls.durations, 99), 1)}",
        "poll resolution ms mean / max": f"{ms(_mean(windows), 1)} / {ms(max(windows, default=None), 1)}",
        "stage: sent->ReferralReceived": spread(st.intake),
        "stage: ReferralReceived->201": spread(st.answer),
        "stage: ReferralReceived->CaseOpened": spread(st.reaction),
        "stage: CaseOpened->seen": spread(st.projection),
        "events recorded / per accepted referral":
            f"{sum(st.events.values()):,} / {sum(st.events.values()) / len(accepted):.1f}" if accepted else "-",
        "relay backlog (not yet on NATS): at last send / peak": f"{_n(result.backlog.relay_at_last_send)} / "
            f"{_n(max(result.backlog.relay, default=None))}",
        "consumer backlog at last send: total / largest": _backlog(result.backlog.at_last_send),
        "consumer backlog peak (1 s): total / largest": f"{result.backlog.peak_total():,} / "
            + "{} {:,}".format(*result.backlog.peak()),
    }


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _backlog(backlog: dict[str, int]) -> str:
    if not backlog:
        return "-"
    name, n = max(backlog.items(), key=lambda item: item[1])
    return f"{sum(backlog.values()):,} / {name} {n:,}"


def _thirds(referrals: list) -> list[list[float]]:
    """accepted->visible of the first, middle and last third of the referrals, in sending order."""
    n = len(referrals)
    parts = [referrals[: n // 3], referrals[n // 3: 2 * n // 3], referrals[2 * n // 3:]]
    return [[r.seen - r.answered for r in part] for part in parts]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def usage_rows(result: Result) -> dict[str, str]:
    """Peak memory (VmHWM, MiB) and CPU (% of one core over the rate) per process."""
    rows = {}
    for name in (*PROCESSES, "client"):
        u = result.usage.get(name)
        if u is None:
            rows[name] = "-"
            continue
        peak = mib(u.peak_kib) + ("" if u.reset else "*")
        rows[name] = f"{peak} MiB, {_share(u.cpu_s, result.seconds)}"
        if name == "postgres":
            rows["postgres children"] = (f"{u.children} procs, largest {mib(u.child_peak_kib)} MiB,"
                                         f" {_share(u.child_cpu_s, result.seconds)}")
    rows["machine (all processes)"] = f"{_share(result.machine_cpu_s, result.seconds)} of {os.cpu_count()} cores"
    return rows


def _share(cpu_s: float | None, seconds: float) -> str:
    return "-" if cpu_s is None else f"{cpu_s / seconds:.0%} CPU"


# -- printing -------------------------------------------------------------------------------------


def print_header(services: dict, rates: list[float], seconds: float, quick: bool, drain: float) -> None:
    print("End-to-end flow benchmark (bench/flow.py): referral accepted -> case in casework's read model")
    print(f"  date      {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"  machine   {_cpu_model()}, {os.cpu_count()} cores, {_ram_gib()} RAM, {platform.platform()}")
    print(f"  python    {platform.python_version()}; httpx {dist_version('httpx')}, asyncpg {dist_version('asyncpg')}")
    print(f"  system    rj up: embedded PostgreSQL and NATS, four services, one process each"
          f" (referral {services['referral']}, casework {services['casework']})")
    print(f"  workload  {', '.join(f'{r:g}/s' for r in rates)}, {seconds:g} s each, open loop"
          f"{' (--quick)' if quick else ''}; POST /api/v1/referrals, demo agency key, unique Idempotency-Key,"
          f" unique crime reference and victim; casework.cases polled every {POLL_INTERVAL * 1000:g} ms;"
          f" drain up to {drain:g} s")
    print(f"  code      {_code()}")
    print(f"  load avg  {loadavg()} (1, 5, 15 min) at the start", flush=True)
    print()


def print_rate(result: Result) -> None:
    """A few lines as each rate finishes, so a long run shows progress."""
    run, f = result.run, figures(result)
    print(f"rate {run.rate:g}/s for {run.seconds:g} s: sent {f['sent (POSTs started)']},"
          f" accepted {f['accepted (201)']}, errors {f['errors']}; accept p50 {f['accept ms p50/p95/p99/max']} ms;"
          f" accepted->visible {f['accepted->visible ms p50/p95/p99/max']} ms (p50/p95/p99/max);"
          f" load avg {loadavg()}", flush=True)


def print_summary(results: list[Result]) -> None:
    columns = [f"{r.run.rate:g}/s x {r.run.seconds:g} s" for r in results]
    _table("latency and throughput", [figures(r) for r in results], columns)
    print()
    _table("peak memory (VmHWM), CPU (share of one core)", [usage_rows(r) for r in results], columns)
    if not all(u.reset for r in results for u in r.usage.values()):
        print("  * VmHWM could not be reset: the peak since the process started")
    print()
    print("log lines during each rate (services and rj up): " + "; ".join(
        f"{c}: {', '.join(f'{k} {v}' for k, v in r.trouble.items() if v) or 'none'}"
        for c, r in zip(columns, results, strict=True)))
    restarts = {k: v for k, v in results[-1].restarts.items() if v}
    print(f"process restarts by rj up: {restarts or 'none'}")
    for column, r in zip(columns, results, strict=True):
        print(f"events recorded, {column}: " + ", ".join(f"{k} {v:,}" for k, v in r.stages.events.items()))
        if r.backlog.at_last_send:
            print(f"consumer backlogs at the last send, {column}: " + ", ".join(
                f"{k} {v:,}" for k, v in sorted(r.backlog.at_last_send.items(), key=lambda kv: -kv[1])))
    print(f"load avg {loadavg()} (1, 5, 15 min) at the end")


def _table(title: str, rows: list[dict[str, str]], columns: list[str]) -> None:
    labels = list(rows[0])
    width = max(len(label) for label in labels) + 2
    col = max(24, *(len(v) + 2 for row in rows for v in row.values()), *(len(c) + 2 for c in columns))
    header = f"{title:<{width}}" + "".join(f"{c:>{col}}" for c in columns)
    print(header)
    print("-" * len(header))
    for label in labels:
        print(f"{label:<{width}}" + "".join(f"{row.get(label, '-'):>{col}}" for row in rows))


def _code() -> str:
    """The commit, and how many tracked files differ from it (others edit the tree too)."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                 capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{head}" + (f" + {len(changed)} changed tracked files" if changed else " (clean)")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"

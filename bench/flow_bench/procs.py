"""Memory and CPU of processes, from /proc (Linux).

Peak memory is ``VmHWM`` (the resident set's high-water mark) from /proc/PID/status. Before each
rate the mark is reset to the current resident size by writing ``5`` to /proc/PID/clear_refs (Linux
4.0+, needs the right to write there: root, or the process's owner), so each rate reports its own
peak; where the reset is refused the figure is the peak since the process started, and the report
says so. CPU is user + system time of the whole process (all threads) from /proc/PID/stat, in
clock ticks (10 ms).

PostgreSQL is many processes: the postmaster (the pid in services.json) and a backend per
connection plus its background workers. Their figures are reported apart: the postmaster's own,
and over its children the largest VmHWM and the CPU they used (a child that exits during a rate
takes its CPU time with it). VmHWM counts shared memory each process touched (shared_buffers), so
the children's peaks are not summed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def status_kib(pid: int, key: str = "VmHWM") -> int | None:
    """A ``kB`` field of /proc/PID/status, or None if the process is gone or unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current resident size; False if the kernel refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of the process, all its threads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (scans /proc: the postmaster's backends and workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@dataclass
class Usage:
    """One rate's figures for one supervised process (or this client)."""

    peak_kib: int | None = None  # VmHWM at the end of the rate
    reset: bool = False  # whether the peak was reset at the start of the rate
    cpu_s: float | None = None  # CPU seconds during the rate
    children: int = 0  # postgres: child processes at the end
    child_peak_kib: int | None = None  # postgres: the largest child VmHWM
    child_cpu_s: float | None = None  # postgres: the children's CPU seconds during the rate


@dataclass
class Watch:
    """Reset peaks and read CPU at the start of a rate; read both at its end."""

    pids: dict[str, int]  # name -> pid; "postgres" is the postmaster
    _cpu: dict[int, float] = field(default_factory=dict)
    _reset: dict[int, bool] = field(default_factory=dict)

    def _all(self) -> list[int]:
        pids = list(self.pids.values())
        if "postgres" in self.pids:
            pids += children(self.pids["postgres"])
        return pids

    def start(self) -> None:
        for pid in self._all():
            self._reset[pid] = reset_peak(pid)
            if (cpu := cpu_seconds(pid)) is not None:
                self._cpu[pid] = cpu

    def _used(self, pid: int) -> float | None:
        now = cpu_seconds(pid)
        return None if now is None else now - self._cpu.get(pid, 0.0)  # a new child started at 0

    def end(self) -> dict[str, Usage]:
        usage = {}
        for name, pid in self.pids.items():
            u = Usage(status_kib(pid), self._reset.get(pid, False), self._used(pid))
            if name == "postgres":
                kids = children(pid)
                peaks = [p for p in (status_kib(k) for k in kids) if p is not None]
                used = [c for c in (self._used(k) for k in kids) if c is not None]
                u.children, u.child_peak_kib = len(kids), max(peaks, default=None)
                u.child_cpu_s = sum(used) if used else None
            usage[name] = u
        return usage


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat; 0 if unknown."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"

"""One benchmark run on one database: set up, warm up, time every cell, print the results."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from .anatomy import ANATOMY_SHAPES, anatomy_steps, print_anatomy
from .config import BATCH10_FACTOR, BATCHES, PAGE, WARMUP_EVENTS_PER_WRITER, WRITERS
from .measure import Probe
from .report import Runs, cell_name, loadavg, print_header, print_store_checks, print_tables, run_line
from .systems import Ceiling, Ours, Peer
from .workload import make_plan, plan_size


@dataclass
class Measured:
    cells: list[str]
    runs: Runs
    appended: int  # events in each system's store: warm-up and every append cell
    verify_s: float
    breaks: int
    scans: list[asyncpg.Record]
    anatomy_runs: Runs


async def run(
    url: str, events: int, repeat: int, quick: bool, anatomy: bool, analyze: bool, where: str
) -> None:
    probe = Probe(url, analyze=analyze)
    await probe.open()
    print_header(await probe.info(), where, events, repeat, quick, analyze)

    ours, ceiling, peer = Ours(url), Ceiling(url), Peer(url)
    systems: list[Any] = [ours, ceiling, peer]
    steps: list[Any] = anatomy_steps(url, ours, ceiling) if anatomy else []
    try:
        measured = await _measure_all(probe, ours, systems, steps, events, repeat)
    finally:
        for system in systems + steps[1:-1]:
            if hasattr(system, "pool") or hasattr(system, "datastore"):  # set up: close it
                await system.close()
        load_end = loadavg()
        await probe.close()

    print_tables(measured.cells, measured.runs)
    print_store_checks(measured.appended, measured.verify_s, measured.breaks, measured.scans, load_end)
    if anatomy:
        print_anatomy(steps, ANATOMY_SHAPES, measured.anatomy_runs)


async def _measure_all(
    probe: Probe, ours: Ours, systems: list[Any], steps: list[Any], events: int, repeat: int
) -> Measured:
    """Every cell of the run; the anatomy steps (if any) share the warm-up and the event counter."""
    counter = [0]
    appended = await _set_up_and_warm_up(systems + steps[1:-1], counter)
    await probe.analyze()

    runs: Runs = {}
    shapes = [(w, b) for w in WRITERS for b in BATCHES]
    cells = [cell_name(w, b) for w, b in shapes]
    appended += await append_cells(probe, systems, shapes, events, repeat, counter, runs)

    await probe.analyze()
    cells.append(await read_cells(probe, systems, appended, repeat, runs))

    started = time.perf_counter()
    breaks = await ours.store.verify()
    verify_s = time.perf_counter() - started
    scans = await probe.eventstore_scans()

    anatomy_runs: Runs = {}
    if steps:
        print()
        print("anatomy: from the ceiling to our store, one ingredient at a time", flush=True)
        await append_cells(probe, steps, ANATOMY_SHAPES, events, repeat, counter, anatomy_runs)
    return Measured(cells, runs, appended, verify_s, len(breaks), scans, anatomy_runs)


async def _set_up_and_warm_up(systems: list[Any], counter: list[int]) -> int:
    """Create every system's tables, then append the same warm-up events to each; returns their number."""
    for system in systems:
        await system.setup()
    warmup = make_plan(16, 1, 16 * WARMUP_EVENTS_PER_WRITER, counter)
    for system in systems:
        await system.append(warmup)
    return plan_size(warmup)


async def append_cells(
    probe: Probe, systems: Sequence[Any], shapes: Sequence[tuple[int, int]], events: int, repeat: int,
    counter: list[int], runs: Runs,
) -> int:
    """Time every system on the same fresh events, in a rotating order; returns events appended each."""
    appended = 0
    for index, (writers, batch) in enumerate(shapes):
        cell = cell_name(writers, batch)
        for rep in range(repeat):
            plan = make_plan(writers, batch, events * (BATCH10_FACTOR if batch > 1 else 1), counter)
            await probe.analyze()
            size = plan_size(plan)
            appended += size
            turn = (index + rep) % len(systems)
            for system in [*systems[turn:], *systems[:turn]]:
                result = await probe.measure(size, lambda s=system, p=plan: s.append(p))
                runs.setdefault((cell, system.name), []).append(result)
                print(run_line(result, cell, system.name), flush=True)
    return appended


async def read_cells(probe: Probe, systems: Sequence[Any], appended: int, repeat: int, runs: Runs) -> str:
    """Time reading each whole store in global order, after one untimed pass; returns the cell's name."""
    cell = f"read_all, pages of {PAGE}"
    for system in systems:
        await system.read_all()  # warm-up pass, untimed
        for _ in range(repeat):
            counted: list[int] = []

            async def read(s: Any = system, out: list[int] = counted) -> None:
                out.append(await s.read_all())

            result = await probe.measure(appended, read)
            if counted != [appended]:
                raise AssertionError(f"{system.name}: read {counted} events, appended {appended}")
            runs.setdefault((cell, system.name), []).append(result)
            print(run_line(result, cell, system.name), flush=True)
    return cell

"""The whole run: a warm-up, then each rate in turn, each measured and reported."""

from __future__ import annotations

import asyncio
import os

from .backlog import Sampler
from .config import PROCESSES, SETTLE
from .load import run_rate
from .procs import Watch, machine_busy
from .report import Result, print_header, print_rate, print_summary
from .stages import stages
from .system import System

WARM_UP = (5.0, 2.0)  # rate, seconds: untimed, so the first measured requests are not the system's first


async def run(system: System, rates: list[float], seconds: float, quick: bool, drain: float) -> list[Result]:
    key, url, database_url = system.agency_key(), system.referral_url, system.database_url
    print_header(system.services, rates, seconds, quick, drain)
    warm = await run_rate(url, key, database_url, *WARM_UP, drain)
    print(f"warm-up: {len(warm.accepted)} of {len(warm.referrals)} referrals accepted, not reported", flush=True)
    results = []
    for rate in rates:
        await asyncio.sleep(SETTLE)
        pids = {name: pid for name, pid in system.pids().items() if name in PROCESSES}
        watch = Watch({**pids, "client": os.getpid()})
        trouble = system.trouble()
        watch.start()
        busy = machine_busy()
        loop = asyncio.get_running_loop()
        began = loop.time()
        async with Sampler(system.services["nats_url"], database_url) as sampler:
            measured = await run_rate(url, key, database_url, rate, seconds, drain, sampler)
        usage = watch.end()
        spent = loop.time() - began
        machine = machine_busy() - busy
        after = system.trouble()
        result = Result(measured, await stages(database_url, measured), usage, machine, spent,
                        {k: after[k] - trouble[k] for k in after}, system.restarts(), sampler.backlog)
        print_rate(result)
        results.append(result)
    print()
    print_summary(results)
    return results

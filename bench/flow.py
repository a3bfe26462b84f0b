#!/usr/bin/env python3
"""End-to-end flow latency: a referral accepted by the referral service until its case is visible in
casework's read model, on a whole system started with `rj up`, at fixed arrival rates.

    python bench/flow.py [--rates 10,50] [--seconds 30] [--quick] [--drain 120] [--data-dir DIR]

The script starts its own `rj up` (``python -m rj --data-dir <temporary folder> up`` as a child
process: embedded PostgreSQL and NATS JetStream on free ports, the four services as separate
uvicorn processes), waits for ``services.json`` and the demo agency key (``secrets/demo-agency-key``),
runs, then stops `rj up` with SIGINT and removes the folder. ``--data-dir`` uses (and keeps) a given
folder instead. ``RJ_*`` variables are not passed on, so the machine's own servers are never used.

What is measured, for each rate (``--rates``, referrals per second, each for ``--seconds``):

* **Sending, open loop.** Referral *i* is due at ``start + i / rate``; at that moment the client
  starts its ``POST /api/v1/referrals`` (the API's example referral with a unique crime reference
  and victim name, the demo agency's key, a unique ``Idempotency-Key``) without waiting for any
  earlier answer; the connection pool is unbounded so no request queues in the client. How far
  behind schedule each POST started is recorded (sends more than 5 ms late, the largest lag), and
  so is the peak number of POSTs in flight.
* **Accept latency**: from the moment the POST was *due* to its answer (201) — so a client that
  fell behind would show it here too (no coordinated omission). The referral service answers 201
  once ``ReferralReceived`` is stored *and* its own status read model shows it (read-your-writes,
  DESIGN D7: it polls every 50 ms, for at most 5 s).
* **Accepted->visible**: from the 201 to the first poll that finds a row with that ``referral_id``
  in ``casework.cases``. One asyncpg connection (straight to the database URL in services.json)
  asks every 10 ms, in one prepared query, for all accepted referrals not yet seen
  (``referral_id = ANY($1)``). A case is timed at the poll's *answer*: an upper bound. It became
  visible after the previous poll started (or after its 201, if later), so the report gives the
  resolution — the mean and largest length of that window — with the polls' count, mean gap and
  query time. A case can already be visible when its 201 arrives (casework consumes the same
  event the referral service's read model waits for); the report counts those (found by the first
  poll after the 201). **Sent->visible** is from the POST's due time to the same poll answer.
  After the last answer the poller waits up to ``--drain`` seconds (default 120) for cases not yet
  seen; any still unseen are counted.
* **Where the time goes**, from the times the services themselves recorded (``recorded_at`` in
  the event store, same machine clock): POST started -> ``ReferralReceived`` recorded (the HTTP
  request, validation, sealing, the append); ``ReferralReceived`` -> 201 received (the read-your-
  writes wait: referral's relay, NATS, referral's own projection, and the answer);
  ``ReferralReceived`` -> ``CaseOpened`` recorded (referral's relay, NATS, casework's
  ``open_cases`` reaction and its append); ``CaseOpened`` -> seen (casework's relay, NATS,
  casework's ``cases`` projection, and the poll).
* **Whether a rate was sustained**: achieved send rate, cases seen per second from the first send
  to the last case seen, and the accepted->visible median of the first, middle and last third of
  the referrals (a backlog that grows shows as a rising median).
* **Consumer backlogs** on NATS JetStream (``nats-py``, one connection): every durable consumer's
  pending + unacknowledged messages, sampled every second and at the moment of the last send; the
  total, the largest, and each consumer's backlog at the last send; and the relays' backlog: events
  in the store less messages in the stream (recorded, not yet published).
* **Events recorded** from the first send to the last case seen, by type, and per accepted referral.
* **Peak memory and CPU** of each process `rj up` runs (the pids in services.json: the
  PostgreSQL postmaster, nats-server, the four services) and of this client: VmHWM from
  /proc/PID/status, reset at the start of each rate (``clear_refs``) so each rate shows its own
  peak, and CPU time (user + system, all threads, /proc/PID/stat) over the rate as a share of one
  core. PostgreSQL's
  children (a backend per connection, background workers) are reported apart: their count, the
  largest VmHWM among them and their CPU. The machine's whole busy CPU (/proc/stat) is printed
  too: the machine is shared, and whatever else runs shows there.
* **Trouble** during each rate, counted from the JSON logs in ``<data dir>/logs``: read-your-writes
  waits that timed out, consumer retries and dead letters, processes that died, relay failures.

Before the first rate, an untimed warm-up (5/s for 2 s); between rates, 3 s of rest. Nothing is
asserted: the figures are printed. ``--quick`` is a smoke run: 5/s and 20/s for 5 s each.

This file is the entry point; the parts are in ``bench/flow_bench/``: ``system`` (starting and
stopping `rj up`), ``load`` (the open-loop sender and the poller), ``stages`` (the services' own
timestamps), ``backlog`` (consumer backlogs), ``procs`` (memory and CPU from /proc), ``report``
(tables), ``runner`` (one run).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence

# Run as a script, Python puts this file's folder (bench/) first on sys.path, so the package beside it
# imports as ``flow_bench``; ``services`` and ``shared`` come from the project install.
from flow_bench.config import DEFAULT_RATES, DEFAULT_SECONDS, DRAIN_TIMEOUT, QUICK_RATES, QUICK_SECONDS
from flow_bench.runner import run
from flow_bench.system import rj_up


def _rates(text: str) -> list[float]:
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not rates or any(r <= 0 for r in rates):
        raise argparse.ArgumentTypeError("rates must be positive")
    return rates


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=_rates, help="referrals per second, comma-separated (default "
                        + ",".join(f"{r:g}" for r in DEFAULT_RATES) + ")")
    parser.add_argument("--seconds", type=float, help=f"sending time per rate (default {DEFAULT_SECONDS:g})")
    parser.add_argument("--quick", action="store_true", help="smoke run: rates "
                        + ",".join(f"{r:g}" for r in QUICK_RATES) + f" for {QUICK_SECONDS:g} s each")
    parser.add_argument("--drain", type=float, default=DRAIN_TIMEOUT, help="after the last answer, how long to"
                        f" wait for cases not yet visible (default {DRAIN_TIMEOUT:g} s)")
    parser.add_argument("--data-dir", help="run rj up in this folder (kept afterwards) instead of a temporary one")
    args = parser.parse_args(argv)
    args.rates = args.rates or list(QUICK_RATES if args.quick else DEFAULT_RATES)
    args.seconds = args.seconds or (QUICK_SECONDS if args.quick else DEFAULT_SECONDS)
    return args


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # stop rj up and remove the folder when killed
    with rj_up(args.data_dir) as system:
        asyncio.run(run(system, args.rates, args.seconds, args.quick, args.drain))


if __name__ == "__main__":
    main(sys.argv[1:])

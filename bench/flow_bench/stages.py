"""Where the time goes: the times the services recorded, read from the event store after a rate.

For each accepted referral: ``ReferralReceived`` (appended by the referral service while it
handled the POST) and the ``CaseOpened`` it caused (appended by casework's reaction; its
``causation_id`` is the referral event's id). ``recorded_at`` is taken by the appending process
(``datetime.now`` just before its transaction), on the same machine and clock as this client.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from .load import RateRun


@dataclass
class Stages:
    intake: list[float]  # POST started -> ReferralReceived recorded
    answer: list[float]  # ReferralReceived recorded -> 201 received (read-your-writes wait, answer)
    reaction: list[float]  # ReferralReceived recorded -> CaseOpened recorded
    projection: list[float]  # CaseOpened recorded -> the poll that saw the case answered
    missing: int  # accepted referrals without both events
    events: dict[str, int]  # event type -> events recorded from the first send to the last case seen


async def stages(database_url: str, run: RateRun) -> Stages:
    accepted = [r for r in run.accepted if r.seen is not None]
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT r.stream_id, extract(epoch FROM r.recorded_at)::float8 AS received,"
            " extract(epoch FROM c.recorded_at)::float8 AS opened"
            " FROM eventstore.events r JOIN eventstore.events c"
            " ON c.causation_id = r.event_id AND c.event_type = 'CaseOpened'"
            " WHERE r.event_type = 'ReferralReceived' AND r.stream_id = ANY($1::text[])",
            [f"referral-{r.referral_id}" for r in accepted])
        counts = await conn.fetch(
            "SELECT event_type, count(*) AS n FROM eventstore.events"
            " WHERE recorded_at BETWEEN to_timestamp($1) AND to_timestamp($2) GROUP BY 1 ORDER BY 2 DESC, 1",
            run.first_send + run.wall_offset, run.drained + run.wall_offset)
    finally:
        await conn.close()
    times = {row["stream_id"]: (row["received"], row["opened"]) for row in rows}
    result = Stages([], [], [], [], 0, {row['event_type']: row['n'] for row in counts})
    for r in accepted:
        if f"referral-{r.referral_id}" not in times:
            result.missing += 1
            continue
        received, opened = times[f"referral-{r.referral_id}"]
        started, answered, seen = (t + run.wall_offset for t in (r.started, r.answered, r.seen))
        result.intake.append(received - started)
        result.answer.append(answered - received)
        result.reaction.append(opened - received)
        result.projection.append(seen - opened)
    result.missing += len(run.accepted) - len(accepted)
    return result

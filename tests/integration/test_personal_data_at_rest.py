"""No personal value of a referral is kept or published in clear (DESIGN D5): read straight from
the event store's rows, every table of the referral service, and the broker's stored messages."""

from __future__ import annotations

import json

import httpx
import nats
from nats.js.errors import NotFoundError

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from shared.messaging.broker import STREAM
from tests.servers import serve
from tests.support import eventually

# Every value of the example that identifies or locates a person, as sent and as normalised.
PERSONAL_VALUES = [
    "PC Jo Evans", "jo.evans@police.example", "01632 960001", "+441632960001",
    "Alex Morgan", "alex.morgan@example.org", "07700 900123", "+447700900123", "HP20 1AA", "1984-03-02",
    "Lives with family", "weekdays after 6pm", "House broken into", "Sam Taylor", "why our house was chosen",
]


def in_clear(text: str) -> list[str]:
    return [value for value in PERSONAL_VALUES if value in text]


async def test_no_personal_value_of_a_referral_is_stored_or_published_in_clear(fresh_database_url, clean_nats_url):
    async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
        pool = app.state.runtime.pool
        _, key = await agencies.add(pool, "Thames Valley Police")
        async with httpx.AsyncClient(base_url=base) as client:
            response = await client.post("/api/v1/referrals", json=EXAMPLE, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 201, response.text

        rows = await pool.fetch("SELECT to_jsonb(e)::text AS row FROM eventstore.events e")
        assert len(rows) == 1 and in_clear(rows[0]["row"]) == []
        tables = await pool.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'referral'")
        for table in tables:
            dump = await pool.fetchval(f"SELECT coalesce(json_agg(t)::text, '') FROM referral.{table['table_name']} t")
            assert in_clear(dump) == [], table["table_name"]

        client = await nats.connect(clean_nats_url)
        try:
            js = client.jetstream()
            message = await eventually(lambda: _first_message(js))
        finally:
            await client.close()
        published = message.data.decode() + json.dumps(dict(message.headers or {}))
        assert "ReferralReceived" in published and response.json()["reference"] in published
        assert in_clear(published) == []


async def _first_message(js):
    try:
        return await js.get_msg(STREAM, seq=1)
    except NotFoundError:  # not published yet: the relay runs behind the append
        return None

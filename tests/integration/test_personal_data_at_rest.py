"""No personal value of a referral is kept or published in clear (DESIGN D5): read straight from
the event store's rows, every table of the referral service, and the broker's stored messages."""

from __future__ import annotations

import json

import httpx
import nats
from nats.js.errors import NotFoundError

from services.referral.adapters import agencies
from services.referral.api.events import BATCH
from services.referral.domain.submission import EXAMPLE
from shared.messaging.broker import STREAM
from tests.servers import serve
from tests.support import eventually

# Every value of the example that identifies or locates a person, as sent and as normalised.
PERSONAL_VALUES = [
    "PC Jo Evans", "jo.evans@police.example", "01632 960001", "+441632960001",
    "Alex Morgan", "alex.morgan@example.org", "07700 900123", "+447700900123", "HP20 1AA", "1984-03-02",
    "Lives with family", "weekdays after 6pm", "House broken into", "Sam Taylor", "why our house was chosen",
    "suspended sentence order", "moved away from the area",  # a sentence and a withdrawal reason
]


def update(type_: str, id_: str, data: dict) -> dict:
    return {"specversion": "1.0", "id": id_, "source": "/tvp/crm", "type": type_, "data": data}


def in_clear(text: str) -> list[str]:
    return [value for value in PERSONAL_VALUES if value in text]


async def test_no_personal_value_of_a_referral_is_stored_or_published_in_clear(fresh_database_url, clean_nats_url):
    async with serve("referral", fresh_database_url, clean_nats_url) as (base, app):
        pool = app.state.runtime.pool
        _, key = await agencies.add(pool, "Thames Valley Police")
        async with httpx.AsyncClient(base_url=base) as client:
            auth = {"Authorization": f"Bearer {key}"}
            response = await client.post("/api/v1/referrals", json=EXAMPLE, headers=auth)
            assert response.status_code == 201, response.text
            referral_id = response.json()["referral_id"]
            updates = await client.post("/api/v1/events", headers={**auth, "content-type": BATCH}, json=[
                update("rj.court.sentenced.v1", "s-1", {"referral_id": referral_id, "court": "Aylesbury Crown Court",
                                                        "sentenced_on": "2026-10-20",
                                                        "outcome": "suspended sentence order"}),
                update("rj.referral.withdrawn.v1", "w-1", {"referral_id": referral_id,
                                                           "reason": "moved away from the area"}),
            ])
            assert updates.status_code == 200, updates.text

        rows = await pool.fetch("SELECT to_jsonb(e)::text AS row FROM eventstore.events e")
        assert len(rows) == 3 and in_clear(" ".join(r["row"] for r in rows)) == []
        tables = await pool.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'referral'")
        for table in tables:
            dump = await pool.fetchval(f"SELECT coalesce(json_agg(t)::text, '') FROM referral.{table['table_name']} t")
            assert in_clear(dump) == [], table["table_name"]

        client = await nats.connect(clean_nats_url)
        try:
            js = client.jetstream()
            messages = [await eventually(lambda seq=seq: _message(js, seq)) for seq in (1, 2, 3)]
        finally:
            await client.close()
        published = " ".join(m.data.decode() + json.dumps(dict(m.headers or {})) for m in messages)
        assert "SentenceRecorded" in published and response.json()["reference"] in published
        assert in_clear(published) == []


async def _message(js, seq: int):
    try:
        return await js.get_msg(STREAM, seq=seq)
    except NotFoundError:  # not published yet: the relay runs behind the append
        return None

"""Hostile input at every intake route of the referral service (JSON API, the three CloudEvents
modes, the self-referral form), against the real app on real PostgreSQL and NATS.

Whatever arrives — any Unicode (NUL and lone surrogates too), any nesting, any size, any type
in any field — the answer is never a 5xx; a refusal is a problem document (the form: its page of
mistakes) naming what is wrong, and a refused request stores nothing."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.referral.adapters import agencies
from services.referral.domain.submission import EXAMPLE
from shared.embedded.ports import free_port
from shared.web.limits import BodySizeLimit

SOURCE = "/thames-valley-police/crm"
SUBMITTED = "rj.referral.submitted.v1"
PROBLEM = "application/problem+json"
FEW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# -- what hostile input is made of --------------------------------------------------------------
# Every code point, surrogates included (sent as JSON escapes), with NUL and lone surrogates likely.
ANY_CHARACTER = st.characters(exclude_categories=())
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=30),
    st.builds(lambda a, bad, b: a + bad + b, st.text(max_size=5), st.sampled_from(["\x00", "\ud800", "\udfff"]),
              st.text(max_size=5)),
    st.integers(0, 5000).map(lambda n: "x" * n),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT,
                    st.sampled_from(["yes", "true", "1", "2026-01-01", "1899-12-31", "9999-12-31", "0"]))
JUNK = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=8)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def paths(document: Any, at: tuple = ()) -> list[tuple]:
    """Every place in a JSON document a value sits."""
    found = [at] if at else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths(value, (*at, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths(value, (*at, index))
    return found


def replaced(document: Any, path: tuple, value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@st.composite
def mutated(draw, document: Any) -> Any:
    """``document`` with one to three values replaced by junk, or a junk member added."""
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(document)))
        document = replaced(document, where, draw(JUNK))
    if draw(st.booleans()) and isinstance(document, dict):
        document = {**document, draw(TEXT): draw(JUNK)}
    return document


def encoded(document: Any) -> bytes:
    """JSON as a client might send it: a lone surrogate goes as its escape (``\\ud800``)."""
    return json.dumps(document, ensure_ascii=True).encode()


# -- the service and what it stored -------------------------------------------------------------
@pytest.fixture
async def intake(referral_service):
    base, runtime = referral_service
    _, key = await agencies.add(runtime.pool, "Thames Valley Police")
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        yield client, runtime


async def stored(runtime) -> tuple[int, ...]:
    """Rows a request could have written: events, and the intake's idempotency and duplicate index."""
    counts = [await runtime.pool.fetchval("SELECT count(*) FROM eventstore.events")]
    for table in ("referral.idempotency", "referral.duplicate_index"):
        if await runtime.pool.fetchval("SELECT to_regclass($1) IS NOT NULL", table):
            counts.append(await runtime.pool.fetchval(f"SELECT count(*) FROM {table}"))
    return tuple(counts)


async def answered(runtime, send) -> httpx.Response:
    """The response to ``send()``: never a 5xx, and a refusal is a problem document that stored nothing."""
    before = await stored(runtime)
    response = await send()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == PROBLEM, response.text
        problem = response.json()
        assert problem["status"] == response.status_code and problem["title"]
        assert await stored(runtime) == before
    return response


def structured(data: Any, **attributes: Any) -> dict[str, Any]:
    return {"specversion": "1.0", "id": "crm-1", "source": SOURCE, "type": SUBMITTED,
            "datacontenttype": "application/json", **attributes, "data": data}


def referral_for_events(document: Any) -> Any:
    """A structured event that may also carry junk in its attributes."""
    return structured(EXAMPLE) | (document if isinstance(document, dict) else {"data": document})


# -- properties over every route ----------------------------------------------------------------
@FEW
@given(document=mutated(EXAMPLE))
async def test_the_json_api_refuses_any_document_cleanly(intake, document):
    client, runtime = intake
    await answered(runtime, lambda: client.post("/api/v1/referrals", content=encoded(document),
                                                headers={"Content-Type": "application/json"}))


@FEW
@given(body=st.one_of(st.binary(max_size=300), JUNK.map(encoded), st.integers(1, 3000).map(deep).map(str.encode)),
       content_type=st.sampled_from(["application/json", "text/plain", "application/xml", "",
                                     "application/cloudevents+json", "application/cloudevents-batch+json"]))
async def test_any_body_of_any_type_is_refused_cleanly_on_both_apis(intake, body, content_type):
    client, runtime = intake
    headers = {"Content-Type": content_type} if content_type else {}
    for path in ("/api/v1/referrals", "/api/v1/events"):
        response = await answered(runtime, lambda p=path: client.post(p, content=body, headers=headers))
        assert response.status_code in (400, 413, 415, 422), response.text


@FEW
@given(event=mutated(structured(EXAMPLE)))
async def test_a_structured_event_is_refused_cleanly(intake, event):
    client, runtime = intake
    await answered(runtime, lambda: client.post("/api/v1/events", content=encoded(event),
                                                headers={"Content-Type": "application/cloudevents+json"}))


@FEW
@given(events=st.lists(mutated(structured(EXAMPLE)), min_size=1, max_size=3))
async def test_a_batch_is_refused_cleanly(intake, events):
    client, runtime = intake
    batch = [dict(event, id=f"{event.get('id')}-{i}") if isinstance(event, dict) else event
             for i, event in enumerate(events)]
    await answered(runtime, lambda: client.post("/api/v1/events", content=encoded(batch),
                                                headers={"Content-Type": "application/cloudevents-batch+json"}))


@FEW
@given(data=mutated(EXAMPLE),
       attributes=st.dictionaries(st.sampled_from(["id", "source", "type", "specversion", "subject", "time",
                                                   "partnerref"]), TEXT, max_size=3))
async def test_a_binary_mode_event_is_refused_cleanly(intake, data, attributes):
    client, runtime = intake
    sent = {"specversion": "1.0", "id": "crm-1", "source": SOURCE, "type": SUBMITTED, **attributes}
    # Header values are percent-encoded (CloudEvents HTTP binding, 3.1.3.2): NUL travels as %00.
    headers = {f"ce-{name}": quote(value, safe="/:", errors="surrogatepass") for name, value in sent.items()}
    await answered(runtime, lambda: client.post("/api/v1/events", content=encoded(data),
                                                headers={**headers, "Content-Type": "application/json"}))


def form_token(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


FORM = {
    "name": "Alex Morgan", "dob-day": "2", "dob-month": "3", "dob-year": "1984", "channels": ["email"],
    "email": "alex@example.org", "may_leave_message": "no", "language": "English", "interpreter_needed": "no",
    "offence_type": "burglary", "offence_date-day": "14", "offence_date-month": "9", "offence_date-year": "2025",
    "area": "Aylesbury", "known_to_victim": "no", "custody_status": "in_custody",
    "criminal_justice_stage": "post_sentence",
}
FREE_TEXT = ("name", "email", "language", "area")
FORM_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.sampled_from(["\x00", "a\x00b"])


@settings(FEW, max_examples=50)  # each example loads a page, then posts the form
@given(changes=st.dictionaries(st.sampled_from(sorted(FORM)), FORM_TEXT, min_size=1, max_size=4))
async def test_the_form_refuses_any_answers_with_its_page_of_mistakes(referral_service, changes):
    base, runtime = referral_service
    async with httpx.AsyncClient(base_url=base) as client:
        token = form_token(await client.get("/refer/form"))
        before = await stored(runtime)
        page = await client.post("/refer/form", data={**FORM, **changes, "csrf_token": token})
        assert page.status_code < 500, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert await stored(runtime) == before  # nothing is kept before the victim confirms
        if any("\x00" in value for field, value in changes.items() if field in FREE_TEXT):
            assert "There is a problem" in page.text  # (a yes/no or a choice it cannot read is left unanswered)


# -- the particular refusals, each named --------------------------------------------------------
def problem_fields(response: httpx.Response) -> dict[str, str]:
    return {e["field"]: e["problem"] for e in response.json().get("errors") or []}


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"])
async def test_unstorable_text_is_a_422_naming_the_field_in_every_mode(intake, bad):
    client, runtime = intake
    document = replaced(EXAMPLE, ("victim", "name"), bad)
    json_api = await answered(runtime, lambda: client.post("/api/v1/referrals", content=encoded(document),
                                                           headers={"Content-Type": "application/json"}))
    assert json_api.status_code == 422 and "victim.name" in problem_fields(json_api)
    for attribute in ("source", "id", "subject"):
        event = structured(EXAMPLE, **{attribute: f"crm{bad}"})
        refused = await answered(runtime, lambda e=event: client.post(
            "/api/v1/events", content=encoded(e), headers={"Content-Type": "application/cloudevents+json"}))
        assert refused.status_code == 422 and attribute in problem_fields(refused), refused.text
    batch = await answered(runtime, lambda: client.post(
        "/api/v1/events", content=encoded([structured(document)]),
        headers={"Content-Type": "application/cloudevents-batch+json"}))
    assert batch.status_code == 422 and "data.victim.name" in problem_fields(batch)


async def test_a_nul_in_a_binary_mode_attribute_is_a_422_naming_its_header(intake):
    client, runtime = intake
    headers = {"ce-specversion": "1.0", "ce-id": "crm-1", "ce-source": "/tvp%00/crm", "ce-type": SUBMITTED,
               "Content-Type": "application/json"}
    refused = await answered(runtime, lambda: client.post("/api/v1/events", content=encoded(EXAMPLE),
                                                          headers=headers))
    assert refused.status_code == 422 and "NUL" in problem_fields(refused)["ce-source"]


@pytest.mark.parametrize(("path", "content_type", "wrap"), [
    ("/api/v1/referrals", "application/json", lambda body: body),
    ("/api/v1/events", "application/cloudevents+json", lambda body: structured(body)),
    ("/api/v1/events", "application/cloudevents-batch+json", lambda body: [structured(body)]),
])
async def test_deep_nesting_is_a_400_in_every_mode(intake, path, content_type, wrap):
    client, runtime = intake
    for levels in (33, 100_000):
        body = json.dumps(wrap({"hopes": "__deep__"})).replace('"__deep__"', deep(levels)).encode()
        refused = await answered(runtime, lambda b=body: client.post(path, content=b,
                                                                     headers={"Content-Type": content_type}))
        assert refused.status_code in (400, 413) and refused.json()["type"] in ("/problems/json-too-deep",
                                                                                "/problems/body-too-large")
    binary = {"ce-specversion": "1.0", "ce-id": "x", "ce-source": SOURCE, "ce-type": SUBMITTED,
              "Content-Type": "application/json"}
    refused = await answered(runtime, lambda: client.post("/api/v1/events", content=deep(5000), headers=binary))
    assert refused.status_code == 400 and "32" in refused.json()["detail"]


@pytest.mark.parametrize("missing", ["id", "source", "type", "specversion"])
async def test_an_event_missing_a_required_attribute_is_refused_naming_it(intake, missing):
    client, runtime = intake
    event = {k: v for k, v in structured(EXAMPLE).items() if k != missing}
    refused = await answered(runtime, lambda: client.post("/api/v1/events", content=encoded(event),
                                                          headers={"Content-Type": "application/cloudevents+json"}))
    assert refused.status_code == 400 and missing in problem_fields(refused)
    headers = {f"ce-{k}": v for k, v in structured(EXAMPLE).items() if k not in (missing, "data", "datacontenttype")}
    binary = await answered(runtime, lambda: client.post("/api/v1/events", content=encoded(EXAMPLE),
                                                         headers={**headers, "Content-Type": "application/json"}))
    assert binary.status_code == 400 and f"ce-{missing}" in problem_fields(binary)


async def test_a_specversion_other_than_1_0_is_refused(intake):
    client, runtime = intake
    refused = await answered(runtime, lambda: client.post(
        "/api/v1/events", content=encoded(structured(EXAMPLE, specversion="0.3")),
        headers={"Content-Type": "application/cloudevents+json"}))
    assert refused.status_code == 422 and problem_fields(refused)["specversion"].startswith("must be '1.0'")


@pytest.mark.parametrize(("path", "content_type"), [
    ("/api/v1/events", "text/plain"), ("/api/v1/events", "application/json"),  # JSON without ce-* headers
    ("/api/v1/events", None), ("/api/v1/referrals", "text/plain"), ("/api/v1/referrals", None),
    ("/api/v1/referrals", "application/x-www-form-urlencoded"),
])
async def test_other_content_types_are_a_415(intake, path, content_type):
    client, runtime = intake
    headers = {"Content-Type": content_type} if content_type else {}
    refused = await answered(runtime, lambda: client.post(path, content=encoded(structured(EXAMPLE)),
                                                          headers=headers))
    assert refused.status_code == 415, refused.text


@pytest.mark.parametrize("fake", ["yes", "true", 1, 0, "no", None])
async def test_a_boolean_must_be_a_json_boolean(intake, fake):
    client, runtime = intake
    document = replaced(EXAMPLE, ("victim_aware_of_referral",), fake)
    refused = await answered(runtime, lambda: client.post("/api/v1/referrals", content=encoded(document),
                                                          headers={"Content-Type": "application/json"}))
    assert refused.status_code == 422 and "victim_aware_of_referral" in problem_fields(refused)


@pytest.mark.parametrize(("path", "value", "problem"), [
    (("offence", "offence_date"), "1899-12-31", "must be on or after 1900-01-01"),
    (("offence", "offence_date"), (date.today() + timedelta(days=1)).isoformat(), "must be today or in the past"),
    (("offence", "offence_date"), 1700000000, "must be a date written as YYYY-MM-DD"),
    (("victim", "date_of_birth"), "1850-01-01", "must be on or after 1900-01-01"),
])
async def test_implausible_dates_are_refused(intake, path, value, problem):
    client, runtime = intake
    document = replaced(EXAMPLE, path, value)
    refused = await answered(runtime, lambda: client.post("/api/v1/referrals", content=encoded(document),
                                                          headers={"Content-Type": "application/json"}))
    assert refused.status_code == 422 and problem_fields(refused)[".".join(path)] == problem


@pytest.mark.parametrize("key", ["caf\xe9", "two words", "tab\there", "x" * 201])
async def test_an_idempotency_key_outside_printable_ascii_is_a_422_naming_it(intake, key):
    client, runtime = intake
    headers = [("Content-Type", "application/json"), ("Idempotency-Key", key.encode("latin-1"))]
    refused = await answered(runtime, lambda: client.post("/api/v1/referrals", content=encoded(EXAMPLE),
                                                          headers=headers))
    assert refused.status_code == 422 and "header.Idempotency-Key" in problem_fields(refused)


async def test_an_event_posted_twice_without_change_makes_one_referral(intake):
    client, runtime = intake
    body, headers = encoded(structured(EXAMPLE)), {"Content-Type": "application/cloudevents+json"}
    first = await client.post("/api/v1/events", content=body, headers=headers)
    again = await client.post("/api/v1/events", content=body, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json()["results"][0]["status"] == "already recorded"
    assert (await stored(runtime))[0] == 1


async def test_the_form_shows_a_nul_as_a_mistake_on_its_field(referral_service):
    base, runtime = referral_service
    async with httpx.AsyncClient(base_url=base) as client:
        token = form_token(await client.get("/refer/form"))
        page = await client.post("/refer/form", data={**FORM, "name": "Alex\x00", "csrf_token": token})
    assert page.status_code == 200 and 'href="#name"' in page.text
    assert "Your full name contains characters we cannot accept" in page.text
    assert (await stored(runtime))[0] == 0


# -- the answer once the event is recorded --------------------------------------------------------
@pytest.mark.parametrize("failure", [RuntimeError("read model unreachable"), TimeoutError()])
async def test_a_recorded_referral_is_a_success_even_if_reading_it_back_fails(intake, monkeypatch, failure):
    client, runtime = intake

    async def failing(*args, **kwargs):
        raise failure

    monkeypatch.setattr(runtime, "wait_until_projected", failing)
    created = await client.post("/api/v1/referrals", json=EXAMPLE)
    assert created.status_code == 201, created.text
    accepted = await client.post("/api/v1/events", content=encoded(structured(EXAMPLE, id="crm-9")),
                                 headers={"Content-Type": "application/cloudevents+json"})
    assert accepted.status_code == 200 and accepted.json()["results"][0]["status"] == "accepted"
    assert (await stored(runtime))[0] == 2


# -- bodies too large or too slow -----------------------------------------------------------------
async def test_a_chunked_body_over_the_limit_is_a_413(intake):
    client, runtime = intake

    async def chunks():
        for _ in range(40):
            yield b" " * 10_000  # 400 kB, with no Content-Length: sent chunked

    refused = await answered(runtime, lambda: client.post("/api/v1/referrals", content=chunks(),
                                                          headers={"Content-Type": "application/json"}))
    assert refused.status_code == 413 and "content-length" not in refused.request.headers


async def _echo_length(request: Request) -> JSONResponse:
    return JSONResponse({"length": len(await request.body())})


@pytest.fixture
async def limited():
    """A tiny app behind BodySizeLimit with short timeouts, served by uvicorn: yields (host, port)."""
    app = Starlette(routes=[Route("/", _echo_length, methods=["POST"])], middleware=[
        Middleware(BodySizeLimit, max_bytes=1000, idle_timeout=0.5, body_timeout=2.0)])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    for _ in range(250):  # uvicorn says it has started only through this flag
        if server.started:
            break
        await asyncio.sleep(0.02)
    yield "127.0.0.1", port
    server.should_exit = True
    await task


async def _raw(host: str, port: int, head: bytes, parts: list[tuple[float, bytes]]) -> bytes:
    """Send ``head`` then each part after its pause; the answer, as far as the server sent it."""
    reader, writer = await asyncio.open_connection(host, port)
    answer = bytearray()

    async def read() -> None:
        while chunk := await reader.read(65536):  # the answer may come while the body is still going
            answer.extend(chunk)

    reading = asyncio.create_task(read())
    try:
        writer.write(head)
        for pause, part in parts:
            await asyncio.sleep(pause)
            if reading.done():
                break
            writer.write(part)
            await writer.drain()
        await asyncio.wait_for(asyncio.shield(reading), 5)
    except ConnectionError:
        pass  # the server cut the body off: what it answered is in ``answer``
    finally:
        reading.cancel()
        writer.close()
    return bytes(answer)


async def test_the_limits_pass_a_body_that_arrives_promptly(limited):
    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://{limited[0]}:{limited[1]}/", content=b"x" * 900)
    assert response.json() == {"length": 900}


async def test_a_chunked_body_over_the_limit_is_a_413_before_it_is_read_whole(limited):
    head = b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"258\r\n" + b"x" * 600 + b"\r\n"
    answer = await _raw(*limited, head, [(0, chunk), (0, chunk), (0, b"0\r\n\r\n")])
    assert answer.startswith(b"HTTP/1.1 413") and PROBLEM.encode() in answer


async def test_a_body_that_stops_arriving_is_a_408(limited):
    head = b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 500\r\n\r\n"
    started = asyncio.get_running_loop().time()
    answer = await _raw(*limited, head, [(0, b"x" * 100)])  # and the other 400 bytes never come
    assert answer.startswith(b"HTTP/1.1 408") and b"body-too-slow" in answer
    assert asyncio.get_running_loop().time() - started < 2.5


async def test_a_body_that_trickles_in_is_cut_off_at_the_deadline(limited):
    head = b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 500\r\n\r\n"
    answer = await _raw(*limited, head, [(0.3, b"x")] * 20)  # progress every 0.3 s, never done in 2 s
    assert answer.startswith(b"HTTP/1.1 408")

"""The self-referral form refuses forms made up elsewhere: the CSRF token must be the one the service
signed for the visitor's cookie, and a POST from another site is refused with 403 whatever it carries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import httpx
import pytest
from starlette.requests import Request

from services.referral.web.tokens import CSRF_COOKIE
from shared.eventstore.port import Position
from shared.web.security import cross_site
from tests.integration.test_self_referral_web import VALID, csrf_token, signed_answers
from tests.servers import serve


@pytest.fixture
async def web(fresh_database_url, clean_nats_url):
    async with (serve("referral", fresh_database_url, clean_nats_url) as (base, app),
                httpx.AsyncClient(base_url=base) as client):
        yield client, app.state.runtime


async def nothing_recorded(runtime) -> bool:
    return not [r for r in await runtime.store.read_all(Position.start(), categories=["referral"])]


def origin_of(client: httpx.AsyncClient) -> str:
    return str(client.base_url).rstrip("/")


async def test_a_genuine_form_with_a_same_origin_header_is_accepted(web):
    client, _ = web
    token = csrf_token(await client.get("/refer/form"))
    page = await client.post("/refer/form", data={**VALID, "csrf_token": token},
                             headers={"Origin": origin_of(client), "Sec-Fetch-Site": "same-origin"})
    assert page.status_code == 200 and "Check your answers" in page.text
    assert token != client.cookies[CSRF_COOKIE]  # the token is not the cookie: it is signed for it


async def test_a_genuine_form_without_origin_or_referer_is_accepted_as_old_browsers_and_curl_send_it(web):
    client, _ = web
    token = csrf_token(await client.get("/refer/form"))
    page = await client.post("/refer/form", data={**VALID, "csrf_token": token})
    assert page.status_code == 200 and "Check your answers" in page.text
    referred = await client.post("/refer/form", data={**VALID, "csrf_token": token},
                                 headers={"Referer": f"{origin_of(client)}/refer/form"})
    assert referred.status_code == 200


async def test_a_cookie_and_token_pair_made_up_by_another_site_is_refused(web):
    client, runtime = web
    made_up = secrets.token_urlsafe(32)
    forged_mac = base64.urlsafe_b64encode(hmac.new(b"a guess at our key", made_up.encode(),
                                                   hashlib.sha256).digest()).rstrip(b"=").decode()
    for cookie, token in ((made_up, made_up), (made_up, forged_mac), (made_up, "")):
        async with httpx.AsyncClient(base_url=str(client.base_url), cookies={CSRF_COOKIE: cookie}) as stranger:
            refused = await stranger.post("/refer/form", data={**VALID, "csrf_token": token})
        assert refused.status_code == 400 and "could not accept that form" in refused.text
    assert await nothing_recorded(runtime)


async def test_a_token_made_for_another_visitor_is_refused(web):
    client, runtime = web
    someone_elses = csrf_token(await client.get("/refer/form"))  # a real token, for this client's cookie
    async with httpx.AsyncClient(base_url=str(client.base_url)) as victim:
        await victim.get("/refer/form")  # the victim has a cookie of their own
        refused = await victim.post("/refer/form", data={**VALID, "csrf_token": someone_elses})
        assert refused.status_code == 400
        signed = signed_answers(await client.post("/refer/form", data={**VALID, "csrf_token": someone_elses}))
        confirm = await victim.post("/refer/confirm", data={"answers": signed,
                                                            "csrf_token": csrf_token(await victim.get("/refer/form"))})
        assert confirm.status_code == 400  # answers signed for one visitor do not work for another
    assert await nothing_recorded(runtime)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Referer": "https://evil.example/refer"},
], ids=["other-origin", "null-origin", "sec-fetch-cross-site", "sec-fetch-same-site", "other-referer"])
@pytest.mark.parametrize("path", ["/refer/form", "/refer/change", "/refer/confirm"])
async def test_a_post_from_another_site_is_refused_with_403_even_with_a_valid_token(web, headers, path):
    client, runtime = web
    token = csrf_token(await client.get("/refer/form"))
    signed = signed_answers(await client.post("/refer/form", data={**VALID, "csrf_token": token}))
    refused = await client.post(path, data={**VALID, "answers": signed, "csrf_token": token}, headers=headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "It was sent from a page on another website" in refused.text
    assert await nothing_recorded(runtime)


async def test_an_origin_on_the_same_host_but_another_port_is_another_site(web):
    client, _ = web
    token = csrf_token(await client.get("/refer/form"))
    other_port = f"http://{client.base_url.host}:{client.base_url.port + 1}"
    refused = await client.post("/refer/form", data={**VALID, "csrf_token": token}, headers={"Origin": other_port})
    assert refused.status_code == 403


async def test_the_whole_flow_with_browser_headers_still_records_the_referral(web):
    client, runtime = web
    same = {"Origin": origin_of(client), "Sec-Fetch-Site": "same-origin"}
    token = csrf_token(await client.get("/refer/form"))
    check = await client.post("/refer/form", data={**VALID, "csrf_token": token}, headers=same)
    done = await client.post("/refer/confirm", data={"answers": signed_answers(check), "csrf_token": token},
                             headers=same)
    assert done.status_code == 303 and done.headers["location"].startswith("/refer/done?ref=REF-")
    assert not await nothing_recorded(runtime)


@pytest.mark.parametrize("scheme, host, headers, refused", [
    ("http", "rj.example", {}, False),
    ("http", "rj.example", {"origin": "http://rj.example"}, False),
    ("http", "rj.example", {"origin": "http://rj.example:80"}, False),
    ("http", "rj.example", {"origin": "https://rj.example"}, False),  # TLS ended in front of us
    ("https", "rj.example", {"origin": "https://rj.example:443"}, False),
    ("https", "rj.example", {"origin": "http://rj.example"}, True),  # a plain-HTTP page posting to TLS
    ("http", "rj.example:8080", {"origin": "http://rj.example:8080"}, False),
    ("http", "rj.example:8080", {"origin": "http://rj.example"}, True),
    ("http", "rj.example", {"origin": "http://rj.example.evil.example"}, True),
    ("http", "rj.example", {"origin": "http://rj.example:nope"}, True),
    ("http", "rj.example", {"referer": "http://rj.example/refer/form"}, False),
    ("http", "rj.example", {"referer": "http://evil.example/"}, True),
    ("http", "rj.example", {"origin": "http://rj.example", "referer": "http://evil.example/"}, False),
    ("http", "rj.example", {"sec-fetch-site": "none"}, False),
    ("http", "rj.example", {"sec-fetch-site": "same-origin", "origin": "http://evil.example"}, True),
])
def test_the_same_origin_rules(scheme, host, headers, refused):
    scope = {"type": "http", "method": "POST", "scheme": scheme, "path": "/refer/form", "query_string": b"",
             "server": (host.split(":")[0], 80), "root_path": "",
             "headers": [(b"host", host.encode()), *((k.encode(), v.encode()) for k, v in headers.items())]}
    assert cross_site(Request(scope)) is refused

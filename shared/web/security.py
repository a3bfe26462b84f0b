"""Security headers on every response of every service, and the same-origin check for forms.

One pure ASGI middleware, :class:`SecurityHeaders`, puts on every HTTP response — pages, API
answers, problem documents, 404s, 500s, static files, the OpenAPI document and its viewers:

- ``Content-Security-Policy``: everything from the service itself, no inline script or style, no
  framing, forms post only to the service. The API viewers (``/docs``, ``/redoc``) are the only
  exception: FastAPI writes Swagger UI's start-up as an inline script and ReDoc styles itself
  inline, so those three pages get a policy that allows inline script/style but still nothing
  from another origin (their assets are served locally by fastapi-offline; nothing is fetched
  from a CDN; ReDoc's "powered by" logo points at its CDN, and the policy blocks it). They show
  no personal data and reflect no input.
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a ``Permissions-Policy`` that
  turns off camera, microphone, geolocation and the like, and ``Referrer-Policy: same-origin``: no
  other site is ever told which page someone came from (the "Exit this page" link included). Not
  ``no-referrer``: under it browsers send ``Origin: null`` even on our own form posts, and the
  forms' same-origin check (:func:`cross_site`) needs the real origin.
- ``Strict-Transport-Security`` only on responses served over TLS, i.e. when the ASGI scope's
  scheme is ``https``. Behind a proxy that terminates TLS the server (uvicorn ``--proxy-headers``
  with ``--forwarded-allow-ips``) rewrites the scheme from ``X-Forwarded-Proto`` for trusted
  proxies only; this middleware never reads that header itself, so a client cannot spoof it.
- ``Cache-Control: no-store`` on every response that does not set its own cache policy, except
  static assets: pages and API answers may carry personal data.

:func:`install` wraps the app's whole middleware stack, so even the 500 page written by
Starlette's ``ServerErrorMiddleware`` and answers of middleware a service adds (a 413 from the
body limit) carry the headers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _policy(*directives: str) -> str:
    return "; ".join(directives)


_COMMON = ("img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "frame-ancestors 'none'",
           "base-uri 'self'", "form-action 'self'", "object-src 'none'")
CONTENT_SECURITY_POLICY = _policy("default-src 'self'", "script-src 'self'", "style-src 'self'", *_COMMON)
"""The policy of every page and answer: no inline script or style, nothing from another origin."""

DOCS_POLICY = _policy("default-src 'self'", "script-src 'self' 'unsafe-inline'",
                      "style-src 'self' 'unsafe-inline'", "worker-src 'self' blob:", *_COMMON)
"""Swagger UI and ReDoc as FastAPI writes them: inline start-up script and styles, all local."""

DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
STATIC_PREFIXES = ("/static/", "/static-offline-docs/")
"""Paths of assets that hold no personal data and may be cached."""

PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=()")
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
"""What every response carries (the CSP differs on the API viewers' pages)."""


class SecurityHeaders:
    """ASGI middleware: the security headers of this module on every HTTP response."""

    def __init__(self, app: ASGIApp, *, route_policies: Mapping[str, str] | None = None,
                 cacheable_prefixes: Iterable[str] = STATIC_PREFIXES):
        self.app = app
        self.route_policies = dict(route_policies if route_policies is not None
                                   else dict.fromkeys(DOCS_PATHS, DOCS_POLICY))
        self.cacheable_prefixes = tuple(cacheable_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        headers = dict(HEADERS)
        headers["Content-Security-Policy"] = self.route_policies.get(path, CONTENT_SECURITY_POLICY)
        if scope.get("scheme") == "https":
            headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        cacheable = path.startswith(self.cacheable_prefixes)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                for name, value in headers.items():
                    response_headers[name] = value
                if not cacheable and "cache-control" not in response_headers:
                    response_headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _route_path(scope: Scope) -> str:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root):] or "/"
    return path


def install(app: Starlette, **options) -> None:
    """Wrap the app's whole middleware stack (outside Starlette's error middleware, so a 500 has
    the headers too) in :class:`SecurityHeaders`. Middleware added later still sits inside it."""
    build: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_with_security_headers() -> ASGIApp:
        return SecurityHeaders(build(), **options)

    app.build_middleware_stack = build_with_security_headers  # type: ignore[method-assign]


# -- forms: is this POST from our own pages? -------------------------------------------------------
_DEFAULT_PORTS = {"http": 80, "https": 443}


def cross_site(request: Request) -> bool:
    """True when a form POST did not come from one of this service's own pages.

    ``Sec-Fetch-Site`` (sent by current browsers) must be ``same-origin`` (or ``none``: the user
    acted directly). ``Origin``, when sent, must be this service's origin (``null`` is not). A
    request without ``Origin`` (old browsers, curl) is allowed only if ``Referer`` is absent too,
    or names this service. The host is compared with the request's ``Host`` header; the scheme
    only so far that a request received over TLS must not come from a plain-HTTP page (TLS is
    often terminated in front of the service)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is not None:
        return not _same_origin(origin, request)
    referer = request.headers.get("referer")
    return referer is not None and not _same_origin(referer, request)


def _same_origin(url: str, request: Request) -> bool:
    try:
        theirs = urlsplit(url.strip())
        their_port = theirs.port or _DEFAULT_PORTS.get(theirs.scheme)
        ours = urlsplit("//" + (request.headers.get("host") or request.url.netloc))
        our_port = ours.port or _DEFAULT_PORTS.get(theirs.scheme)
    except ValueError:  # a port that is not a number
        return False
    if theirs.scheme not in _DEFAULT_PORTS or not theirs.hostname or not ours.hostname:
        return False
    if request.url.scheme == "https" and theirs.scheme != "https":
        return False
    return theirs.hostname == ours.hostname and their_port == our_port

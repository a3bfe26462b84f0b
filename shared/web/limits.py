"""Limits on what a request may make a service do: a cap on the body's size (413) and on how long
it may take to arrive (408), answered before the body is read in full, and a cap on how deeply its
JSON may nest (400), checked before it is parsed."""

from __future__ import annotations

import asyncio
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.problems import Problem, problem_response

MAX_JSON_DEPTH = 32  # the deepest document any service accepts nests 4 deep; 32 leaves room
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_OPENERS = frozenset(b"[{")


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


def json_depth(body: bytes, limit: int) -> int:
    """How deeply ``body``'s arrays and objects nest, counted no further than ``limit + 1``.

    Python's parser recurses once per level, so a body of ten thousand ``[`` fails it with a
    RecursionError; counting brackets outside strings costs one pass and no recursion."""
    depth = deepest = 0
    for byte in _JSON_STRING.sub(b"", body).translate(None, _NOT_A_BRACKET):
        depth += 1 if byte in _OPENERS else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def ensure_shallow_json(body: bytes, limit: int = MAX_JSON_DEPTH, *, where: str = "the body") -> None:
    """Raise a 400 problem if ``body``'s JSON nests deeper than ``limit``."""
    if json_depth(body, limit) > limit:
        raise Problem(400, "The JSON is nested too deeply",
                      f"{where}: arrays and objects may nest at most {limit} deep", kind="json-too-deep")


class BodySizeLimit:
    """ASGI middleware: refuse bodies over ``max_bytes``, by header or as they stream in (chunked
    bodies declare no length), and bodies that stall: no part arriving for ``idle_timeout``
    seconds, or the whole not arrived after ``body_timeout``. A stalled body would otherwise hold
    a connection and a request's memory for as long as the client likes."""

    def __init__(self, app: ASGIApp, max_bytes: int, idle_timeout: float = 10.0, body_timeout: float = 60.0):
        self.app, self.max_bytes = app, max_bytes
        self.idle_timeout, self.body_timeout = idle_timeout, body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(self._too_large(), scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        seen = 0
        complete = started = False

        async def counted() -> Message:
            nonlocal seen, complete
            if complete:  # after the body, receive() waits for a disconnect: that wait is not bounded
                return await receive()
            message = await self._within(receive, min(self.idle_timeout, deadline - loop.time()))
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
                complete = not message.get("more_body", False)
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except (BodyTooLarge, BodyTooSlow, ExceptionGroup) as error:
            problem = self._problem_for(error)
            if problem is None:
                raise
            if not started:
                await self._refuse(problem, scope, receive, send)

    def _problem_for(self, error: Exception) -> Problem | None:
        """The refusal ``error`` calls for, if it is ours: a middleware running the app in a task
        group (Starlette's BaseHTTPMiddleware) hands it back wrapped in an ExceptionGroup."""
        if isinstance(error, ExceptionGroup):
            ours = error.subgroup((BodyTooLarge, BodyTooSlow))
            while isinstance(ours, ExceptionGroup):
                ours = ours.exceptions[0]
            error = ours
        if isinstance(error, BodyTooLarge):
            return self._too_large()
        if isinstance(error, BodyTooSlow):
            return self._too_slow()
        return None

    @staticmethod
    async def _within(receive: Receive, seconds: float) -> Message:
        try:
            async with asyncio.timeout(max(seconds, 0)):
                return await receive()
        except TimeoutError:
            raise BodyTooSlow from None

    def _too_large(self) -> Problem:
        return Problem(413, "The request body is too large", f"bodies are limited to {self.max_bytes} bytes",
                       kind="body-too-large")

    def _too_slow(self) -> Problem:
        return Problem(408, "The request body took too long to arrive",
                       f"a body must keep arriving (a pause of at most {self.idle_timeout:g} s) and arrive whole"
                       f" within {self.body_timeout:g} s", headers={"Connection": "close"}, kind="body-too-slow")

    @staticmethod
    async def _refuse(problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
        await problem_response(problem, scope.get("path", ""))(scope, receive, send)

"""One log line per HTTP request, and the caller's user id on every line a request writes.

uvicorn's own access line is written outside the app, so it cannot know who asked, and it
shows the raw path (job ids, query strings); this one gives the route *template*, the
status, the duration and, through :func:`jamak.logs.bind_log_fields` (called by
:func:`jamak.api.auth.get_principal` once the token or session checks out), the user id:
never the token, never a header, never a byte of the body. Health probes and metric scrapes
are logged at DEBUG, so a probe every few seconds does not bury the requests people make.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jamak.api.metrics import route_template
from jamak.logs import bindable_log_context

logger = logging.getLogger("jamak.api.access")

QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestLogMiddleware:
    """Plain ASGI (not BaseHTTPMiddleware), so streamed responses pass through untouched;
    an SSE stream's line is written when it closes, with its whole duration."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app raises before answering

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        with bindable_log_context():
            try:
                await self._app(scope, receive, send_wrapper)
            finally:
                _log_request(scope, status, time.perf_counter() - started)


def _log_request(scope: Scope, status: int, elapsed_s: float) -> None:
    route = route_template(scope)
    method = str(scope["method"])
    duration_ms = round(elapsed_s * 1000, 1)
    level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    fields = {"method": method, "route": route, "status": status, "duration_ms": duration_ms}
    logger.log(level, "%s %s %d %.1f ms", method, route, status, duration_ms, extra=fields)

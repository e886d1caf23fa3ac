"""One ASGI wrapper that sees every HTTP request end: its status and how long it took.

The access log and the HTTP metrics both need exactly that, so both are built on this one
wrapper. Plain ASGI (not BaseHTTPMiddleware), so streamed responses pass through untouched:
an SSE stream is seen when it closes, with its whole duration.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED_ROUTE = "<unmatched>"

# Called once per HTTP request, after it ends: (scope, status code, seconds taken).
RequestObserver = Callable[[Scope, int, float], None]


class ObservedRequests:
    """Calls ``observe`` after every HTTP request, the request itself run inside
    ``context()`` (the access log binds the user's id to every line the request writes)."""

    def __init__(
        self,
        app: ASGIApp,
        observe: RequestObserver,
        context: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        self._app = app
        self._observe = observe
        self._context = context

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

        with self._context():
            try:
                await self._app(scope, receive, send_wrapper)
            finally:
                self._observe(scope, status, time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's template (the router leaves the route in the scope)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE

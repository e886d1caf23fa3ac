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

from fastapi import FastAPI
from starlette.types import Scope

from jamak.api.observed import ObservedRequests, route_template
from jamak.logs import bindable_log_context

logger = logging.getLogger("jamak.api.access")

QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})


def install_request_log(app: FastAPI) -> None:
    """Add the access log around ``app``; added last, it is outermost, so the user id it
    binds holds for every line written inside (the metrics' too)."""
    app.add_middleware(ObservedRequests, observe=_log_request, context=bindable_log_context)


def _log_request(scope: Scope, status: int, elapsed_s: float) -> None:
    route = route_template(scope)
    method = str(scope["method"])
    duration_ms = round(elapsed_s * 1000, 1)
    level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
    fields = {"method": method, "route": route, "status": status, "duration_ms": duration_ms}
    logger.log(level, "%s %s %d %.1f ms", method, route, status, duration_ms, extra=fields)

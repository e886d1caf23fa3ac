"""A per-user request rate limit for the API: a token bucket per caller, in memory.

Each process keeps its own buckets (a server behind a load balancer with k processes lets
a user through k times faster; the limit is a guard against runaway scripts, not billing).
The bucket is keyed by the caller's user id, so one user's loop cannot slow the others;
health checks and the page itself are not behind it. A refusal is 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.exceptions import HTTPException

from jamak.api.auth import PrincipalDep

_MAX_BUCKETS = 10_000  # forget idle callers beyond this many, so memory stays bounded


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated_at: float


class TokenBuckets:
    """``per_minute`` requests a minute per key, with bursts up to ``per_minute``."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(per_minute)
        self._rate_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token of ``key``'s bucket; returns 0 when allowed, else the seconds
        until a token will be there."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(self._capacity, now)
            bucket.tokens = min(
                self._capacity, bucket.tokens + (now - bucket.updated_at) * self._rate_per_s
            )
            bucket.updated_at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self._rate_per_s

    def _forget_full(self, now: float) -> None:
        """Drop buckets that would be full by now: forgetting them changes nothing."""
        refill_s = self._capacity / self._rate_per_s
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if now - bucket.updated_at < refill_s
        }


async def rate_limit(request: Request, principal: PrincipalDep) -> None:
    """A dependency of the API's routers: 429 once the caller's bucket is empty. Async,
    since it only does arithmetic under a short lock: no trip through the thread pool."""
    buckets: TokenBuckets | None = getattr(request.app.state, "rate_limits", None)
    if buckets is None:
        return
    wait_s = buckets.take(principal.name)
    if wait_s > 0:
        raise HTTPException(
            429,
            "Too many requests: slow down and try again in a moment.",
            headers={"Retry-After": str(max(1, math.ceil(wait_s)))},
        )

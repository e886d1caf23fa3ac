"""The token buckets behind the API's per-user rate limit, on a fake clock."""

from __future__ import annotations

import pytest

from jamak.api.rate_limit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_the_limit_passes_then_the_wait_is_told() -> None:
    clock = Clock()
    buckets = TokenBuckets(60, clock=clock)  # one a second
    assert [buckets.take("ana") for _ in range(60)] == [0.0] * 60
    assert buckets.take("ana") == pytest.approx(1.0)
    assert buckets.take("bo") == 0.0  # every user has a bucket of their own
    clock.now += 1.0
    assert buckets.take("ana") == 0.0
    assert buckets.take("ana") > 0


def test_a_bucket_refills_no_higher_than_its_size() -> None:
    clock = Clock()
    buckets = TokenBuckets(10, clock=clock)
    clock.now += 3600
    assert [buckets.take("ana") for _ in range(10)] == [0.0] * 10
    assert buckets.take("ana") > 0

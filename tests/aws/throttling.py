"""AWS answering "slow down", injected in front of moto: the throttling and 5xx responses
DynamoDB and S3 send under load, returned from botocore's own ``before-send`` event, so the
client's real retry machinery (standard mode, clients.py) sees them exactly as it would see
AWS's and backs off and retries; whatever is not intercepted goes on to moto's server.

A :class:`Throttle` is registered on a boto3 session (:func:`throttle_sessions`), which
every client made from it inherits: the API's and the worker's clients, built by jamak's own
``open_backend``, are then throttled without any change to jamak.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from jamak.backends.aws import clients

# DynamoDB's answer when a table's capacity is used up (400, a throttling error to botocore)
# and its answer when the service fails (500, retried with a short backoff).
DYNAMODB_THROTTLED = ("dynamodb", 400, "ProvisionedThroughputExceededException")
DYNAMODB_UNAVAILABLE = ("dynamodb", 500, "InternalServerError")
S3_SLOW_DOWN = ("s3", 503, "SlowDown")  # S3's request-rate throttling


class _Raw:
    """What AWSResponse reads its body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Throttle:
    """Answers the next ``remaining`` calls of ``operations`` (all of the service's when
    empty) with ``status``/``code`` instead of sending them; counts what it answered."""

    service: str
    status: int
    code: str
    operations: frozenset[str] = frozenset()
    remaining: float = 0
    answered: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next(self, calls: float, *operations: str) -> None:
        """Throttle the next ``calls`` requests (``math.inf``: until told otherwise)."""
        with self._lock:
            self.remaining, self.answered = calls, 0
            self.operations = frozenset(operations)

    def persist(self, *operations: str) -> None:
        self.next(math.inf, *operations)

    def stop(self) -> None:
        self.next(0)

    def __call__(self, request: AWSPreparedRequest, event_name: str, **_: Any) -> Any:
        operation = event_name.rsplit(".", 1)[-1]
        with self._lock:
            if self.remaining <= 0 or (self.operations and operation not in self.operations):
                return None  # sent to moto
            self.remaining -= 1
            self.answered += 1
        return AWSResponse(request.url, self.status, *self._error())

    def _error(self) -> tuple[dict[str, str], _Raw]:
        message = "injected by tests/aws/throttling.py"
        if self.service == "dynamodb":
            body = {"__type": f"com.amazonaws.dynamodb.v20120810#{self.code}", "message": message}
            headers = {"Content-Type": "application/x-amz-json-1.0"}
            return headers, _Raw(json.dumps(body).encode())
        xml = f"<Error><Code>{self.code}</Code><Message>{message}</Message></Error>"
        return {"Content-Type": "application/xml"}, _Raw(xml.encode())


def throttle_sessions(monkeypatch: pytest.MonkeyPatch, *throttles: Throttle) -> None:
    """Every boto3 session jamak opens from now on (until ``monkeypatch`` is undone)
    carries ``throttles``, idle until told."""
    real = clients.aws_session

    def session_with_throttles(config: Any) -> boto3.Session:
        session = real(config)
        for throttle in throttles:
            session.events.register(f"before-send.{throttle.service}", throttle)
        return session

    monkeypatch.setattr(clients, "aws_session", session_with_throttles)


def throttle(kind: tuple[str, int, str]) -> Throttle:
    service, status, code = kind
    return Throttle(service, status, code)

"""AWS's "slow down" and "unavailable" answers, as jamak's :class:`BackendBusyError`.

botocore's standard retry mode (:mod:`jamak.backends.aws.clients`) already retries
throttling, 5xx answers and dropped connections, with backoff; an error that reaches an
adapter has outlasted those attempts. Let through as a ``ClientError`` it would be a bug to
everyone above: the API would answer 500 and a worker would fail its job with "internal
error". As :class:`BackendBusyError` the API answers 503 with Retry-After (nothing was
changed, come back later), and a job fails with words that say AWS was busy.

Only this package knows botocore, so the translation lives here, applied to each adapter
method with ``@busy_as_backend_error("DynamoDB")`` (or as a ``with`` block).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from boto3.exceptions import RetriesExceededError
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from jamak.errors import BackendBusyError

# Error codes AWS answers when a request may succeed later: DynamoDB's and S3's throttling,
# and the generic "try again" answers; any 5xx counts too (S3's 503 SlowDown among them).
_BUSY_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
        "Throttling",
        "SlowDown",
        "ServiceUnavailable",
        "InternalServerError",
        "InternalError",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
RETRY_AFTER_S = 5  # past botocore's own backoff: a few seconds more, not a hammering client


def is_busy(err: ClientError) -> bool:
    """Whether ``err`` says "later", not "never" (a missing key, a failed condition)."""
    code = err.response.get("Error", {}).get("Code", "")
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return code in _BUSY_CODES or status >= 500


@contextmanager
def busy_as_backend_error(service: str) -> Iterator[None]:
    """Turn a throttled or unavailable ``service`` into BackendBusyError; every other error
    passes unchanged. Usable as a decorator too (a context manager from contextlib is one)."""
    try:
        yield
    except ClientError as err:
        if not is_busy(err):
            raise
        code = err.response.get("Error", {}).get("Code", "") or "unavailable"
        raise BackendBusyError(_message(service, code), retry_after_s=RETRY_AFTER_S) from err
    except (BotocoreConnectionError, HTTPClientError, RetriesExceededError) as err:
        message = _message(service, "no connection")
        raise BackendBusyError(message, retry_after_s=RETRY_AFTER_S) from err


def _message(service: str, reason: str) -> str:
    return f"{service} is busy ({reason}) and stayed so through several retries; try again shortly"

"""Log output for jamak's processes: text for people, or one JSON object per line.

Configured only at entry points (``jamak serve``, ``jamak worker``, each worker process,
the Lambda handler) from ``JAMAK_LOG_FORMAT`` (``text``, the default, or ``json``); library
code only calls ``logging.getLogger(__name__)``. Whatever runs inside :func:`log_context`
(a job in its runner) logs with that job's id and owner as fields of their own, so a log
search finds every line of one job or one user without parsing messages. An API request
runs inside :func:`bindable_log_context`, since who is asking is known only once a
dependency has checked the token (:func:`bind_log_fields` adds the user then).

Secrets: nothing in jamak logs a token or a file's contents on purpose; as a second line of
defence both formats blank anything shaped like a jamak API token or a Bearer credential.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Literal

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CONTEXT_FIELDS = ("job_id", "user")
# Fields a record may carry through ``extra=`` (the API's line per request), kept as JSON
# fields so a log search can filter on them rather than parse the message.
EXTRA_FIELDS = ("method", "route", "status", "duration_ms")

_EMPTY: Mapping[str, str] = MappingProxyType({})
_context: ContextVar[Mapping[str, str]] = ContextVar("jamak_log_context", default=_EMPTY)
# jamak_<id>_<secret> (jobs.tokens) and "Bearer <anything>": the secret part is blanked.
_SECRETS = re.compile(r"\b(jamak_[A-Za-z0-9]+_)[A-Za-z0-9_-]+|(?i:(bearer)\s+)\S+")


@contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Lines logged inside the block carry ``fields`` (those not None)."""
    merged = {**_context.get(), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


class _Bindable(dict[str, str]):
    """A context that :func:`bind_log_fields` changes in place: every copy of the context
    (FastAPI runs sync dependencies and routes in worker threads, each with a copy) holds
    this same object, so a field bound in one is seen by lines logged in all the others."""


@contextmanager
def bindable_log_context(**fields: str | None) -> Iterator[None]:
    """Like :func:`log_context`, and :func:`bind_log_fields` may add fields later inside."""
    merged = _Bindable({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def bind_log_fields(**fields: str | None) -> None:
    """Add ``fields`` to the innermost :func:`bindable_log_context`, from here on; outside
    one (a worker, a script) there is nothing to add to, and nothing happens."""
    current = _context.get()
    if isinstance(current, _Bindable):
        current.update({k: v for k, v in fields.items() if v is not None})


def redact(text: str) -> str:
    return _SECRETS.sub(lambda m: f"{m.group(1) or m.group(2) + ' '}[redacted]", text)


class ContextFilter(logging.Filter):
    """Copies the current :func:`log_context` onto each record (``extra=`` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in list(_context.get().items()):  # a copy: binds may come meanwhile
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, job_id and user if known."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "process": record.processName,
            "message": redact(record.getMessage()),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = str(value)
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, int | float | str):
                line[name] = value
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The message, then the context fields (``[user=ana]``), so a text log says whose
    request or job a line is about as the JSON one does."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        known = [
            f"{name}={value}"
            for name in CONTEXT_FIELDS
            if (value := getattr(record, name, None)) is not None
        ]
        text = super().formatMessage(record)
        return f"{text} [{' '.join(known)}]" if known else text

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(
    *, level: str, fmt: LogFormat = "text", text_format: str = TEXT_FORMAT
) -> None:
    """Replace the root logger's handlers with one on standard error, in ``fmt``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter(text_format))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())

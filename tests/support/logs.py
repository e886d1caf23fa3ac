"""Capture what jamak logs as its JSON log lines, for tests that read them back."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from jamak.logs import ContextFilter, JsonFormatter


@contextmanager
def captured_json_log(level: int = logging.INFO) -> Iterator[io.StringIO]:
    """Every record reaching the root logger at ``level`` or above, formatted as jamak's
    JSON lines, into a buffer; the root logger is put back as it was afterwards."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)

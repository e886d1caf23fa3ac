"""What every long-running command does first: settings from the environment, flags on top.

``jamak serve`` and ``jamak worker`` share it, so a flag overrides its ``JAMAK_*`` variable
the same way in both, and logging (its level, and ``JAMAK_LOG_FORMAT``: text or JSON
lines) is set up once, here at the edge.
"""

from __future__ import annotations

from typing import Any

from jamak.logs import configure_logging
from jamak.settings import Settings

# As jamak.cli.main sets it up for short commands.
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"


def build_settings(**flags: Any) -> Settings:
    """Settings from the environment, with the flags that were given (not None) on top."""
    settings = Settings(**{name: value for name, value in flags.items() if value is not None})
    configure_logging(level=settings.log_level, fmt=settings.log_format, text_format=TEXT_FORMAT)
    return settings

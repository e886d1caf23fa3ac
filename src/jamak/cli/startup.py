"""What every long-running command does first: settings from the environment, flags on top.

``jamak serve`` and ``jamak worker`` share it, so a flag overrides its ``JAMAK_*`` variable
the same way in both, and the log level is applied once, here at the edge.
"""

from __future__ import annotations

import logging
from typing import Any

from jamak.settings import Settings


def build_settings(**flags: Any) -> Settings:
    """Settings from the environment, with the flags that were given (not None) on top."""
    settings = Settings(**{name: value for name, value in flags.items() if value is not None})
    logging.getLogger().setLevel(settings.log_level.upper())
    return settings

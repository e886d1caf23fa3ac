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


def env_default(setting: str, otherwise: object | None = None) -> str:
    """An option's default as ``--help`` shows it, for a flag that falls back on a setting:
    its ``JAMAK_*`` variable, else ``otherwise`` (by default the setting's built-in value)."""
    if otherwise is None:
        otherwise = Settings.model_fields[setting].default
    return f"JAMAK_{setting.upper()}, else {otherwise}"


DATA_DIR_DEFAULT = env_default("data_dir", "$XDG_DATA_HOME/jamak or ~/.local/share/jamak")
WORKERS_DEFAULT = env_default("workers", "from cores and memory")

"""The scheduling service's settings, read from SCHEDULING_* environment variables."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCHEDULING_")

    http_port: int = 8003

"""The matching service's settings, read from MATCHING_* environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_")

    http_port: int = 8002
    public_base_url: str = Field(
        default="http://127.0.0.1:8002", description="Where participants reach this service's one-click links."
    )
    link_secret: str = Field(
        default="local-development-secret-change-me",
        min_length=16,
        description="HMAC key of the one-click links. Set a long random value in production.",
    )
    link_valid_days: int = Field(default=30, ge=1, description="How long a one-click link works.")

"""The notifications service's settings, read from NOTIFICATIONS_* environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_")

    http_port: int = 8004
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server.")
    smtp_port: int = Field(default=1025, description="SMTP port.")
    smtp_starttls: bool = Field(default=False, description="Use STARTTLS.")
    smtp_username: str = Field(default="", description="SMTP user, if the server wants one.")
    smtp_password: str = Field(default="", description="SMTP password.")
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    sender_address: str = Field(default="matchmaking@b2bmatch.example", description="From address of every e-mail.")
    sender_name: str = Field(default="", description="From name; the event's name when empty.")
    uid_domain: str = Field(
        default="b2bmatch.example", description="Domain of Message-IDs and calendar UIDs. Never change it once in use."
    )
    settle_seconds: float = Field(
        default=0.25, ge=0,
        description="News waits this long for the rest of what the same change did (its messages arrive together).",
    )
    gather_seconds: float = Field(
        default=2.0, ge=0,
        description="After an e-mail to someone, their next news waits until this long has passed and goes together.",
    )
    digest_seconds: float = Field(default=600.0, ge=0, description="New suggestions are gathered into a digest this long.")
    max_changes_per_email: int = Field(default=20, ge=1)
    max_attempts: int = Field(default=5, ge=1, description="SMTP attempts before a delivery is recorded as failed.")
    retry_first_delay_seconds: float = Field(default=1.0, gt=0)
    retry_max_delay_seconds: float = Field(default=60.0, gt=0)
    send_concurrency: int = Field(default=8, ge=1, description="E-mails sent at the same time.")
    send_poll_seconds: float = Field(default=0.05, gt=0, description="How often due e-mails are looked for.")

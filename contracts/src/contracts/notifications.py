"""Messages on the ``notifications`` topic: what was delivered to whom."""

from __future__ import annotations

from pydantic import Field

from .base import Message


class NotificationSent(Message):
    """An e-mail was accepted by the mail server."""

    participant_id: str = Field(description="The recipient.")
    kinds: tuple[str, ...] = Field(description="What the e-mail was about, e.g. ('meeting_scheduled',).")
    email_message_id: str = Field(description="The Message-ID header of the e-mail.")
    change_keys: tuple[str, ...] = Field(description="Dedupe keys of the changes the e-mail carried.")


class NotificationFailed(Message):
    """An e-mail could not be delivered after the last attempt."""

    participant_id: str = Field(description="The recipient.")
    kinds: tuple[str, ...] = Field(description="What the e-mail was about.")
    error: str = Field(description="The last error.")
    attempts: int = Field(description="How many attempts were made.")

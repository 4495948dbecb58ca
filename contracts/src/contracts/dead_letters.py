"""The payload written to ``<topic>.dlq`` when a service cannot handle a message."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from .base import Message


class DeadLetter(Message):
    """A message a service gave up on, with everything needed to inspect and replay it."""

    topic: str = Field(description="Topic the message came from.")
    partition: int = Field(description="Partition it came from.")
    offset: int = Field(description="Its offset.")
    key: str | None = Field(default=None, description="Its key, decoded as UTF-8 where possible.")
    original_base64: str = Field(description="The original bytes, base64.")
    original_text: str | None = Field(default=None, description="The original bytes as text, when they are UTF-8.")
    error: str = Field(description="Why it could not be handled, precise enough to fix the sender.")
    service: str = Field(description="The service that gave up.")
    failed_at: dt.datetime = Field(description="When.")

"""The envelope every message travels in, and how to open one."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from .base import Message


class Envelope(BaseModel):
    """The wrapper of every message on every topic. ``type`` and ``schema_version`` say how to read ``data``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    message_id: uuid.UUID = Field(description="Unique id of this message; consumers deduplicate on it.")
    type: str = Field(min_length=1, max_length=80, description="Message type, e.g. 'RegistrationSubmitted'.")
    schema_version: int = Field(default=1, ge=1, description="Version of the type's schema the data follows.")
    occurred_at: AwareDatetime = Field(description="When the fact happened or the command was issued (with offset).")
    producer: str = Field(min_length=1, max_length=100, description="The system or service that produced the message.")
    event_id: str = Field(
        min_length=1, max_length=100, description="The matchmaking event the message belongs to; also the Kafka key."
    )
    correlation_id: uuid.UUID = Field(description="Shared by every message caused, directly or not, by one original message.")
    causation_id: uuid.UUID | None = Field(default=None, description="message_id of the message that caused this one.")
    data: dict[str, Any] = Field(description="The payload, as described by the schema of 'type' at 'schema_version'.")


def new_envelope(
    payload: Message,
    *,
    producer: str,
    event_id: str,
    cause: Envelope | None = None,
    message_id: uuid.UUID | None = None,
    occurred_at: dt.datetime | None = None,
) -> Envelope:
    """Wrap ``payload``; when ``cause`` is given the new message inherits its correlation id.

    A deterministic ``message_id`` (e.g. uuid5 of the cause and a role) makes re-publishing after a crash produce the
    same id, so downstream dedupe absorbs the duplicate.
    """
    from .registry import type_name_of

    mid = message_id or uuid.uuid4()
    return Envelope(
        message_id=mid,
        type=type_name_of(payload),
        schema_version=1,
        occurred_at=occurred_at or dt.datetime.now(dt.UTC),
        producer=producer,
        event_id=event_id,
        correlation_id=cause.correlation_id if cause else mid,
        causation_id=cause.message_id if cause else None,
        data=payload.model_dump(mode="json"),
    )

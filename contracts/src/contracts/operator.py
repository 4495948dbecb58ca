"""Commands operators send from the CLI on ``operator.commands``; each service handles the ones it owns."""

from __future__ import annotations

from pydantic import Field

from .base import Message
from .events import EventDraft


class PublishEvent(Message):
    """Create or update an event (handled by registration, which derives the slot grid and the revision)."""

    event: EventDraft = Field(description="The event as the operator wrote it.")


class OptimiseSchedule(Message):
    """Optimise an event's schedule (handled by scheduling)."""

    time_limit_seconds: float = Field(default=30, gt=0, le=3600, description="Most solver time.")
    fairness: int = Field(default=2, ge=0, description="Most breaks one participant may have more than another.")


class SendAgendas(Message):
    """Send personal agendas (handled by notifications)."""

    participant_id: str | None = Field(default=None, description="One participant, or everybody when absent.")

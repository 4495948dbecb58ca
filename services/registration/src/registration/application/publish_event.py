"""Use case: an operator creates or updates an event."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.events import EventDetails, EventPublished, EventUpdated
from contracts.operator import PublishEvent
from contracts.topics import EVENTS
from servicekit.outbox import caused_by

from ..domain.changes import changed_paths
from ..domain.grid import derive_slots
from .ports import EventRepository

PRODUCER = "registration"


async def publish_event(command: PublishEvent, cause: Envelope, events: EventRepository) -> list[str]:
    """Store the event with its derived slot grid and announce it; an unchanged definition announces nothing.

    Returns the keys now available to messages that waited for this event.
    """
    draft = command.event
    previous = await events.get(draft.event_id)
    previous_draft = await events.get_draft(draft.event_id) if previous else None
    if previous_draft == draft:
        return [f"event:{draft.event_id}"]
    revision = previous.revision + 1 if previous else 1
    details = EventDetails(**draft.model_dump(), revision=revision, slots=derive_slots(draft))
    if previous is None:
        message = caused_by(cause, EVENTS, EventPublished(event=details), producer=PRODUCER, event_id=draft.event_id)
    else:
        changed = changed_paths(
            previous.model_dump(mode="json", exclude={"revision"}), details.model_dump(mode="json", exclude={"revision"}), 1
        )
        message = caused_by(
            cause, EVENTS, EventUpdated(event=details, changed_fields=tuple(changed)), producer=PRODUCER,
            event_id=draft.event_id,
        )
    await events.save(details, draft, [message])
    return [f"event:{draft.event_id}"]

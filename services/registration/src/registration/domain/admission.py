"""Who is admitted to an event, and what a new submission means for an existing registration.

The rules, in order: an erased registration never comes back; a revision not newer than the stored one is stale;
a new participant must arrive before the deadline and within capacity; unavailable slots must be slots of the
event. Updates of an admitted participant are allowed after the deadline (people correct their profiles).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from contracts.events import EventDetails, EventStatus
from contracts.registrations import Registration

from .changes import changed_paths
from .grid import overlapping_slot_ids


class ParticipantStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


@dataclass(frozen=True)
class StoredRegistration:
    """What registration already holds for one sender's reference."""

    participant_id: str
    status: ParticipantStatus
    revision: int
    registration: Registration | None


class Verdict(StrEnum):
    ADMIT = "admit"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    STALE = "stale"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Admission:
    verdict: Verdict
    reasons: list[tuple[str, str]] = field(default_factory=list)
    changed_fields: list[str] = field(default_factory=list)
    unavailable_slot_ids: tuple[str, ...] = ()


def resolve_unavailable_slots(event: EventDetails, registration: Registration) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """The event's slot ids the participant cannot attend, and a reason for each unknown slot id."""
    known = {slot.slot_id for slot in event.slots}
    reasons = [
        (f"registration.availability.unavailable_slots.{i}", f"'{sid}' is not a slot of event {event.event_id}")
        for i, sid in enumerate(registration.availability.unavailable_slots)
        if sid not in known
    ]
    blocked = {sid for sid in registration.availability.unavailable_slots if sid in known}
    for period in registration.availability.unavailable_times:
        blocked.update(overlapping_slot_ids(event.slots, period.start, period.end))
    order = {slot.slot_id: slot.index for slot in event.slots}
    return tuple(sorted(blocked, key=order.__getitem__)), reasons


def decide(
    event: EventDetails,
    stored: StoredRegistration | None,
    revision: int,
    registration: Registration,
    *,
    admitted: int,
    now: dt.datetime,
) -> Admission:
    """What to do with a submitted registration (``admitted`` counts the event's active participants)."""
    if stored and stored.status is ParticipantStatus.ERASED:
        return Admission(Verdict.REFUSE, [("", "this registration was erased at the person's request; send a new reference")])
    if stored and revision <= stored.revision:
        if revision == stored.revision and stored.registration == registration:
            return Admission(Verdict.UNCHANGED)
        return Admission(Verdict.STALE, [("revision", f"revision {revision} is not newer than {stored.revision}")])
    slots, reasons = resolve_unavailable_slots(event, registration)
    if reasons:
        return Admission(Verdict.REFUSE, reasons)
    rejoining = stored is None or stored.status is not ParticipantStatus.ACTIVE
    if rejoining:
        if event.status is not EventStatus.OPEN:
            return Admission(Verdict.REFUSE, [("", f"event {event.event_id} is {event.status.value}, not open for registration")])
        if event.registration_deadline and now > event.registration_deadline:
            return Admission(
                Verdict.REFUSE, [("", f"registration closed at {event.registration_deadline.isoformat()} (the deadline)")]
            )
        if event.capacity is not None and admitted >= event.capacity:
            return Admission(Verdict.REFUSE, [("", f"the event is full: all {event.capacity} places are taken")])
        return Admission(Verdict.ADMIT, unavailable_slot_ids=slots)
    assert stored is not None and stored.registration is not None
    changed = changed_paths(stored.registration.model_dump(mode="json"), registration.model_dump(mode="json"))
    if not changed:
        return Admission(Verdict.UNCHANGED, unavailable_slot_ids=slots)
    return Admission(Verdict.UPDATE, changed_fields=changed, unavailable_slot_ids=slots)

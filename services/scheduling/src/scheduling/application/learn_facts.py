"""Use cases: scheduling learns an event's grid and its participants' availability; a change moves exactly the
meetings it breaks (a slot removed, fewer tables, a participant no longer available, a lower cap)."""

from __future__ import annotations

from typing import Any

from contracts.envelope import Envelope
from contracts.events import EventDetails
from servicekit.outbox import Outgoing

from ..domain.change_repair import repair_after_change
from .announcements import announce
from .book import Book, participant_from


def participant_record(data: dict[str, Any]) -> dict[str, Any]:
    registration = data["registration"]
    delegation = registration.get("delegation") or {}
    person = registration["person"]
    return {
        "name": f"{person['first_name']} {person['last_name']}",
        "unavailable": list(data.get("unavailable_slot_ids", [])),
        "cap": registration.get("meeting_cap"),
        "delegation": delegation.get("delegation_id"),
        "role": delegation.get("role"),
        "active": True,
    }


def _apply_repair(book: Book, cause: Envelope, repair, reason: str) -> list[Outgoing]:
    book.touch(*(m.meeting_id for m in repair.moves), *(u.meeting_id for u in repair.unplaceable))
    book.sync_meetings()
    return announce(book, cause, repair.unplaceable, repair.moves, move_reason=reason)


def learn_participant(book: Book, data: dict[str, Any], cause: Envelope) -> list[Outgoing]:
    participant_id = data["participant_id"]
    old = book.state["participants"].get(participant_id)
    if old is not None and not old.get("active", True) and "name" not in old:
        return []  # erased: a late copy of the registration must not bring the person back
    record = participant_record(data)
    book.set_participant(participant_id, record)
    if old is None or (old.get("unavailable"), old.get("cap")) == (record["unavailable"], record["cap"]):
        if participant_id not in book.timetable.problem.participants:
            index_of = {slot.slot_id: slot.index for slot in book.event.slots}
            book.timetable.problem.participants[participant_id] = participant_from(participant_id, record, index_of, book.event)
        return []
    index_of = {slot.slot_id: slot.index for slot in book.event.slots}
    participant = participant_from(participant_id, record, index_of, book.event)
    repair = repair_after_change(book.timetable, participants=[participant])
    return _apply_repair(book, cause, repair, "your partner's availability changed")


def learn_event(book: Book, event: EventDetails, cause: Envelope) -> list[Outgoing]:
    """Apply a changed event: the grid is rebuilt by slot id; meetings in vanished slots or beyond the tables move."""
    if event.revision <= book.event.revision:
        return []
    book.set_event(event)
    changed = Book.from_state(book.event_id, book.state)
    book.timetable = changed.timetable
    participants = list(book.timetable.problem.participants.values())
    repair = repair_after_change(book.timetable, grid=book.timetable.problem.grid, tables=event.tables, participants=participants)
    return _apply_repair(book, cause, repair, "the event's schedule changed")

"""Use cases: a match was cancelled, or a participant left; their meetings are cancelled, the slots freed, and
waiting meetings get their chance."""

from __future__ import annotations

from contracts.envelope import Envelope
from servicekit.outbox import Outgoing

from ..domain.placement import remove_meeting
from ..domain.waitlist import place_waiting
from .announcements import announce, touch_outcomes
from .book import Book, meeting_id_for


def _cancel(book: Book, meeting_id: str, cause: Envelope, reason: str) -> list[Outgoing]:
    record = book.state["meetings"].get(meeting_id)
    if record is None or record["state"] == "cancelled":
        return []
    previous = book.place_of(meeting_id)
    remove_meeting(book.timetable, meeting_id)
    book.before[meeting_id] = dict(record)
    record.update(state="cancelled", v=record["v"] + 1, slot=None, slot_index=None, table=None)
    book.touch(meeting_id)
    return [book.cancelled(cause, meeting_id, previous, reason)] if previous else []


def _refill(book: Book, cause: Envelope) -> list[Outgoing]:
    placed = place_waiting(book.timetable)
    touch_outcomes(book, placed)
    book.sync_meetings()
    return announce(book, cause, placed, move_reason="moved to make room for a waiting meeting")


def cancel_match(book: Book, match_id: str, cause: Envelope, reason: str) -> list[Outgoing]:
    messages = _cancel(book, meeting_id_for(match_id), cause, reason or "the meeting was called off")
    return messages + (_refill(book, cause) if messages else [])


def participant_leaves(book: Book, participant_id: str, cause: Envelope, *, erase: bool) -> list[Outgoing]:
    record = book.state["participants"].get(participant_id)
    label = (record or {}).get("name") or "your partner"
    messages: list[Outgoing] = []
    for meeting_id, meeting in list(book.state["meetings"].items()):
        if participant_id in (meeting["a"], meeting["b"]) and meeting["state"] != "cancelled":
            messages += _cancel(book, meeting_id, cause, f"{label if not erase else 'your partner'} withdrew from the event")
    if record is not None:
        book.set_participant(participant_id, {"active": False} if erase else {**record, "active": False})
    book.timetable.problem.participants.pop(participant_id, None)
    return messages + _refill(book, cause)

"""Use case: a match was accepted, so its meeting is placed at once (moving others only when it must)."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.matching import MatchAccepted
from servicekit.outbox import Outgoing
from servicekit.parking import WaitFor

from ..domain.model import Meeting
from ..domain.placement import place_meeting
from .announcements import announce, touch_outcomes
from .book import Book, meeting_id_for


def facilitator_for(book: Book, a: str, b: str) -> str | None:
    """The facilitator of either participant's delegation, if it has one."""
    participants = book.state["participants"]
    delegations = {participants[p].get("delegation") for p in (a, b)} - {None}
    for participant_id, record in participants.items():
        if record.get("role") == "facilitator" and record.get("active", True) and record.get("delegation") in delegations:
            if participant_id not in (a, b):
                return participant_id
    return None


def accept_match(book: Book, match: MatchAccepted, cause: Envelope) -> list[Outgoing]:
    a, b = match.participant_a, match.participant_b
    missing = [p for p in (a, b) if not book.state["participants"].get(p, {}).get("active")]
    if missing:
        raise WaitFor(*(f"participant:{p}" for p in missing), reason=f"participants {missing} are not known to scheduling yet")
    meeting_id = meeting_id_for(match.match_id)
    record = book.state["meetings"].get(meeting_id)
    if record is not None and record["state"] != "cancelled":
        return []  # already placed or waiting: a redelivered acceptance changes nothing
    version = record["v"] + 1 if record else 1
    book.state["meetings"][meeting_id] = {"match": match.match_id, "state": "waiting", "a": a, "b": b, "v": version}
    book.before[meeting_id] = None  # never announced in this round
    meeting = Meeting(meeting_id, a, b, None, facilitator_for(book, a, b), version)
    outcome = place_meeting(book.timetable, meeting)
    touch_outcomes(book, [outcome])
    book.sync_meetings()
    return announce(book, cause, [outcome], move_reason="moved to make room for another meeting")

"""Why a meeting cannot be placed, in a sentence the operator and the two participants understand.

The reason names the most specific obstacle: a cap, a session the event does not have, an availability
clash that no schedule could fix, or a full schedule that moving other meetings could not open up.
"""

from __future__ import annotations

from scheduling.domain.model import Meeting
from scheduling.domain.timetable import Timetable


def at_cap(timetable: Timetable, participant_id: str) -> str:
    participant = timetable.problem.participant(participant_id)
    return f"participant {participant.label} is at their cap of {participant.cap} meetings"


def _in_session(meeting: Meeting) -> str:
    return f" in the {meeting.session} session" if meeting.session is not None else ""


def no_room(timetable: Timetable, meeting: Meeting, allowed: list[int], tried_moves: int) -> str:
    """Reason for a meeting with no placement among its ``allowed`` slots (session and availability)."""
    problem = timetable.problem
    a = problem.participant(meeting.a)
    b = problem.participant(meeting.b)
    session = _in_session(meeting)
    if meeting.session is not None and meeting.session not in problem.grid.sessions():
        return f"the event has no {meeting.session} session"
    if not allowed:
        session_slots = [
            slot.index
            for slot in problem.grid.slots
            if meeting.session is None or slot.session == meeting.session
        ]
        for participant in (a, b):
            if all(slot in participant.unavailable for slot in session_slots):
                scope = f"the whole {meeting.session} session" if meeting.session else "every slot of the event"
                return f"{participant.label} is unavailable for {scope}"
        return f"{a.label} and {b.label} have no common available slot{session}"
    moved = f" and moving up to {tried_moves} other meetings did not open one" if tried_moves else ""
    both_free = [slot for slot in allowed if timetable.is_free(a.id, slot) and timetable.is_free(b.id, slot)]
    if not both_free:
        return f"{a.label} and {b.label} have no common free slot{session}{moved}"
    count = len(both_free)
    where = "the slot" if count == 1 else f"all {count} slots"
    return f"every table is taken in {where} where {a.label} and {b.label} are both free{session}{moved}"

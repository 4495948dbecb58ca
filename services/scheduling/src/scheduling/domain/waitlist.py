"""Waiting meetings get their chance whenever room may have appeared (a cancellation, more tables, a raised cap).

Meetings are retried in the order they started waiting, so the longest-waiting pair is served first.
"""

from __future__ import annotations

from scheduling.domain.model import Placed
from scheduling.domain.placement import DEFAULT_MAX_MOVES, place_meeting
from scheduling.domain.timetable import Timetable


def place_waiting(timetable: Timetable, *, max_moves: int = DEFAULT_MAX_MOVES) -> list[Placed]:
    """Try every waitlisted meeting once; return those now placed (with any moves they caused)."""
    placed: list[Placed] = []
    for meeting_id in list(timetable.waitlist):
        meeting = timetable.problem.meetings.get(meeting_id)
        if meeting is None:
            timetable.drop_from_waitlist(meeting_id)
            continue
        outcome = place_meeting(timetable, meeting, max_moves=max_moves)
        if isinstance(outcome, Placed):
            placed.append(outcome)
    return placed

"""Online placement: a match was accepted, so its meeting gets a slot and a table now, or a clear reason why not.

Stability matters more than elegance here: participants have already received calendar invitations, so another
meeting is moved only when the new one fits nowhere else, and then as few as possible (see swap_repair).
Every move is reported with the meeting's new version so the service can announce MeetingRescheduled.
"""

from __future__ import annotations

from scheduling.domain.model import Meeting, Move, Placed, Placement, PlacementOutcome, Unplaceable
from scheduling.domain.slot_choice import best_free_slot
from scheduling.domain.swap_repair import make_room
from scheduling.domain.timetable import Timetable
from scheduling.domain.unplaceable_reasons import at_cap, no_room

DEFAULT_MAX_MOVES = 3


def place_meeting(timetable: Timetable, meeting: Meeting, *, max_moves: int = DEFAULT_MAX_MOVES) -> PlacementOutcome:
    """Place a newly accepted meeting, moving up to ``max_moves`` others if that is the only way.

    Placing a meeting that is already placed returns its placement unchanged, so a redelivered MatchAccepted
    does no harm. A meeting that cannot be placed joins the waitlist (see ``place_waiting``).
    """
    existing = timetable.schedule.placements.get(meeting.id)
    if existing is not None:
        return Placed(meeting.id, existing)
    timetable.problem.meetings[meeting.id] = meeting
    for participant_id in dict.fromkeys(meeting.participants):
        if timetable.over_cap(participant_id):
            timetable.add_to_waitlist(meeting.id)
            return Unplaceable(meeting.id, at_cap(timetable, participant_id))
    allowed = timetable.problem.allowed_slots(meeting)
    placement = best_free_slot(timetable, meeting, allowed)
    if placement is not None:
        timetable.assign(meeting.id, placement)
        timetable.drop_from_waitlist(meeting.id)
        return Placed(meeting.id, placement)
    if max_moves > 0 and allowed:
        room = make_room(timetable, meeting, allowed, max_moves)
        if room is not None:
            placement, originals = room
            timetable.drop_from_waitlist(meeting.id)
            return Placed(meeting.id, placement, _moves(timetable, originals, exclude=meeting.id))
    timetable.add_to_waitlist(meeting.id)
    return Unplaceable(meeting.id, no_room(timetable, meeting, allowed, max_moves))


def _moves(timetable: Timetable, originals: dict[str, Placement], exclude: str) -> tuple[Move, ...]:
    moves = []
    for meeting_id, before in originals.items():
        after = timetable.schedule.placements[meeting_id]
        if meeting_id != exclude and after != before:
            moves.append(Move(meeting_id, before, after, timetable.bump_version(meeting_id)))
    return tuple(moves)


def remove_meeting(timetable: Timetable, meeting_id: str) -> Placement | None:
    """Cancel a meeting: its slot and table are free again. Returns where it was (None: it was not placed).

    Nothing else moves; call ``place_waiting`` afterwards to let waiting meetings use the room.
    """
    placement = timetable.unassign(meeting_id) if meeting_id in timetable.schedule else None
    timetable.drop_from_waitlist(meeting_id)
    timetable.problem.meetings.pop(meeting_id, None)
    return placement

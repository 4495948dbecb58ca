"""Repair after the world changed: a participant's availability, the grid (a slot removed, a session shortened),
the number of tables, a cap or a meeting's session or facilitator.

Exactly the meetings that now break a rule change; everything else stays where participants expect it. A meeting
that lost its slot is re-placed in the best free slot without moving anyone else; if there is none it joins the
waitlist and is reported with the reason, so the service can announce MeetingUnplaceable.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from scheduling.domain.model import Meeting, Move, Participant, Placement, SlotGrid, Unplaceable
from scheduling.domain.slot_choice import best_free_slot
from scheduling.domain.timetable import Timetable
from scheduling.domain.unplaceable_reasons import at_cap, no_room


@dataclass
class ChangeRepair:
    """What the change did to the schedule: meetings moved (new slot or table) and meetings that lost their place."""

    moves: list[Move] = field(default_factory=list)
    unplaceable: list[Unplaceable] = field(default_factory=list)


def repair_after_change(
    timetable: Timetable,
    *,
    grid: SlotGrid | None = None,
    tables: int | None = None,
    participants: Iterable[Participant] = (),
    meetings: Iterable[Meeting] = (),
) -> ChangeRepair:
    """Apply the changed parts of the problem and move exactly the meetings that now break a rule."""
    problem = timetable.problem
    if grid is not None:
        problem.grid = grid
    if tables is not None:
        problem.tables = tables
    for participant in participants:
        problem.participants[participant.id] = participant
    changed_meetings = list(meetings)
    for meeting in changed_meetings:
        if meeting.id in timetable.schedule:
            # Take the meeting out under its old identity so the indexes forget its old facilitator.
            placement = timetable.unassign(meeting.id)
            problem.meetings[meeting.id] = meeting
            timetable.assign(meeting.id, placement)
        else:
            problem.meetings[meeting.id] = meeting
    if grid is not None:
        timetable.reindex()

    result = ChangeRepair()
    displaced = _breaking_slot_rules(timetable)
    displaced += _beyond_tables(timetable, exclude=set(displaced))
    over_cap = _beyond_caps(timetable, exclude=set(displaced))
    originals = {meeting_id: timetable.unassign(meeting_id) for meeting_id in displaced + over_cap}

    for meeting_id, before in _renumbered_tables(timetable):
        result.moves.append(Move(meeting_id, before, timetable.schedule.placements[meeting_id],
                                 timetable.bump_version(meeting_id)))
    for meeting_id, before in _unaccompanied(timetable):
        result.moves.append(Move(meeting_id, before, timetable.schedule.placements[meeting_id],
                                 timetable.bump_version(meeting_id)))

    for meeting_id in displaced:
        meeting = timetable.meeting(meeting_id)
        allowed = problem.allowed_slots(meeting)
        placement = best_free_slot(timetable, meeting, allowed)
        if placement is None:
            timetable.add_to_waitlist(meeting_id)
            timetable.bump_version(meeting_id)
            result.unplaceable.append(Unplaceable(meeting_id, no_room(timetable, meeting, allowed, tried_moves=0)))
        else:
            timetable.assign(meeting_id, placement)
            result.moves.append(Move(meeting_id, originals[meeting_id], placement, timetable.bump_version(meeting_id)))
    for meeting_id in over_cap:
        meeting = timetable.meeting(meeting_id)
        capped = next(p for p in meeting.participants if timetable.over_cap(p))
        timetable.add_to_waitlist(meeting_id)
        timetable.bump_version(meeting_id)
        result.unplaceable.append(Unplaceable(meeting_id, at_cap(timetable, capped)))
    return result


def _breaking_slot_rules(timetable: Timetable) -> list[str]:
    """Meetings whose slot is gone, outside their session, or one a participant can no longer attend."""
    problem = timetable.problem
    broken = []
    for meeting_id, placement in sorted(timetable.schedule.placements.items(), key=lambda item: item[1].slot):
        meeting = problem.meetings[meeting_id]
        slot = placement.slot
        if (
            slot not in problem.grid
            or (meeting.session is not None and problem.grid.slot(slot).session != meeting.session)
            or any(slot in problem.participant(p).unavailable for p in meeting.participants)
        ):
            broken.append(meeting_id)
    return broken


def _beyond_tables(timetable: Timetable, exclude: set[str]) -> list[str]:
    """Meetings that must leave a slot holding more meetings than there are tables (highest tables leave)."""
    leaving = []
    for slot, tables in timetable.occupancy.tables_in_slot.items():
        staying = sorted((table, meeting_id) for table, meeting_id in tables.items() if meeting_id not in exclude)
        excess = len(staying) - timetable.problem.tables
        if excess > 0:
            leaving += [meeting_id for _, meeting_id in staying[-excess:]]
    return leaving


def _beyond_caps(timetable: Timetable, exclude: set[str]) -> list[str]:
    """Meetings over a lowered cap: each participant keeps their earliest meetings up to the cap."""
    problem = timetable.problem
    count: Counter[str] = Counter()
    of_participant: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for meeting_id, placement in timetable.schedule.placements.items():
        if meeting_id in exclude:
            continue
        for participant_id in dict.fromkeys(problem.meetings[meeting_id].participants):
            count[participant_id] += 1
            of_participant[participant_id].append((placement.slot, meeting_id))
    dropped: dict[str, None] = {}
    for participant_id, meetings in of_participant.items():
        cap = problem.participant(participant_id).cap
        if cap is None:
            continue
        kept = [meeting_id for _, meeting_id in sorted(meetings) if meeting_id not in dropped]
        for meeting_id in kept[cap:]:
            dropped[meeting_id] = None
    return list(dropped)


def _renumbered_tables(timetable: Timetable) -> list[tuple[str, Placement]]:
    """Meetings at a table that no longer exists move to a free table in the same slot."""
    renumbered = []
    for slot in list(timetable.occupancy.tables_in_slot):
        for table, meeting_id in list(timetable.occupancy.tables_in_slot[slot].items()):
            if table > timetable.problem.tables:
                before = timetable.unassign(meeting_id)
                new_table = timetable.free_table(slot)
                assert new_table is not None
                timetable.assign(meeting_id, replace(before, table=new_table))
                renumbered.append((meeting_id, before))
    return renumbered


def _unaccompanied(timetable: Timetable) -> list[tuple[str, Placement]]:
    """Meetings marked accompanied whose facilitator is gone or now needed in two places at once."""
    problem = timetable.problem
    seen: set[tuple[str, int]] = set()
    changed = []
    for meeting_id, placement in sorted(timetable.schedule.placements.items(), key=lambda item: item[1].slot):
        if not placement.accompanied:
            continue
        facilitator = problem.meetings[meeting_id].facilitator
        key = (facilitator or "", placement.slot)
        if facilitator is None or key in seen:
            before = timetable.unassign(meeting_id)
            timetable.assign(meeting_id, replace(before, accompanied=False))
            changed.append((meeting_id, before))
        else:
            seen.add(key)
    return changed

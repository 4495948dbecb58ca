"""The scheduling aggregate of one event: problem, schedule, waitlist and the indexes that keep placement fast.

The service loads a Timetable once per event (or keeps it in memory) and hands it to ``place_meeting``,
``remove_meeting``, ``repair_after_change`` and ``place_waiting``; each of them changes it in place and reports
what participants must be told. ``assign`` and ``unassign`` are the only ways the schedule changes, so the
indexes can never drift from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduling.domain.model import EventProblem, Meeting, Placement, Schedule
from scheduling.domain.occupancy import Occupancy


@dataclass
class Timetable:
    problem: EventProblem
    schedule: Schedule = field(default_factory=Schedule)
    waitlist: list[str] = field(default_factory=list)
    occupancy: Occupancy = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the indexes from the schedule; only needed when the grid itself changes."""
        self.occupancy = Occupancy()
        for meeting_id, placement in self.schedule.placements.items():
            meeting = self.problem.meetings[meeting_id]
            self.occupancy.add(meeting, placement, self._day(placement.slot))

    def _day(self, slot: int) -> int:
        # A slot no longer in the grid (an old schedule loaded after a grid change) is indexed under day -1
        # until repair_after_change moves its meeting.
        return self.problem.grid.slot(slot).day if slot in self.problem.grid else -1

    def meeting(self, meeting_id: str) -> Meeting:
        return self.problem.meetings[meeting_id]

    def assign(self, meeting_id: str, placement: Placement) -> None:
        if meeting_id in self.schedule.placements:
            raise ValueError(f"meeting {meeting_id} is already placed")
        self.schedule.placements[meeting_id] = placement
        self.occupancy.add(self.problem.meetings[meeting_id], placement, self._day(placement.slot))

    def unassign(self, meeting_id: str) -> Placement:
        placement = self.schedule.placements.pop(meeting_id)
        self.occupancy.remove(self.problem.meetings[meeting_id], placement)
        return placement

    def add_to_waitlist(self, meeting_id: str) -> None:
        if meeting_id not in self.waitlist:
            self.waitlist.append(meeting_id)

    def drop_from_waitlist(self, meeting_id: str) -> None:
        if meeting_id in self.waitlist:
            self.waitlist.remove(meeting_id)

    def bump_version(self, meeting_id: str) -> int:
        meeting = self.problem.meetings[meeting_id].next_version()
        self.problem.meetings[meeting_id] = meeting
        return meeting.version

    # Questions placement asks, answered from the indexes.

    def is_free(self, participant_id: str, slot: int) -> bool:
        return slot not in self.occupancy.by_participant[participant_id]

    def free_table(self, slot: int) -> int | None:
        used = self.occupancy.tables_in_slot[slot]
        if len(used) >= self.problem.tables:
            return None
        for table in range(1, self.problem.tables + 1):
            if table not in used:
                return table
        return None

    def has_free_table(self, slot: int) -> bool:
        return len(self.occupancy.tables_in_slot[slot]) < self.problem.tables

    def facilitator_free(self, meeting: Meeting, slot: int) -> bool:
        return meeting.facilitator is not None and (meeting.facilitator, slot) not in self.occupancy.accompanying

    def added_breaks(self, participant_id: str, slot: int) -> int:
        """How the participant's breaks change if they get a meeting at ``slot`` (-1, 0 or +1)."""
        grid = self.problem.grid
        day = grid.slot(slot).day
        if self.occupancy.meetings_per_day.get((participant_id, day), 0) <= 0:
            return 0
        occupied = self.occupancy.by_participant[participant_id]
        neighbours = (slot - 1 in occupied and grid.follows(slot - 1, slot)) + (
            slot + 1 in occupied and grid.follows(slot, slot + 1)
        )
        return 1 - neighbours

    def over_cap(self, participant_id: str) -> bool:
        """True when one more meeting would take the participant past their cap."""
        cap = self.problem.participant(participant_id).cap
        return cap is not None and self.occupancy.meeting_count(participant_id) >= cap

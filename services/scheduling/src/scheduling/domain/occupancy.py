"""Who and what is busy in each slot, kept up to date with every single change.

Placing one meeting in an event of thousands must take milliseconds, so the questions placement asks
("is Alice free in slot 7?", "which table is free in slot 7?", "is the facilitator already accompanying
someone?") are answered from dictionaries updated incrementally on each add and remove, never by scanning
the schedule.
"""

from __future__ import annotations

from collections import defaultdict

from scheduling.domain.model import Meeting, Placement


class Occupancy:
    """Indexes over the placed meetings of one event."""

    __slots__ = ("by_participant", "tables_in_slot", "accompanying", "meetings_per_day", "_indexed_as")

    def __init__(self) -> None:
        # participant -> slot -> meeting id
        self.by_participant: defaultdict[str, dict[int, str]] = defaultdict(dict)
        # slot -> table -> meeting id
        self.tables_in_slot: defaultdict[int, dict[int, str]] = defaultdict(dict)
        # (facilitator, slot) -> the meeting they accompany
        self.accompanying: dict[tuple[str, int], str] = {}
        # (participant, day) -> number of their meetings that day, to know when a meeting opens a new day
        self.meetings_per_day: defaultdict[tuple[str, int], int] = defaultdict(int)
        # meeting id -> (day, facilitator key) it was indexed under, so removal undoes exactly what add did even
        # after the grid or the meeting changed
        self._indexed_as: dict[str, tuple[int, tuple[str, int] | None]] = {}

    def add(self, meeting: Meeting, placement: Placement, day: int) -> None:
        for participant_id in dict.fromkeys(meeting.participants):
            self.by_participant[participant_id][placement.slot] = meeting.id
            self.meetings_per_day[(participant_id, day)] += 1
        self.tables_in_slot[placement.slot][placement.table] = meeting.id
        accompany_key = None
        if placement.accompanied and meeting.facilitator is not None:
            accompany_key = (meeting.facilitator, placement.slot)
            self.accompanying[accompany_key] = meeting.id
        self._indexed_as[meeting.id] = (day, accompany_key)

    def remove(self, meeting: Meeting, placement: Placement) -> None:
        day, accompany_key = self._indexed_as.pop(meeting.id)
        for participant_id in dict.fromkeys(meeting.participants):
            slots = self.by_participant[participant_id]
            if slots.get(placement.slot) == meeting.id:
                del slots[placement.slot]
            self.meetings_per_day[(participant_id, day)] -= 1
        tables = self.tables_in_slot[placement.slot]
        if tables.get(placement.table) == meeting.id:
            del tables[placement.table]
        if accompany_key is not None and self.accompanying.get(accompany_key) == meeting.id:
            del self.accompanying[accompany_key]

    def meeting_of(self, participant_id: str, slot: int) -> str | None:
        return self.by_participant[participant_id].get(slot)

    def meeting_count(self, participant_id: str) -> int:
        return len(self.by_participant[participant_id])

    def meetings_in(self, slot: int) -> list[str]:
        return list(self.tables_in_slot[slot].values())

    def used_tables(self, slot: int) -> int:
        return len(self.tables_in_slot[slot])

"""Making room for a meeting when no slot is free, by moving as few other meetings as possible.

For each slot the new meeting could take, the obstacles are the meetings its two participants already have
there and, when every table is taken, one meeting that has to leave the slot. Each obstacle is moved to another
slot where its own participants are free; when there is none, the meeting in its way is moved in turn (a swap
chain). The search deepens one move at a time (first every one-move repair, then two, ...), so the repair found
disturbs the fewest meetings, and it stops after a fixed number of probes so placement stays fast.
Everything is tried on the live timetable and undone exactly when a branch fails.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from scheduling.domain.model import Meeting, Placement
from scheduling.domain.slot_choice import best_free_slot
from scheduling.domain.timetable import Timetable


class _SearchExhausted(Exception):
    """The probe budget ran out: give up rather than make the caller wait."""


class _RoomSearch:
    def __init__(self, timetable: Timetable, probe_limit: int) -> None:
        self.timetable = timetable
        self.probe_limit = probe_limit
        self.probes = 0
        self.undo: list[Callable[[], object]] = []
        self.locked: set[str] = set()
        self.originals: dict[str, Placement] = {}
        self._allowed: dict[str, list[int]] = {}

    def allowed(self, meeting_id: str) -> list[int]:
        slots = self._allowed.get(meeting_id)
        if slots is None:
            slots = self.timetable.problem.allowed_slots(self.timetable.meeting(meeting_id))
            self._allowed[meeting_id] = slots
        return slots

    def spend(self, probes: int) -> None:
        self.probes += probes
        if self.probes > self.probe_limit:
            raise _SearchExhausted

    def lift(self, meeting_id: str) -> None:
        """Take a meeting out of its slot for moving; it may not be moved again in this search."""
        placement = self.timetable.unassign(meeting_id)
        self.originals.setdefault(meeting_id, placement)
        self.locked.add(meeting_id)

        def undo() -> None:
            self.locked.discard(meeting_id)
            self.timetable.assign(meeting_id, placement)

        self.undo.append(undo)

    def put(self, meeting_id: str, placement: Placement) -> None:
        self.timetable.assign(meeting_id, placement)
        self.undo.append(partial(self.timetable.unassign, meeting_id))

    def rollback(self, mark: int) -> None:
        while len(self.undo) > mark:
            self.undo.pop()()

    def placement_in(self, meeting: Meeting, slot: int) -> Placement:
        table = self.timetable.free_table(slot)
        assert table is not None
        return Placement(slot, table, accompanied=self.timetable.facilitator_free(meeting, slot))

    def relocate(self, meeting_id: str, banned: frozenset[int], budget: int) -> int | None:
        """Place a lifted meeting elsewhere using at most ``budget`` moves (itself included); moves used."""
        if budget < 1:
            return None
        meeting = self.timetable.meeting(meeting_id)
        allowed = self.allowed(meeting_id)
        self.spend(len(allowed))
        placement = best_free_slot(self.timetable, meeting, allowed, banned)
        if placement is not None:
            self.put(meeting_id, placement)
            return 1
        if budget < 2:
            return None
        occupancy = self.timetable.occupancy
        for slot in allowed:
            if slot in banned:
                continue
            self.spend(1)
            blockers = {occupancy.meeting_of(p, slot) for p in meeting.participants} - {None}
            if len(blockers) != 1:
                continue  # a free slot would have been taken above; two blockers cost too much this deep
            (blocker,) = blockers
            if blocker in self.locked:
                continue
            mark = len(self.undo)
            self.lift(blocker)
            self.put(meeting_id, self.placement_in(meeting, slot))
            used = self.relocate(blocker, banned | {slot}, budget - 1)
            if used is not None:
                return 1 + used
            self.rollback(mark)
        return None

    def evict_one(self, slot: int, budget: int) -> int | None:
        """Free one table in ``slot`` by moving one of its meetings straight to a free slot."""
        if budget < 1:
            return None
        for meeting_id in self.timetable.occupancy.meetings_in(slot):
            if meeting_id in self.locked:
                continue
            mark = len(self.undo)
            self.lift(meeting_id)
            if self.relocate(meeting_id, frozenset({slot}), 1) is not None:
                return 1
            self.rollback(mark)
        return None

    def open_slot(self, meeting: Meeting, slot: int, budget: int) -> bool:
        """Clear ``slot`` for ``meeting`` within ``budget`` moves and place it there."""
        occupancy = self.timetable.occupancy
        blockers = list(dict.fromkeys(m for p in meeting.participants if (m := occupancy.meeting_of(p, slot))))
        table_short = occupancy.used_tables(slot) - len(blockers) >= self.timetable.problem.tables
        needed = len(blockers) + table_short
        if needed == 0 or needed > budget or any(m in self.locked for m in blockers):
            return False
        mark = len(self.undo)
        for blocker in blockers:
            self.lift(blocker)
        left = budget
        for position, blocker in enumerate(blockers):
            still_needed = len(blockers) - position - 1 + table_short
            used = self.relocate(blocker, frozenset({slot}), left - still_needed)
            if used is None:
                self.rollback(mark)
                return False
            left -= used
        if table_short and self.evict_one(slot, left) is None:
            self.rollback(mark)
            return False
        self.put(meeting.id, self.placement_in(meeting, slot))
        return True


def make_room(
    timetable: Timetable, meeting: Meeting, allowed: list[int], max_moves: int = 3, probe_limit: int = 20_000
) -> tuple[Placement, dict[str, Placement]] | None:
    """Place ``meeting`` by moving at most ``max_moves`` other meetings.

    On success the timetable holds the meeting and the moved meetings at their new places, and the result is the
    meeting's placement plus the original placement of every meeting the search touched (compare with the
    current schedule to see which ones really moved). On failure the timetable is exactly as before.
    """
    search = _RoomSearch(timetable, probe_limit)
    search.locked.add(meeting.id)
    order = sorted(
        allowed, key=lambda s: (timetable.added_breaks(meeting.a, s) + timetable.added_breaks(meeting.b, s), s)
    )
    try:
        for budget in range(1, max_moves + 1):
            for slot in order:
                if search.open_slot(meeting, slot, budget):
                    return timetable.schedule.placements[meeting.id], search.originals
    except _SearchExhausted:
        search.rollback(0)
    return None

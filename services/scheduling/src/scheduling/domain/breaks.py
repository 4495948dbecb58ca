"""Breaks: the idle gaps participants notice between their meetings, which good schedules keep few and fair.

A participant's meetings on one day, taken in slot order, form runs of back-to-back meetings; every run after
the first on that day starts after a gap, and that gap is one break however long it is. Meetings on different
days never create a break.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from scheduling.domain.model import EventProblem, Schedule, SlotGrid


def breaks_of(grid: SlotGrid, slots: Iterable[int]) -> int:
    """Breaks of one participant whose meetings are at ``slots``."""
    ordered = sorted(slots)
    breaks = 0
    for earlier, later in zip(ordered, ordered[1:]):
        if grid.slot(earlier).day == grid.slot(later).day and not grid.follows(earlier, later):
            breaks += 1
    return breaks


def breaks_per_participant(problem: EventProblem, schedule: Schedule) -> dict[str, int]:
    """Breaks of every participant of the problem (0 for those without meetings), plus any unknown ones."""
    slots_of: dict[str, list[int]] = defaultdict(list)
    for meeting_id, placement in schedule.placements.items():
        meeting = problem.meetings[meeting_id]
        slots_of[meeting.a].append(placement.slot)
        slots_of[meeting.b].append(placement.slot)
    result = {participant_id: 0 for participant_id in problem.participants}
    for participant_id, slots in slots_of.items():
        result[participant_id] = breaks_of(problem.grid, slots)
    return result


def total_breaks(problem: EventProblem, schedule: Schedule) -> int:
    return sum(breaks_per_participant(problem, schedule).values())


def fairness_spread(problem: EventProblem, schedule: Schedule) -> int:
    """Most breaks of any participant minus fewest (over all participants, as in Bofill et al. 2022)."""
    counts = breaks_per_participant(problem, schedule).values()
    return max(counts) - min(counts) if counts else 0

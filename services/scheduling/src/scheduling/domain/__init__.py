"""The pure scheduling domain: slot grid, meetings, hard rules, online placement, repair and optimisation.

No I/O, no broker, no database, no logging setup. The service keeps one ``Timetable`` per event and calls:

Model (``model``):
    ``SlotGrid(slots)``, ``SlotGrid.of_days(days, [(session, slots), ...])``, ``Slot(index, day, session)``,
    ``Participant(id, name="", unavailable=frozenset(), cap=None)``,
    ``Meeting(id, a, b, session=None, facilitator=None, version=1)``,
    ``Placement(slot, table, accompanied=False)``, ``Schedule(placements: dict[meeting id, Placement])``,
    ``EventProblem(grid, tables, participants, meetings)``, ``Timetable(problem, schedule=Schedule(), waitlist=[])``.

Online (each changes the timetable in place and reports what participants must be told):
    ``place_meeting(timetable, meeting, *, max_moves=3) -> Placed | Unplaceable``
        ``Placed(meeting_id, placement, moves: tuple[Move, ...])``, ``Unplaceable(meeting_id, reason)``;
        ``Move(meeting_id, before, after, version)``: announce MeetingRescheduled with ``version``.
    ``remove_meeting(timetable, meeting_id) -> Placement | None``
    ``place_waiting(timetable, *, max_moves=3) -> list[Placed]``
    ``repair_after_change(timetable, *, grid=None, tables=None, participants=(), meetings=()) -> ChangeRepair``
        ``ChangeRepair(moves: list[Move], unplaceable: list[Unplaceable])``

Optimisation (pure: returns a new schedule, the caller adopts it):
    ``optimise_schedule(problem, current=None, *, time_limit=60.0, fairness=2, workers=2, progress=None)
        -> OptimisationResult`` with ``schedule, total_breaks, lower_bound, gap, placed, unplaced, moves, moved,
        fairness_spread, fairness_held, optimal, seconds``; ``progress(phase, objective, bound, elapsed)``.
    ``adopt_optimised(timetable, result) -> None`` puts the result into the timetable (versions raised).

Checks:
    ``find_violations(problem, schedule) -> list[str]`` (empty: every hard rule holds),
    ``breaks_per_participant(problem, schedule) -> dict[str, int]``, ``total_breaks``, ``fairness_spread``.
"""

from scheduling.domain.breaks import breaks_per_participant, fairness_spread, total_breaks
from scheduling.domain.change_repair import ChangeRepair, repair_after_change
from scheduling.domain.model import (
    AFTERNOON,
    MORNING,
    EventProblem,
    Meeting,
    Move,
    Participant,
    Placed,
    Placement,
    PlacementOutcome,
    Schedule,
    Slot,
    SlotGrid,
    Unplaceable,
)
from scheduling.domain.optimisation import OptimisationResult, adopt_optimised, optimise_schedule
from scheduling.domain.placement import place_meeting, remove_meeting
from scheduling.domain.rules import find_violations
from scheduling.domain.timetable import Timetable
from scheduling.domain.waitlist import place_waiting

__all__ = [
    "AFTERNOON",
    "MORNING",
    "ChangeRepair",
    "EventProblem",
    "Meeting",
    "Move",
    "OptimisationResult",
    "Participant",
    "Placed",
    "Placement",
    "PlacementOutcome",
    "Schedule",
    "Slot",
    "SlotGrid",
    "Timetable",
    "Unplaceable",
    "adopt_optimised",
    "breaks_per_participant",
    "fairness_spread",
    "find_violations",
    "optimise_schedule",
    "place_meeting",
    "place_waiting",
    "remove_meeting",
    "repair_after_change",
    "total_breaks",
]

"""Use case: the operator optimises an event's schedule: place every meeting it can, then the fewest breaks under
the fairness bound, then move as few announced meetings as possible. The solver runs in a worker thread."""

from __future__ import annotations

import asyncio

import structlog

from contracts.envelope import Envelope
from contracts.operator import OptimiseSchedule
from contracts.schedule import ScheduleOptimised
from contracts.topics import SCHEDULE
from servicekit.outbox import Outgoing, caused_by

from ..domain.breaks import breaks_per_participant
from ..domain.model import Placed
from ..domain.optimisation import adopt_optimised, optimise_schedule
from .announcements import announce
from .book import PRODUCER, Book

log = structlog.get_logger()


async def optimise(book: Book, command: OptimiseSchedule, cause: Envelope) -> list[Outgoing]:
    timetable = book.timetable
    problem = timetable.problem.copy()
    before = sum(breaks_per_participant(problem, timetable.schedule).values())
    waiting_before = set(timetable.waitlist)

    def report(phase: str, objective: float, bound: float, elapsed: float) -> None:
        log.info("optimisation.progress", phase=phase, objective=objective, bound=bound, seconds=round(elapsed, 1))

    result = await asyncio.to_thread(
        optimise_schedule, problem, timetable.schedule.copy(), time_limit=command.time_limit_seconds,
        fairness=command.fairness, workers=2, progress=report,
    )
    adopt_optimised(timetable, result)  # raises the moved meetings' versions, keeps the waiting order
    newly_placed = [Placed(m, result.schedule.placements[m]) for m in waiting_before if m in result.schedule.placements]
    book.touch(*(m.meeting_id for m in result.moves), *(p.meeting_id for p in newly_placed))
    book.sync_meetings()
    messages = announce(book, cause, newly_placed, result.moves, move_reason="the schedule was optimised to shorten idle gaps")
    summary = ScheduleOptimised(
        placed=result.placed, unplaced=len(result.unplaced), breaks_before=before, breaks_after=result.total_breaks,
        lower_bound=result.lower_bound, moved=result.moved, seconds=round(result.seconds, 2),
    )
    log.info("optimisation.done", **summary.model_dump())
    return messages + [caused_by(cause, SCHEDULE, summary, producer=PRODUCER)]


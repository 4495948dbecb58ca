"""Operator-triggered optimisation: place every meeting it can, then few and fair breaks, then few changes.

Three lexicographic phases, each with the previous phase's result fixed as a constraint (phases 1 and 3 are CP-SAT
solves on cpsat_model; phase 2 is core-guided MaxSAT on maxsat_model, with CP-SAT as its fallback):

1. place as many meetings as possible (ties: keep already-announced meetings placed);
2. minimise total breaks, with the fairness rule max - min breaks <= ``fairness`` over all participants;
3. among schedules with that many breaks, change the slot of as few announced meetings as possible.

The warm start is the current schedule completed by online placement, so even a short time limit returns a
schedule at least as good as what participants have now. See docs/decisions/0002-scheduling-solver.md for the
measurements behind the choice of solver.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduling.domain.breaks import breaks_per_participant
from scheduling.domain.cpsat_model import ScheduleModel
from scheduling.domain.maxsat_model import MaxSatModel
from scheduling.domain.maxsat_solver import minimise_breaks
from scheduling.domain.model import EventProblem, Move, Placement, Schedule
from scheduling.domain.placement import place_meeting
from scheduling.domain.schedule_assembly import assemble_schedule
from scheduling.domain.timetable import Timetable

ProgressCallback = Callable[[str, float, float, float], None]
"""Called as progress(phase, objective, bound, elapsed_seconds) on every improving solution."""

PHASE_PLACE = "place"
PHASE_BREAKS = "breaks"
PHASE_STABILITY = "stability"


@dataclass
class OptimisationResult:
    """The optimised schedule and what it costs the participants.

    ``total_breaks`` is the objective, ``lower_bound`` what the solver proved no schedule can beat (with the same
    meetings placed), ``gap`` their difference. ``moves`` lists every announced meeting whose slot, table or
    facilitator changed, with its next version; ``moved`` counts those whose slot changed (phase 3's objective).
    """

    schedule: Schedule
    total_breaks: int
    lower_bound: int
    gap: int
    placed: int
    unplaced: list[str]
    moves: list[Move]
    moved: int
    fairness_spread: int
    fairness_held: bool
    optimal: bool
    seconds: float
    phases: dict[str, str] = field(default_factory=dict)


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: str, started: float, report: ProgressCallback | None) -> None:
        super().__init__()
        self.phase = phase
        self.started = started
        self.report = report

    def on_solution_callback(self) -> None:
        if self.report is not None:
            self.report(self.phase, self.objective_value, self.best_objective_bound, time.monotonic() - self.started)


def warm_start(problem: EventProblem, current: Schedule) -> dict[str, int]:
    """The current schedule with every unplaced meeting added by online placement: a feasible first answer."""
    timetable = Timetable(problem.copy(), current.copy())
    for meeting_id in sorted(problem.meetings):
        if meeting_id not in timetable.schedule:
            place_meeting(timetable, problem.meetings[meeting_id])
    return {meeting_id: placement.slot for meeting_id, placement in timetable.schedule.placements.items()}


def optimise_schedule(
    problem: EventProblem,
    current: Schedule | None = None,
    *,
    time_limit: float = 60.0,
    fairness: int | None = 2,
    workers: int = 2,
    progress: ProgressCallback | None = None,
    seed: int = 0,
) -> OptimisationResult:
    """Optimise the whole event within ``time_limit`` seconds; ``current`` holds the announced meetings."""
    started = time.monotonic()
    current = current if current is not None else Schedule()
    announced = [m for m in current.placements if m in problem.meetings]
    announced_slot = {m: current.placements[m].slot for m in announced}
    current_valid = {m: s for m, s in announced_slot.items() if s in problem.allowed_slots(problem.meetings[m])}
    best = warm_start(problem, Schedule({m: current.placements[m] for m in current_valid}))
    phases: dict[str, str] = {}

    def remaining() -> float:
        return max(time_limit - (time.monotonic() - started), 0.05)

    def solve(phase: str, model: ScheduleModel, share: float) -> tuple[cp_model.CpSolver, int]:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(remaining() * share, 0.05)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        status = solver.solve(model.model, _Progress(phase, started, progress))
        phases[phase] = solver.status_name(status)
        return solver, status

    def build(fair: int | None) -> ScheduleModel:
        model = ScheduleModel(problem, fair)
        model.hint(best)
        return model

    # Phase 1: place everything that can be placed; skipped when the warm start already placed every meeting.
    placed_target = len(best)
    kept_target = sum(1 for m in announced if m in best)
    if len(best) < len(problem.meetings):
        # Everything fairly placed is the answer most events have; the automaton encoding finds it far faster
        # than maximising (forumt-14: all 237 in seconds, where maximising stalls at 236).
        everything = ScheduleModel(problem, fairness, place_all=True, encoding="automaton")
        everything.hint(best)
        solver, status = solve(PHASE_PLACE, everything, 0.3)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = everything.slot_of(solver)
            placed_target, kept_target = len(best), len(announced)
    if len(best) < len(problem.meetings):
        model = ScheduleModel(problem, None, with_breaks=False)
        model.hint(best)
        weight = len(announced) + 1
        placed = sum(model.placed.values())
        kept = sum(model.placed[m] for m in announced)
        model.model.maximize(weight * placed + kept)
        solver, status = solve(PHASE_PLACE, model, 0.25)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            candidate = model.slot_of(solver)
            if (len(candidate), sum(1 for m in announced if m in candidate)) >= (placed_target, kept_target):
                best = candidate
                placed_target, kept_target = len(best), sum(1 for m in announced if m in best)

    # Phase 2: fewest breaks, fairly, with as many meetings placed as phase 1 achieved.
    place_all = placed_target == len(problem.meetings)
    phase2 = _BreaksPhase(problem, fairness, place_all, placed_target, announced, kept_target, solve)
    phase2.report = (lambda *args: progress(PHASE_BREAKS, *args)) if progress is not None else None
    phase2.started = started
    phase2.phases = phases
    best, lower_bound, optimal, fairness_held = phase2.run(best, remaining)
    breaks_target = _total_breaks(problem, best)

    # Phase 3: keep announced meetings in their slots as far as the breaks allow.
    if announced and any(best.get(m) != s for m, s in announced_slot.items()):
        model = build(fairness if fairness_held else None)
        model.model.add(sum(model.placed.values()) >= placed_target)
        model.model.add(sum(model.placed[m] for m in announced) >= kept_target)
        model.model.add(model.total_breaks <= breaks_target)
        changed = [1 - model.x[(m, s)] if (m, s) in model.x else 1 for m, s in announced_slot.items()]
        model.model.minimize(sum(changed))
        solver, status = solve(PHASE_STABILITY, model, 1.0)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best = model.slot_of(solver)

    return _result(problem, current, best, lower_bound, optimal, fairness if fairness_held else None, started, phases)


class _BreaksPhase:
    """Fewest total breaks under the fairness rule, by a small portfolio that fits the real instances.

    0. MaxSAT (RC2, ``maxsat_share`` of the time left) on the meetings placed so far; its answer is optimal. If it
       runs out of time, its lower bound is kept and CP-SAT continues:
    1. Ask for a schedule without any break (automaton encoding, every participant limited to 0 breaks): half of
       the real instances have one, and this question is answered in seconds where optimising is not.
    2. Minimise total breaks on the "literals" encoding from the best schedule so far (hinted).
    3. With the time left, ask for a schedule with one break fewer than the best (automaton encoding) until
       the answer is "none" (the best is then proven optimal) or time runs out.
    If no fair schedule exists at all, the fairness rule is dropped and the result says so.
    """

    def __init__(self, problem, fairness, place_all, placed_target, announced, kept_target, solve) -> None:  # noqa: ANN001
        self.problem = problem
        self.fairness = fairness
        self.place_all = place_all
        self.placed_target = placed_target
        self.announced = announced
        self.kept_target = kept_target
        self.solve = solve

    def _model(self, fairness: int | None, encoding: str, best: dict[str, int], max_each: int | None = None):  # noqa: ANN202
        model = ScheduleModel(self.problem, fairness, self.place_all, encoding, max_each)
        if not self.place_all:
            model.model.add(sum(model.placed.values()) >= self.placed_target)
            if self.announced:
                model.model.add(sum(model.placed[m] for m in self.announced) >= self.kept_target)
        model.hint(best)
        return model

    report: Callable[[float, float, float], None] | None = None
    started: float = 0.0
    phases: dict[str, str] | None = None
    maxsat_share = 0.8

    def _maxsat(
        self, best: dict[str, int], remaining: Callable[[], float]
    ) -> tuple[dict[str, int] | None, int, int | None]:
        """MaxSAT on the meetings placed so far: (optimal slots or None, lower bound, fairness used)."""
        fair = self.fairness
        placed = set(best)
        meetings_of: dict[str, int] = {p: 0 for p in self.problem.participants}
        for meeting_id in placed:
            for participant_id in dict.fromkeys(self.problem.meetings[meeting_id].participants):
                meetings_of[participant_id] = meetings_of.get(participant_id, 0) + 1
        if fair is not None and not any(count < 2 for count in meetings_of.values()):
            return None, 0, fair  # fairness needs the fewest breaks as a variable: CP-SAT does that
        upper = _total_breaks(self.problem, best)
        lower = 0
        budget = remaining() * self.maxsat_share
        deadline = time.monotonic() + budget

        def on_bound(bound: int, _elapsed: float) -> None:
            if self.report is not None:
                self.report(float(upper), float(bound), time.monotonic() - self.started)

        for attempt in [fair, None] if fair is not None else [None]:
            model = MaxSatModel(self.problem, placed, attempt)
            # No phase hints from the warm start: they slowed CaDiCaL down (forum-13crafc: optimal in 15 s
            # without, not even the first core in 60 s with them).
            outcome = minimise_breaks(model, max(deadline - time.monotonic(), 0.05), on_bound=on_bound)
            if self.phases is not None:
                self.phases[PHASE_BREAKS] = (
                    "MAXSAT_OPTIMAL" if outcome.optimal else "MAXSAT_TIMEOUT" if outcome.timed_out else "MAXSAT_UNSAT"
                )
            if outcome.slot_of is not None:
                if self.report is not None:
                    cost = float(outcome.cost or 0)
                    self.report(cost, cost, time.monotonic() - self.started)
                return outcome.slot_of, outcome.lower_bound, attempt
            if outcome.timed_out:
                return None, outcome.lower_bound, attempt
            # Hard clauses unsatisfiable: no fair schedule with these meetings; try without fairness.
            lower = 0
        return None, lower, None

    def run(self, best: dict[str, int], remaining: Callable[[], float]) -> tuple[dict[str, int], int, bool, bool]:
        fair = self.fairness
        upper = None
        lower = 0
        found, lower, fair_used = self._maxsat(best, remaining)
        if found is not None:
            return found, lower, True, fair_used is not None
        fair = fair_used
        if lower == 0:
            # 1. A schedule without breaks is optimal and fair.
            probe = self._model(fair, "automaton", best, max_each=0)
            solver, status = self.solve(PHASE_BREAKS, probe, 0.15)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return probe.slot_of(solver), 0, True, True
            if status == cp_model.INFEASIBLE:
                lower = 1
        # 2. Optimise; if even a fair schedule is impossible, drop fairness.
        for attempt in ([fair, None] if fair is not None else [None]):
            model = self._model(attempt, "literals", best)
            model.model.minimize(model.total_breaks)
            solver, status = self.solve(PHASE_BREAKS, model, 0.6)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                best = model.slot_of(solver)
                upper = int(round(solver.objective_value))
                lower = max(lower, int(round(solver.best_objective_bound)))
                fair = attempt
                break
            if status != cp_model.INFEASIBLE:
                break
            fair = None
        if upper is None:
            return best, lower, False, fair is not None
        # 3. One break fewer, while time lasts.
        while upper > lower and remaining() > 0.5:
            probe = self._model(fair, "automaton", best)
            probe.model.add(probe.total_breaks <= upper - 1)
            solver, status = self.solve(PHASE_BREAKS, probe, 1.0 if not self.announced else 0.6)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                best = probe.slot_of(solver)
                upper = _total_breaks(self.problem, best)
            elif status == cp_model.INFEASIBLE:
                lower = upper
            else:
                break
        return best, lower, upper == lower, fair is not None


def _total_breaks(problem: EventProblem, slot_of: dict[str, int]) -> int:
    # Tables do not matter for breaks, so every meeting sits at table 1 for the count.
    schedule = Schedule({m: Placement(s, 1) for m, s in slot_of.items()})
    return sum(breaks_per_participant(problem, schedule).values())


def _result(
    problem: EventProblem,
    current: Schedule,
    slot_of: dict[str, int],
    lower_bound: int,
    optimal: bool,
    fairness: int | None,
    started: float,
    phases: dict[str, str],
) -> OptimisationResult:
    schedule = assemble_schedule(problem, slot_of, current)
    per_participant = breaks_per_participant(problem, schedule)
    total = sum(per_participant.values())
    spread = max(per_participant.values()) - min(per_participant.values()) if per_participant else 0
    moves = []
    moved = 0
    for meeting_id, before in current.placements.items():
        after = schedule.placements.get(meeting_id)
        if after is None or meeting_id not in problem.meetings:
            continue
        if after != before:
            moves.append(Move(meeting_id, before, after, problem.meetings[meeting_id].version + 1))
        moved += after.slot != before.slot
    lower_bound = min(lower_bound, total)
    return OptimisationResult(
        schedule=schedule,
        total_breaks=total,
        lower_bound=lower_bound,
        gap=total - lower_bound,
        placed=len(schedule),
        unplaced=sorted(m for m in problem.meetings if m not in schedule),
        moves=moves,
        moved=moved,
        fairness_spread=spread,
        fairness_held=fairness is not None and spread <= fairness,
        optimal=optimal,
        seconds=time.monotonic() - started,
        phases=phases,
    )


def adopt_optimised(timetable: Timetable, result: OptimisationResult) -> None:
    """Make the optimised schedule the timetable's: versions of moved meetings rise, unplaced meetings wait."""
    for move in result.moves:
        timetable.problem.meetings[move.meeting_id] = timetable.problem.meetings[move.meeting_id].next_version()
    timetable.schedule = result.schedule.copy()
    timetable.waitlist = [m for m in timetable.waitlist if m in result.unplaced] + [
        m for m in result.unplaced if m not in timetable.waitlist
    ]
    timetable.reindex()

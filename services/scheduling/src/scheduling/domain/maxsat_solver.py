"""Core-guided MaxSAT (RC2 from python-sat) on ``MaxSatModel``, stoppable at a time limit, reporting bounds.

RC2 raises its lower bound with every unsatisfiable core it relaxes and stops at the first model, which is then
optimal; it has no time limit of its own, so a timer interrupts the SAT oracle (``solve_limited`` with
``expect_interrupt``) and the answer is "no schedule, lower bound so far". Glucose 3 is the oracle: of the
interruptible oracles python-sat ships it was the fastest on the real instances (see the decision record).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pysat.examples.rc2 import RC2
from pysat.formula import WCNF

from scheduling.domain.maxsat_model import MaxSatModel

BoundCallback = Callable[[int, float], None]
"""Called as on_bound(lower_bound, elapsed_seconds) whenever the proven lower bound rises."""

ORACLE = "g3"


@dataclass(frozen=True)
class MaxSatOutcome:
    """``slot_of`` is an optimal schedule's slots, or None (``infeasible``: hard clauses unsatisfiable)."""

    slot_of: dict[str, int] | None
    cost: int | None
    lower_bound: int
    optimal: bool
    infeasible: bool
    timed_out: bool
    seconds: float


class _ReportingRC2(RC2):
    def __init__(self, formula: WCNF, on_core: Callable[[int], None], **options) -> None:  # noqa: ANN003
        super().__init__(formula, **options)
        self._on_core = on_core

    def process_core(self) -> None:
        super().process_core()
        self._on_core(self.cost)


def minimise_breaks(
    model: MaxSatModel,
    time_limit: float,
    *,
    on_bound: BoundCallback | None = None,
    phases: list[int] | None = None,
    oracle: str = ORACLE,
) -> MaxSatOutcome:
    """Fewest break literals true in ``model`` within ``time_limit`` seconds."""
    started = time.monotonic()
    formula = WCNF()
    formula.extend(model.hard)
    for literal in model.soft:
        formula.append([literal], weight=1)
    lower = 0

    def on_core(cost: int) -> None:
        nonlocal lower
        if cost > lower:
            lower = cost
            if on_bound is not None:
                on_bound(cost, time.monotonic() - started)

    solver = _ReportingRC2(formula, on_core, solver=oracle)
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        solver.interrupt()

    timer = threading.Timer(max(time_limit - (time.monotonic() - started), 0.01), stop)
    timer.daemon = True
    try:
        if phases:
            solver.oracle.set_phases(phases)
        timer.start()
        answer = solver.compute(expect_interrupt=True)
    finally:
        timer.cancel()
        cost = solver.cost
        solver.delete()
    seconds = time.monotonic() - started
    if answer is not None:
        # A model only comes back from a completed (not interrupted) satisfiable call, so it is optimal.
        return MaxSatOutcome(model.slot_of(answer), cost, cost, True, False, False, seconds)
    if stopped.is_set():
        return MaxSatOutcome(None, None, lower, False, False, True, seconds)
    return MaxSatOutcome(None, None, lower, False, True, False, seconds)

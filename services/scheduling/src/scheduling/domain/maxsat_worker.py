"""The MaxSAT child process: ``python maxsat_worker.py ORACLE`` reads a pickled job on stdin.

The job is ``(hard clauses, soft literals, probes)`` then a list of phase literals; every soft literal weighs 1.
Output on stdout, one line each: ``bound <cost>`` whenever the proven lower bound rises, then
``done <json model or null> <cost>``. The parent (``maxsat_solver``) kills the process at its time limit.

``probes`` (per participant: "has a break", "has two breaks" or 0), when given, come from the per-participant
formulation (``MaxSatModel.by_participant``) and are asked before RC2 runs: "can nobody have a break?", and if
not, for each participant of that refutation's core, "can this one alone have one break?". Each question fixes
almost every timeline to one window, which the SAT solver answers in seconds where RC2's general "at most one of
these 44 breaks" question took 10 to 50 s (ticf-13crafc, optimum 1). If no such question finds a schedule, RC2
starts on the same formula.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Callable

from pysat.examples.rc2 import RC2
from pysat.formula import WCNF
from pysat.solvers import Solver

ZERO_ORACLE = "kissat404"
PROBE_CONFLICTS = (1_000, 10_000, 50_000)
"""Conflict budgets of the rounds of "this participant alone breaks" questions; what stays open is left to RC2."""


class ReportingRC2(RC2):
    """RC2 that tells ``on_core`` the cost (a proven lower bound) after every relaxed core."""

    def __init__(self, formula: WCNF, on_core: Callable[[int], None], **options) -> None:  # noqa: ANN003
        super().__init__(formula, **options)
        self._on_core = on_core

    def process_core(self) -> None:
        super().process_core()
        self._on_core(self.cost)


def probe(
    hard: list[list[int]], soft: list[int], probes: list[tuple[int, int]], oracle: str, emit: Callable[[str], None]
) -> tuple[list[int] | None, int] | None:
    """A schedule with no break, or with one break whoever takes it; None when the question stays open.

    Returns ``(None, 0)`` when the hard clauses alone are unsatisfiable.
    """
    nobody = [-first for first, _ in probes]
    # "Nobody breaks" as unit clauses, not assumptions, lets Kissat simplify the formula first: ticf-14crafa
    # (optimum 0) in 9 s where CaDiCaL with assumptions took 18-20 s; it refutes ticf-13crafc in about 1 s.
    with Solver(name=ZERO_ORACLE, bootstrap_with=hard + [[lit] for lit in nobody]) as solver:
        if solver.solve():
            return solver.get_model(), 0
    emit("bound 1")
    with Solver(name=oracle, bootstrap_with=hard) as solver:
        if solver.solve(assumptions=nobody):
            return solver.get_model(), 0
        core = set(solver.get_core() or [])
        if not core:
            return None, 0
        # Short questions first: most candidates are refuted by propagation, and a schedule usually comes
        # quickly for the right one; the rest get a larger budget in the next round.
        open_ = [(first, second) for first, second in probes if -first in core]
        for budget in PROBE_CONFLICTS:
            undecided = []
            for first, second in open_:
                assumptions = [lit for lit in nobody if lit != -first] + ([-second] if second else [])
                solver.conf_budget(budget)
                answer = solver.solve_limited(assumptions=assumptions)
                if answer:
                    found = solver.get_model()
                    true = {lit for lit in found if lit > 0}
                    return found, sum(1 for lit in soft if -lit in true)
                if answer is None:
                    undecided.append((first, second))
            open_ = undecided
            if not open_:
                emit("bound 2")  # nobody can take the single break alone
                break
    return None


def run(
    hard: list[list[int]],
    soft: list[int],
    oracle: str,
    phases: list[int],
    emit: Callable[[str], None],
    probes: list[tuple[int, int]] | None = None,
) -> None:
    if probes:
        answer = probe(hard, soft, probes, oracle, emit)
        if answer is not None:
            found, cost = answer
            emit(f"done {json.dumps(found)} {cost}")
            return
    formula = WCNF()
    formula.extend(hard)
    for literal in soft:
        formula.append([literal], weight=1)
    solver = ReportingRC2(formula, lambda cost: emit(f"bound {cost}"), solver=oracle)
    if phases:
        try:
            solver.oracle.set_phases(phases)
        except NotImplementedError:
            pass
    answer = solver.compute()
    emit(f"done {json.dumps(answer)} {solver.cost}")
    solver.delete()


def main() -> int:
    oracle = sys.argv[1]
    hard, soft, probes = pickle.load(sys.stdin.buffer)
    phases = pickle.load(sys.stdin.buffer)

    def emit(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    run(hard, soft, oracle, phases, emit, probes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

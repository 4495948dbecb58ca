"""The MaxSAT child process: ``python maxsat_worker.py ORACLE`` reads a pickled job on stdin.

The job is ``(hard clauses, soft literals)`` then a list of phase literals; every soft literal weighs 1. Output on
stdout, one line each: ``bound <cost>`` whenever RC2 relaxes a core (the lower bound rose), then
``done <json model or null> <cost>``. The parent (``maxsat_solver``) kills the process at its time limit.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Callable

from pysat.examples.rc2 import RC2
from pysat.formula import WCNF


class ReportingRC2(RC2):
    """RC2 that tells ``on_core`` the cost (a proven lower bound) after every relaxed core."""

    def __init__(self, formula: WCNF, on_core: Callable[[int], None], **options) -> None:  # noqa: ANN003
        super().__init__(formula, **options)
        self._on_core = on_core

    def process_core(self) -> None:
        super().process_core()
        self._on_core(self.cost)


def run(hard: list[list[int]], soft: list[int], oracle: str, phases: list[int], emit: Callable[[str], None]) -> None:
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
    hard, soft = pickle.load(sys.stdin.buffer)
    phases = pickle.load(sys.stdin.buffer)

    def emit(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    run(hard, soft, oracle, phases, emit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Core-guided MaxSAT (RC2 from python-sat) on ``MaxSatModel``, stoppable at a time limit, reporting bounds.

RC2 raises its lower bound with every unsatisfiable core it relaxes and stops at the first model, which is then
optimal. It has no time limit of its own, so it runs in a child process (``maxsat_worker``) that is killed at
the limit; the answer is then "no schedule, lower bound so far". CaDiCaL 1.9.5 is the SAT oracle: on the real
instances it found optimal schedules that Glucose, MapleSAT and MiniSat did not find in 40 s, and python-sat
cannot interrupt it, which a process makes moot (see the decision record).
"""

from __future__ import annotations

import json
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scheduling.domain.maxsat_model import MaxSatModel

BoundCallback = Callable[[int, float], None]
"""Called as on_bound(lower_bound, elapsed_seconds) whenever the proven lower bound rises."""

ORACLE = "cd19"


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
    deadline = started + time_limit
    worker = subprocess.Popen(
        # Run by path, not with -m: importing the package would load OR-Tools, seconds of start-up for nothing.
        [sys.executable, str(Path(__file__).with_name("maxsat_worker.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def feed() -> None:
        try:
            assert worker.stdin is not None
            pickle.dump((model.hard, model.soft, oracle, phases or []), worker.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            worker.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def read() -> None:
        assert worker.stdout is not None
        for raw in worker.stdout:
            lines.put(raw.decode())
        lines.put(None)

    threading.Thread(target=feed, daemon=True).start()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    lower = 0
    answer: tuple[list[int] | None, int] | None = None
    try:
        while answer is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break  # the worker ended without an answer
            kind, _, rest = line.strip().partition(" ")
            if kind == "bound":
                value = int(rest)
                if value > lower:
                    lower = value
                    if on_bound is not None:
                        on_bound(value, time.monotonic() - started)
            elif kind == "done":
                found, cost = rest.rsplit(" ", 1)
                answer = (json.loads(found), int(cost))
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)
        if worker.stdout is not None:
            worker.stdout.close()
    seconds = time.monotonic() - started
    if answer is None:
        return MaxSatOutcome(None, None, lower, False, False, True, seconds)
    found_model, cost = answer
    if found_model is None:
        return MaxSatOutcome(None, None, lower, False, True, False, seconds)
    return MaxSatOutcome(model.slot_of(found_model), cost, cost, True, False, False, seconds)

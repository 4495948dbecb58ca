"""Core-guided MaxSAT (RC2 from python-sat) on ``MaxSatModel``, stoppable at a time limit, reporting bounds.

RC2 raises its lower bound with every unsatisfiable core it relaxes and stops at the first model, which is then
optimal. It has no time limit of its own, so it runs in a child process (``maxsat_worker``) that is killed at
the limit; the answer is then "no schedule, lower bound so far". CaDiCaL is the SAT oracle (see ``WORKERS``): on
the real instances it found optimal schedules that Glucose, MapleSAT and MiniSat did not find in 40 s, and
python-sat cannot interrupt it, which a process makes moot (see the decision record).
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

BY_BREAK = "breaks"
BY_PARTICIPANT = "participants"
WORKERS = (("cd15", BY_BREAK), ("cd19", BY_PARTICIPANT))
"""One worker per (oracle, formulation), first answer wins. Soft literals per possible break (the model's own)
solve the forum, forumt and tic files; per participant (``MaxSatModel.by_participant``, with the "who takes the
break?" probes) solves the ticf files without forbidden slots, where the first stalls (see the decision record)."""


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
    workers: tuple[tuple[str, str], ...] = WORKERS,
) -> MaxSatOutcome:
    """Fewest break literals true in ``model`` within ``time_limit`` seconds."""
    started = time.monotonic()
    deadline = started + time_limit
    jobs: dict[str, bytes] = {}
    for _oracle, formulation in workers:
        if formulation in jobs:
            continue
        if formulation == BY_PARTICIPANT:
            extra, soft, probes = model.by_participant()
            job = (model.hard + extra, soft, probes)
        else:
            job = (model.hard, model.soft, [])
        jobs[formulation] = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    lines: queue.Queue[tuple[int, str | None]] = queue.Queue()
    processes = []
    for number, (oracle, formulation) in enumerate(workers):
        worker = subprocess.Popen(
            # Run by path, not with -m: importing the package would load OR-Tools, seconds of start-up for nothing.
            [sys.executable, str(Path(__file__).with_name("maxsat_worker.py")), oracle],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        processes.append(worker)
        threading.Thread(target=_feed, args=(worker, jobs[formulation], phases or []), daemon=True).start()
        threading.Thread(target=_read, args=(worker, number, lines), daemon=True).start()
    lower = 0
    running = len(processes)
    answer: tuple[list[int] | None, int] | None = None
    try:
        while answer is None and running:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                _number, line = lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                running -= 1  # a worker ended without an answer
                continue
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
        for worker in processes:
            if worker.poll() is None:
                worker.kill()
        for worker in processes:
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


def _feed(worker: subprocess.Popen, job: bytes, phases: list[int]) -> None:
    try:
        assert worker.stdin is not None
        worker.stdin.write(job)
        worker.stdin.write(pickle.dumps(phases))
        worker.stdin.close()
    except (BrokenPipeError, OSError):
        pass


def _read(worker: subprocess.Popen, number: int, lines: queue.Queue) -> None:
    assert worker.stdout is not None
    try:
        for raw in worker.stdout:
            lines.put((number, raw.decode()))
    except (OSError, ValueError):
        pass
    lines.put((number, None))

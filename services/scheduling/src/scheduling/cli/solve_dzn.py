"""``scheduling-solve-dzn FILE.dzn [--time-limit SECONDS]``: solve one B2BSP benchmark instance.

Uses the same domain code as the service (``optimise_schedule``) and prints the schedule as JSON on stdout in
the file's own numbering (participants and slots from 1, tables from 1); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from scheduling.cli.dzn_instance import read_instance
from scheduling.domain.optimisation import optimise_schedule


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scheduling-solve-dzn", description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a B2BSP instance in MiniZinc .dzn format")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for the whole optimisation")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT worker threads")
    parser.add_argument("--fairness", type=int, default=2, help="max breaks minus min breaks allowed")
    args = parser.parse_args(argv)

    instance = read_instance(args.file)
    started = time.monotonic()

    def progress(phase: str, objective: float, bound: float, elapsed: float) -> None:
        print(f"[{elapsed:7.2f}s] {phase:<9} objective={objective:g} bound={bound:g}", file=sys.stderr, flush=True)

    result = optimise_schedule(
        instance.problem,
        time_limit=args.time_limit,
        fairness=args.fairness,
        workers=args.workers,
        progress=progress,
    )
    seconds = time.monotonic() - started
    meetings = []
    for meeting_id in sorted(result.schedule.placements, key=lambda m: int(m[1:])):
        meeting = instance.problem.meetings[meeting_id]
        placement = result.schedule.placements[meeting_id]
        meetings.append({"a": int(meeting.a), "b": int(meeting.b), "slot": placement.slot + 1, "table": placement.table})
    print(
        f"{instance.name}: placed {result.placed}/{len(instance.problem.meetings)}, breaks {result.total_breaks} "
        f"(bound {result.lower_bound}), spread {result.fairness_spread}, {seconds:.1f}s",
        file=sys.stderr,
    )
    json.dump({"meetings": meetings, "breaks": result.total_breaks, "seconds": round(seconds, 3)}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""scheduling-optimise EVENT_ID: ask the scheduling service to optimise an event's schedule and show the result."""

from __future__ import annotations

import argparse

from contracts.operator import OptimiseSchedule
from contracts.topics import SCHEDULE
from servicekit.operator_cli import run, send_command


def main() -> None:
    parser = argparse.ArgumentParser(prog="scheduling-optimise", description=__doc__)
    parser.add_argument("event_id")
    parser.add_argument("--time-limit", type=float, default=30.0, help="most solver seconds (default 30)")
    parser.add_argument("--fairness", type=int, default=2, help="most breaks one participant may have over another")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
    parser.add_argument("--no-wait", action="store_true", help="publish the command and return")
    args = parser.parse_args()
    command = OptimiseSchedule(time_limit_seconds=args.time_limit, fairness=args.fairness)
    print(f"optimising {args.event_id} (at most {args.time_limit:.0f} s, fairness {args.fairness}) ...", flush=True)
    _, answer = run(send_command(
        command, event_id=args.event_id, bootstrap=args.bootstrap,
        answer_topic=None if args.no_wait else SCHEDULE,
        answered=lambda m: m["type"] == "ScheduleOptimised", timeout=args.time_limit + 120,
    ))
    if args.no_wait:
        print("command sent")
        return
    if answer is None:
        raise SystemExit("no answer from the scheduling service; check `make stack-status` and .stack/logs/scheduling.log")
    data = answer["data"]
    print(
        f"placed {data['placed']} meetings ({data['unplaced']} still waiting); breaks {data['breaks_before']} -> "
        f"{data['breaks_after']} (proven lower bound {data['lower_bound']}); {data['moved']} announced meetings moved; "
        f"{data['seconds']} s"
    )


if __name__ == "__main__":
    main()

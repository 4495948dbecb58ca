"""Online placement speed on a generated event the size of a large brokerage event.

    uv run python services/scheduling/benchmarks/bench_online.py [--meetings 3000] [--write docs/benchmarks.md]

700 participants, 2 days of 2 sessions x 15 slots (60 slots), 60 tables, ~3,000 meetings accepted one by one in
random order: some participants are unavailable for part of the event, some have caps, a fifth of the meetings
are restricted to one session, delegations have facilitators, and a few meetings are cancelled along the way
(followed by ``place_waiting``). Every call to ``place_meeting`` is timed, including those that repair by moving
other meetings; the final schedule is checked with the rules module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from scheduling.domain import (
    AFTERNOON,
    MORNING,
    EventProblem,
    Meeting,
    Participant,
    Placed,
    SlotGrid,
    Timetable,
    find_violations,
    place_meeting,
    place_waiting,
    remove_meeting,
)

sys.path.insert(0, str(Path(__file__).parent))
from bench_scheduling import write_section  # noqa: E402


def generated_event(seed: int, participants: int, meetings: int) -> tuple[Timetable, list[Meeting]]:
    rng = random.Random(seed)
    grid = SlotGrid.of_days(2, [(MORNING, 15), (AFTERNOON, 15)])
    people = {}
    for number in range(participants):
        unavailable = frozenset()
        if rng.random() < 0.3:
            start = rng.randrange(0, 60)
            unavailable = frozenset(range(start, min(60, start + rng.randint(3, 15))))
        cap = rng.choice([8, 10, 12]) if rng.random() < 0.3 else None
        people[f"p{number}"] = Participant(f"p{number}", f"Participant {number}", unavailable, cap)
    facilitator_of = {f"p{n}": f"f{n // 10}" for n in range(participants) if (n // 10) % 5 == 0}
    popularity = [1.0 / (rank + 20) ** 0.3 for rank in range(participants)]
    ids = list(people)
    pairs: list[Meeting] = []
    seen = set()
    while len(pairs) < meetings:
        a, b = rng.choices(ids, popularity, k=2)
        if a == b or (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        session = rng.choice([MORNING, AFTERNOON]) if rng.random() < 0.2 else None
        facilitator = facilitator_of.get(a) or facilitator_of.get(b)
        pairs.append(Meeting(f"m{len(pairs)}", a, b, session=session, facilitator=facilitator))
    timetable = Timetable(EventProblem(grid, 60, people))
    return timetable, pairs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=3000)
    parser.add_argument("--participants", type=int, default=700)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    timetable, accepted = generated_event(args.seed, args.participants, args.meetings)
    rng = random.Random(args.seed + 1)
    timings: list[float] = []
    repaired = unplaceable = moves = cancelled = at_cap = 0
    for position, meeting in enumerate(accepted):
        started = time.perf_counter()
        outcome = place_meeting(timetable, meeting)
        timings.append((time.perf_counter() - started) * 1000)
        if isinstance(outcome, Placed):
            repaired += bool(outcome.moves)
            moves += len(outcome.moves)
        else:
            unplaceable += 1
            at_cap += "cap" in outcome.reason
        if position % 50 == 49:
            victim = rng.choice(list(timetable.schedule.placements))
            remove_meeting(timetable, victim)
            cancelled += 1
            place_waiting(timetable, max_moves=0)
    violations = find_violations(timetable.problem, timetable.schedule)
    ordered = sorted(timings)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    lines = [
        "| placements | median ms | p95 ms | p99 ms | max ms | placed with repair (moves) | unplaceable at acceptance | "
        "cancellations | final placed | violations |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {len(timings)} | {statistics.median(timings):.2f} | {pct(0.95):.2f} | {pct(0.99):.2f} | "
        f"{ordered[-1]:.2f} | {repaired} ({moves}) | {unplaceable} | {cancelled} | {len(timetable.schedule)} | "
        f"{len(violations)} |",
        "",
        f"Generated event: {args.participants} participants, 2 days x 2 sessions x 15 slots, 60 tables, "
        f"{args.meetings} accepted meetings (seed {args.seed}); {at_cap} of the {unplaceable} unplaceable ones "
        f"were refused because a participant had reached their cap. Command: "
        f"`uv run python services/scheduling/benchmarks/bench_online.py` ({dt.date.today().isoformat()}).",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section(args.write, table, heading="### Scheduling: online placement speed")
    return 0 if not violations else 1


if __name__ == "__main__":
    sys.exit(main())

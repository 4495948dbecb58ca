"""Solve the 20 real B2BSP instances with ``scheduling-solve-dzn`` and check every schedule independently.

    uv run python services/scheduling/benchmarks/bench_scheduling.py [--time-limit 60] [--write docs/benchmarks.md]

Each schedule is re-checked twice: with the domain's rules module (every hard rule) and by recomputing breaks
and fairness from the printed JSON with the README's definition, without domain code.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from scheduling.cli.dzn_instance import read_instance
from scheduling.domain.model import Placement, Schedule
from scheduling.domain.rules import find_violations

INSTANCES = Path("/work/shared/benchmarks/b2bsp")
SECTION_BEGIN = "<!-- bench-scheduling:begin -->"
SECTION_END = "<!-- bench-scheduling:end -->"


def recount_breaks(meetings: list[dict], participants: int) -> dict[int, int]:
    """Breaks per participant from the output alone: a meeting not in the slot right after the previous one."""
    slots: defaultdict[int, list[int]] = defaultdict(list)
    for meeting in meetings:
        slots[meeting["a"]].append(meeting["slot"])
        slots[meeting["b"]].append(meeting["slot"])
    breaks = {p: 0 for p in range(1, participants + 1)}
    for participant, taken in slots.items():
        ordered = sorted(taken)
        breaks[participant] = sum(1 for x, y in zip(ordered, ordered[1:]) if y != x + 1)
    return breaks


def check(path: Path, output: dict) -> tuple[int, list[str], int]:
    """(placed, problems found, fairness spread) for one solved instance."""
    problem = read_instance(path).problem
    problems: list[str] = []
    wanted: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for meeting in problem.meetings.values():
        wanted[(meeting.a, meeting.b)].append(meeting.id)
    placements = {}
    for row in output["meetings"]:
        ids = wanted.get((str(row["a"]), str(row["b"])))
        if not ids:
            problems.append(f"unrequested or repeated meeting {row['a']}-{row['b']}")
            continue
        placements[ids.pop()] = Placement(row["slot"] - 1, row["table"])
    problems += find_violations(problem, Schedule(placements))
    breaks = recount_breaks(output["meetings"], len(problem.participants))
    if sum(breaks.values()) != output["breaks"]:
        problems.append(f"reported {output['breaks']} breaks, recount gives {sum(breaks.values())}")
    pairs = Counter((row["a"], row["b"], row["slot"]) for row in output["meetings"])
    if any(count > 1 for count in pairs.values()):
        problems.append("a pair meets twice in one slot")
    return len(placements), problems, max(breaks.values()) - min(breaks.values())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--write", type=Path, help="update the bench-scheduling section of this markdown file")
    parser.add_argument("--only", nargs="*", help="instance names to run (default: all 20)")
    args = parser.parse_args()

    published = {row["instance"]: row for row in csv.DictReader((INSTANCES / "paper_results.csv").open())}
    rows = []
    for name, paper in published.items():
        if args.only and name not in args.only:
            continue
        path = INSTANCES / f"{name}.original.dzn"
        run = subprocess.run(
            ["scheduling-solve-dzn", str(path), "--time-limit", str(args.time_limit)],
            capture_output=True,
            text=True,
            check=True,
        )
        output = json.loads(run.stdout)
        placed, problems, spread = check(path, output)
        optimum = int(paper["optimal_breaks_d2"])
        row = {
            "instance": name,
            "placed": f"{placed}/{paper['meetings']}",
            "breaks": output["breaks"],
            "optimum": optimum,
            "spread": spread,
            "seconds": output["seconds"],
            "check": "ok" if not problems else "; ".join(problems[:3]),
            "all_placed": placed == int(paper["meetings"]),
        }
        rows.append(row)
        print(
            f"{name:16} {row['placed']:>8} breaks {row['breaks']:>3} (paper {optimum:>2}) "
            f"spread {spread} {row['seconds']:6.1f}s {row['check']}",
            flush=True,
        )
    table = render(rows, args.time_limit)
    print(table)
    if args.write:
        write_section(args.write, table)
    return 0 if all(r["check"] == "ok" for r in rows) else 1


def render(rows: list[dict], time_limit: float) -> str:
    at_most = sum(1 for r in rows if r["breaks"] <= r["optimum"])
    worst = max((r["breaks"] - r["optimum"] for r in rows), default=0)
    lines = [
        "| instance | placed | breaks | published optimum | max−min breaks | seconds | independent check |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['placed']} | {r['breaks']} | {r['optimum']} | {r['spread']} | "
            f"{r['seconds']:.1f} | {r['check']} |"
        )
    lines.append("")
    lines.append(
        f"All meetings placed on {sum(r['all_placed'] for r in rows)} of {len(rows)}; breaks at or below the "
        f"published optimum on {at_most} of {len(rows)}; worst excess {worst}; fairness d=2 held on "
        f"{sum(r['spread'] <= 2 for r in rows)} of {len(rows)}."
    )
    lines.append("")
    lines.append(
        f"Command: `uv run python services/scheduling/benchmarks/bench_scheduling.py --time-limit {time_limit:g}` "
        f"({dt.date.today().isoformat()}; phase 2 by MaxSAT: per-break RC2 on CaDiCaL 1.5.3 next to per-participant "
        "probes (Kissat, CaDiCaL 1.9.5) then RC2, CP-SAT fallback; shared 2-core machine)."
    )
    return "\n".join(lines)


def write_section(path: Path, table: str, heading: str = "### Scheduling: real B2BSP instances") -> None:
    """Replace (or add) only this benchmark's part of the shared benchmarks page."""
    replace_section(path, SECTION_BEGIN, SECTION_END, f"{heading}\n\n{table}", keep_subsection=heading)


def replace_section(path: Path, begin: str, end: str, body: str, keep_subsection: str | None = None) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        current, tail = rest.split(end, 1)
    else:
        head, current, tail = text.rstrip("\n") + "\n\n", "", "\n"
    # The section holds several subsections (solver, online placement); replace only ours.
    parts = _subsections(current)
    parts[keep_subsection or body.splitlines()[0]] = body
    inner = "\n\n".join(part.strip("\n") for part in parts.values())
    path.write_text(f"{head}{begin}\n## Scheduling\n\n{inner}\n{end}{tail}")


def _subsections(section: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    current_heading = None
    for line in section.splitlines():
        if line.startswith("### "):
            current_heading = line
            parts[current_heading] = line
        elif current_heading is not None:
            parts[current_heading] += "\n" + line
    return parts


if __name__ == "__main__":
    sys.exit(main())

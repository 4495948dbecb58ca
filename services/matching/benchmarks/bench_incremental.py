"""Keeping suggestions fresh in a large event: the initial build, then one registration at a time.

    .stack/tools/bin/uv run python services/matching/benchmarks/bench_incremental.py [--write docs/benchmarks.md]

Builds the index over an event of 10,000 participants, then times single changes, each including every
affected list: new registrations (upsert), changed registrations, and withdrawals (remove).
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import EventGenerator  # noqa: E402
from report import write_section  # noqa: E402

from matching.domain.index import SuggestionIndex  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _memory_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--write", type=Path, help="update the matching section of this Markdown file")
    args = parser.parse_args()

    generator = EventGenerator(seed=11)
    themes = args.participants // 50
    event = generator.event(themes=themes, group_size=6, background=args.participants - themes * 12)
    newcomers = generator.event(themes=args.changes // 24, group_size=6,
                                background=args.changes - (args.changes // 24) * 12).participants

    rss_before, _ = _memory_mb()  # the generated profiles are already in memory, as the service holds them too
    started, cpu_started = time.perf_counter(), time.process_time()
    index = SuggestionIndex.build(event.participants, event.policy, list_size=10)
    build_s, build_cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    rss_built, _ = _memory_mb()

    def timed(change) -> tuple[float, int]:
        began = time.perf_counter()
        affected = change()
        return (time.perf_counter() - began) * 1000, len(affected)

    inserts = [timed(lambda p=p: index.upsert(p)) for p in newcomers]
    replacements = []
    for original in event.participants[: args.changes]:
        changed = replace(generator.background(), participant_id=original.participant_id)
        replacements.append(timed(lambda c=changed: index.upsert(c)))
    removals = [timed(lambda p=p: index.remove(p.participant_id)) for p in event.participants[-args.changes:]]
    rss_end, rss_peak = _memory_mb()

    rows = []
    for label, runs in (("new registration (upsert)", inserts), ("changed registration (upsert)", replacements),
                        ("withdrawal (remove)", removals)):
        times = [t for t, _ in runs]
        rows.append(
            f"| {label} | {len(runs)} | {statistics.median(times):.1f} ms | {_percentile(times, 0.95):.1f} ms "
            f"| {max(times):.1f} ms | {statistics.mean(n for _, n in runs):.1f} |"
        )
    table = "\n".join(
        [
            f"Initial build of {len(event.participants):,} participants: **{build_s:.2f} s** wall clock "
            f"({build_cpu_s:.2f} s CPU). Resident memory of the process: {rss_before:.0f} MB with the profiles "
            f"loaded, {rss_built:.0f} MB with the index built, {rss_end:.0f} MB after the changes, peak {rss_peak:.0f} MB "
            "(the matching service holds the same profiles and index for an event of this size).",
            "",
            "| change | count | median | p95 | max | lists changed (mean) |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    print(table)
    if args.write:
        text = (
            "### Incremental index (10,000 participants)\n\n"
            f"`python services/matching/benchmarks/bench_incremental.py --participants {args.participants} "
            f"--changes {args.changes}` — {dt.date.today().isoformat()}, list size 10, Europe–CELAC policy, one "
            f"process on a shared 2-core machine (load average {os.getloadavg()[0]:.1f} at the end of the run). "
            "Each timing covers the change and every list it affects.\n\n"
            f"{table}"
        )
        write_section(args.write, "incremental", text)


if __name__ == "__main__":
    main()

"""Suggestion quality on generated events with planted complementary groups (ground truth known).

    .stack/tools/bin/uv run python services/matching/benchmarks/bench_quality.py [--write docs/benchmarks.md]

Reports precision@5 and recall@10 over planted participants, coverage (share of participants with at least three
suggestions) and how concentrated appearances are (share of the top 10% of participants, Gini), with and without
the exposure cap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import EventGenerator  # noqa: E402
from report import write_section  # noqa: E402

from matching.domain.exposure import gini, top_share  # noqa: E402
from matching.domain.index import SuggestionIndex  # noqa: E402

K = 10


def evaluate(seed: int, themes: int, group_size: int, background: int, exposure_factor: float) -> dict[str, float]:
    event = EventGenerator(seed).event(themes, group_size, background)
    started = time.perf_counter()
    index = SuggestionIndex.build(event.participants, event.policy, list_size=K, exposure_factor=exposure_factor)
    built = time.perf_counter() - started
    precision, recall = [], []
    for pid, relevant in event.relevant.items():
        ranked = index.ranked_ids(pid)
        precision.append(len(set(ranked[:5]) & relevant) / 5)
        recall.append(len(set(ranked[:K]) & relevant) / len(relevant))
    appearances = index.appearances()
    lengths = [len(index.ranked_ids(pid)) for pid in index.participant_ids]
    return {
        "participants": len(event.participants),
        "precision@5": statistics.mean(precision),
        "recall@10": statistics.mean(recall),
        "coverage": sum(n >= 3 for n in lengths) / len(lengths),
        "top10_share": top_share(appearances.values()),
        "gini": gini(appearances.values()),
        "max_appearances": max(appearances.values()),
        "build_s": built,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--themes", type=int, default=40)
    parser.add_argument("--group-size", type=int, default=6)
    parser.add_argument("--background", type=int, default=2000)
    parser.add_argument("--write", type=Path, help="update the matching section of this Markdown file")
    args = parser.parse_args()
    rows = []
    for label, factor in (("exposure cap 1.5 × K (default)", 1.5), ("no exposure cap", float("inf"))):
        runs = [evaluate(seed, args.themes, args.group_size, args.background, factor) for seed in range(1, args.seeds + 1)]
        mean = {key: statistics.mean(run[key] for run in runs) for key in runs[0]}
        rows.append((label, mean))
    header = "| setting | participants | precision@5 | recall@10 | coverage (≥3) | top-10% share | Gini | max appearances | build |"
    lines = [header, "|" + " --- |" * 9]
    for label, m in rows:
        lines.append(
            f"| {label} | {m['participants']:.0f} | {m['precision@5']:.3f} | {m['recall@10']:.3f} | {m['coverage']:.3f} "
            f"| {m['top10_share']:.3f} | {m['gini']:.3f} | {m['max_appearances']:.0f} | {m['build_s']:.2f} s |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write:
        command = "python services/matching/benchmarks/bench_quality.py " + " ".join(
            f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items() if k != "write")
        text = (
            f"### Suggestion quality (planted complementary groups)\n\n"
            f"`{command}` — {dt.date.today().isoformat()}, K = {K}, mean of {args.seeds} generated events "
            f"({args.themes} planted themes of 2 × {args.group_size} participants, Europe–CELAC policy, "
            f"{args.background} background participants). Precision and recall over planted participants; their "
            f"planted partners share vocabulary only through offers against requests.\n\n{table}"
        )
        write_section(args.write, "quality", text)


if __name__ == "__main__":
    main()

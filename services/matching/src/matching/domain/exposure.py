"""How evenly suggestions spread over an event: whether a few popular participants take most appearances."""

from __future__ import annotations

from collections.abc import Iterable


def top_share(appearances: Iterable[int], fraction: float = 0.1) -> float:
    """Share of all appearances held by the most-shown ``fraction`` of participants (0.1 = top 10%)."""
    counts = sorted(appearances, reverse=True)
    total = sum(counts)
    if not counts or total == 0:
        return 0.0
    head = max(1, round(len(counts) * fraction))
    return sum(counts[:head]) / total


def gini(appearances: Iterable[int]) -> float:
    """Gini coefficient of appearances: 0 when everybody appears equally often, near 1 when one takes all."""
    counts = sorted(appearances)
    n, total = len(counts), sum(counts)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * c for i, c in enumerate(counts))
    return (2 * weighted) / (n * total) - (n + 1) / n

"""Participant ids ranked by score, kept compact: the ids best first in a list, their scores beside them in an array
of doubles. The index keeps two per participant: its candidates, ``depth`` deep, and its admirers (the lists whose
window holds it). As a list of (-score, id) tuples the candidates were the largest part of the index's memory (a
tuple and a float object per entry: 88 bytes, against 16 here)."""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping


class Ranked:
    """Ids by score, best first; equal scores by id."""

    __slots__ = ("ids", "_negated")

    def __init__(self, ids: list[str], scores: Iterable[float]) -> None:
        """From ids already in order and their scores."""
        self.ids = ids
        # Negated, the scores ascend, so (negated score, id) is the sort key and bisects as it stands.
        self._negated = array("d", [-score for score in scores])

    @classmethod
    def best(cls, scores: Mapping[str, float], depth: int) -> Ranked:
        """The ``depth`` best of ``scores`` (id -> score)."""
        chosen = heapq.nsmallest(depth, ((-score, key) for key, score in scores.items()))
        return cls([key for _, key in chosen], [-negated for negated, _ in chosen])

    def __len__(self) -> int:
        return len(self.ids)

    def score(self, position: int) -> float:
        return -self._negated[position]

    def entries(self, stop: int | None = None) -> Iterator[tuple[str, float]]:
        """(id, score), best first; the first ``stop`` of them."""
        return zip(self.ids[:stop], [-negated for negated in self._negated[:stop]])

    def place(self, key: str, score: float) -> int:
        """Where a new entry belongs: how many rank before it."""
        negated = -score
        low = bisect_left(self._negated, negated)
        high = bisect_right(self._negated, negated, low)
        return bisect_left(self.ids, key, low, high)

    def insert(self, position: int, key: str, score: float) -> None:
        self.ids.insert(position, key)
        self._negated.insert(position, -score)

    def add(self, key: str, score: float) -> None:
        """Insert ``key`` (not present yet) where it belongs."""
        self.insert(self.place(key, score), key, score)

    def delete(self, position: int) -> None:
        del self.ids[position]
        del self._negated[position]

    def discard(self, key: str) -> None:
        """Delete ``key`` if present."""
        if key in self.ids:
            self.delete(self.ids.index(key))

    def pop(self) -> str:
        """Drop the last entry; its id."""
        self._negated.pop()
        return self.ids.pop()

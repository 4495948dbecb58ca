"""Which recipients have changes due when, and when each was last mailed, kept in memory so the delivery loop never
scans the store.

The consumer schedules a recipient when it notes a change; at start-up (and now and then, for partitions this
replica took over) the queue is refilled from the store. When a recipient was last mailed is this process's own
knowledge (see ``Pace``): after a restart, or from another replica, someone may get the next news a little sooner.
"""

from __future__ import annotations

import datetime as dt
import heapq


MAILED_KEPT = 10_000
"""Recipients whose last e-mail is remembered before the old ones are dropped."""


class DueQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[dt.datetime, str]] = []
        self._earliest: dict[str, dt.datetime] = {}
        self._mailed: dict[str, dt.datetime] = {}

    def schedule(self, participant_id: str, due_at: dt.datetime) -> None:
        known = self._earliest.get(participant_id)
        if known is None or due_at < known:
            self._earliest[participant_id] = due_at
            heapq.heappush(self._heap, (due_at, participant_id))

    def pop_due(self, now: dt.datetime, limit: int = 500) -> list[str]:
        due: list[str] = []
        while self._heap and self._heap[0][0] <= now and len(due) < limit:
            at, participant_id = heapq.heappop(self._heap)
            if self._earliest.get(participant_id) == at:
                del self._earliest[participant_id]
                due.append(participant_id)
        return due

    def mailed(self, participant_id: str, at: dt.datetime) -> None:
        """Note an e-mail to the recipient (the longest unmailed are forgotten first)."""
        self._mailed.pop(participant_id, None)
        self._mailed[participant_id] = at
        if len(self._mailed) > MAILED_KEPT:
            del self._mailed[next(iter(self._mailed))]

    def last_mailed(self, participant_id: str) -> dt.datetime | None:
        return self._mailed.get(participant_id)

    def __len__(self) -> int:
        return len(self._earliest)

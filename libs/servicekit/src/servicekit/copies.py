"""Copies of stored documents kept for a few seconds, so a hot path does not read the same document for every
message. The process that changes a document drops its copy at once; another replica sees the change within
``seconds``."""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class RecentCopies(Generic[Value]):
    def __init__(self, seconds: float, most: int = 20_000) -> None:
        self.seconds, self._most = seconds, most
        self._copies: dict[Hashable, tuple[float, Value]] = {}

    def get(self, key: Hashable) -> Value | None:
        """The copy, if it is younger than ``seconds``."""
        found = self._copies.get(key)
        return found[1] if found is not None and time.monotonic() - found[0] < self.seconds else None

    def keep(self, key: Hashable, value: Value) -> None:
        if len(self._copies) >= self._most:
            self._copies.clear()  # simpler than ageing out one by one; the next reads refill it
        self._copies[key] = (time.monotonic(), value)

    def drop(self, key: Hashable) -> None:
        self._copies.pop(key, None)

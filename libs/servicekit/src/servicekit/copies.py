"""Copies of stored documents kept for a few seconds, so a hot path does not read the same document for every
message. The process that changes a document drops its copy at once; another replica sees the change within
``seconds``. When a copy grows old while many messages need it, one read renews it for all of them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class RecentCopies(Generic[Value]):
    def __init__(self, seconds: float, most: int = 20_000) -> None:
        self.seconds, self._most = seconds, most
        self._copies: dict[Hashable, tuple[float, Value]] = {}
        self._reading: dict[Hashable, asyncio.Future[Value | None]] = {}  # reads under way

    def get(self, key: Hashable) -> Value | None:
        """The copy, if it is younger than ``seconds``."""
        found = self._copies.get(key)
        return found[1] if found is not None and time.monotonic() - found[0] < self.seconds else None

    async def get_or_read(self, key: Hashable, read: Callable[[], Awaitable[Value | None]]) -> Value | None:
        """The copy, or what ``read`` returns (kept unless None); callers that come while it reads share its result.
        The read runs as a task of its own, so a caller that is cancelled does not cancel it for the others."""
        if (copy := self.get(key)) is not None:
            return copy
        if (reading := self._reading.get(key)) is None:
            reading = self._reading[key] = asyncio.ensure_future(self._read_and_keep(key, read))
            reading.add_done_callback(lambda task: task.cancelled() or task.exception())  # retrieved, even if unawaited
        return await asyncio.shield(reading)

    async def _read_and_keep(self, key: Hashable, read: Callable[[], Awaitable[Value | None]]) -> Value | None:
        try:
            value = await read()
        finally:
            self._reading.pop(key, None)
        if value is not None:
            self.keep(key, value)
        return value

    def keep(self, key: Hashable, value: Value) -> None:
        if len(self._copies) >= self._most:
            self._copies.clear()  # simpler than ageing out one by one; the next reads refill it
        self._copies[key] = (time.monotonic(), value)

    def drop(self, key: Hashable) -> None:
        self._copies.pop(key, None)

"""Locks by key (an event, a document), created on first use and dropped when nobody holds or waits for them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._users: dict[Hashable, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, *keys: Hashable) -> AsyncIterator[None]:
        """Hold the locks of all ``keys``, taken in one global order so that two holders never wait for each other."""
        ordered = sorted(set(keys), key=repr)
        for key in ordered:
            self._users[key] = self._users.get(key, 0) + 1
        taken: list[asyncio.Lock] = []
        try:
            for key in ordered:
                lock = self._locks.setdefault(key, asyncio.Lock())
                await lock.acquire()
                taken.append(lock)
            yield
        finally:
            for lock in taken:
                lock.release()
            for key in ordered:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key]
                    self._locks.pop(key, None)

    def __len__(self) -> int:
        return len(self._locks)

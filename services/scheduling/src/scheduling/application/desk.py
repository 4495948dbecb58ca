"""Runs scheduling use cases one event at a time: load the book (cached while nobody else wrote), apply the use
case, write what changed and the messages it caused in one update guarded by the schedule's version."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from servicekit.keyed_locks import KeyedLocks
from servicekit.outbox import Outgoing
from servicekit.parking import WaitFor

from .book import Book
from .ports import ScheduleStore

Operation = Callable[[Book], list[Outgoing] | Awaitable[list[Outgoing]]]


class Desk:
    def __init__(self, store: ScheduleStore) -> None:
        self._store = store
        self._cache: dict[str, Book] = {}
        self._events = KeyedLocks()

    async def book(self, event_id: str) -> Book | None:
        # A cached book is used without asking the store for its version (that read costs as much as reading the
        # whole schedule): the version-guarded update refuses a stale one, and the loop below reloads.
        cached = self._cache.get(event_id)
        if cached is not None:
            return cached
        state = await self._store.load(event_id)
        if state is None:
            return None
        book = Book.from_state(event_id, state)
        self._cache[event_id] = book
        return book

    async def change(self, event_id: str, operation: Operation, *, forget_history: bool = False) -> list[Outgoing]:
        """Apply ``operation`` to the event's book and commit; WaitFor when the event is not known yet.
        ``forget_history``: keep no earlier version of the schedule (an erasure)."""
        async with self._events.hold(event_id):
            for _ in range(5):
                book = await self.book(event_id)
                if book is None:
                    raise WaitFor(f"event:{event_id}", reason=f"event {event_id} is not known to scheduling yet")
                try:
                    messages = operation(book)
                    if asyncio.iscoroutine(messages):
                        messages = await messages
                    book.sync_meetings()
                    committed = await self._store.update(
                        event_id, book.state["version"], book.changes(), messages, state=book.state
                    )
                except BaseException:
                    self._cache.pop(event_id, None)  # the in-memory timetable may be half changed
                    raise
                if committed:
                    if forget_history:
                        await self._store.forget_history(event_id)
                    book.state["version"] += 1
                    book.touched.clear()
                    book.touched_participants.clear()
                    book.before.clear()
                    book.previous_event = None
                    return messages
                self._cache.pop(event_id, None)  # another replica wrote first: reload and apply again
            raise RuntimeError(f"the schedule of {event_id} kept changing under this replica; retry later")

    async def create(self, event_id: str, state: dict[str, Any], messages: list[Outgoing]) -> None:
        async with self._events.hold(event_id):
            await self._store.create(event_id, state, messages)
            self._cache.pop(event_id, None)

"""What the scheduling use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from servicekit.outbox import Outgoing


class ScheduleStore(Protocol):
    """Each change of an event's schedule is one atomic write together with the messages it causes, even when a
    placement moves other meetings (FerretDB has no multi-document transactions; ADR 0004)."""

    async def load(self, event_id: str) -> dict[str, Any] | None: ...

    async def create(self, event_id: str, state: dict[str, Any], messages: Sequence[Outgoing]) -> None: ...

    async def update(
        self, event_id: str, expected_version: int, changes: dict[str, Any], messages: Sequence[Outgoing],
        state: dict[str, Any] | None = None,
    ) -> bool:
        """Record ``changes`` (dotted paths) as version ``expected_version + 1``; False when someone else changed the
        schedule first. ``state``: the whole schedule with the changes applied, if the caller holds it."""
        ...

    async def forget_history(self, event_id: str) -> None:
        """Keep only the schedule as it is now: earlier versions may name a person who was just erased."""
        ...

"""What the scheduling use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from servicekit.outbox import Outgoing


class ScheduleStore(Protocol):
    """One document per event holds its whole schedule, so a placement that moves other meetings is one atomic write
    together with the messages it causes (FerretDB has no multi-document transactions)."""

    async def load(self, event_id: str) -> dict[str, Any] | None: ...

    async def create(self, event_id: str, state: dict[str, Any], messages: Sequence[Outgoing]) -> None: ...

    async def update(
        self, event_id: str, expected_version: int, changes: dict[str, Any], messages: Sequence[Outgoing]
    ) -> bool:
        """Set ``changes`` (dotted paths) if the stored version is still ``expected_version``; False when someone
        else changed the schedule first."""
        ...

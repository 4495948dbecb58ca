"""What the matching use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from contracts.events import EventDetails
from contracts.registrations import Registration
from servicekit.outbox import Outgoing

from ..domain.match import Match


class EventStore(Protocol):
    async def get(self, event_id: str) -> EventDetails | None: ...

    async def save(self, event: EventDetails) -> None: ...


class ProfileStore(Protocol):
    async def save(self, event_id: str, participant_id: str, registration: Registration, message_id: str) -> bool:
        """Store the participant's registration as ``message_id`` says (not for an erased id); True when that message
        had saved it before (it is being handled again)."""
        ...

    async def deactivate(self, participant_id: str, erase: bool) -> None: ...

    async def active_of(self, event_id: str) -> list[tuple[str, Registration]]: ...

    async def is_known(self, participant_id: str) -> bool:
        """Whether the participant was ever registered (active, withdrawn or erased)."""
        ...


class MatchStore(Protocol):
    async def get(self, event_id: str, a: str, b: str) -> Match | None: ...

    def forget_copies(self) -> None:
        """Drop what this replica holds of the stored matches (it gave up partitions)."""
        ...

    async def save(self, event_id: str, match: Match, messages: Sequence[Outgoing]) -> None: ...

    async def of_event(self, event_id: str) -> list[Match]: ...

    async def involving(self, event_id: str, participant_id: str) -> list[Match]: ...

    async def forget_notes(self, participant_id: str) -> None: ...


class SuggestionStore(Protocol):
    async def save_many(self, event_id: str, lists: Sequence[tuple[str, Callable[[int], Sequence[Outgoing]]]]) -> None:
        """Give each participant's changed list its next version; ``messages_for(version)`` gives what to publish (the
        announcement carries the list itself, so the store keeps only the version and the outbox)."""
        ...

    async def forget(self, participant_id: str) -> None: ...


class RefusalLog(Protocol):
    """Where refusals are written with their outbox (they change no match)."""

    async def refuse(self, message_id: str, event_id: str, messages: Sequence[Outgoing]) -> None: ...

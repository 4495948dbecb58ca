"""What the registration use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from contracts.events import EventDetails, EventDraft
from contracts.registrations import Registration
from servicekit.outbox import Outgoing

from ..domain.admission import ParticipantStatus, StoredRegistration


class EventRepository(Protocol):
    async def get(self, event_id: str) -> EventDetails | None: ...

    async def get_draft(self, event_id: str) -> EventDraft | None: ...

    async def save(self, event: EventDetails, draft: EventDraft, messages: Sequence[Outgoing]) -> None: ...

    async def seats_taken(self, event_id: str) -> int:
        """How many participants hold a place at the event (for capacity)."""
        ...

    async def take_seat(self, event_id: str) -> None: ...

    async def free_seat(self, event_id: str) -> None: ...


class ParticipantRepository(Protocol):
    async def get(self, participant_id: str) -> StoredRegistration | None: ...

    async def save(
        self,
        *,
        event_id: str,
        participant_id: str,
        source: str,
        reference: str,
        status: ParticipantStatus,
        revision: int,
        registration: Registration | None,
        unavailable_slot_ids: tuple[str, ...],
        messages: Sequence[Outgoing],
        only_if_new: bool = False,
    ) -> bool:
        """Write the participant with the messages it causes; with ``only_if_new`` only if no participant has this id
        yet (then False and nothing written or published when one has)."""
        ...


class InboundLog(Protocol):
    """Answers to inbound messages that changed no participant (refusals, stale revisions)."""

    async def answer(self, message_id: str, event_id: str, messages: Sequence[Outgoing]) -> None: ...

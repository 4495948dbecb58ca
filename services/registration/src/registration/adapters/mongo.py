"""MongoDB repositories of the registration service. Each save writes the state and its outbox in one update,
then relays the outbox at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pymongo.asynchronous.database import AsyncDatabase

from contracts.events import EventDetails, EventDraft
from contracts.registrations import Registration
from servicekit.copies import RecentCopies
from servicekit.keyed_locks import KeyedLocks
from servicekit.outbox import OutboxRelay, Outgoing

from ..domain.admission import ParticipantStatus, StoredRegistration


class MongoEvents:
    """Events, read on every registration: parsed events are kept for a few seconds (an event changes rarely and
    through this same service), and the places taken are a small counter document of their own."""

    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["events"]
        self.seats = database["event_seats"]
        self._relay = relay
        self._copies: RecentCopies[EventDetails] = RecentCopies(seconds=5.0)
        self._seat_counts = KeyedLocks()
        self._uncounted: dict[str, int] = {}

    async def get(self, event_id: str) -> EventDetails | None:
        async def read() -> EventDetails | None:
            document = await self.collection.find_one({"_id": event_id}, {"details": 1})
            return None if document is None else EventDetails.model_validate(document["details"])

        return await self._copies.get_or_read(event_id, read)

    async def get_draft(self, event_id: str) -> EventDraft | None:
        document = await self.collection.find_one({"_id": event_id}, {"draft": 1})
        return EventDraft.model_validate(document["draft"]) if document else None

    async def save(self, event: EventDetails, draft: EventDraft, messages: Sequence[Outgoing]) -> None:
        await self._relay.write(self.collection, event.event_id, messages, fields={
            "details": event.model_dump(mode="json"), "draft": draft.model_dump(mode="json"), "revision": event.revision,
        })
        self._copies.drop(event.event_id)

    async def seats_taken(self, event_id: str) -> int:
        document = await self.seats.find_one({"_id": event_id})
        return (document or {}).get("taken", 0)

    async def take_seat(self, event_id: str) -> None:
        await self._count_seat(event_id, 1)

    async def free_seat(self, event_id: str) -> None:
        await self._count_seat(event_id, -1)

    async def _count_seat(self, event_id: str, change: int) -> None:
        # Different people's registrations for one event are handled side by side, and FerretDB applies an `$inc` as
        # read, change, write: two at once could lose one. So one write of an event's count at a time, and each write
        # carries every change made while the one before it was under way (a burst of a hundred registrations makes a
        # few writes, not a hundred in a row). When this returns, this change is stored.
        self._uncounted[event_id] = self._uncounted.get(event_id, 0) + change
        async with self._seat_counts.hold(event_id):
            change = self._uncounted.pop(event_id, 0)
            if not change:
                return
            try:
                await self.seats.update_one({"_id": event_id}, {"$inc": {"taken": change}}, upsert=True)
            except BaseException:
                self._uncounted[event_id] = self._uncounted.get(event_id, 0) + change  # the next write carries it
                raise


class MongoParticipants:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["participants"]
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("event_id", 1), ("status", 1)])
        await self.collection.create_index([("event_id", 1), ("source", 1), ("reference", 1)], unique=True)

    async def get(self, participant_id: str) -> StoredRegistration | None:
        document = await self.collection.find_one({"_id": participant_id}, {"outbox": 0})
        if not document:
            return None
        registration = document.get("registration")
        return StoredRegistration(
            participant_id=participant_id,
            status=ParticipantStatus(document["status"]),
            revision=document["revision"],
            registration=Registration.model_validate(registration) if registration else None,
        )

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
        state = {
            "event_id": event_id,
            "source": source,
            "reference": reference,
            "status": status.value,
            "revision": revision,
            "registration": registration.model_dump(mode="json") if registration else None,
            "unavailable_slot_ids": list(unavailable_slot_ids),
            "updated_at": dt.datetime.now(dt.UTC),
        }
        if only_if_new:  # the unique _id makes the insert the check
            return await self._relay.insert(self.collection, {"_id": participant_id, **state}, messages)
        return await self._relay.write(self.collection, participant_id, messages, fields=state)


class MongoInboundLog:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["inbound_answers"]
        self._relay = relay

    async def answer(self, message_id: str, event_id: str, messages: Sequence[Outgoing]) -> None:
        await self._relay.write(
            self.collection, message_id, messages, fields={"event_id": event_id, "at": dt.datetime.now(dt.UTC)}
        )

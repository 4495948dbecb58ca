"""MongoDB stores of the matching service. Each write carries the messages it causes in the same document."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from contracts.events import EventDetails
from contracts.registrations import Registration
from servicekit.outbox import OutboxRelay, Outgoing, outbox_fields
from servicekit.store import insert_new, write_in_batches

from ..application.match_ids import pair_key
from ..domain.match import Match, MatchState


class MongoEvents:
    def __init__(self, database: AsyncDatabase) -> None:
        self.collection = database["events"]

    async def get(self, event_id: str) -> EventDetails | None:
        document = await self.collection.find_one({"_id": event_id})
        return EventDetails.model_validate(document["event"]) if document else None

    async def save(self, event: EventDetails) -> None:
        stored = await self.collection.find_one({"_id": event.event_id}, {"revision": 1})
        if stored is None or stored["revision"] <= event.revision:
            await self.collection.update_one(
                {"_id": event.event_id}, {"$set": {"event": event.model_dump(mode="json"), "revision": event.revision}},
                upsert=True,
            )


class MongoProfiles:
    def __init__(self, database: AsyncDatabase) -> None:
        self.collection = database["profiles"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("event_id", 1), ("active", 1)])

    async def save(self, event_id: str, participant_id: str, registration: Registration, message_id: str) -> bool:
        """Keep the profile; True when this very message saved it before (a replay)."""
        profile = {
            "event_id": event_id, "registration": registration.model_dump(mode="json"), "active": True, "saved_by": message_id,
        }
        if await insert_new(self.collection, {"_id": participant_id, **profile}):
            return False
        # Known, or erased: read, then write by id. One event's messages come one at a time.
        stored = await self.collection.find_one({"_id": participant_id}, {"erased": 1, "saved_by": 1}) or {}
        if stored.get("erased"):
            return False
        await self.collection.update_one({"_id": participant_id}, {"$set": profile}, upsert=True)
        return stored.get("saved_by") == message_id

    async def deactivate(self, participant_id: str, erase: bool) -> None:
        if erase:
            await self.collection.replace_one({"_id": participant_id}, {"active": False, "erased": True}, upsert=True)
        else:
            await self.collection.update_one({"_id": participant_id}, {"$set": {"active": False}})

    async def active_of(self, event_id: str) -> list[tuple[str, Registration]]:
        cursor = self.collection.find({"event_id": event_id, "active": True})
        return [(d["_id"], Registration.model_validate(d["registration"])) async for d in cursor]

    async def is_known(self, participant_id: str) -> bool:
        return await self.collection.find_one({"_id": participant_id}, {"_id": 1}) is not None


class MongoMatches:
    """The matches, and a copy of every match of each event whose matches this replica has read in full (to build the
    event's suggestion index), kept up to date by its own writes: deciding on a pair then needs no read. The copy is
    sound because one replica handles all of an event's messages, and it is dropped whenever this replica gives up
    partitions (``forget_copies``, ADR 0010), like the indexes."""

    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["matches"]
        self._relay = relay
        self._copies: dict[str, dict[str, Match]] = {}  # event id -> pair key -> match

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("event_id")
        await self.collection.create_index("people")

    def forget_copies(self) -> None:
        self._copies.clear()

    async def get(self, event_id: str, a: str, b: str) -> Match | None:
        key = pair_key(event_id, a, b)
        copy = self._copies.get(event_id)
        if copy is not None:
            return copy.get(key)
        document = await self.collection.find_one({"_id": key})
        return _match(document) if document else None

    async def save(self, event_id: str, match: Match, messages: Sequence[Outgoing]) -> None:
        key = pair_key(event_id, match.requester, match.recipient)
        state = {
            "event_id": event_id, "people": sorted((match.requester, match.recipient)), "requester": match.requester,
            "recipient": match.recipient, "state": match.state.value, "round": match.round, "note": match.note,
            "arranged_by_operator": match.arranged_by_operator, "declined_by": match.declined_by,
            "updated_at": dt.datetime.now(dt.UTC),
        }
        try:
            await self._relay.write(self.collection, key, messages, fields=state)
        except BaseException:
            self._copies.pop(event_id, None)  # the write may or may not have happened: read the store next time
            raise
        if (copy := self._copies.get(event_id)) is not None:
            copy[key] = match

    async def of_event(self, event_id: str) -> list[Match]:
        documents = [d async for d in self.collection.find({"event_id": event_id})]
        self._copies[event_id] = {d["_id"]: _match(d) for d in documents}
        return list(self._copies[event_id].values())

    async def involving(self, event_id: str, participant_id: str) -> list[Match]:
        copy = self._copies.get(event_id)
        if copy is not None:
            return [m for m in copy.values() if participant_id in (m.requester, m.recipient)]
        return [_match(d) async for d in self.collection.find({"event_id": event_id, "people": participant_id})]

    async def forget_notes(self, participant_id: str) -> None:
        await self.collection.update_many({"people": participant_id}, {"$set": {"note": ""}})
        self._copies.clear()  # an erasure is rare: read everything again rather than mend the copies


def _match(document: dict[str, Any]) -> Match:
    return Match(
        requester=document["requester"], recipient=document["recipient"], state=MatchState(document["state"]),
        round=document["round"], note=document.get("note", ""),
        arranged_by_operator=document.get("arranged_by_operator", False), declined_by=document.get("declined_by"),
    )


class MongoSuggestions:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["suggestion_lists"]
        self._relay = relay
        self._last_version = 0

    async def save_many(self, event_id: str, lists: Sequence[tuple[str, Callable[[int], Sequence[Outgoing]]]]) -> None:
        """Give several lists their next version, each with its announcement in the same document write. The list itself
        travels only in the announcement: storing it as well doubled every write (a registration in a large event
        changes dozens of lists)."""
        if not lists:
            return
        ids = [participant_id for participant_id, _ in lists]
        await self._relay.before_write(self.collection, ids)
        # The version only has to grow with every change of a list: the clock in microseconds does, without a read
        # per list (one event's lists are written by one consumer at a time).
        version = max(time.time_ns() // 1000, self._last_version + 1)
        self._last_version = version
        writes, outboxes = [], []
        for participant_id, messages_for in lists:
            outbox = outbox_fields(messages_for(version))
            outboxes.append((participant_id, outbox))
            writes.append(UpdateOne(
                {"_id": participant_id},
                {"$set": {"event_id": event_id, "list_version": version, **outbox}, "$unset": {"suggestions": ""}},
                upsert=True,
            ))
        await write_in_batches(self.collection, writes)
        await self._relay.after_write(self.collection, outboxes)

    async def forget(self, participant_id: str) -> None:
        await self.collection.delete_one({"_id": participant_id})


class MongoRefusals:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["refused_decisions"]
        self._relay = relay

    async def refuse(self, message_id: str, event_id: str, messages: Sequence[Outgoing]) -> None:
        await self._relay.write(self.collection, message_id, messages, fields={"event_id": event_id})

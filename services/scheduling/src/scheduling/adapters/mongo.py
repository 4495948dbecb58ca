"""MongoDB store of the scheduling service: one document per event with its whole schedule and its outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from servicekit.outbox import OutboxRelay, Outgoing


class MongoSchedules:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["schedules"]
        self._relay = relay

    async def load(self, event_id: str) -> dict[str, Any] | None:
        document = await self.collection.find_one({"_id": event_id}, {"outbox": 0})
        if document is None:
            return None
        document.pop("_id")
        return document

    async def create(self, event_id: str, state: dict[str, Any], messages: Sequence[Outgoing]) -> None:
        try:
            await self.collection.insert_one({"_id": event_id, **state, "outbox": {}})
        except DuplicateKeyError:
            return
        if messages:
            await self._relay.write(self.collection, event_id, messages, fields={}, upsert=False)

    async def update(
        self, event_id: str, expected_version: int, changes: dict[str, Any], messages: Sequence[Outgoing]
    ) -> bool:
        return await self._relay.write(
            self.collection, event_id, messages, fields=changes, also={"$inc": {"version": 1}},
            guard={"version": expected_version}, upsert=False,
        )

"""Messages that arrived before what they need (the event, the participant) wait here, keyed by what they wait for.

Topics are not ordered against each other, so a MatchAccepted may arrive before the participants it names. The
handler raises :class:`WaitFor`; the pipeline parks the raw message; when a handler later reports the awaited key
as available, the parked messages run again. A message that waits longer than the expiry goes to the dead-letter
topic with the reason: nothing is dropped silently.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import AsyncIterator, Sequence

from pymongo.asynchronous.database import AsyncDatabase

from .records import Record


class WaitFor(Exception):
    """Raised by a handler: this message needs ``keys`` (e.g. 'participant:<id>') that have not arrived yet."""

    def __init__(self, *keys: str, reason: str) -> None:
        super().__init__(reason)
        self.keys = keys
        self.reason = reason


class ParkingLot:
    def __init__(self, database: AsyncDatabase) -> None:
        self._parked = database["parked_messages"]

    async def ensure_indexes(self) -> None:
        await self._parked.create_index("waiting_for")
        await self._parked.create_index("parked_at")

    async def park(self, message_id: str, record: Record, wait: WaitFor) -> None:
        await self._parked.update_one(
            {"_id": message_id},
            {
                "$set": {
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                    "key": base64.b64encode(record.key or b"").decode(),
                    "value": base64.b64encode(record.value).decode(),
                    "waiting_for": list(wait.keys),
                    "reason": wait.reason,
                },
                "$setOnInsert": {"parked_at": dt.datetime.now(dt.UTC)},
            },
            upsert=True,
        )

    async def waiting_for(self, keys: Sequence[str]) -> list[tuple[str, Record]]:
        """The messages waiting for any of ``keys``, longest waiting first (read whole: running them asks the store
        for more while a cursor would hold a connection of a small pool)."""
        cursor = self._parked.find({"waiting_for": {"$in": list(keys)}}).sort("parked_at", 1)
        return [(document["_id"], self._record(document)) async for document in cursor]

    async def expired(self, older_than: dt.datetime) -> AsyncIterator[tuple[str, Record, str]]:
        async for document in self._parked.find({"parked_at": {"$lt": older_than}}):
            yield document["_id"], self._record(document), document["reason"]

    async def remove(self, message_id: str) -> None:
        await self._parked.delete_one({"_id": message_id})

    async def count(self) -> int:
        return await self._parked.count_documents({})

    @staticmethod
    def _record(document: dict) -> Record:
        key = base64.b64decode(document["key"])
        return Record(
            document["topic"], document["partition"], document["offset"], key or None, base64.b64decode(document["value"])
        )

"""MongoDB stores of the notifications service: the recipient directory, pending changes and the delivery log."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from servicekit.copies import RecentCopies
from servicekit.keyed_locks import KeyedLocks
from servicekit.outbox import OutboxRelay, Outgoing
from servicekit.store import as_text, from_text, insert_new

from ..application.ports import PendingRecord, RecipientRecord



class MongoDirectory:
    def __init__(self, database: AsyncDatabase) -> None:
        self.events = database["events"]
        self.recipients = database["recipients"]
        self.meetings = database["meetings"]
        # Every change and every e-mail needs its event (name, time zone, grid: tens of milliseconds to read on
        # FerretDB) and names people; both are read from copies. This process changes a copy when it writes; a change
        # another replica wrote (after partitions moved) shows within seconds for an event, half a minute for a person
        # (whose messages come many a second while a list or a schedule fills). The addressee of an e-mail is read
        # fresh right before sending, so nobody withdrawn is mailed.
        self._event_copies: RecentCopies[dict[str, Any]] = RecentCopies(seconds=5.0)
        self._recipient_copies: RecentCopies[RecipientRecord] = RecentCopies(seconds=30.0)

    async def ensure_indexes(self) -> None:
        await self.recipients.create_index("event_id")
        await self.meetings.create_index("participants")

    async def recipient(self, participant_id: str, *, fresh: bool = False) -> RecipientRecord | None:
        if not fresh and (copy := self._recipient_copies.get(participant_id)) is not None:
            return copy
        document = await self.recipients.find_one({"_id": participant_id})
        if document is None:
            return None  # not kept: the person may register any moment
        if document.get("erased"):
            record = RecipientRecord(participant_id, document["event_id"], "", "", "en", "", "", active=False)
        else:
            record = _recipient(document)
        self._recipient_copies.keep(participant_id, record)
        return record

    async def recipients_of(self, event_id: str) -> list[RecipientRecord]:
        return [_recipient(d) async for d in self.recipients.find({"event_id": event_id, "active": True})]

    async def save_recipient(self, record: RecipientRecord) -> None:
        document = asdict(record)
        participant_id = document.pop("participant_id")
        if not await insert_new(self.recipients, {"_id": participant_id, **document}):
            # Known, or erased: read, then write by id. One person's messages come one at a time.
            stored = await self.recipients.find_one({"_id": participant_id}, {"erased": 1})
            if (stored or {}).get("erased"):
                self._recipient_copies.drop(participant_id)
                return
            await self.recipients.update_one({"_id": participant_id}, {"$set": document}, upsert=True)
        # Kept after the write (a read in flight may have kept the old): the messages that follow a registration name
        # the person at once.
        self._recipient_copies.keep(participant_id, record)

    async def deactivate_recipient(self, participant_id: str) -> None:
        await self.recipients.update_one({"_id": participant_id}, {"$set": {"active": False}})
        self._recipient_copies.drop(participant_id)

    async def erase_recipient(self, participant_id: str, event_id: str) -> None:
        """Keep only the fact that the id was erased, so late messages about the person are dropped, not parked."""
        await self.recipients.replace_one(
            {"_id": participant_id}, {"event_id": event_id, "active": False, "erased": True}, upsert=True
        )
        self._recipient_copies.drop(participant_id)

    async def event(self, event_id: str) -> dict[str, Any] | None:
        async def read() -> dict[str, Any] | None:
            document = await self.events.find_one({"_id": event_id})
            return None if document is None else document["event"]

        return await self._event_copies.get_or_read(event_id, read)

    async def save_event(self, event: dict[str, Any]) -> None:
        stored = await self.events.find_one({"_id": event["event_id"]}, {"revision": 1})
        if stored is None or stored["revision"] <= event["revision"]:
            await self.events.update_one(
                {"_id": event["event_id"]}, {"$set": {"event": event, "revision": event["revision"]}}, upsert=True
            )
            self._event_copies.keep(event["event_id"], event)

    async def save_meeting(self, meeting: dict[str, Any]) -> None:
        participants = [meeting["participant_a"], meeting["participant_b"]] + (
            [meeting["facilitator_id"]] if meeting.get("facilitator_id") else []
        )
        document = {**meeting, "participants": participants}
        if await insert_new(self.meetings, {"_id": meeting["meeting_id"], **document}):
            return
        stored = await self.meetings.find_one({"_id": meeting["meeting_id"]}, {"version": 1})
        if stored is None or stored["version"] <= meeting["version"]:
            await self.meetings.update_one({"_id": meeting["meeting_id"]}, {"$set": document}, upsert=True)

    async def meetings_of(self, participant_id: str) -> list[dict[str, Any]]:
        found = []
        async for document in self.meetings.find({"participants": participant_id}):
            document.pop("_id")
            if "place" not in document and "previous" in document:
                document["place"] = document["previous"]
            found.append(document)
        return found



def _recipient(document: dict[str, Any]) -> RecipientRecord:
    return RecipientRecord(
        participant_id=document["_id"], event_id=document["event_id"], name=document["name"], email=document["email"],
        language=document["language"], organisation=document["organisation"], country=document["country"],
        active=document.get("active", True),
    )


class MongoPendingChanges:
    """One document per recipient: ``changes`` maps a hash of each dedupe key to the pending record, ``told`` holds
    the hashes of the keys already handed to the delivery, so the same change noted again (re-announced with a new
    message id) is not mailed again, even when the first e-mail carried it among others.

    Noting a change is one update without a read: a change told already is dropped when the delivery reads the
    document, which it does once per e-mail."""

    def __init__(self, database: AsyncDatabase) -> None:
        self.collection = database["pending_changes"]
        # Changes for one recipient come from several consumers and the delivery loop at once. FerretDB applies an
        # update as read, change, write in separate transactions, so two concurrent updates of one document can lose
        # one (a meeting missing from an e-mail): this process changes one recipient's document at a time.
        self._recipients = KeyedLocks()

    async def ensure_indexes(self) -> None:
        return None

    async def add(self, record: PendingRecord, replace: bool = False) -> None:
        # A record that replaces the waiting one of its type (a suggestion list) has one field per type, so the newer
        # overwrites the older in the same write.
        field = _field(f"replaces:{record.message_type}" if replace else record.key)
        async with self._recipients.hold(record.participant_id):
            await self.collection.update_one(
                {"_id": record.participant_id},
                {"$set": {"event_id": record.event_id, f"changes.{field}": _as_text(vars(record))}},
                upsert=True,
            )

    async def for_recipient(self, participant_id: str) -> list[PendingRecord]:
        document = await self.collection.find_one({"_id": participant_id}) or {}
        if _told_fields(document):
            async with self._recipients.hold(participant_id):  # read again: no change may come between read and unset
                document = await self.collection.find_one({"_id": participant_id}) or {}
                if told := _told_fields(document):
                    await self.collection.update_one({"_id": participant_id}, {"$unset": {f"changes.{f}": "" for f in told}})
                    for field in told:
                        del document["changes"][field]
        records = [PendingRecord(**_from_text(r)) for r in document.get("changes", {}).values()]
        return sorted(records, key=lambda r: r.arrived_at)

    async def remove(self, participant_id: str, keys: Sequence[str]) -> None:
        if not keys:
            return
        async with self._recipients.hold(participant_id):
            await self.collection.update_one({"_id": participant_id}, {
                "$unset": {f"changes.{_field(k)}": "" for k in keys}, "$set": {f"told.{_field(k)}": True for k in keys},
            })

    async def waiting(self) -> list[tuple[str, dt.datetime]]:
        found = []
        async for document in self.collection.find({"changes": {"$nin": [{}, None]}}):
            dues = [r["due_at"] for r in document["changes"].values()]
            if dues:
                found.append((document["_id"], min(dues)))
        return found

    async def forget(self, participant_id: str) -> None:
        async with self._recipients.hold(participant_id):
            await self.collection.delete_one({"_id": participant_id})


def _told_fields(document: dict[str, Any]) -> list[str]:
    """Fields of ``changes`` whose record was told already (noted again, or a suggestion list sent meanwhile)."""
    told = document.get("told", {})
    return [f for f, r in document.get("changes", {}).items() if _field(r["key"]) in told]


def _as_text(change: dict[str, Any]) -> dict[str, Any]:
    """A change as stored: its message's data, which only travels with it, as JSON text."""
    return {**change, "data": as_text(change["data"])}


def _from_text(stored: dict[str, Any]) -> dict[str, Any]:
    return {**stored, "data": from_text(stored["data"])}


def _opened(delivery: dict[str, Any] | None) -> dict[str, Any] | None:
    if delivery is not None:
        delivery["changes"] = [_from_text(c) for c in delivery.get("changes", [])]
    return delivery


def _field(key: str) -> str:
    """A field name for a dedupe key: keys may hold characters a field name may not."""
    return hashlib.sha1(key.encode()).hexdigest()


class MongoDeliveries:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["deliveries"]
        self._relay = relay

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("participant_id", 1), ("created_at", 1)])
        await self.collection.create_index("status")

    async def claim(
        self, key: str, participant_id: str, event_id: str, changes: Sequence[dict[str, Any]], kinds: Sequence[str]
    ) -> dict[str, Any] | None:
        now = dt.datetime.now(dt.UTC)
        document = {
            "_id": key, "participant_id": participant_id, "event_id": event_id, "changes": list(changes),
            "kinds": list(kinds), "status": "sending", "attempts": 0, "next_attempt_at": now, "created_at": now,
            "errors": [],
        }
        if not await insert_new(self.collection, {**document, "changes": [_as_text(c) for c in changes]}):
            return None  # this e-mail exists already: sent, or being sent
        return document

    async def get(self, key: str) -> dict[str, Any] | None:
        return _opened(await self.collection.find_one({"_id": key}))

    async def unfinished(self) -> list[dict[str, Any]]:
        return [_opened(d) async for d in self.collection.find({"status": "sending"})]

    async def record_attempt(self, key: str, error: str, next_attempt_at: dt.datetime) -> None:
        await self.collection.update_one(
            {"_id": key}, {"$inc": {"attempts": 1}, "$set": {"next_attempt_at": next_attempt_at}, "$push": {"errors": error}}
        )

    async def finish(self, key: str, status: str, email_message_id: str, error: str, messages: Sequence[Outgoing]) -> None:
        await self._relay.write(
            self.collection, key, messages,
            fields={"status": status, "email_message_id": email_message_id, "finished_at": dt.datetime.now(dt.UTC)},
            also={"$inc": {"attempts": 1}, **({"$push": {"errors": error}} if error else {})}, upsert=False,
        )

    async def log_for(self, participant_id: str) -> list[dict[str, Any]]:
        cursor = self.collection.find({"participant_id": participant_id}, {"changes": 0, "outbox": 0}).sort("created_at", 1)
        return [d async for d in cursor]

    async def forget(self, participant_id: str) -> None:
        """Keep the log lines (ids, kinds, outcome) but drop what the e-mails said."""
        await self.collection.update_many({"participant_id": participant_id}, {"$set": {"changes": [], "errors": []}})

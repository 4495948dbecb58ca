"""MongoDB store of the scheduling service: each event's schedule is a snapshot document plus a journal of changes
(ADR 0004).

A change (a placement and the meetings it moved, a grid edit, an optimisation) is one journal document, inserted
with the messages it causes as its outbox. Its ``_id`` is the event id and the schedule's new version, so two writers
of one version cannot both succeed: the insert is the version check, atomic on MongoDB and FerretDB alike. Writing
a change costs as much as the change, not as much as the whole schedule. Every ``COMPACT_EVERY`` versions the
snapshot is rewritten and the journal entries two compactions old are deleted (one interval stays, so a slower
writer that overwrites the snapshot with an older one loses nothing). The snapshot keeps the state as JSON text
(ADR 0008): it is only ever read and written whole, and FerretDB decodes a nested document field by field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import DeleteOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from servicekit.outbox import OutboxRelay, Outgoing
from servicekit.store import as_text, from_text, insert_new, write_in_batches

COMPACT_EVERY = 50
"""Journal entries between two snapshots: a process that loads a schedule reads at most twice this many."""


class MongoSchedules:
    def __init__(self, database: AsyncDatabase, relay: OutboxRelay) -> None:
        self.collection = database["schedules"]
        self.journal = database["schedule_changes"]
        self._relay = relay

    async def load(self, event_id: str) -> dict[str, Any] | None:
        snapshot = await self.collection.find_one({"_id": event_id}, {"outbox": 0})
        return None if snapshot is None else await self._replayed(event_id, snapshot)

    async def _replayed(self, event_id: str, snapshot: dict[str, Any]) -> dict[str, Any]:
        """The schedule now: the snapshot with the journal entries written after it applied."""
        state = _state_of(snapshot)
        while True:  # one lookup by id per entry (FerretDB indexes nothing but _id)
            entry = await self.journal.find_one({"_id": _entry_id(event_id, state["version"] + 1)}, {"changes": 1})
            if entry is None:
                return state
            apply_changes(state, {change["path"]: change["value"] for change in entry["changes"]})
            state["version"] += 1

    async def create(self, event_id: str, state: dict[str, Any], messages: Sequence[Outgoing]) -> None:
        snapshot = {"_id": event_id, **_snapshot_fields(state), "journal_from": state["version"] + 1, "outbox": {}}
        if not await insert_new(self.collection, snapshot):
            return
        if messages:
            await self._relay.write(self.collection, event_id, messages, fields={}, upsert=False)

    async def update(
        self, event_id: str, expected_version: int, changes: dict[str, Any], messages: Sequence[Outgoing],
        state: dict[str, Any] | None = None,
    ) -> bool:
        version = expected_version + 1
        entry = {
            "_id": _entry_id(event_id, version), "event_id": event_id, "version": version,
            "changes": [{"path": path, "value": value} for path, value in changes.items()],  # keys may hold no dots
        }
        if not await self._relay.insert(self.journal, entry, messages):
            return False  # someone else wrote this version first
        if version % COMPACT_EVERY == 0:
            await self._compact(event_id, state=None if state is None else {**state, "version": version})
        return True

    async def forget_history(self, event_id: str) -> None:
        await self._compact(event_id, scrub=True)

    async def _compact(self, event_id: str, scrub: bool = False, state: dict[str, Any] | None = None) -> None:
        """Write the schedule now as the snapshot (``state``, when the writer holds it, saves replaying the journal)
        and delete the journal entries the previous snapshot made obsolete."""
        unread = {"outbox": 0} if state is None else {"outbox": 0, "state": 0}  # a state held needs no reading
        snapshot = await self.collection.find_one({"_id": event_id}, unread)
        if snapshot is None:
            return
        previous = snapshot["version"]
        first = snapshot.get("journal_from", previous + 1)  # a snapshot written before the journal: none
        if state is None:
            state = await self._replayed(event_id, snapshot)
        update: dict[str, Any] = {"$set": {**_snapshot_fields(state), "journal_from": previous + 1}}
        if nested := {name: "" for name in snapshot if name not in ("_id", "version", "state", "journal_from")}:
            update["$unset"] = nested  # a snapshot written before ADR 0008
        await self.collection.update_one({"_id": event_id}, update)
        obsolete = [DeleteOne({"_id": _entry_id(event_id, v)}) for v in range(first, previous + 1)]
        if scrub:  # every entry up to now loses its changes; its outbox stays until the relay is surely done with it
            obsolete += [UpdateOne({"_id": _entry_id(event_id, v)}, {"$unset": {"changes": ""}})
                         for v in range(previous + 1, state["version"] + 1)]
        await write_in_batches(self.journal, obsolete)


def apply_changes(state: dict[str, Any], changes: dict[str, Any]) -> None:
    """Apply dotted-path ``$set`` changes (as ``Book.changes`` makes them) to a loaded state."""
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = state
        for name in parents:
            target = target.setdefault(name, {})
        target[last] = value


def _snapshot_fields(state: dict[str, Any]) -> dict[str, Any]:
    return {"state": as_text(state), "version": state["version"]}


def _state_of(snapshot: dict[str, Any]) -> dict[str, Any]:
    if "state" in snapshot:
        return from_text(snapshot["state"])
    # written before ADR 0008: the state's parts are the document's fields (the next compaction rewrites it)
    return {k: v for k, v in snapshot.items() if k not in ("_id", "journal_from")}


def _entry_id(event_id: str, version: int) -> str:
    return f"{event_id}/{version:09d}"

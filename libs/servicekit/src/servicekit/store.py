"""Store access that stays within what FerretDB's SQLite backend can carry (ADR 0006)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from prometheus_client import Counter, Histogram
from pymongo import DeleteOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

# FerretDB 1.x opens an SQLite read for every update in a batch and keeps it open until the whole batch is done; a
# database has at most 100 SQLite connections. One batch of 100 updates therefore waits for itself forever, and a
# few large batches at once freeze the whole database. Ten per batch, times the services' 8 store connections
# (ServiceSettings.mongo_max_connections), stays below that limit. MongoDB does not care either way.
WRITES_PER_BATCH = 10


def as_text(value: Any) -> str:
    """``value`` as compact JSON text, for what a document only carries and never queries inside (ADR 0008): FerretDB
    decodes a nested document field by field on every read and every update of the document that holds it."""
    return json.dumps(value, separators=(",", ":"))


def from_text(stored: Any) -> Any:
    """What :func:`as_text` stored; a value stored nested (before ADR 0008) as it is."""
    return json.loads(stored) if isinstance(stored, str) else stored


async def insert_new(collection: AsyncCollection, document: dict[str, Any]) -> bool:
    """Insert ``document``; False when its ``_id`` is taken. Something new (a person registering, a meeting placed the
    first time) is then one write; for a known id the caller reads and updates by id. An upsert filtered on more than
    ``_id`` (say, not erased) would instead read the whole collection on FerretDB (ADR 0006)."""
    try:
        await collection.insert_one(document)
    except DuplicateKeyError:
        return False
    return True


async def write_in_batches(collection: AsyncCollection, writes: Sequence[UpdateOne | DeleteOne]) -> None:
    """Apply ``writes`` (unordered) in batches small enough for every supported store."""
    for start in range(0, len(writes), WRITES_PER_BATCH):
        await collection.bulk_write(list(writes[start:start + WRITES_PER_BATCH]), ordered=False)


STORE_SECONDS = Histogram(
    "store_command_seconds", "Time of one store command, by command and collection", ["command", "collection"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)

STORE_SCANS = Counter(
    "store_scans_total",
    "Store commands whose filter is not one exact _id (FerretDB 1.x reads the whole collection for them; ADR 0006)",
    ["command", "collection"],
)


def _filters(command_name: str, command: Any) -> list[Any]:
    if command_name in ("find", "count", "distinct"):
        return [command.get("filter", command.get("query", {}))]
    if command_name == "findAndModify":
        return [command.get("query", {})]
    if command_name == "update":
        return [u.get("q", {}) for u in command.get("updates", ())]
    if command_name == "delete":
        return [d.get("q", {}) for d in command.get("deletes", ())]
    if command_name == "aggregate":
        return [None]
    return []


def _by_id(query: Any) -> bool:
    return isinstance(query, dict) and list(query) == ["_id"] and not isinstance(query["_id"], dict)


class StoreTimings(CommandListener):
    """Feeds ``store_command_seconds``: which collections a service's time in the store goes to (an operator's first
    question when a consumer falls behind; the pipeline benchmark reports it per phase), and ``store_scans_total``."""

    def __init__(self) -> None:
        self._collections: dict[tuple[Any, int], str] = {}

    def started(self, event: CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else ""
        self._collections[(event.connection_id, event.request_id)] = collection
        if collection and any(not _by_id(f) for f in _filters(event.command_name, event.command)):
            STORE_SCANS.labels(event.command_name, collection).inc()

    def _finished(self, event: CommandSucceededEvent | CommandFailedEvent) -> None:
        collection = self._collections.pop((event.connection_id, event.request_id), "")
        STORE_SECONDS.labels(event.command_name, collection).observe(event.duration_micros / 1e6)

    succeeded = failed = _finished

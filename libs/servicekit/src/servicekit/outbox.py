"""The outbox: a change and the messages it causes are written in one document update, then relayed.

FerretDB and a single MongoDB have no multi-document transactions, so each aggregate document carries a field
``outbox``: a map from message id to the message to publish. A repository sets it with the same update that
changes the state (:func:`outbox_fields`, which replaces the previous outbox), and the relay publishes it right
after (acks=all) without reading it back. Relayed entries are not removed with a second write: the next write of
the document replaces them. That halves the writes on every path; the price is that the sweep at start-up
publishes each document's last messages again, which consumers drop by ``message_id``. A relay that fails is
remembered, retried, and done before that document's next write, so messages keep their order.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from contracts.base import Message
from contracts.envelope import Envelope, new_envelope

from .keyed_locks import KeyedLocks
from .store import insert_new, write_in_batches

log = structlog.get_logger()

Publish = Callable[[str, bytes, bytes], Awaitable[None]]
"""Sends value bytes with key bytes to a topic and returns once the broker acknowledged it."""

PublishMany = Callable[[list[tuple[str, bytes, bytes]]], Awaitable[None]]
"""Sends (topic, value, key) messages in this order and returns once the broker acknowledged all of them."""


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: the topic and the envelope (the key is the envelope's event id)."""

    topic: str
    envelope: Envelope
    key: str | None = None

    def entry(self, seq: int) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "key": self.key or self.envelope.event_id,
            "value": self.envelope.model_dump_json(),
            "seq": seq,
        }


_counter = 0


def outbox_fields(messages: Iterable[Outgoing]) -> dict[str, dict[str, Any]]:
    """The ``$set`` field that makes ``messages`` the document's outbox, in order (relayed ones are replaced)."""
    global _counter
    entries = {}
    for message in messages:
        _counter += 1
        entries[str(message.envelope.message_id)] = message.entry(time.time_ns() + _counter)
    return {"outbox": entries}


class OutboxRelay:
    """Publishes the outbox entries of documents in the given collections and removes what was published."""

    def __init__(self, publish: PublishMany, collections: Iterable[AsyncCollection]) -> None:
        self._publish = publish
        self._collections = {c.name: c for c in collections}
        self._locks = KeyedLocks()
        self._retry: set[tuple[str, Any]] = set()
        self.relayed = 0

    def watch(self, collection: AsyncCollection) -> None:
        self._collections[collection.name] = collection

    async def relay(self, collection: AsyncCollection, document_id: Any) -> int:
        """Publish the pending messages of one document, in the order they were added."""
        return await self.relay_many(collection, [document_id])

    async def before_write(self, collection: AsyncCollection, document_ids: Iterable[Any]) -> None:
        """Relay what a failed relay left in these documents before a write replaces their outboxes."""
        backlog = [i for i in document_ids if (collection.name, i) in self._retry]
        if backlog:
            self._retry.difference_update((collection.name, i) for i in backlog)
            await self.relay_many(collection, backlog)

    async def after_write(self, collection: AsyncCollection, writes: list[tuple[Any, dict[str, dict[str, Any]]]]) -> None:
        """Publish what the caller just wrote (``outbox_fields`` per document) without reading it back. When the
        broker is away the entries stay stored: the documents are remembered and the retry loop sends them."""
        pending = [(doc_id, fields["outbox"]) for doc_id, fields in writes if fields.get("outbox")]
        if not pending:
            return
        entries = sorted((e for _, outbox in pending for e in outbox.values()), key=lambda e: e["seq"])
        try:
            await self._publish([(e["topic"], e["value"].encode(), e["key"].encode()) for e in entries])
            self.relayed += len(entries)
        except Exception as exc:
            self._retry.update((collection.name, doc_id) for doc_id, _ in pending)
            log.warning("outbox.relay_deferred", collection=collection.name, documents=len(pending), error=repr(exc))

    async def write(
        self, collection: AsyncCollection, document_id: Any, messages: Iterable[Outgoing], *, fields: dict[str, Any],
        also: dict[str, Any] | None = None, upsert: bool = True,
    ) -> bool:
        """Set ``fields`` (plus the other operators in ``also``) and the messages they cause in one update of one
        document, then publish the messages. Without ``upsert`` a missing document is not written, nothing is
        published, and the answer is False."""
        await self.before_write(collection, [document_id])
        outbox = outbox_fields(messages)
        result = await collection.update_one(
            {"_id": document_id}, {"$set": {**fields, **outbox}, **(also or {})}, upsert=upsert
        )
        if result.matched_count == 0 and result.upserted_id is None:
            return False
        await self.after_write(collection, [(document_id, outbox)])
        return True

    async def insert(self, collection: AsyncCollection, document: dict[str, Any], messages: Iterable[Outgoing]) -> bool:
        """Insert ``document`` with the messages it causes as its outbox, then publish them. False when a document
        with its ``_id`` exists already: then nothing is written or published. The unique ``_id`` makes this an
        atomic compare-and-set on every store, FerretDB included."""
        outbox = outbox_fields(messages)
        if not await insert_new(collection, {**document, **outbox}):
            return False
        await self.after_write(collection, [(document["_id"], outbox)])
        return True

    async def relay_many(self, collection: AsyncCollection, document_ids: list[Any]) -> int:
        try:
            return await self._relay_many(collection, document_ids)
        except Exception:
            # The broker or the store is away: remember the documents; the retry loop relays them later.
            self._retry.update((collection.name, i) for i in document_ids)
            raise

    async def _relay_many(self, collection: AsyncCollection, document_ids: list[Any]) -> int:
        """Publish the pending messages of several documents in one go: one read, one batch to the broker, one
        clean-up write. Order is kept within each document, which is what consumers rely on."""
        async with self._locks.hold(*((collection.name, document_id) for document_id in document_ids)):
            # One lookup per id: FerretDB's SQLite backend pushes down only a single-_id equality, an $in scans.
            found = await asyncio.gather(*(collection.find_one({"_id": i}, {"outbox": 1}) for i in dict.fromkeys(document_ids)))
            documents = [d for d in found if d is not None]
            pending = [(d["_id"], sorted(d["outbox"].items(), key=lambda i: i[1]["seq"])) for d in documents if d.get("outbox")]
            if not pending:
                return 0
            await self._publish([
                (entry["topic"], entry["value"].encode(), entry["key"].encode()) for _, entries in pending for _, entry in entries
            ])
            cleanup = [
                UpdateOne({"_id": document_id}, {"$unset": {f"outbox.{message_id}": "" for message_id, _ in entries}})
                for document_id, entries in pending
            ]
            await write_in_batches(collection, cleanup)
            count = sum(len(entries) for _, entries in pending)
            self.relayed += count
            return count

    async def sweep(self) -> int:
        """Relay every document that still has pending messages (after a crash, or a failed publish)."""
        sent = 0
        for collection in self._collections.values():
            ids = [d["_id"] async for d in collection.find({"outbox": {"$nin": [{}, None]}}, {"_id": 1})]
            for start in range(0, len(ids), 200):
                sent += await self.relay_many(collection, ids[start:start + 200])
        if sent:
            log.info("outbox.swept", messages=sent)
        return sent

    async def retry_failed(self) -> int:
        sent = 0
        for name in {name for name, _ in self._retry}:
            ids = [i for n, i in self._retry if n == name]
            self._retry.difference_update((name, i) for i in ids)
            sent += await self.relay_many(self._collections[name], ids)
        return sent

    async def run(self, interval: float, stop: asyncio.Event) -> None:
        """Sweep every collection once (a previous process may have died between a write and its relay), then
        retry failed relays every ``interval`` seconds."""
        swept = False
        while not stop.is_set():
            try:
                if not swept:
                    await self.sweep()
                    swept = True
                elif self._retry:
                    await self.retry_failed()
            except Exception as exc:  # keep going: the broker or the store may be back next time
                log.warning("outbox.relay_failed", error=repr(exc))
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                pass


_CAUSED_NAMESPACE = uuid.UUID("0b7f6a1e-3c55-4f0e-8d7a-5a1b2c3d4e5f")


def caused_by(
    cause: Envelope, topic: str, payload: Message, *, producer: str, role: str = "", key: str | None = None,
    event_id: str | None = None,
) -> Outgoing:
    """A message caused by ``cause``. Its id derives from the cause and ``role``, so handling the cause again after a
    crash produces the same message id and consumers drop the repeat."""
    message_id = uuid.uuid5(_CAUSED_NAMESPACE, f"{cause.message_id}/{topic}/{type(payload).__name__}/{role}")
    envelope = new_envelope(payload, producer=producer, event_id=event_id or cause.event_id, cause=cause, message_id=message_id)
    return Outgoing(topic, envelope, key)

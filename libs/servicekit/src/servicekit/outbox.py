"""The outbox: a change and the messages it causes are written in one document update, then relayed.

FerretDB and a single MongoDB have no multi-document transactions, so each aggregate document carries a field
``outbox``: a map from message id to the message to publish. A repository adds entries with the same update that
changes the state (:func:`outbox_fields`); the relay publishes them (acks=all) and then removes exactly the
published keys. After a crash the periodic sweep publishes whatever is left, so nothing written is lost; a message
may go out twice, which consumers absorb by deduplicating on ``message_id``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from contracts.base import Message
from contracts.envelope import Envelope, new_envelope

log = structlog.get_logger()

Publish = Callable[[str, bytes, bytes], Awaitable[None]]
"""Sends value bytes with key bytes to a topic and returns once the broker acknowledged it."""


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
    """``$set`` fields that add ``messages`` to a document's outbox, in order."""
    global _counter
    fields = {}
    for message in messages:
        _counter += 1
        fields[f"outbox.{message.envelope.message_id}"] = message.entry(time.time_ns() + _counter)
    return fields


class OutboxRelay:
    """Publishes the outbox entries of documents in the given collections and removes what was published."""

    def __init__(self, publish: Publish, collections: Iterable[AsyncCollection]) -> None:
        self._publish = publish
        self._collections = {c.name: c for c in collections}
        self._locks: dict[tuple[str, Any], asyncio.Lock] = {}
        self.relayed = 0

    def watch(self, collection: AsyncCollection) -> None:
        self._collections[collection.name] = collection

    async def relay(self, collection: AsyncCollection, document_id: Any) -> int:
        """Publish the pending messages of one document, in the order they were added."""
        lock = self._locks.setdefault((collection.name, document_id), asyncio.Lock())
        async with lock:
            document = await collection.find_one({"_id": document_id}, {"outbox": 1})
            sent = await self._publish_entries(collection, document)
        if not lock.locked():
            self._locks.pop((collection.name, document_id), None)
        return sent

    async def _publish_entries(self, collection: AsyncCollection, document: dict[str, Any] | None) -> int:
        if not document or not document.get("outbox"):
            return 0
        entries = sorted(document["outbox"].items(), key=lambda item: item[1]["seq"])
        for _, entry in entries:
            await self._publish(entry["topic"], entry["value"].encode(), entry["key"].encode())
        await collection.update_one(
            {"_id": document["_id"]}, {"$unset": {f"outbox.{message_id}": "" for message_id, _ in entries}}
        )
        self.relayed += len(entries)
        return len(entries)

    async def sweep(self) -> int:
        """Relay every document that still has pending messages (after a crash, or a failed publish)."""
        sent = 0
        for collection in self._collections.values():
            async for document in collection.find({"outbox": {"$nin": [{}, None]}}, {"_id": 1}):
                sent += await self.relay(collection, document["_id"])
        if sent:
            log.info("outbox.swept", messages=sent)
        return sent

    async def run(self, interval: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sweep()
            except Exception as exc:  # keep sweeping: the broker or the store may be back next time
                log.warning("outbox.sweep_failed", error=repr(exc))
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

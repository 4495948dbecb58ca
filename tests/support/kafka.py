"""A plain aiokafka client, used the way another system would use the platform."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.base import Message
from contracts.envelope import new_envelope
from contracts.topics import PARTITIONS

BOOTSTRAP = "127.0.0.1:9092"


async def publish_raw(producer: AIOKafkaProducer, topic: str, value: bytes, key: str) -> None:
    await producer.send_and_wait(topic, value, key=key.encode())


def envelope_bytes(payload: Message, event_id: str, producer: str = "test-suite") -> tuple[bytes, str]:
    envelope = new_envelope(payload, producer=producer, event_id=event_id)
    return envelope.model_dump_json().encode(), str(envelope.message_id)


@dataclass
class Watch:
    """Everything that appears on one topic after the watch began, as parsed JSON documents."""

    topic: str
    received: list[dict[str, Any]] = field(default_factory=list)
    consumer: AIOKafkaConsumer | None = None
    task: asyncio.Task | None = None

    def matching(self, predicate: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return [m for m in self.received if predicate(m)]

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], count: int = 1, timeout: float = 90.0
    ) -> list[dict[str, Any]]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = self.matching(predicate)
            if len(found) >= count:
                return found
            if asyncio.get_running_loop().time() > deadline:
                seen = [(m.get("type"), m.get("event_id")) for m in self.received[-20:]]
                raise AssertionError(
                    f"waited {timeout:.0f} s on {self.topic} for {count} matching message(s), found {len(found)}; "
                    f"last seen: {seen}"
                )
            await asyncio.sleep(0.05)


async def start_watch(topic: str) -> Watch:
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, group_id=None)
    await consumer.start()
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:  # resolve the end offsets now, before anything is published
        await consumer.position(partition)
    watch = Watch(topic, consumer=consumer)

    async def pump() -> None:
        async for record in consumer:
            try:
                document = json.loads(record.value)
            except (ValueError, UnicodeDecodeError):
                document = {"undecodable": record.value}
            if isinstance(document, dict):
                document["_key"] = record.key.decode() if record.key else None
                watch.received.append(document)

    watch.task = asyncio.create_task(pump())
    return watch


async def stop_watch(watch: Watch) -> None:
    if watch.task:
        watch.task.cancel()
    if watch.consumer:
        await watch.consumer.stop()


def random_event_id(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"

"""The command lines' Kafka client: publish envelopes keyed by event id, and watch a topic for answers.

The producer is the one every service uses (acks=all, idempotent): a command line that says "published" means the
broker has the message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from contracts.envelope import Envelope

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"


class BrokerUnavailable(Exception):
    """Kafka could not be reached or refused the message."""


async def publish(
    bootstrap: str,
    topic: str,
    messages: Iterable[tuple[str, Envelope]],
    on_published: Callable[[int], None] | None = None,
    batch: int = 200,
) -> int:
    """Publish (key, envelope) pairs in order; ``on_published`` hears the running count. Returns the count."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, client_id="registration-cli", linger_ms=5
    )
    try:
        await producer.start()
    except KafkaError as error:
        await producer.stop()
        raise BrokerUnavailable(f"cannot reach Kafka at {bootstrap}: {error}") from None
    done = 0
    try:
        pending: list[asyncio.Future] = []
        for key, envelope in messages:
            pending.append(await producer.send(topic, envelope.model_dump_json().encode(), key=key.encode()))
            if len(pending) >= batch:
                await asyncio.gather(*pending)
                done += len(pending)
                pending.clear()
                if on_published:
                    on_published(done)
        await asyncio.gather(*pending)
        done += len(pending)
        if on_published:
            on_published(done)
    except KafkaError as error:
        raise BrokerUnavailable(f"Kafka at {bootstrap} did not take message {done + 1} on {topic}: {error}") from None
    finally:
        await producer.stop()
    return done


async def _partitions_of(bootstrap: str, topic: str) -> set[int]:
    """The topic's partition ids (a fresh consumer knows none until it fetches, and a watch must cover them all)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return {p["partition"] for d in described if d.get("error_code") == 0 for p in d.get("partitions", [])}


class TopicWatch:
    """What appears on a topic from the moment the watch started (so start it before publishing)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap, self.topic = bootstrap, topic
        self.received: list[dict[str, Any]] = []
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> TopicWatch:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, group_id=None)
        try:
            await consumer.start()
        except KafkaError as error:
            await consumer.stop()
            raise BrokerUnavailable(f"cannot reach Kafka at {self.bootstrap}: {error}") from None
        known = await _partitions_of(self.bootstrap, self.topic)
        if not known:
            await consumer.stop()
            raise BrokerUnavailable(f"topic {self.topic} does not exist on {self.bootstrap}; is this the platform's Kafka?")
        partitions = [TopicPartition(self.topic, p) for p in sorted(known)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:  # fix the start now, before anything is published
            await consumer.position(partition)
        self._consumer = consumer
        self._task = asyncio.create_task(self._pump())
        return self

    async def _pump(self) -> None:
        assert self._consumer is not None
        async for record in self._consumer:
            try:
                document = json.loads(record.value)
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(document, dict):
                self.received.append(document)

    async def wait_until(self, done: Callable[[list[dict[str, Any]]], bool], timeout: float,
                         on_tick: Callable[[], None] | None = None, idle: bool = False) -> bool:
        """Wait until ``done(received)`` holds; False when ``timeout`` seconds pass first. With ``idle`` the clock
        restarts whenever something arrives, so a long import is not cut off while answers keep coming."""
        loop = asyncio.get_running_loop()
        deadline, seen = loop.time() + timeout, len(self.received)
        while not done(self.received):
            if idle and len(self.received) != seen:
                deadline, seen = loop.time() + timeout, len(self.received)
            if loop.time() > deadline:
                return False
            if on_tick:
                on_tick()
            await asyncio.sleep(0.1)
        return True

    async def __aexit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
        if self._consumer:
            await self._consumer.stop()

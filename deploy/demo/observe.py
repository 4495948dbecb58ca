"""The demo's two hands on Kafka, used exactly as another system would: a publisher for inbound messages and operator
commands, and an observer that collects every answer of the demo's events from the moment it started.

Waiting is always bounded: when an expected message does not come, :class:`Stalled` says what was expected, from
which service, and which log to read.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, KafkaError

from contracts import topics
from contracts.base import Message
from contracts.envelope import Envelope, new_envelope

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / ".stack" / "logs"
BOOTSTRAP = "127.0.0.1:9092"
SERVICES = ("registration", "matching", "scheduling", "notifications")
"""The services, each its own consumer group."""

WATCHED = (
    topics.EVENTS, topics.REGISTRATIONS_OUTCOMES, topics.REGISTRATIONS, topics.MATCHES, topics.SCHEDULE,
    topics.NOTIFICATIONS,
) + tuple(topics.dead_letter_topic(t) for t in topics.CONSUMED_TOPICS)

T = TypeVar("T")

PROGRESS_EVERY = 10.0
"""Seconds between two progress lines of a long wait."""

HARD_LIMIT = 600.0
"""No single wait of the demo lasts longer, however busy the stack."""


class Stalled(Exception):
    """Something the demo waited for did not arrive in time."""

    def __init__(self, expected: str, service: str, waited: float, detail: str = "") -> None:
        self.expected, self.service, self.waited, self.detail = expected, service, waited, detail
        super().__init__(expected)

    def explain(self) -> str:
        log = LOGS / f"{self.service}.log"
        lines = [
            f"expected {self.expected}",
            f"from the {self.service} service; it did not arrive (waited {self.waited:.0f} s).",
        ]
        if self.detail:
            lines.append(self.detail)
        lines.append(f"Read {log.relative_to(ROOT)} (its last lines follow) and check `make stack-status`.")
        try:
            tail = log.read_text(errors="replace").splitlines()[-8:]
            lines += ["    " + line[:200] for line in tail]
        except OSError:
            lines.append(f"    ({log} cannot be read)")
        return "\n".join(lines)


class DeadLettered(Stalled):
    """A service gave up on a message of the demo's events and wrote it to a dead-letter topic."""

    def __init__(self, letter: dict[str, Any], topic: str) -> None:
        super().__init__(f"a message on '{letter.get('topic')}' to be handled", letter.get("service", "unknown"), 0)
        self.letter, self.topic = letter, topic

    def explain(self) -> str:
        letter = self.letter
        log = LOGS / f"{self.service}.log"
        return "\n".join([
            f"the {self.service} service could not handle {letter.get('topic')} partition {letter.get('partition')} "
            f"offset {letter.get('offset')} and wrote it to {self.topic}:",
            f"    {str(letter.get('error', ''))[:600]}",
            f"Read {log.relative_to(ROOT)}; the original message is in the dead letter (original_text).",
        ])


@dataclass
class Seen:
    topic: str
    document: dict[str, Any]
    at: float
    partition: int = 0
    offset: int = 0

    @property
    def type(self) -> str:
        return self.document.get("type", "DeadLetter" if self.topic.endswith(".dlq") else "")

    @property
    def data(self) -> dict[str, Any]:
        return self.document.get("data", self.document)


@dataclass
class Observer:
    """Collects the messages of the demo's events on every topic a participant or operator would watch."""

    event_ids: set[str]
    bootstrap: str = BOOTSTRAP
    seen: dict[str, list[Seen]] = field(default_factory=dict)
    dead_letters: list[Seen] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)
    """Consumer group (= service) → offsets it committed, summed over its topics: grows while the service works."""
    backlog: dict[str, int] = field(default_factory=dict)
    """Service → messages (of every event on the stack) it has still to read."""
    committed: dict[tuple[str, str, int], int] = field(default_factory=dict)
    """(service, topic, partition) → the offset up to which the service has handled the partition."""
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task | None = None
    _lag_task: asyncio.Task | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, group_id=None)
        await consumer.start()
        # Every topic has topics.PARTITIONS partitions (the stack creates them so); watch them all.
        partitions = [TopicPartition(topic, p) for topic in WATCHED for p in range(topics.PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:  # fix the end offsets now, before the demo publishes anything
            await consumer.position(partition)
        self._consumer = consumer
        self._task = asyncio.create_task(self._pump())
        self._lag_task = asyncio.create_task(self._watch_services())

    async def stop(self) -> None:
        for task in (self._task, self._lag_task):
            if task:
                task.cancel()
        if self._consumer:
            await self._consumer.stop()

    async def _watch_services(self) -> None:
        """Every two seconds, how far each service has read: a busy shared stack is slow, a stuck one stands still."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        try:
            await admin.start()
            while True:
                groups = [g[0] for g in await admin.list_consumer_groups()]
                for service in SERVICES:
                    # A service reads each topic in its own group '<service>.<topic>' (or one group '<service>').
                    mine = [g for g in groups if g == service or g.startswith(service + ".")]
                    read = waiting = 0
                    for group in mine:
                        try:
                            offsets = await admin.list_consumer_group_offsets(group)
                            ends = await self._consumer.end_offsets(list(offsets)) if offsets else {}
                        except KafkaError:
                            continue
                        read += sum(o.offset for o in offsets.values())
                        waiting += sum(max(0, ends[tp] - o.offset) for tp, o in offsets.items())
                        for tp, o in offsets.items():
                            self.committed[(service, tp.topic, tp.partition)] = o.offset
                    self.read[service], self.backlog[service] = read, waiting
                await asyncio.sleep(2)
        except (KafkaError, OSError):
            return
        finally:
            await admin.close()

    def has_read(self, service: str, seen: list[Seen]) -> bool:
        """Whether ``service`` has handled every one of ``seen`` (its consumer committed past them)."""
        return all(self.committed.get((service, s.topic, s.partition), -1) > s.offset for s in seen)

    def busy(self, service: str) -> str:
        """', matching has 120 messages (all events) still to read' when the service has a backlog."""
        waiting = self.backlog.get(service, 0)
        return f"; {service} has {waiting} messages of all events on the stack still to read" if waiting > 20 else ""

    async def _pump(self) -> None:
        assert self._consumer is not None
        async for record in self._consumer:
            try:
                document = json.loads(record.value)
            except (ValueError, UnicodeDecodeError):
                continue
            if not isinstance(document, dict):
                continue
            now = time.monotonic()
            if record.topic.endswith(".dlq"):
                key = record.key.decode(errors="replace") if record.key else ""
                text = document.get("original_text") or ""
                if key in self.event_ids or any(e in text for e in self.event_ids):
                    self.dead_letters.append(Seen(record.topic, document, now))
                continue
            event_id = document.get("event_id")
            if event_id in self.event_ids:
                self.seen.setdefault(event_id, []).append(Seen(record.topic, document, now, record.partition, record.offset))

    # --- reading what arrived ---------------------------------------------------------------------------------------

    def of(self, event_id: str, topic: str | None = None, types: str | Iterable[str] | None = None) -> list[Seen]:
        wanted = {types} if isinstance(types, str) else set(types) if types is not None else None
        return [
            s for s in self.seen.get(event_id, [])
            if (topic is None or s.topic == topic) and (wanted is None or s.type in wanted)
        ]

    def data(self, event_id: str, topic: str, types: str | Iterable[str]) -> list[dict[str, Any]]:
        return [s.data for s in self.of(event_id, topic, types)]

    def last_arrival(self, event_id: str, topic_names: Iterable[str]) -> float:
        names = set(topic_names)
        return max((s.at for s in self.seen.get(event_id, []) if s.topic in names), default=0.0)

    # --- waiting ----------------------------------------------------------------------------------------------------

    async def until(
        self, check: Callable[[], T | None], *, expected: str | Callable[[], str], service: str, timeout: float,
        moving: Callable[[], object] | None = None, progress: Callable[[], None] | None = None,
    ) -> T:
        """Poll ``check`` until it returns something truthy. Stalled when ``timeout`` seconds pass without it, or,
        when ``moving`` is given, without ``moving()`` changing (a busy stack is slow but still moves)."""
        started = last_move = time.monotonic()

        def marker_now() -> object:
            return (moving() if moving else None, self.read.get(service))

        marker = marker_now()
        next_progress = started + PROGRESS_EVERY
        while True:
            self._raise_on_dead_letters()
            result = check()
            if result:
                return result
            now = time.monotonic()
            if (current := marker_now()) != marker:
                marker, last_move = current, now
            if now - last_move > timeout:
                raise Stalled(expected() if callable(expected) else expected, service, now - last_move,
                              f"(in that time nothing arrived and the {service} service read nothing)")
            if now - started > HARD_LIMIT:
                raise Stalled(expected() if callable(expected) else expected, service, now - started,
                              f"(the {service} service kept reading, but too slowly: {self.backlog.get(service, 0)} "
                              "messages of all events still queued for it)")
            if progress and now > next_progress:
                progress()
                next_progress = now + PROGRESS_EVERY
            await asyncio.sleep(0.1)

    async def quiet(self, event_id: str, topic_names: Iterable[str], seconds: float, timeout: float) -> None:
        """Wait until nothing new arrived on ``topic_names`` for ``seconds`` (settled), at most ``timeout``."""
        names = tuple(topic_names)
        begun = time.monotonic()
        while time.monotonic() < begun + timeout:
            self._raise_on_dead_letters()
            if time.monotonic() - max(self.last_arrival(event_id, names), begun) >= seconds:
                return
            await asyncio.sleep(0.1)

    def _raise_on_dead_letters(self) -> None:
        if self.dead_letters:
            seen = self.dead_letters[0]
            raise DeadLettered(seen.document, seen.topic)


class Publisher:
    """Publishes like another system: one envelope per message, keyed by the event id, acks=all, idempotent."""

    def __init__(self, bootstrap: str = BOOTSTRAP) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, topic: str, payload: Message, *, event_id: str, producer: str) -> Envelope:
        envelope = new_envelope(payload, producer=producer, event_id=event_id)
        await self._producer.send(topic, envelope.model_dump_json().encode(), key=event_id.encode())
        return envelope

    async def flush(self) -> None:
        await self._producer.flush()


async def connect(event_ids: set[str]) -> tuple[Observer, Publisher]:
    """Start watching, then the publisher; a clear error when Kafka is not there."""
    observer, publisher = Observer(event_ids), Publisher()
    try:
        await observer.start()
        await publisher.start()
    except KafkaConnectionError:
        raise Stalled(f"Kafka at {BOOTSTRAP}", "kafka", 0, "Start the stack with `make stack-up`.") from None
    return observer, publisher

"""Builds one service process: MongoDB, the Kafka broker (acks=all, idempotent), the consumer pipeline, the outbox
relay, and an HTTP app with health, readiness, Prometheus metrics and the service's own routes.

A service's bootstrap creates a :class:`ServiceRuntime`, registers its handlers with :meth:`consume`, its
collections with :meth:`watch_outbox`, and calls :meth:`run`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import structlog
import uvicorn
from aiokafka import AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from contracts.base import Message

from .dead_letters import DeadLetters
from .inbox import Handler, Inbox, OrderKey
from .logs import configure_logging
from .outbox import OutboxRelay
from .parking import ParkingLot
from .records import Record
from .settings import ServiceSettings
from .store import StoreTimings

log = structlog.get_logger()

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
"""Largest message a service publishes; dead letters carry the original, base64-encoded."""


class _Assignments(ConsumerRebalanceListener):
    """Tells the inbox which partitions this process has taken since when, and the service what it gave up."""

    def __init__(self, inbox: Inbox, on_revoked: list[Callable[[], None]]) -> None:
        self._inbox = inbox
        self._on_revoked = on_revoked

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self._inbox.partitions_revoked((p.topic, p.partition) for p in revoked)
        if revoked:
            for forget in self._on_revoked:
                forget()

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._inbox.partitions_assigned((p.topic, p.partition) for p in assigned)


class ServiceRuntime:
    def __init__(self, name: str, settings: ServiceSettings) -> None:
        configure_logging(name, settings.log_level)
        self.name = name
        self.settings = settings
        self.mongo: AsyncMongoClient = AsyncMongoClient(
            settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000, maxPoolSize=settings.mongo_max_connections,
            event_listeners=[StoreTimings()],
        )
        self.database = self.mongo[settings.mongo_database or name]
        self.broker = KafkaBroker(
            settings.kafka_bootstrap, acks="all", enable_idempotence=True, client_id=name, logger=None, linger_ms=1,
            max_request_size=MAX_MESSAGE_BYTES
        )
        self.producer: AIOKafkaProducer | None = None  # created in the running loop, at start-up
        self.dead_letters = DeadLetters(name, self.publish)
        self.parking = ParkingLot(self.database)
        self.inbox = Inbox(self.database, self.dead_letters, self.parking, attempts=settings.handler_attempts)
        self.relay = OutboxRelay(self.publish_many, [])
        self.routes: list[BaseRoute] = []
        self._startup: list[Callable[[], Awaitable[None]]] = [self.parking.ensure_indexes]
        self._background: list[Callable[[asyncio.Event], Awaitable[None]]] = []
        self._on_revoked: list[Callable[[], None]] = []
        self._started = False

    # --- wiring -----------------------------------------------------------------------------------------------------

    async def publish(self, topic: str, value: bytes, key: bytes) -> None:
        await self.publish_many([(topic, value, key)])

    async def publish_many(self, messages: list[tuple[str, bytes, bytes]]) -> None:
        """Enqueue every message in order (the producer batches them), then wait for all acknowledgements."""
        if self.producer is None:
            raise RuntimeError("the service has not started yet")
        pending = [await self.producer.send(topic, value, key=key) for topic, value, key in messages]
        await asyncio.gather(*pending)

    def consume(self, topic: str, handlers: dict[type[Message], Handler], order_by: OrderKey | None = None) -> None:
        """Handle ``topic``'s messages of these types; ``order_by``: which of them go one at a time (default: an
        event's, whatever their topic)."""
        self.inbox.register(topic, handlers, order_by)

    def after_batch(self, hook: Callable[[], Awaitable[Any]]) -> None:
        """Run ``hook`` after each consumed batch is handled, before its offsets are committed."""
        self.inbox.after_batch(hook)

    def keeps_event_state(self, forget: Callable[[], None]) -> None:
        """This service keeps events' state in memory, built from the messages of several topics (matching's
        suggestion index learns from events, registrations and decisions). Its topics are then read by one consumer
        per process in one group (``<service>``) with the range assignor: every topic is keyed by the event id and
        has the same number of partitions, so the replica that takes partition p of one topic takes partition p of
        all of them, and with it every message of the events on it (ADR 0010). ``forget`` drops the state whenever
        partitions are taken away; the next message rebuilds it from the store, including what another replica
        wrote meanwhile."""
        self._on_revoked.append(forget)

    def watch_outbox(self, *collections: AsyncCollection) -> None:
        for collection in collections:
            self.relay.watch(collection)

    def on_startup(self, hook: Callable[[], Awaitable[None]]) -> None:
        self._startup.append(hook)

    def in_background(self, task: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        """Run ``task(stop)`` for the life of the process (periodic jobs)."""
        self._background.append(task)

    def _subscribe(self) -> None:
        prefix = self.settings.consumer_group or self.name
        if self._on_revoked:  # one group for all topics, partition p of each to one replica (keeps_event_state)
            subscriptions = [(self.inbox.topics, prefix, (RangePartitionAssignor,))]
        else:
            # One consumer group per service and topic: a group whose members subscribe to different topics
            # rebalances every time one of them joins, which made start-up take tens of seconds.
            subscriptions = [([topic], f"{prefix}.{topic}", (RoundRobinPartitionAssignor,)) for topic in self.inbox.topics]
        for topics, group, assignors in subscriptions:
            subscriber = self.broker.subscriber(
                *topics, group_id=group, ack_policy=AckPolicy.MANUAL, auto_offset_reset="earliest", batch=True,
                max_records=self.settings.consumer_batch, partition_assignment_strategy=assignors,
                # FastStream sleeps this long again after a poll that found nothing: keep the added latency small.
                batch_timeout_ms=50, listener=_Assignments(self.inbox, self._on_revoked),
            )

            async def on_batch(msg: KafkaMessage) -> None:
                # The inbox returns only when every record is handled; the commit then covers the whole batch.
                await self.inbox.receive_batch([Record.from_consumer_record(r) for r in msg.raw_message])
                await msg.ack()

            subscriber(on_batch)

    # --- HTTP -------------------------------------------------------------------------------------------------------

    async def _health(self, request: Request) -> Response:
        return JSONResponse({"service": self.name, "status": "alive"})

    async def _ready(self, request: Request) -> Response:
        checks = {"started": self._started}
        try:
            await asyncio.wait_for(self.mongo.admin.command("ping"), timeout=2)
            checks["store"] = True
        except Exception:
            checks["store"] = False
        checks["broker"] = bool(self._started and await self.broker.ping(timeout=2))
        ok = all(checks.values())
        return JSONResponse({"service": self.name, "ready": ok, "checks": checks}, status_code=200 if ok else 503)

    async def _metrics(self, request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        for hook in self._startup:
            await hook()
        self._subscribe()
        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap, acks="all", enable_idempotence=True,
            client_id=f"{self.name}-outbox", linger_ms=2, max_request_size=MAX_MESSAGE_BYTES,
        )
        await self.producer.start()
        await self.broker.start()
        stop = asyncio.Event()
        tasks = [asyncio.create_task(task(stop)) for task in self._background]
        tasks.append(asyncio.create_task(
            self.relay.run(self.settings.outbox_retry_seconds, stop)
        ))
        tasks.append(asyncio.create_task(self._expire_parked(stop)))
        tasks.append(asyncio.create_task(self.inbox.run(stop)))
        self._started = True
        log.info("service.started", topics=self.inbox.topics, port=self.settings.http_port)
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.broker.stop()
            await self.producer.stop()
            await self.mongo.close()
            log.info("service.stopped")

    async def _expire_parked(self, stop: asyncio.Event) -> None:
        interval = min(60.0, self.settings.parked_expiry_seconds / 4)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            with contextlib.suppress(Exception):
                await self.inbox.expire_parked(self.settings.parked_expiry_seconds)

    def asgi(self) -> Starlette:
        routes = [
            Route("/health", self._health),
            Route("/ready", self._ready),
            Route("/metrics", self._metrics),
            *self.routes,
        ]
        return Starlette(routes=routes, lifespan=self._lifespan)

    def run(self) -> None:
        uvicorn.run(
            self.asgi(), host=self.settings.http_host, port=self.settings.http_port, log_config=None, access_log=False
        )



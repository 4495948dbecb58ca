"""The yardstick: a bare aiokafka loop on the same broker and store as the services.

It consumes from a scratch topic (3 partitions, like the platform's), writes one document per message to a scratch
database on the same MongoDB-compatible server (FerretDB on the local stack), produces one message to a second
scratch topic (acks=all, idempotent, like the services) and commits the offset after each message. Nothing else:
no envelope validation, no dedupe lookup, no outbox. Its messages/s is what one sequential consumer on this broker
and store can do at best; the services' throughput is reported as a ratio of it.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import OffsetAndMetadata
from pymongo import AsyncMongoClient

BOOTSTRAP = "127.0.0.1:9092"
MONGO = "mongodb://127.0.0.1:27017"


@dataclass
class BaselineResult:
    messages: int
    seconds: float
    store_ms: float
    """Mean time of the one insert_one per message."""
    produce_ms: float
    """Mean time of the one produce (until acknowledged) per message."""
    commit_ms: float
    """Mean time of the one offset commit per message."""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


async def run_baseline(payload: bytes, seconds: float = 20.0, preload: int = 6000, say=print) -> BaselineResult:
    run = secrets.token_hex(4)
    source, sink, group, database = (f"bench-baseline-{run}-in", f"bench-baseline-{run}-out",
                                      f"bench-baseline-{run}", f"bench_baseline_{run}")
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="bench-baseline")
    await admin.start()
    mongo: AsyncMongoClient = AsyncMongoClient(MONGO, tz_aware=True)
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True, linger_ms=1)
    consumer = AIOKafkaConsumer(source, bootstrap_servers=BOOTSTRAP, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest", max_poll_records=100)
    try:
        await admin.create_topics([NewTopic(source, 3, 1), NewTopic(sink, 3, 1)])
        await producer.start()
        keys = [f"bench-baseline-event-{i}".encode() for i in range(8)]
        for i in range(preload):  # the input, published as fast as the producer batches it
            await producer.send(source, payload, key=keys[i % len(keys)])
        await producer.flush()
        collection = mongo[database]["documents"]
        await consumer.start()
        handled, store, produce, commit = 0, 0.0, 0.0, 0.0
        started = None
        deadline = None
        while deadline is None or time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=1000, max_records=100)
            if not batches and started is not None:
                break  # drained the preload
            for tp, records in batches.items():
                for record in records:
                    if started is None:  # measured from the first message, after the group joined
                        started = time.monotonic()
                        deadline = started + seconds
                    t0 = time.perf_counter()
                    document = json.loads(record.value)
                    await collection.insert_one({"_id": str(uuid.uuid4()), "offset": record.offset, "doc": document})
                    t1 = time.perf_counter()
                    await producer.send_and_wait(sink, record.value, key=record.key)
                    t2 = time.perf_counter()
                    await consumer.commit({TopicPartition(tp.topic, tp.partition): OffsetAndMetadata(record.offset + 1, "")})
                    t3 = time.perf_counter()
                    store, produce, commit = store + t1 - t0, produce + t2 - t1, commit + t3 - t2
                    handled += 1
                    if time.monotonic() >= deadline:
                        break
                if time.monotonic() >= deadline:
                    break
        took = time.monotonic() - (started or time.monotonic())
        n = max(handled, 1)
        return BaselineResult(handled, took, store / n * 1000, produce / n * 1000, commit / n * 1000)
    finally:
        await consumer.stop()
        await producer.stop()
        try:
            await admin.delete_topics([source, sink])
        except Exception as exc:  # scratch topics left behind are harmless; say so
            say(f"  (could not delete the scratch topics: {exc!r})")
        await admin.close()
        try:
            await mongo.drop_database(database)
        except Exception as exc:
            say(f"  (could not drop the scratch database {database}: {exc!r})")
        await mongo.close()

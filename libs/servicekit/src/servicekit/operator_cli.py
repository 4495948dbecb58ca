"""What operator command lines share: publish one command on ``operator.commands`` and, optionally, wait for the
message that answers it (matched by correlation id) on another topic."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaConnectionError

from contracts.base import Message
from contracts.envelope import Envelope, new_envelope
from contracts.topics import OPERATOR_COMMANDS, PARTITIONS


def fail(text: str, code: int = 1) -> None:
    print(f"error: {text}", file=sys.stderr)
    sys.exit(code)


async def _listen(bootstrap: str, topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    # A fresh consumer has no metadata yet, so the partition count comes from the contracts, not from it.
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)
    return consumer


async def send_command(
    payload: Message,
    *,
    event_id: str,
    bootstrap: str,
    answer_topic: str | None = None,
    answered: Callable[[dict[str, Any]], bool] | None = None,
    timeout: float = 120.0,
) -> tuple[Envelope, dict[str, Any] | None]:
    """Publish ``payload`` as an operator command; with ``answer_topic`` wait for the first message caused by it
    (same correlation id) that ``answered`` accepts."""
    envelope = new_envelope(payload, producer="operator-cli", event_id=event_id)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    consumer = None
    try:
        await producer.start()
        if answer_topic:
            consumer = await _listen(bootstrap, answer_topic)
        await producer.send_and_wait(OPERATOR_COMMANDS, envelope.model_dump_json().encode(), key=event_id.encode())
        if consumer is None:
            return envelope, None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    document = json.loads(record.value)
                    if document.get("correlation_id") == str(envelope.correlation_id) and (answered is None or answered(document)):
                        return envelope, document
        return envelope, None
    except KafkaConnectionError:
        fail(f"cannot reach Kafka at {bootstrap}; is the stack up? (make stack-up)")
        raise
    finally:
        await producer.stop()
        if consumer is not None:
            await consumer.stop()


def run(coroutine):
    return asyncio.run(coroutine)

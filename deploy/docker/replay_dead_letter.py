"""Republish a dead letter's original message to its source topic, with its original key.

    python deploy/docker/replay_dead_letter.py DLQ_TOPIC PARTITION OFFSET [--file FIXED] [--new-message-id]
        [--bootstrap HOST:PORT] [--dry-run]

Reads the DeadLetter at DLQ_TOPIC/PARTITION/OFFSET (as kafka-console-consumer prints it: "Partition:1 Offset:0"),
takes the original bytes (``original_base64``) or, with --file, the corrected message you saved, and publishes them to
the topic the letter names, keyed as the original was, so the event's ordering holds.

--new-message-id gives the envelope a fresh ``message_id`` (and keeps the old one as ``causation_id``). Needed when the
service dead-lettered a well-formed envelope (its reason starts with the message type): the service recorded that
message id as processed, and would drop a replay with the same id as a duplicate. Not needed for "invalid envelope"
letters or parked messages that expired.

Runs with nothing but the Python workspace (aiokafka). Inside the compose network:
    docker compose -f deploy/docker-compose.yml exec -T registration \
        python - registrations.inbound.dlq 1 0 --bootstrap kafka:9092 < deploy/docker/replay_dead_letter.py
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition


async def read_letter(bootstrap: str, topic: str, partition: int, offset: int) -> dict:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                max_partition_fetch_bytes=8 * 1024 * 1024)
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        batch = await consumer.getmany(tp, timeout_ms=10_000, max_records=1)
        records = batch.get(tp, [])
        if not records or records[0].offset != offset:
            raise SystemExit(f"no record at {topic}/{partition}/{offset}")
        return json.loads(records[0].value)
    finally:
        await consumer.stop()


def with_new_message_id(original: bytes) -> bytes:
    try:
        envelope = json.loads(original)
    except ValueError:
        raise SystemExit("--new-message-id needs a JSON envelope; fix the message first (--file)") from None
    if not isinstance(envelope, dict) or "message_id" not in envelope:
        raise SystemExit("--new-message-id needs an envelope with a message_id")
    envelope["causation_id"] = envelope["message_id"]
    envelope["message_id"] = str(uuid.uuid4())
    return json.dumps(envelope, ensure_ascii=False).encode()


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dlq_topic")
    parser.add_argument("partition", type=int)
    parser.add_argument("offset", type=int)
    parser.add_argument("--file", type=Path, help="publish this (corrected) message instead of the original bytes")
    parser.add_argument("--new-message-id", action="store_true", help="give the envelope a fresh message_id")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers (default 127.0.0.1:9092)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be published, publish nothing")
    args = parser.parse_args(argv)
    if not args.dlq_topic.endswith(".dlq"):
        parser.error("the first argument is a dead-letter topic (<topic>.dlq)")

    letter = await read_letter(args.bootstrap, args.dlq_topic, args.partition, args.offset)
    value = args.file.read_bytes() if args.file else base64.b64decode(letter.get("original_base64") or "")
    if not value:
        raise SystemExit("the dead letter holds no copy of the original (too large); pass the message with --file")
    if args.new_message_id:
        value = with_new_message_id(value)
    key = (letter.get("key") or "").encode() or None
    target = letter["topic"]
    print(f"dead letter from {letter['service']} at {letter['failed_at']}: {letter['error'][:300]}", file=sys.stderr)
    print(f"{'would publish' if args.dry_run else 'publishing'} {len(value)} bytes to {target} with key {key!r}",
          file=sys.stderr)
    if args.dry_run:
        sys.stdout.write(value.decode("utf-8", errors="replace") + "\n")
        return 0
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, acks="all", enable_idempotence=True,
                                max_request_size=4 * 1024 * 1024)
    await producer.start()
    try:
        meta = await producer.send_and_wait(target, value, key=key)
    finally:
        await producer.stop()
    print(f"published to {target} partition {meta.partition} offset {meta.offset}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))

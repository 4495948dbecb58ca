"""Shared fixtures: tests marked ``stack`` use the running local stack (make stack-up) like another system would."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tests"))

from support.kafka import BOOTSTRAP, start_watch, stop_watch  # noqa: E402


@pytest.fixture
async def producer():
    from aiokafka import AIOKafkaProducer

    client = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", enable_idempotence=True)
    await client.start()
    yield client
    await client.stop()


@pytest.fixture
async def watch():
    """``await watch('topic')`` starts collecting what appears on a topic from now on."""
    started = []

    async def begin(topic: str):
        w = await start_watch(topic)
        started.append(w)
        return w

    yield begin
    for w in started:
        await stop_watch(w)


@pytest.fixture
async def mongo():
    from pymongo import AsyncMongoClient

    client = AsyncMongoClient("mongodb://127.0.0.1:27017", tz_aware=True)
    yield client
    await client.close()

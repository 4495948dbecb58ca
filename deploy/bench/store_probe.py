"""FerretDB's latency per operation on the stack, measured in a scratch database: the cost every store round trip
of a message pays (see docs/decisions/0006-store-access-by-id.md)."""

from __future__ import annotations

import secrets
import statistics
import time

import bson

from pymongo import AsyncMongoClient

MONGO = "mongodb://127.0.0.1:27017"


async def probe_store(repeat: int = 30, big_sizes: tuple[int, ...] = (250, 1000)) -> dict[str, tuple[float, float]]:
    """operation → (median ms, p90 ms)."""
    database = f"bench_probe_{secrets.token_hex(4)}"
    mongo: AsyncMongoClient = AsyncMongoClient(MONGO, tz_aware=True)
    results: dict[str, list[float]] = {}

    async def timed(name: str, operation) -> None:
        started = time.perf_counter()
        await operation
        results.setdefault(name, []).append((time.perf_counter() - started) * 1000)

    try:
        small = mongo[database]["small"]
        for i in range(repeat):
            await timed("insert_one", small.insert_one({"_id": f"d{i}", "event_id": "e", "n": i, "text": "x" * 800}))
        for i in range(repeat):
            await timed("find_one by _id", small.find_one({"_id": f"d{i}"}))
        for i in range(repeat):
            await timed("update_one by _id", small.update_one({"_id": f"d{i}"}, {"$set": {f"outbox.m{i}": {"v": "y" * 500}}}))
        for i in range(min(repeat, 10)):
            await timed(f"find_one by other field ({repeat} docs)", small.find_one({"n": i}))
        big = mongo[database]["big"]
        # documents shaped like one event's schedule (a map of meetings), as big as 250 and 1000 meetings make it
        for size in big_sizes:
            meetings = {f"m{i:05d}": {"match": "x" * 36, "state": "placed", "a": "p" * 36, "b": "q" * 36,
                                      "slot": "2027-09-06T09:00", "table": i % 80, "v": 1} for i in range(size)}
            document = {"_id": f"schedule-{size}", "version": 0, "meetings": meetings}
            kb = len(bson.encode(document)) / 1024
            await big.insert_one(document)
            for i in range(3):
                await timed(f"update_one by _id, {kb:.0f} KB document", big.update_one(
                    {"_id": f"schedule-{size}", "version": i}, {"$set": {f"meetings.m{i:05d}.v": 2}, "$inc": {"version": 1}}))
                await timed(f"find_one by _id, 1 field of a {kb:.0f} KB document",
                            big.find_one({"_id": f"schedule-{size}"}, {"version": 1}))
    finally:
        try:
            await mongo.drop_database(database)
        finally:
            await mongo.close()
    return {name: (statistics.median(v), sorted(v)[int(0.9 * (len(v) - 1))]) for name, v in results.items()}

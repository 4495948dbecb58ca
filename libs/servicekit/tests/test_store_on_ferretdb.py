"""What the services rely on from the local stack's store (FerretDB on SQLite).

Lookups by id search the id index (ADR 0007).

FerretDB holds one SQLite connection per update of a batch until the batch ends, at most 100 per database: one
`bulk_write` of a few hundred updates (a suggestion list for every participant of a large event) froze the
service's whole database. Every service writes many documents at once through ``write_in_batches``.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from pymongo import AsyncMongoClient, UpdateOne

from servicekit.store import write_in_batches

pytestmark = pytest.mark.stack


async def test_hundreds_of_updates_at_once_complete_and_leave_the_database_usable():
    client = AsyncMongoClient("mongodb://127.0.0.1:27017", serverSelectionTimeoutMS=5000, maxPoolSize=8)
    database = client[f"storetest_{uuid.uuid4().hex[:8]}"]
    try:
        people = [f"p-{n:03d}" for n in range(300)]
        updates = [UpdateOne({"_id": p}, {"$set": {"list_version": 1}}, upsert=True) for p in people]
        # Several writers at once, as when a service handles messages of several events.
        await asyncio.wait_for(
            asyncio.gather(*(write_in_batches(database["lists"], updates[k::3]) for k in range(3))), timeout=120
        )
        await asyncio.wait_for(
            write_in_batches(database["lists"], [UpdateOne({"_id": p}, {"$inc": {"list_version": 1}}) for p in people]),
            timeout=120,
        )
        versions = {d["_id"]: d["list_version"] async for d in database["lists"].find({})}
        assert versions == {p: 2 for p in people}
        assert await asyncio.wait_for(database["lists"].find_one({"_id": "p-007"}), timeout=10) is not None
    finally:
        await client.drop_database(database.name)
        await client.close()


async def test_a_lookup_by_id_searches_the_id_index_instead_of_reading_the_collection():
    # FerretDB 1.24.2 as published looks ids up with an expression its own index does not match, so every lookup by
    # id read the whole table; the local stack builds it corrected (ADR 0007). Other filters still scan (ADR 0006).
    client = AsyncMongoClient("mongodb://127.0.0.1:27017", serverSelectionTimeoutMS=5000)
    database = client[f"storetest_{uuid.uuid4().hex[:8]}"]
    try:
        await database["people"].insert_many([{"_id": f"p-{n}", "event_id": "e"} for n in range(20)])
        by_id = await database.command("explain", {"find": "people", "filter": {"_id": "p-7"}})
        by_event = await database.command("explain", {"find": "people", "filter": {"event_id": "e"}})
        assert any("USING INDEX" in step for step in by_id["queryPlanner"]["Plan"]), by_id["queryPlanner"]
        assert any("SCAN" in step for step in by_event["queryPlanner"]["Plan"]), by_event["queryPlanner"]
    finally:
        await client.drop_database(database.name)
        await client.close()

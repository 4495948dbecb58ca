"""Large unordered updates against the local stack's store (FerretDB on SQLite).

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

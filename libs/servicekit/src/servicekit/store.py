"""Store access that stays within what FerretDB's SQLite backend can carry (ADR 0006)."""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

# FerretDB 1.x opens an SQLite read for every update in a batch and keeps it open until the whole batch is done; a
# database has at most 100 SQLite connections. One batch of 100 updates therefore waits for itself forever, and a
# few large batches at once freeze the whole database. Ten per batch, times the services' 8 store connections
# (ServiceSettings.mongo_max_connections), stays below that limit. MongoDB does not care either way.
UPDATES_PER_BATCH = 10


async def update_in_batches(collection: AsyncCollection, updates: Sequence[UpdateOne]) -> None:
    """Apply ``updates`` (unordered) in batches small enough for every supported store."""
    for start in range(0, len(updates), UPDATES_PER_BATCH):
        await collection.bulk_write(list(updates[start:start + UPDATES_PER_BATCH]), ordered=False)

"""The schedule store on the local stack's FerretDB: a snapshot plus a journal of changes (ADR 0004)."""

from __future__ import annotations

import copy
import uuid

import pytest
from pymongo import AsyncMongoClient

from contracts.envelope import new_envelope
from contracts.schedule import MeetingUnplaceable
from scheduling.adapters.mongo import COMPACT_EVERY, MongoSchedules, apply_changes
from servicekit.outbox import OutboxRelay, Outgoing

pytestmark = pytest.mark.stack


class Sent:
    """What the relay handed to the broker (the broker itself is not what these tests are about)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes, bytes]] = []

    async def __call__(self, messages: list[tuple[str, bytes, bytes]]) -> None:
        self.messages.extend(messages)


def _message(event_id: str, n: int) -> Outgoing:
    payload = MeetingUnplaceable(match_id=f"match-{n}", participant_a="a", participant_b="b", reason="test", waitlisted=True)
    return Outgoing("schedule", new_envelope(payload, producer="scheduling", event_id=event_id))


@pytest.fixture
async def store():
    client = AsyncMongoClient("mongodb://127.0.0.1:27017", serverSelectionTimeoutMS=5000, maxPoolSize=8)
    database = client[f"schedstore_{uuid.uuid4().hex[:8]}"]
    sent = Sent()
    try:
        yield MongoSchedules(database, OutboxRelay(sent, [])), sent
    finally:
        await client.drop_database(database.name)
        await client.close()


@pytest.mark.parametrize("writer_holds_the_schedule", [False, True])
async def test_a_schedule_reads_back_as_written_across_compactions(store, writer_holds_the_schedule):
    schedules, sent = store
    state = {"event": {"name": "x"}, "participants": {}, "meetings": {}, "waitlist": [], "version": 0}
    await schedules.create("ev-1", copy.deepcopy(state), [])
    expected = copy.deepcopy(state)
    for n in range(1, 2 * COMPACT_EVERY + 7):
        changes = {f"meetings.m-{n % 30}": {"slot": f"s-{n}", "v": n}, f"participants.p-{n % 7}": {"active": n % 2 == 0},
                   "waitlist": [f"m-{n}"]}
        apply_changes(expected, changes)  # as the scheduling desk's book holds it, before the version is counted
        held = copy.deepcopy(expected) if writer_holds_the_schedule else None
        assert await schedules.update("ev-1", n - 1, changes, [_message("ev-1", n)], state=held)
        expected["version"] = n

    assert await schedules.load("ev-1") == expected
    assert len(sent.messages) == 2 * COMPACT_EVERY + 6
    # the journal keeps at most two compaction intervals, so loading never replays the whole history
    assert await schedules.journal.count_documents({}) <= 2 * COMPACT_EVERY


async def test_a_second_writer_of_the_same_version_writes_and_publishes_nothing(store):
    schedules, sent = store
    await schedules.create("ev-2", {"event": {}, "participants": {}, "meetings": {}, "waitlist": [], "version": 0}, [])
    assert await schedules.update("ev-2", 0, {"meetings.m-1": {"slot": "first"}}, [_message("ev-2", 1)])

    assert not await schedules.update("ev-2", 0, {"meetings.m-1": {"slot": "stale"}}, [_message("ev-2", 2)])

    loaded = await schedules.load("ev-2")
    assert loaded["meetings"] == {"m-1": {"slot": "first"}} and loaded["version"] == 1
    assert len(sent.messages) == 1


async def test_after_an_erasure_no_earlier_version_is_kept(store):
    schedules, _ = store
    await schedules.create("ev-3", {"event": {}, "participants": {}, "meetings": {}, "waitlist": [], "version": 0}, [])
    for n in range(1, COMPACT_EVERY + 5):
        assert await schedules.update("ev-3", n - 1, {"participants.p-1": {"name": "Zelda Erasable", "n": n}}, [])
    assert await schedules.update("ev-3", COMPACT_EVERY + 4, {"participants.p-1": {"active": False}}, [])

    await schedules.forget_history("ev-3")

    assert (await schedules.load("ev-3"))["participants"] == {"p-1": {"active": False}}
    kept = [entry async for entry in schedules.journal.find({}) if "changes" in entry]
    assert kept == []
    assert "Zelda" not in str(await schedules.collection.find_one({"_id": "ev-3"}))


async def test_a_snapshot_written_with_nested_fields_is_read_and_rewritten_as_text(store):
    schedules, _ = store
    state = {"event": {"name": "x"}, "participants": {"p-1": {"active": True}}, "meetings": {}, "waitlist": [], "version": 0}
    await schedules.collection.insert_one({"_id": "ev-old", **copy.deepcopy(state), "journal_from": 1, "outbox": {}})
    expected = copy.deepcopy(state)
    for n in range(1, COMPACT_EVERY + 1):
        changes = {f"meetings.m-{n}": {"slot": f"s-{n}", "v": n}}
        assert await schedules.update("ev-old", n - 1, changes, [])
        apply_changes(expected, changes)
        expected["version"] = n

    assert await schedules.load("ev-old") == expected
    stored = await schedules.collection.find_one({"_id": "ev-old"})
    assert set(stored) == {"_id", "state", "version", "journal_from", "outbox"}, "the compaction left nested fields"

"""Copies of stored documents: used while young, gone when dropped or old, read once for everyone who needs one."""

import asyncio

from servicekit import copies
from servicekit.copies import RecentCopies


def test_a_copy_is_used_for_its_seconds_then_read_again(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(copies.time, "monotonic", lambda: now[0])
    kept = RecentCopies[str](seconds=5.0)
    kept.keep("event-1", "grid")
    now[0] += 4.9
    assert kept.get("event-1") == "grid"
    now[0] += 0.2
    assert kept.get("event-1") is None


def test_a_dropped_copy_is_not_used_and_the_number_kept_is_bounded():
    kept = RecentCopies[int](seconds=60.0, most=3)
    for n in range(3):
        kept.keep(n, n)
    kept.drop(1)
    assert kept.get(1) is None and kept.get(0) == 0
    kept.keep(3, 3)
    kept.keep(4, 4)  # the fourth copy starts over
    assert kept.get(0) is None and kept.get(4) == 4


async def test_many_who_need_a_copy_at_once_share_one_read():
    kept = RecentCopies[str](seconds=5.0)
    reads = []

    async def read() -> str:
        reads.append(1)
        await asyncio.sleep(0.01)
        return "grid"

    assert await asyncio.gather(*(kept.get_or_read("event-1", read) for _ in range(20))) == ["grid"] * 20
    assert len(reads) == 1
    assert await kept.get_or_read("event-1", read) == "grid" and len(reads) == 1, "the copy read was not kept"


async def test_a_failed_read_fails_everyone_waiting_for_it_and_the_next_need_reads_again():
    kept = RecentCopies[str](seconds=5.0)

    async def failing() -> str:
        await asyncio.sleep(0.01)
        raise ConnectionError("store away")

    outcomes = await asyncio.gather(*(kept.get_or_read("event-1", failing) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)

    async def read() -> str:
        return "grid"

    assert await kept.get_or_read("event-1", read) == "grid"

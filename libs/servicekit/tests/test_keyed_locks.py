"""Messages of one event are handled one at a time; messages of different events in parallel."""

from __future__ import annotations

import asyncio

from servicekit.keyed_locks import KeyedLocks


async def _work(locks: KeyedLocks, key: str, log: list[str], name: str) -> None:
    async with locks.hold(key):
        log.append(f"{name} starts")
        await asyncio.sleep(0.01)
        log.append(f"{name} ends")


async def test_holders_of_one_key_take_turns():
    locks, log = KeyedLocks(), []
    await asyncio.gather(_work(locks, "event-1", log, "a"), _work(locks, "event-1", log, "b"))
    assert log == ["a starts", "a ends", "b starts", "b ends"]


async def test_holders_of_different_keys_overlap_and_nothing_is_kept_afterwards():
    locks, log = KeyedLocks(), []
    await asyncio.gather(_work(locks, "event-1", log, "a"), _work(locks, "event-2", log, "b"))
    assert log[:2] == ["a starts", "b starts"]
    assert len(locks) == 0


async def test_several_keys_taken_in_one_order_never_wait_for_each_other():
    locks, log = KeyedLocks(), []

    async def both(order: tuple[str, str], name: str) -> None:
        async with locks.hold(*order):
            log.append(name)
            await asyncio.sleep(0.01)

    await asyncio.wait_for(asyncio.gather(both(("x", "y"), "first"), both(("y", "x"), "second")), timeout=2)
    assert sorted(log) == ["first", "second"]

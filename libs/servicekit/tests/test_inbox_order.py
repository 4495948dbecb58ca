"""Which messages of a batch the inbox handles one at a time: by default an event's, or what the topic's order key
names (registration: one person's), with everything else side by side."""

from __future__ import annotations

import asyncio
from typing import Any

from contracts.envelope import new_envelope
from contracts.registrations import RegistrationWithdrawalRequested
from contracts.topics import REGISTRATIONS_INBOUND
from servicekit.dead_letters import DeadLetters
from servicekit.inbox import Inbox
from servicekit.parking import ParkingLot
from servicekit.records import Record


class _Collection:
    async def find_one(self, *args: Any, **kwargs: Any) -> None:
        return None  # nothing was processed before

    async def insert_many(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Database:
    def __getitem__(self, name: str) -> _Collection:
        return _Collection()


async def _publish(*args: Any) -> None:
    raise AssertionError("nothing should be dead-lettered")


def _record(offset: int, reference: str) -> Record:
    payload = RegistrationWithdrawalRequested(source="crm", reference=reference)
    value = new_envelope(payload, producer="test", event_id="fair-2027").model_dump_json().encode()
    return Record(REGISTRATIONS_INBOUND, 0, offset, b"fair-2027", value)


async def _handled(order_by=None) -> list[tuple[str, str]]:
    inbox = Inbox(_Database(), DeadLetters("test", _publish), ParkingLot(_Database()))
    log: list[tuple[str, str]] = []

    async def handler(envelope, request: RegistrationWithdrawalRequested) -> None:
        log.append(("start", request.reference))
        await asyncio.sleep(0.05)
        log.append(("end", request.reference))

    inbox.register(REGISTRATIONS_INBOUND, {RegistrationWithdrawalRequested: handler}, order_by)
    await inbox.receive_batch([_record(0, "ana"), _record(1, "ben"), _record(2, "ana")])
    return log


async def test_by_default_one_events_messages_are_handled_one_after_the_other_in_order():
    assert await _handled() == [
        ("start", "ana"), ("end", "ana"), ("start", "ben"), ("end", "ben"), ("start", "ana"), ("end", "ana"),
    ]


async def test_with_an_order_key_one_persons_messages_keep_their_order_and_others_go_alongside():
    log = await _handled(order_by=lambda envelope: envelope.data["reference"])
    assert log[:2] == [("start", "ana"), ("start", "ben")], "ben did not wait for ana"
    starts_of_ana = [i for i, entry in enumerate(log) if entry == ("start", "ana")]
    assert starts_of_ana[1] > log.index(("end", "ana")), "ana's second message began before her first was done"
    assert len(log) == 6

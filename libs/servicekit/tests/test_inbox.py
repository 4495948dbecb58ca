"""The inbox with in-memory stand-ins for the store: which messages of a batch it handles one at a time (by default
an event's, or what the topic's order key names, e.g. one person's), that a message parked at the moment what it
waits for is released runs at once, and which messages it asks the store about before handling them."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from contracts.envelope import new_envelope
from contracts.registry import open_envelope
from contracts.registrations import RegistrationErasureRequested, RegistrationWithdrawalRequested
from contracts.topics import REGISTRATIONS_INBOUND
from servicekit.dead_letters import DeadLetters
from servicekit import inbox as inbox_module
from servicekit.inbox import CLOCK_SKEW_SECONDS, Inbox
from servicekit.parking import ParkingLot, WaitFor
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


def _record(offset: int, reference: str, kind=RegistrationWithdrawalRequested, occurred_at=None) -> Record:
    payload = kind(source="crm", reference=reference)
    envelope = new_envelope(payload, producer="test", event_id="fair-2027", occurred_at=occurred_at)
    return Record(REGISTRATIONS_INBOUND, 0, offset, b"fair-2027", envelope.model_dump_json().encode())


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


class _Parking:
    """Parks in memory; a park is written only after the releaser has looked for parked messages (the bad luck)."""

    def __init__(self) -> None:
        self.parked: dict[str, tuple[Record, tuple[str, ...]]] = {}
        self.looked = asyncio.Event()

    async def park(self, message_id: str, record: Record, wait: WaitFor) -> None:
        await self.looked.wait()
        self.parked[message_id] = (record, wait.keys)

    async def waiting_for(self, wanted):
        found = [(message_id, record) for message_id, (record, keys) in self.parked.items() if set(wanted) & set(keys)]
        self.looked.set()
        return found

    async def remove(self, message_id: str) -> None:
        self.parked.pop(message_id, None)


async def test_a_message_parked_while_what_it_waits_for_is_released_runs_at_once():
    parking = _Parking()
    inbox = Inbox(_Database(), DeadLetters("test", _publish), parking)
    known: list[str] = []
    checked = asyncio.Event()
    handled: list[str] = []

    async def needs_ana(envelope, request) -> None:
        if "ana" not in known:
            checked.set()
            raise WaitFor("participant:ana", reason="ana is not known yet")
        handled.append(request.reference)

    async def makes_ana_known(envelope, request) -> list[str]:
        await checked.wait()  # the other handler has looked and missed her
        known.append("ana")
        return ["participant:ana"]

    inbox.register(
        REGISTRATIONS_INBOUND,
        {RegistrationWithdrawalRequested: needs_ana, RegistrationErasureRequested: makes_ana_known},
        order_by=lambda envelope: envelope.type,  # the two go side by side
    )
    # Two consumers' batches side by side (within one batch, the releaser looks only once all of it is done).
    waiting, releasing = [_record(0, "ben")], [_record(1, "ana", RegistrationErasureRequested)]
    await asyncio.wait_for(asyncio.gather(inbox.receive_batch(waiting), inbox.receive_batch(releasing)), timeout=5)
    assert handled == ["ben"], "the parked message was left waiting although what it needs had arrived"
    assert parking.parked == {}


async def test_messages_parked_in_a_batch_run_once_the_batch_released_what_they_wait_for():
    parking = _Parking()
    parking.looked.set()  # parks are written at once
    inbox = Inbox(_Database(), DeadLetters("test", _publish), parking)
    known: set[str] = set()
    handled: list[str] = []
    lookups: list[list[str]] = []
    waiting_for = parking.waiting_for

    async def counted(keys):
        lookups.append(sorted(keys))
        return await waiting_for(keys)

    parking.waiting_for = counted

    async def needs_partner(envelope, request) -> None:
        partner = {"ben": "ana", "dan": "cleo"}[request.reference]
        if partner not in known:
            raise WaitFor(f"participant:{partner}", reason=f"{partner} is not known yet")
        handled.append(request.reference)

    async def makes_known(envelope, request) -> list[str]:
        known.add(request.reference)
        return [f"participant:{request.reference}"]

    inbox.register(
        REGISTRATIONS_INBOUND,
        {RegistrationWithdrawalRequested: needs_partner, RegistrationErasureRequested: makes_known},
        order_by=lambda envelope: envelope.data["reference"],
    )
    await inbox.receive_batch([
        _record(0, "ben"), _record(1, "dan"), _record(2, "ana", RegistrationErasureRequested),
        _record(3, "cleo", RegistrationErasureRequested),
    ])
    assert sorted(handled) == ["ben", "dan"], "a parked message was left waiting although its batch released its partner"
    assert parking.parked == {}
    assert lookups == [["participant:ana", "participant:cleo"]], "the batch's releases were not looked up together"


async def test_a_batch_is_marked_processed_only_once_the_work_left_for_its_end_is_done():
    written: list[str] = []

    class Processed(_Collection):
        async def insert_many(self, documents, **kwargs) -> None:
            written.extend(document["_id"] for document in documents)

    class Database:
        def __getitem__(self, name: str) -> _Collection:
            return Processed()

    inbox = Inbox(Database(), DeadLetters("test", _publish), ParkingLot(_Database()))
    marked_during_the_end_of_batch: list[str] = []

    async def handler(envelope, request) -> None:
        return None

    async def at_the_end() -> None:
        await inbox.flush_marks()  # the periodic flush runs while the end-of-batch work is under way
        marked_during_the_end_of_batch.extend(written)

    inbox.register(REGISTRATIONS_INBOUND, {RegistrationWithdrawalRequested: handler})
    inbox.after_batch(at_the_end)
    batch = [_record(0, "ana"), _record(1, "ben")]
    await inbox.receive_batch(batch)
    await inbox.flush_marks()

    assert marked_during_the_end_of_batch == [], "a crash now would skip the redelivered batch and its owed work"
    assert sorted(written) == sorted(str(open_envelope(record.value).message_id) for record in batch)


async def test_work_left_for_the_end_of_a_batch_runs_after_its_records_until_it_succeeds():
    inbox = Inbox(_Database(), DeadLetters("test", _publish), ParkingLot(_Database()))
    log: list[str] = []
    failures = [ConnectionError("store away")]

    async def handler(envelope, request: RegistrationWithdrawalRequested) -> None:
        log.append(request.reference)

    async def at_the_end() -> None:
        if failures:
            raise failures.pop()
        log.append("end of batch")

    inbox.register(REGISTRATIONS_INBOUND, {RegistrationWithdrawalRequested: handler})
    inbox.after_batch(at_the_end)
    await inbox.receive_batch([_record(0, "ana"), _record(1, "ben")])
    assert log == ["ana", "ben", "end of batch"], "the batch counted as handled before its end-of-batch work was done"


class _Marks(_Collection):
    """Processed-message marks: records which ids the inbox asked about; ``processed`` holds those marked."""

    def __init__(self, processed: set[str] = frozenset()) -> None:
        self.processed, self.asked = set(processed), []

    async def find_one(self, query: dict, *args: Any, **kwargs: Any) -> dict | None:
        self.asked.append(query["_id"])
        return {"_id": query["_id"]} if query["_id"] in self.processed else None


class _StoreWithMarks(_Database):
    def __init__(self, marks: _Marks) -> None:
        self.marks = marks

    def __getitem__(self, name: str) -> _Collection:
        return self.marks if name == "processed_messages" else _Collection()


def _message_id(record: Record) -> str:
    return str(open_envelope(record.value).message_id)


def _inbox_handling(marks: _Marks, handled: list[str]) -> Inbox:
    inbox = Inbox(_StoreWithMarks(marks), DeadLetters("test", _publish), ParkingLot(_Database()))

    async def handler(envelope, request: RegistrationWithdrawalRequested) -> None:
        handled.append(request.reference)

    inbox.register(REGISTRATIONS_INBOUND, {RegistrationWithdrawalRequested: handler})
    return inbox


def _ago(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)


def _taken_a_minute_ago(inbox: Inbox) -> None:
    inbox.partitions_assigned([(REGISTRATIONS_INBOUND, 0)])
    inbox._assigned_at[(REGISTRATIONS_INBOUND, 0)] -= 60


async def test_a_message_from_before_the_partition_was_taken_is_asked_about_and_not_handled_twice():
    handled: list[str] = []
    redelivered = _record(0, "ana", occurred_at=_ago(60))  # handled by the previous owner, offset not committed
    other = _record(1, "ben", occurred_at=_ago(60))
    marks = _Marks(processed={_message_id(redelivered)})
    inbox = _inbox_handling(marks, handled)
    inbox.partitions_assigned([(REGISTRATIONS_INBOUND, 0)])
    await inbox.receive_batch([redelivered, other])
    assert handled == ["ben"], "a message handled before this process took the partition was handled again"
    assert sorted(marks.asked) == sorted([_message_id(redelivered), _message_id(other)])


async def test_a_message_that_occurred_since_the_partition_was_taken_is_known_without_asking():
    handled: list[str] = []
    marks = _Marks()
    inbox = _inbox_handling(marks, handled)
    _taken_a_minute_ago(inbox)
    fresh = _record(0, "ana")
    await inbox.receive_batch([fresh])
    await inbox.receive_batch([Record(fresh.topic, fresh.partition, 9, fresh.key, fresh.value)])  # published again
    assert handled == ["ana"], "a message published again was handled twice"
    assert marks.asked == [], "the store was asked about a message only this process can have handled"


@pytest.mark.parametrize("case", ["partition not taken through the consumer", "occurred in the future", "forgotten"])
async def test_the_store_is_asked_whenever_this_process_cannot_know(case, monkeypatch):
    handled: list[str] = []
    marks = _Marks()
    inbox = _inbox_handling(marks, handled)
    occurred_at = None
    if case != "partition not taken through the consumer":
        _taken_a_minute_ago(inbox)
    if case == "occurred in the future":
        occurred_at = _ago(-2 * CLOCK_SKEW_SECONDS)
    if case == "forgotten":
        monkeypatch.setattr(inbox_module, "RECENT_IDS", 1)
        await inbox.receive_batch([_record(0, "ben"), _record(1, "cleo")])  # ben's id is forgotten now
        marks.asked.clear()
        occurred_at = _ago(0.5 * CLOCK_SKEW_SECONDS)  # may be a message handled before ben's id was forgotten
    message = _record(2, "ana", occurred_at=occurred_at)
    await inbox.receive_batch([message])
    assert marks.asked == [_message_id(message)]
    assert "ana" in handled

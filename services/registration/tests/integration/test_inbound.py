"""Registration on the real broker and store: what a sending system sees on registrations.outcomes and the DLQ."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from contracts.operator import PublishEvent
from contracts.registrations import RegistrationWithdrawalRequested
from support.kafka import envelope_bytes, publish_raw, random_event_id
from support.samples import event_draft, registration

pytestmark = pytest.mark.stack


async def open_event(producer, watch, event_id: str, **overrides) -> None:
    events = await watch("events")
    value, _ = envelope_bytes(PublishEvent(event=event_draft(event_id, **overrides)), event_id, "operator-cli")
    await publish_raw(producer, "operator.commands", value, event_id)
    await events.wait_for(lambda m: m["event_id"] == event_id and m["type"] == "EventPublished")


async def submit(producer, event_id: str, submission) -> str:
    value, message_id = envelope_bytes(submission, event_id, "crm")
    await publish_raw(producer, "registrations.inbound", value, event_id)
    return message_id


def outcome_of(message_id: str):
    return lambda m: m["type"] == "RegistrationOutcome" and m["data"]["inbound_message_id"] == message_id


async def test_the_same_submission_twice_makes_one_participant(producer, watch, mongo):
    event_id = random_event_id()
    await open_event(producer, watch, event_id)
    outcomes, registered = await watch("registrations.outcomes"), await watch("registrations")
    submission = registration(first_name="  Ana ", email="Ana.Souza@Example.COM", country="br")
    first = await submit(producer, event_id, submission)
    second = await submit(producer, event_id, submission)

    accepted = (await outcomes.wait_for(outcome_of(first)))[0]
    repeated = (await outcomes.wait_for(outcome_of(second)))[0]
    assert accepted["data"]["status"] == "accepted"
    assert accepted["_key"] == submission.reference, "outcomes are keyed by the sender's reference"
    assert repeated["data"]["status"] == "unchanged"
    assert repeated["data"]["participant_id"] == accepted["data"]["participant_id"]

    facts = await registered.wait_for(lambda m: m["event_id"] == event_id)
    assert [f["type"] for f in facts] == ["ParticipantRegistered"]
    person = facts[0]["data"]["registration"]["person"]
    assert (person["first_name"], person["email"]) == ("Ana", "ana.souza@example.com")
    assert facts[0]["data"]["registration"]["organisation"]["country"] == "BR"
    stored = await mongo["registration"]["participants"].count_documents({"event_id": event_id})
    assert stored == 1


async def test_a_later_revision_updates_and_an_older_one_is_ignored(producer, watch):
    event_id = random_event_id()
    await open_event(producer, watch, event_id)
    outcomes, registered = await watch("registrations.outcomes"), await watch("registrations")
    base = registration(revision=1)
    await submit(producer, event_id, base)
    newer = base.model_copy(update={"revision": 3, "registration": base.registration.model_copy(
        update={"person": base.registration.person.model_copy(update={"job_title": "Cluster manager"})})})
    newer_id = await submit(producer, event_id, newer)
    late = base.model_copy(update={"revision": 2})
    late_id = await submit(producer, event_id, late)

    assert (await outcomes.wait_for(outcome_of(newer_id)))[0]["data"]["status"] == "updated"
    stale = (await outcomes.wait_for(outcome_of(late_id)))[0]["data"]
    assert stale["status"] == "ignored_stale"
    assert "not newer than 3" in stale["reasons"][0]["message"]
    updated = (await registered.wait_for(lambda m: m["event_id"] == event_id and m["type"] == "ParticipantUpdated"))[0]
    assert updated["data"]["changed_fields"] == ["person.job_title"]


async def test_bad_input_is_dead_lettered_with_a_reason_and_the_consumer_goes_on(producer, watch):
    event_id = random_event_id()
    await open_event(producer, watch, event_id)
    dlq, outcomes = await watch("registrations.inbound.dlq"), await watch("registrations.outcomes")
    good, _ = envelope_bytes(registration(), event_id)
    envelope = json.loads(good)

    def variant(mutate) -> bytes:
        document = json.loads(good)
        mutate(document)
        return json.dumps(document).encode()

    bad = {
        "broken json": b'{"message_id": "1", "type": ',
        "missing email": variant(lambda d: d["data"]["registration"]["person"].pop("email")),
        "wrong type": variant(lambda d: d["data"]["registration"]["organisation"].__setitem__("type", 42)),
        "oversized": variant(lambda d: d["data"]["registration"]["profile"].__setitem__("description", "x" * 1_000_000)),
        "bad country": variant(lambda d: d["data"]["registration"]["organisation"].__setitem__("country", "XX")),
        "unknown type": variant(lambda d: d.__setitem__("type", "DropTables")),
    }
    unknown_event, _ = envelope_bytes(registration(), "no-such-event")
    for value in bad.values():
        await publish_raw(producer, "registrations.inbound", value, event_id)
    await publish_raw(producer, "registrations.inbound", unknown_event, "no-such-event")
    hostile = registration(
        first_name="<script>alert(1)</script>", last_name="O'Brien\u202e\x00; DROP TABLE participants;--"
    )
    hostile_id = await submit(producer, event_id, hostile)

    letters = await dlq.wait_for(lambda m: m.get("service") == "registration" and m["topic"] == "registrations.inbound", 7)
    errors = " | ".join(letter["error"] for letter in letters)
    assert "not valid JSON" in errors
    assert "data.registration.person.email: Field required" in errors
    assert "data.registration.organisation.type" in errors
    assert "data.registration.profile.description: String should have at most 4000 characters" in errors
    assert "'XX' is not an ISO 3166-1 alpha-2 country code" in errors
    assert "unknown message type 'DropTables'" in errors
    assert "event 'no-such-event' does not exist" in errors
    assert any(letter["original_text"] == json.dumps(envelope) or letter["original_base64"] for letter in letters)

    accepted = (await outcomes.wait_for(outcome_of(hostile_id)))[0]
    assert accepted["data"]["status"] == "accepted", "the consumer went on after the bad messages"


async def test_refusals_after_the_deadline_and_beyond_capacity(producer, watch):
    event_id = random_event_id()
    await open_event(producer, watch, event_id, capacity=1)
    outcomes = await watch("registrations.outcomes")
    first = await submit(producer, event_id, registration())
    second = await submit(producer, event_id, registration())
    assert (await outcomes.wait_for(outcome_of(first)))[0]["data"]["status"] == "accepted"
    full = (await outcomes.wait_for(outcome_of(second)))[0]["data"]
    assert full["status"] == "refused" and "the event is full" in full["reasons"][0]["message"]

    closed_event = random_event_id()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    await open_event(producer, watch, closed_event, registration_deadline=past.isoformat())
    late = await submit(producer, closed_event, registration())
    refused = (await outcomes.wait_for(outcome_of(late)))[0]["data"]
    assert refused["status"] == "refused" and "registration closed" in refused["reasons"][0]["message"]


async def burst(producer, outcomes, event_id: str, count: int) -> list[str]:
    """Queue ``count`` registrations at once (they reach the service together, in this order); their statuses."""
    sent, ids = [], []
    for _ in range(count):
        value, message_id = envelope_bytes(registration(), event_id, "crm")
        sent.append(await producer.send("registrations.inbound", value, key=event_id.encode()))
        ids.append(message_id)
    await asyncio.gather(*sent)
    return [(await outcomes.wait_for(outcome_of(i)))[0]["data"]["status"] for i in ids]


async def test_a_burst_of_registrations_for_an_event_with_a_capacity_seats_the_first_to_arrive(producer, watch, mongo):
    # Different people's registrations are handled side by side; the seats still go first come, first served.
    event_id = random_event_id()
    await open_event(producer, watch, event_id, capacity=3)
    outcomes = await watch("registrations.outcomes")
    assert await burst(producer, outcomes, event_id, 8) == ["accepted"] * 3 + ["refused"] * 5
    seats = await mongo["registration"]["event_seats"].find_one({"_id": event_id})
    assert seats["taken"] == 3


async def test_a_burst_of_registrations_without_a_capacity_counts_every_seat(producer, watch, mongo):
    # The count is kept for a capacity set later; registrations handled side by side must not lose an increment.
    event_id = random_event_id()
    await open_event(producer, watch, event_id)
    outcomes = await watch("registrations.outcomes")
    assert await burst(producer, outcomes, event_id, 30) == ["accepted"] * 30
    seats = await mongo["registration"]["event_seats"].find_one({"_id": event_id})
    assert seats["taken"] == 30


async def test_withdrawal_is_published_and_answered(producer, watch):
    event_id = random_event_id()
    await open_event(producer, watch, event_id)
    outcomes, registered = await watch("registrations.outcomes"), await watch("registrations")
    submission = registration()
    await submit(producer, event_id, submission)
    request = RegistrationWithdrawalRequested(source=submission.source, reference=submission.reference, reason="ill")
    withdrawal = await submit(producer, event_id, request)
    assert (await outcomes.wait_for(outcome_of(withdrawal)))[0]["data"]["status"] == "withdrawn"
    withdrawn = await registered.wait_for(lambda m: m["event_id"] == event_id and m["type"] == "ParticipantWithdrawn")
    assert withdrawn[0]["data"]["reason"] == "ill"

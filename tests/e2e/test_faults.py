"""Faults the platform must survive: a service killed mid-stream restarts where it stopped and nothing is lost or
doubled; a broker killed and restarted loses nothing it acknowledged, and the services carry on."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.matching import MatchDecisionSubmitted
from contracts.operator import PublishEvent
from contracts.topics import PARTITIONS
from support.kafka import BOOTSTRAP, envelope_bytes, publish_raw, random_event_id
from support.mail import calendar_parts, wait_for_mail
from support.samples import event_draft, registration

# Run last (a separate pytest run in `make test`): these tests kill and restart parts of the shared stack.
pytestmark = [pytest.mark.stack, pytest.mark.faults]

SERVICES = ("registration", "matching", "scheduling", "notifications")
STACK = [sys.executable, str(Path(__file__).resolve().parents[2] / "deploy" / "local" / "stack.py")]


def stack(*args: str) -> None:
    subprocess.run([*STACK, *args], check=True, capture_output=True, timeout=180)


async def open_event(producer, watch, event_id: str) -> None:
    events = await watch("events")
    raw, _ = envelope_bytes(PublishEvent(event=event_draft(event_id)), event_id)
    await publish_raw(producer, "operator.commands", raw, event_id)
    await events.wait_for(lambda m: m["event_id"] == event_id)


async def wait_until_covered(watch, key_of, wanted: set[str], timeout: float = 120.0) -> list[dict]:
    """Every message whose key is wanted, once each wanted key has been seen (redeliveries may repeat some)."""
    def relevant(m: dict) -> bool:
        try:
            return key_of(m) in wanted
        except (KeyError, TypeError):
            return False

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = watch.matching(relevant)
        missing = wanted - {key_of(m) for m in found}
        if not missing:
            return found
        assert asyncio.get_running_loop().time() < deadline, f"never arrived on {watch.topic}: {sorted(missing)}"
        await asyncio.sleep(0.2)


async def test_a_killed_service_restarts_where_it_stopped_and_nothing_is_lost_or_doubled(producer, watch):
    event_id = random_event_id("fault")
    await open_event(producer, watch, event_id)
    outcomes, registered = await watch("registrations.outcomes"), await watch("registrations")
    submissions = [registration(f"kill-{i:02d}-{event_id}") for i in range(30)]
    for number, submission in enumerate(submissions):
        raw, _ = envelope_bytes(submission, event_id)
        await publish_raw(producer, "registrations.inbound", raw, event_id)
        if number == 10:
            await outcomes.wait_for(lambda m: m["data"]["reference"].endswith(event_id), 3)
            await asyncio.to_thread(stack, "kill", "registration")  # SIGKILL: no goodbye, no offset commit
    await asyncio.to_thread(stack, "start", "registration")

    references = {s.reference for s in submissions}
    answers = await wait_until_covered(outcomes, lambda m: m["data"]["reference"], references)
    assert {a["data"]["status"] for a in answers} <= {"accepted", "unchanged"}
    ids = {a["data"]["participant_id"] for a in answers}
    facts = await wait_until_covered(registered, lambda m: m["data"]["participant_id"], ids)
    by_participant: dict[str, set[str]] = {}
    for fact in facts:
        by_participant.setdefault(fact["data"]["participant_id"], set()).add(fact["message_id"])
    assert len(by_participant) == 30, "each participant registered once"
    assert all(len(ids) == 1 for ids in by_participant.values()), "a redelivered fact carries the same message id"


async def test_a_restarted_broker_loses_nothing_acknowledged_and_the_services_carry_on(producer, watch):
    event_id = random_event_id("broker")
    await open_event(producer, watch, event_id)
    before = [registration(f"before-{i}-{event_id}") for i in range(10)]
    for submission in before:
        raw, _ = envelope_bytes(submission, event_id)
        await publish_raw(producer, "registrations.inbound", raw, event_id)  # acks=all: acknowledged

    await asyncio.to_thread(stack, "kill", "kafka")
    await asyncio.to_thread(stack, "start", "kafka")  # the services keep running and reconnect by themselves

    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition("registrations.inbound", p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        wanted = {s.reference for s in before}
        seen: set[str] = set()
        deadline = asyncio.get_running_loop().time() + 60
        while seen != wanted and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                seen |= {ref for ref in wanted if any(ref.encode() in r.value for r in records)}
        assert seen == wanted, f"lost after the broker restart: {wanted - seen}"
    finally:
        await consumer.stop()

    # Every service carries on without a restart: registration answers, matching takes the operator's decision,
    # scheduling places the meeting and notifications mails the invitation.
    outcomes, schedule = await watch("registrations.outcomes"), await watch("schedule")
    after = [registration(f"after-{i}-{event_id}", first_name=name, organisation=f"{name} Foods", country=country)
             for i, (name, country) in enumerate((("Ines", "PT"), ("Lars", "DK")))]
    for submission in after:
        raw, _ = envelope_bytes(submission, event_id)
        await publish_raw(producer, "registrations.inbound", raw, event_id)
    answers = await outcomes.wait_for(lambda m: m["data"]["reference"] in {s.reference for s in after}, 2, timeout=120)
    assert {a["data"]["status"] for a in answers} == {"accepted"}, "the services work with the restarted broker"
    first, second = (next(a["data"]["participant_id"] for a in answers if a["data"]["reference"] == s.reference) for s in after)
    raw, _ = envelope_bytes(
        MatchDecisionSubmitted(decision="arrange", participant_id=first, other_participant_id=second, actor="operator"),
        event_id,
    )
    await publish_raw(producer, "match-decisions.inbound", raw, event_id)
    await schedule.wait_for(lambda m: m["type"] == "MeetingScheduled" and m["event_id"] == event_id, timeout=120)
    await wait_for_mail(after[0].registration.person.email, timeout=120,
                        predicate=lambda m: any(b"METHOD:REQUEST" in p for p in calendar_parts(m)))

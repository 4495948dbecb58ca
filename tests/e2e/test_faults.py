"""Faults the platform must survive: a service killed mid-stream restarts where it stopped and nothing is lost or
doubled; a broker killed and restarted loses nothing it acknowledged, and the services carry on; a second replica of
matching comes and goes without matching answering from an out-of-date picture of an event."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.partitioner import DefaultPartitioner

from contracts.matching import MatchDecisionSubmitted
from contracts.operator import PublishEvent
from contracts.topics import PARTITIONS
from support.kafka import BOOTSTRAP, envelope_bytes, publish_raw, random_event_id
from support.mail import calendar_parts, wait_for_mail
from support.processes import free_port, ready
from support.samples import COLD_CHAIN_OFFER, SHELF_LIFE_REQUEST, event_draft, registration

# Run last (a separate pytest run in `make test`): these tests kill and restart parts of the shared stack.
pytestmark = [pytest.mark.stack, pytest.mark.faults]

SERVICES = ("registration", "matching", "scheduling", "notifications")
ROOT = Path(__file__).resolve().parents[2]
STACK = [sys.executable, str(ROOT / "deploy" / "local" / "stack.py")]


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


# --- a second matching replica ----------------------------------------------------------------------------------------


def partition_of(event_id: str) -> int:
    """Where every topic's messages of this event land (keyed by the event id, the Java client's partitioner)."""
    everything = list(range(PARTITIONS))
    return DefaultPartitioner()(event_id.encode(), everything, everything)


async def matching_members() -> dict[str, dict[str, set[int]]] | None:
    """The matching group's members if it is stable: member id -> topic -> partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups(["matching"])
    finally:
        await admin.close()
    _, _, state, _, _, members, *_ = response.groups[0]
    if state != "Stable":
        return None
    return {
        member_id: {topic: set(partitions) for topic, partitions in ConsumerProtocolMemberAssignment.decode(assignment).assignment}
        for member_id, _, _, _, assignment in members
    }


async def members_when(condition, timeout: float = 60.0) -> dict[str, dict[str, set[int]]]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        members = await matching_members()
        if members is not None and condition(members):
            return members
        assert asyncio.get_running_loop().time() < deadline, f"the matching group never settled as expected: {members}"
        await asyncio.sleep(0.5)


def start_second_matching(log_path: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "matching"], cwd=ROOT,
            env={**os.environ, "MATCHING_HTTP_PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, port


async def test_a_second_matching_replica_takes_whole_events_and_the_first_takes_them_back_up_to_date(
    producer, watch, tmp_path
):
    """Matching keeps each event's suggestion index in memory, learnt from events, registrations and decisions. With
    two replicas each must read all three topics of an event; and a replica that gets an event back must know who
    registered with the other one meanwhile, or it refuses a meeting with them as 'has left the event'."""
    # One event on every partition, each with a first participant the stack's matching has in its index.
    event_ids: dict[int, str] = {}
    while len(event_ids) < PARTITIONS:
        candidate = random_event_id("replica")
        event_ids.setdefault(partition_of(candidate), candidate)
    outcomes, matches = await watch("registrations.outcomes"), await watch("matches")

    async def register(reference: str, event_id: str, name: str, country: str, **profile) -> str:
        """The participant's id once matching has published their suggestion list (they have a partner to see)."""
        submission = registration(reference, first_name=name, organisation=f"{name} Foods", country=country, **profile)
        raw, _ = envelope_bytes(submission, event_id)
        await publish_raw(producer, "registrations.inbound", raw, event_id)
        [answer] = await outcomes.wait_for(lambda m: m["data"]["reference"] == reference, timeout=120)
        participant_id = answer["data"]["participant_id"]
        await matches.wait_for(lambda m: m["type"] == "SuggestionsUpdated" and m["data"]["participant_id"] == participant_id, timeout=120)
        return participant_id

    firsts = {}
    for partition, event_id in event_ids.items():
        await open_event(producer, watch, event_id)
        raw, _ = envelope_bytes(registration(f"offer-{event_id}", organisation="Offer Foods", country="FR", offers=[COLD_CHAIN_OFFER]), event_id)
        await publish_raw(producer, "registrations.inbound", raw, event_id)
        firsts[partition] = await register(f"first-{event_id}", event_id, "Ines", "PT", requests=[SHELF_LIFE_REQUEST])
    [stack_member] = await members_when(lambda m: len(m) == 1)

    second, port = start_second_matching(tmp_path / "matching-second.log")
    try:
        members = await members_when(lambda m: len(m) == 2, timeout=90)
        assert await asyncio.to_thread(ready, f"http://127.0.0.1:{port}/ready")
        for assignment in members.values():  # partition p of every topic with one replica
            assert len({frozenset(partitions) for partitions in assignment.values()}) == 1, members
        [new_member] = set(members) - {stack_member}
        taken = next(iter(members[new_member].values()))
        assert taken, f"the second replica took no partition: {members}"
        # People register while the second replica has their event.
        seconds = {p: await register(f"second-{event_ids[p]}", event_ids[p], "Lars", "DK", offers=[COLD_CHAIN_OFFER]) for p in taken}
    finally:
        second.terminate()
        second.wait(timeout=30)
    await members_when(lambda m: len(m) == 1, timeout=90)

    # The stack's matching has those events again and knows who registered meanwhile: it arranges their meetings.
    for partition, other in seconds.items():
        raw, _ = envelope_bytes(
            MatchDecisionSubmitted(decision="arrange", participant_id=firsts[partition], other_participant_id=other, actor="operator"),
            event_ids[partition],
        )
        await publish_raw(producer, "match-decisions.inbound", raw, event_ids[partition])
    answers = await matches.wait_for(
        lambda m: m["type"] in ("MatchAccepted", "DecisionRefused") and m["event_id"] in {event_ids[p] for p in seconds},
        count=len(seconds), timeout=120,
    )
    assert {a["type"] for a in answers} == {"MatchAccepted"}, [a["data"] for a in answers]

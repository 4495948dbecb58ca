"""The scheduling service on the real stack: registration (real) provides the event and participants, the test
plays matching by publishing accepted and cancelled matches, and reads what scheduling announces."""

from __future__ import annotations

import uuid

import pytest

from contracts.matching import MatchAccepted, MatchCancelled
from contracts.operator import OptimiseSchedule, PublishEvent
from contracts.registrations import RegistrationWithdrawalRequested
from scheduling.adapters.mongo import MongoSchedules
from registration.domain.identity import participant_id_for
from support.kafka import envelope_bytes, publish_raw, random_event_id
from support.samples import event_draft, registration

pytestmark = pytest.mark.stack

ONE_HOUR = [{"name": "afternoon", "day": "2027-04-13", "start": "14:00", "end": "15:00", "slot_minutes": 20}]


class Scenario:
    def __init__(self, producer, watch, event_id: str) -> None:
        self.producer, self.watch, self.event_id = producer, watch, event_id
        self.schedule = None
        self.people: dict[str, str] = {}

    async def start(self, **event_fields) -> None:
        events = await self.watch("events")
        self.schedule = await self.watch("schedule")
        await self.publish("operator.commands", PublishEvent(event=event_draft(self.event_id, **event_fields)))
        await events.wait_for(lambda m: m["event_id"] == self.event_id and m["data"]["event"]["revision"] >= 1)

    async def update_event(self, **event_fields) -> None:
        events = await self.watch("events")
        await self.publish("operator.commands", PublishEvent(event=event_draft(self.event_id, **event_fields)))
        await events.wait_for(lambda m: m["event_id"] == self.event_id and m["type"] == "EventUpdated")

    async def publish(self, topic: str, payload) -> None:
        raw, _ = envelope_bytes(payload, self.event_id)
        await publish_raw(self.producer, topic, raw, self.event_id)

    async def register(self, *names: str, **fields) -> None:
        for name in names:
            submission = registration(f"{name}-{uuid.uuid4().hex[:6]}", first_name=name, organisation=f"{name} GmbH", **fields)
            self.people[name] = participant_id_for(self.event_id, submission.source, submission.reference)
            self.people[f"{name}.submission"] = submission
            await self.publish("registrations.inbound", submission)

    async def accept(self, a: str, b: str) -> str:
        match_id = f"match-{a}-{b}-{uuid.uuid4().hex[:6]}"
        await self.publish("matches", MatchAccepted(match_id=match_id, participant_a=self.people[a], participant_b=self.people[b]))
        return match_id

    async def announced(self, kind: str, count: int = 1, **where) -> list[dict]:
        def wanted(m):
            return m["event_id"] == self.event_id and m["type"] == kind and all(m["data"].get(k) == v for k, v in where.items())

        return [m["data"] for m in await self.schedule.wait_for(wanted, count)]


def people_of(meeting: dict) -> set[str]:
    return {meeting["participant_a"], meeting["participant_b"]}


async def test_an_accepted_match_waits_for_its_participants_and_is_then_placed(producer, watch):
    scenario = Scenario(producer, watch, random_event_id("sched"))
    await scenario.start()
    scenario.people.update(early=participant_id_for(scenario.event_id, "test-suite", "early-a"))
    await scenario.publish("matches", MatchAccepted(
        match_id="m-early", participant_a=scenario.people["early"],
        participant_b=participant_id_for(scenario.event_id, "test-suite", "early-b"),
    ))
    for reference in ("early-a", "early-b"):
        await scenario.publish("registrations.inbound", registration(reference))
    placed = (await scenario.announced("MeetingScheduled", match_id="m-early"))[0]
    assert placed["version"] == 1 and placed["place"]["slot_id"].startswith("2027-04-13T")


async def test_no_room_waits_with_a_reason_and_is_placed_when_a_meeting_is_cancelled(producer, watch):
    scenario = Scenario(producer, watch, random_event_id("sched"))
    await scenario.start(sessions=ONE_HOUR, tables=1)  # three 20-minute slots, one table
    await scenario.register("ana", "ben", "cem", "dan", "eva", "fay", "gus", "hal")
    first = await scenario.accept("ana", "ben")
    for a, b in (("cem", "dan"), ("eva", "fay")):
        await scenario.accept(a, b)
    await scenario.announced("MeetingScheduled", 3)
    waiting = await scenario.accept("gus", "hal")
    unplaceable = (await scenario.announced("MeetingUnplaceable", match_id=waiting))[0]
    assert unplaceable["waitlisted"] and unplaceable["reason"]

    await scenario.publish("matches", MatchCancelled(
        match_id=first, participant_a=scenario.people["ana"], participant_b=scenario.people["ben"], cancelled_by="operator"))
    cancelled = (await scenario.announced("MeetingCancelled", match_id=first))[0]
    assert cancelled["version"] == 2
    placed = (await scenario.announced("MeetingScheduled", match_id=waiting))[0]
    assert placed["place"]["slot_id"] == cancelled["previous"]["slot_id"], "the freed slot goes to the waiting match"


async def test_a_withdrawal_cancels_exactly_that_participants_meetings(producer, watch):
    scenario = Scenario(producer, watch, random_event_id("sched"))
    await scenario.start()
    await scenario.register("ana", "ben", "cem")
    await scenario.accept("ana", "ben")
    await scenario.accept("ana", "cem")
    await scenario.accept("ben", "cem")
    await scenario.announced("MeetingScheduled", 3)
    submission = scenario.people["cem.submission"]
    await scenario.publish("registrations.inbound", RegistrationWithdrawalRequested(
        source=submission.source, reference=submission.reference))
    cancelled = await scenario.announced("MeetingCancelled", 2)
    assert all(scenario.people["cem"] in people_of(m) for m in cancelled)
    assert all("withdrew" in m["reason"] for m in cancelled)
    assert not [m for m in scenario.schedule.received if m["type"] == "MeetingRescheduled" and m["event_id"] == scenario.event_id]


async def test_a_slot_removed_from_the_grid_moves_exactly_the_meeting_in_it(producer, watch):
    scenario = Scenario(producer, watch, random_event_id("sched"))
    afternoon = {**ONE_HOUR[0], "end": "15:20"}  # four 20-minute slots
    await scenario.start(sessions=[afternoon], tables=2)
    await scenario.register("ana", "ben", "cem", "dan")
    for partner in ("ben", "cem", "dan"):  # ana's three meetings need three different slots
        await scenario.accept("ana", partner)
    placed = await scenario.announced("MeetingScheduled", 3)
    latest = max(placed, key=lambda m: m["place"]["slot_id"])
    hour, minute = map(int, latest["place"]["slot_id"][-5:].split(":"))
    pause = {"start": f"{hour:02d}:{minute:02d}", "end": f"{hour + (minute + 20) // 60:02d}:{(minute + 20) % 60:02d}"}

    await scenario.update_event(sessions=[{**afternoon, "breaks": [pause]}], tables=2)  # that slot becomes a break
    moved = (await scenario.announced("MeetingRescheduled"))[0]
    assert moved["meeting_id"] == latest["meeting_id"]
    assert moved["previous"]["slot_id"] == latest["place"]["slot_id"] != moved["place"]["slot_id"]
    assert moved["version"] == 2
    others = [m for m in scenario.schedule.received if m["event_id"] == scenario.event_id
              and m["type"] in ("MeetingRescheduled", "MeetingCancelled") and m["data"]["meeting_id"] != latest["meeting_id"]]
    assert not others, "meetings in the remaining slots stay where they were announced"


async def test_the_operator_optimises_and_gets_figures_and_no_broken_rule(producer, watch, mongo):
    scenario = Scenario(producer, watch, random_event_id("sched"))
    await scenario.start()
    names = ["ana", "ben", "cem", "dan", "eva", "fay"]
    await scenario.register(*names)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]][:9]
    for a, b in pairs:
        await scenario.accept(a, b)
    await scenario.announced("MeetingScheduled", len(pairs))
    await scenario.publish("operator.commands", OptimiseSchedule(time_limit_seconds=10, fairness=2))
    report = (await scenario.announced("ScheduleOptimised"))[0]
    assert report["placed"] == len(pairs) and report["unplaced"] == 0
    assert report["lower_bound"] <= report["breaks_after"] <= report["breaks_before"]

    book = await MongoSchedules(mongo["scheduling"], relay=None).load(scenario.event_id)
    assert len(book["meetings"]) == len(pairs)
    seats = [(p, m["slot"]) for m in book["meetings"].values() for p in (m["a"], m["b"])]
    assert len(seats) == len(set(seats)), "nobody is in two meetings at once"
    tables = [(m["slot"], m["table"]) for m in book["meetings"].values()]
    assert len(tables) == len(set(tables)), "one meeting per table and slot"

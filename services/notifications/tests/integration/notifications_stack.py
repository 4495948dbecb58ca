"""Helpers for the stack tests of notifications: act as the other services, read what participants receive.

The tests publish what registration, matching, scheduling and operators publish (built with the contract models),
then read the Maildir the stack's SMTP sink writes and the ``notifications`` topic. Every test uses a fresh event
id, fresh participant ids and fresh e-mail addresses, so tests never see each other's mail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import unicodedata
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from contracts.base import Message
from contracts.events import EventDetails, EventPublished
from contracts.matching import MatchRequested
from contracts.operator import SendAgendas
from contracts.registrations import ParticipantRegistered
from contracts.schedule import MeetingCancelled, MeetingPlace, MeetingRescheduled, MeetingScheduled, MeetingUnplaceable
from contracts.topics import EVENTS, MATCHES, OPERATOR_COMMANDS, REGISTRATIONS, SCHEDULE
from support.kafka import envelope_bytes, publish_raw, random_event_id
from support.mail import calendar_parts
from support.samples import event_draft, registration

NOTIFICATIONS_HTTP = "http://127.0.0.1:8004"

TOPIC_OF = {
    "EventPublished": EVENTS,
    "ParticipantRegistered": REGISTRATIONS,
    "MeetingScheduled": SCHEDULE,
    "MeetingRescheduled": SCHEDULE,
    "MeetingCancelled": SCHEDULE,
    "MeetingUnplaceable": SCHEDULE,
    "SuggestionsUpdated": MATCHES,
    "MatchRequested": MATCHES,
    "SendAgendas": OPERATOR_COMMANDS,
}
PRODUCER_OF = {EVENTS: "registration", REGISTRATIONS: "registration", SCHEDULE: "scheduling", MATCHES: "matching",
               OPERATOR_COMMANDS: "operator-cli"}


def event_details(event_id: str, time_zone: str = "Europe/Berlin", **overrides: Any) -> EventDetails:
    """An event as registration publishes it: the sample draft plus revision and the derived slot grid."""
    draft = event_draft(event_id, time_zone=time_zone, **overrides)
    zone = ZoneInfo(time_zone)
    slots = []
    for session in draft.sessions:
        at = dt.datetime.combine(session.day, session.start, zone)
        end_of_session = dt.datetime.combine(session.day, session.end, zone)
        step = dt.timedelta(minutes=session.slot_minutes)
        while at + step <= end_of_session:
            in_break = any(
                dt.datetime.combine(session.day, b.start, zone) < at + step
                and at < dt.datetime.combine(session.day, b.end, zone)
                for b in session.breaks
            )
            if not in_break:
                slots.append({
                    "slot_id": at.strftime("%Y-%m-%dT%H:%M"), "index": len(slots), "session": session.name,
                    "day": session.day.isoformat(), "start": at.isoformat(), "end": (at + step).isoformat(),
                })
            at += step
    return EventDetails.model_validate({**draft.model_dump(mode="json"), "revision": 1, "slots": slots})


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower() or "someone"


@dataclass
class Person:
    participant_id: str
    email: str
    first_name: str
    last_name: str
    organisation: str
    language: str
    country: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Meeting:
    """What scheduling knows about one meeting; each change returns the payload to publish and bumps the version."""

    meeting_id: str
    match_id: str
    a: Person
    b: Person
    place: MeetingPlace
    version: int = 1

    def _facts(self) -> dict[str, Any]:
        return {"meeting_id": self.meeting_id, "match_id": self.match_id, "version": self.version,
                "participant_a": self.a.participant_id, "participant_b": self.b.participant_id}

    def scheduled(self) -> MeetingScheduled:
        return MeetingScheduled(**self._facts(), place=self.place)

    def rescheduled(self, to: MeetingPlace, reason: str = "optimisation") -> MeetingRescheduled:
        previous, self.place = self.place, to
        self.version += 1
        return MeetingRescheduled(**self._facts(), place=to, previous=previous, reason=reason)

    def cancelled(self, reason: str = "cancelled_by_participant") -> MeetingCancelled:
        self.version += 1
        return MeetingCancelled(**self._facts(), previous=self.place, reason=reason)


class World:
    """One fresh event on the stack and the people in it; publishes what the other services would."""

    def __init__(self, producer, time_zone: str = "Europe/Berlin") -> None:
        self.producer = producer
        self.event_id = random_event_id("notif")
        self.event = event_details(self.event_id, time_zone=time_zone)
        self.zone = ZoneInfo(time_zone)

    async def publish(self, payload: Message, *, raw: bytes | None = None) -> str:
        """Publish ``payload`` on its topic; returns the envelope's message id. ``raw`` re-sends exact bytes."""
        topic = TOPIC_OF[type(payload).__name__]
        if raw is None:
            raw, message_id = envelope_bytes(payload, self.event_id, PRODUCER_OF[topic])
        else:
            message_id = json.loads(raw)["message_id"]
        await publish_raw(self.producer, topic, raw, self.event_id)
        return message_id

    def envelope(self, payload: Message) -> bytes:
        return envelope_bytes(payload, self.event_id, PRODUCER_OF[TOPIC_OF[type(payload).__name__]])[0]

    async def open_event(self) -> None:
        await self.publish(EventPublished(event=self.event))

    def person(self, first_name: str = "Anna", last_name: str = "Schmidt", *, language: str = "en",
               organisation: str | None = None, country: str = "DE") -> Person:
        tag = uuid.uuid4().hex[:10]
        return Person(
            participant_id=f"p-{tag}", email=f"{_ascii(first_name)}-{tag}@participants.example",
            first_name=first_name, last_name=last_name, organisation=organisation or f"{last_name} GmbH",
            language=language, country=country,
        )

    def registered(self, person: Person) -> ParticipantRegistered:
        submission = registration(
            f"ref-{person.participant_id}", first_name=person.first_name, last_name=person.last_name,
            email=person.email, organisation=person.organisation, country=person.country, language=person.language,
        )
        return ParticipantRegistered(
            participant_id=person.participant_id, source=submission.source, reference=submission.reference,
            revision=1, registration=submission.registration,
        )

    async def register(self, *people: Person) -> None:
        for person in people:
            await self.publish(self.registered(person))

    def slot(self, index: int, table: int = 1) -> MeetingPlace:
        slot = self.event.slots[index]
        return MeetingPlace(slot_id=slot.slot_id, start=slot.start, end=slot.end, table=table)

    def meeting(self, a: Person, b: Person, slot: int = 0, table: int = 1) -> Meeting:
        tag = uuid.uuid4().hex[:10]
        return Meeting(meeting_id=f"m-{tag}", match_id=f"match-{tag}", a=a, b=b, place=self.slot(slot, table))

    def unplaceable(self, a: Person, b: Person) -> MeetingUnplaceable:
        return MeetingUnplaceable(match_id=f"match-{uuid.uuid4().hex[:10]}", participant_a=a.participant_id,
                                  participant_b=b.participant_id, reason="no_free_slot", waitlisted=True)

    def match_requested(self, requester: Person, recipient: Person, note: str = "") -> MatchRequested:
        return MatchRequested(match_id=f"match-{uuid.uuid4().hex[:10]}", requester_id=requester.participant_id,
                              recipient_id=recipient.participant_id, note=note)

    def send_agendas(self, person: Person | None = None) -> SendAgendas:
        return SendAgendas(participant_id=person.participant_id if person else None)


# --- reading e-mails ------------------------------------------------------------------------------------------------


def calendars(message: EmailMessage) -> list[icalendar.Calendar]:
    return [icalendar.Calendar.from_ical(part) for part in calendar_parts(message)]


def uids_in(message: EmailMessage) -> set[str]:
    return {str(event["UID"]) for calendar in calendars(message) for event in calendar.walk("VEVENT")}


def about_meeting(meeting: Meeting):
    """Predicate: the e-mail carries a calendar entry for ``meeting``."""
    return lambda message: any(uid.startswith(f"meeting-{meeting.meeting_id}@") for uid in uids_in(message))


def plain(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


@dataclass
class CalendarEntry:
    sequence: int
    start: dt.datetime
    end: dt.datetime
    tzid: str | None


class CalendarClient:
    """What a calendar client does with iTIP messages: one entry per UID; REQUEST (and an imported PUBLISH) applies
    when its SEQUENCE is not lower than the stored one; CANCEL removes the entry."""

    def __init__(self) -> None:
        self.entries: dict[str, CalendarEntry] = {}

    def receive(self, calendar: icalendar.Calendar) -> None:
        method = str(calendar["METHOD"])
        for event in calendar.walk("VEVENT"):
            uid, sequence = str(event["UID"]), int(event.get("SEQUENCE", 0))
            held = self.entries.get(uid)
            if held is not None and sequence < held.sequence:
                continue  # stale
            if method == "CANCEL":
                self.entries.pop(uid, None)
            elif method in ("REQUEST", "PUBLISH"):
                self.entries[uid] = CalendarEntry(
                    sequence, event.decoded("DTSTART"), event.decoded("DTEND"), event["DTSTART"].params.get("TZID")
                )

    def receive_mail(self, message: EmailMessage) -> None:
        for calendar in calendars(message):
            self.receive(calendar)


# --- the delivery log over HTTP -------------------------------------------------------------------------------------


async def delivery_log(participant_id: str, base_url: str = NOTIFICATIONS_HTTP) -> list[dict[str, Any]]:
    def fetch() -> dict[str, Any]:
        with urllib.request.urlopen(f"{base_url}/participants/{participant_id}/deliveries", timeout=10) as response:
            return json.loads(response.read())

    document = await asyncio.to_thread(fetch)
    assert document["participant_id"] == participant_id
    return document["deliveries"]


async def wait_for_log(participant_id: str, predicate, base_url: str = NOTIFICATIONS_HTTP, timeout: float = 90.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        entries = await delivery_log(participant_id, base_url)
        if predicate(entries):
            return entries
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the delivery log of {participant_id} never matched; it holds {entries}")
        await asyncio.sleep(0.2)

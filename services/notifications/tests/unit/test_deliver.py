"""The use cases around the domain: noting changes (take_note) and delivering them (deliver), with in-memory
stores and a scripted mail server in place of MongoDB and SMTP. The clock is passed in, so retries and gathering
are driven step by step."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import asdict, replace
from email.message import EmailMessage
from typing import Any

import pytest

from contracts.matching import Suggestion as SuggestionFacts
from contracts.matching import SuggestionsUpdated as SuggestionsUpdatedFacts
from contracts.registrations import ParticipantRegistered
from contracts.schedule import MeetingPlace, MeetingScheduled
from notifications.application.deliver import Delivery, DeliveryPolicy
from notifications.application.ports import PendingRecord, RecipientRecord, SmtpFailure
from notifications.application.take_note import learn_participant, note_agenda, note_change
from notifications.domain import Email, Pace, RetryPolicy, Sender
from servicekit.outbox import Outgoing
from servicekit.parking import WaitFor

T0 = dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC)
SETTLE = dt.timedelta(seconds=0.3)
SPACING = dt.timedelta(seconds=5)
DIGEST = dt.timedelta(minutes=10)
PACE = Pace(settle=SETTLE, spacing=SPACING, digest=DIGEST)
SECOND = dt.timedelta(seconds=1)


# --- in-memory ports -------------------------------------------------------------------------------------------------


class InMemoryDirectory:
    def __init__(self) -> None:
        self.recipients: dict[str, RecipientRecord] = {}
        self.events: dict[str, dict[str, Any]] = {}
        self.meetings: dict[str, dict[str, Any]] = {}

    async def recipient(self, participant_id: str, *, fresh: bool = False) -> RecipientRecord | None:
        return self.recipients.get(participant_id)

    async def recipients_of(self, event_id: str) -> list[RecipientRecord]:
        return [r for r in self.recipients.values() if r.event_id == event_id and r.active]

    async def save_recipient(self, record: RecipientRecord) -> None:
        self.recipients[record.participant_id] = record

    async def erase_recipient(self, participant_id: str, event_id: str) -> None:
        self.recipients[participant_id] = RecipientRecord(participant_id, event_id, "", "", "en", "", "", active=False)

    async def deactivate_recipient(self, participant_id: str) -> None:
        self.recipients[participant_id] = replace(self.recipients[participant_id], active=False)

    async def event(self, event_id: str) -> dict[str, Any] | None:
        return self.events.get(event_id)

    async def save_event(self, event: dict[str, Any]) -> None:
        self.events[event["event_id"]] = event

    async def save_meeting(self, meeting: dict[str, Any]) -> None:
        held = self.meetings.get(meeting["meeting_id"])
        if held is None or held["version"] <= meeting["version"]:
            self.meetings[meeting["meeting_id"]] = meeting

    async def meetings_of(self, participant_id: str) -> list[dict[str, Any]]:
        return [
            {**m, "place": m.get("place") or m["previous"]} for m in self.meetings.values()
            if participant_id in (m["participant_a"], m["participant_b"], m.get("facilitator_id"))
        ]


class InMemoryPendingChanges:
    """Same semantics as the MongoDB store: one map per recipient keyed by the dedupe key."""

    def __init__(self) -> None:
        self.changes: dict[str, dict[str, PendingRecord]] = {}
        self.told: set[tuple[str, str]] = set()

    async def add(self, record: PendingRecord, replace: bool = False) -> None:
        held = self.changes.setdefault(record.participant_id, {})
        if record.key in held or (record.participant_id, record.key) in self.told:
            return
        if replace:
            for key in [k for k, r in held.items() if r.message_type == record.message_type]:
                del held[key]
        held[record.key] = record

    async def for_recipient(self, participant_id: str) -> list[PendingRecord]:
        return sorted(self.changes.get(participant_id, {}).values(), key=lambda r: r.arrived_at)

    async def remove(self, participant_id: str, keys: Sequence[str]) -> None:
        held = self.changes.get(participant_id, {})
        for key in keys:
            held.pop(key, None)
            self.told.add((participant_id, key))

    async def waiting(self) -> list[tuple[str, dt.datetime]]:
        return [(p, min(r.due_at for r in held.values())) for p, held in self.changes.items() if held]


class InMemoryDeliveries:
    """Same semantics as the MongoDB store; ``published`` is what the outbox relay would put on Kafka."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.published: list[Outgoing] = []

    async def claim(self, key, participant_id, event_id, changes, kinds) -> dict[str, Any] | None:
        if key in self.documents:
            return None
        document = {
            "_id": key, "participant_id": participant_id, "event_id": event_id, "changes": list(changes),
            "kinds": list(kinds), "status": "sending", "attempts": 0, "next_attempt_at": T0, "errors": [],
        }
        self.documents[key] = document
        return dict(document)

    async def get(self, key: str) -> dict[str, Any] | None:
        document = self.documents.get(key)
        return dict(document) if document else None

    async def unfinished(self) -> list[dict[str, Any]]:
        return [dict(d) for d in self.documents.values() if d["status"] == "sending"]

    async def record_attempt(self, key: str, error: str, next_attempt_at: dt.datetime) -> None:
        document = self.documents[key]
        document["attempts"] += 1
        document["next_attempt_at"] = next_attempt_at
        document["errors"] = [*document["errors"], error]

    async def finish(self, key, status, email_message_id, error, messages) -> None:
        document = self.documents[key]
        document.update(status=status, email_message_id=email_message_id, attempts=document["attempts"] + 1)
        if error:
            document["errors"] = [*document["errors"], error]
        self.published.extend(messages)

    async def log_for(self, participant_id: str) -> list[dict[str, Any]]:
        return [d for d in self.documents.values() if d["participant_id"] == participant_id]

    def of(self, participant_id: str) -> list[dict[str, Any]]:
        return [d for d in self.documents.values() if d["participant_id"] == participant_id]

    def facts(self, type_name: str) -> list[dict[str, Any]]:
        return [o.envelope.data for o in self.published if o.envelope.type == type_name]


class ScriptedMailServer:
    """Answers each attempt with the next scripted failure (a reply code, or None for a dropped connection);
    accepts once the script for that address is used up. ``refuse`` answers one code for ever."""

    def __init__(self) -> None:
        self.scripts: dict[str, list[int | None]] = {}
        self.refuse: dict[str, int] = {}
        self.attempts: list[str] = []
        self.accepted: list[EmailMessage] = []

    async def send(self, email: Email) -> None:
        address = email.recipient
        self.attempts.append(address)
        if address in self.refuse:
            code = self.refuse[address]
            raise SmtpFailure(f"{code} 5.1.1 mailbox unavailable", code)
        script = self.scripts.get(address, [])
        if script:
            code = script.pop(0)
            raise SmtpFailure(f"{code} try again later" if code else "ConnectionResetError: reset by peer", code)
        self.accepted.append(email.parsed())

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.accepted if m["To"].addresses[0].addr_spec == address]


# --- the world of one test -------------------------------------------------------------------------------------------


class Platform:
    """One event, its participants and the notifications use cases wired to in-memory ports."""

    def __init__(self, *, max_attempts: int = 3, first_delay: dt.timedelta = SECOND) -> None:
        self.event_id = f"event-{uuid.uuid4().hex[:8]}"
        self.directory = InMemoryDirectory()
        self.pending = InMemoryPendingChanges()
        self.deliveries = InMemoryDeliveries()
        self.smtp = ScriptedMailServer()
        self.policy = DeliveryPolicy(
            sender=Sender(address="matchmaking@b2bmatch.example", domain="b2bmatch.example"),
            max_changes_per_email=20,
            retry=RetryPolicy(max_attempts=max_attempts, first_delay=first_delay, max_delay=dt.timedelta(minutes=1)),
        )
        self.delivery = self.replica()
        self.directory.events[self.event_id] = {
            "event_id": self.event_id, "name": "EU Cluster Matchmaking at Hannover Messe",
            "venue": "Hannover Exhibition Grounds, Hall 2", "time_zone": "Europe/Berlin",
            "organiser": {"name": "Matchmaking Desk", "email": "desk@matchmaking.example"},
        }

    def replica(self) -> Delivery:
        """Another process of the service sharing the same stores and mail server."""
        return Delivery(self.directory, self.pending, self.deliveries, self.smtp, self.policy)

    async def person(self, name: str, language: str = "en") -> RecipientRecord:
        participant_id = f"p-{uuid.uuid4().hex[:8]}"
        first, last = name.split(" ", 1)
        facts = ParticipantRegistered.model_validate({
            "participant_id": participant_id, "source": "test", "reference": participant_id, "revision": 1,
            "registration": {
                "person": {"first_name": first, "last_name": last, "email": f"{participant_id}@participants.example",
                           "language": language},
                "organisation": {"name": f"{last} GmbH", "type": "sme", "country": "DE"},
                "consents": {"data_processing": True},
            },
        })
        await learn_participant(facts.model_dump(mode="json"), self.event_id, self.directory)
        return self.directory.recipients[participant_id]

    async def note(self, payload, *, now: dt.datetime, message_id: str | None = None, delivery: Delivery | None = None):
        message_id = message_id or str(uuid.uuid4())
        await note_change(
            type(payload).__name__, payload.model_dump(mode="json"), event_id=self.event_id, message_id=message_id,
            occurred_at=now, directory=self.directory, pending=self.pending, now=now, pace=PACE,
            due=(delivery or self.delivery).due,
        )
        return message_id

    async def run(self, now: dt.datetime, delivery: Delivery | None = None) -> int:
        return await (delivery or self.delivery).run_once(now)


def scheduled(a: RecipientRecord, b: RecipientRecord, meeting_id: str | None = None, version: int = 1) -> MeetingScheduled:
    start = dt.datetime(2027, 4, 13, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    return MeetingScheduled(
        meeting_id=meeting_id or f"m-{uuid.uuid4().hex[:8]}", match_id=f"match-{uuid.uuid4().hex[:8]}", version=version,
        participant_a=a.participant_id, participant_b=b.participant_id,
        place=MeetingPlace(slot_id="2027-04-13T14:00", start=start, end=start + dt.timedelta(minutes=20), table=3),
    )


def _calendar_parts(message: EmailMessage) -> list[bytes]:
    return [p.get_payload(decode=True) for p in message.walk() if p.get_content_type() == "text/calendar"]


def suggestions(owner: RecipientRecord, *partners: RecipientRecord, list_version: int) -> SuggestionsUpdatedFacts:
    return SuggestionsUpdatedFacts(
        participant_id=owner.participant_id, list_version=list_version,
        suggestions=tuple(
            SuggestionFacts(partner_id=p.participant_id, score=0.8, reasons=("you both work on cold chains",))
            for p in partners
        ),
    )


@pytest.fixture
async def platform() -> Platform:
    return Platform()


# --- retries ---------------------------------------------------------------------------------------------------------


async def test_a_transient_failure_is_retried_with_growing_delays_then_recorded_as_failed(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.smtp.scripts[anna.email] = [451, 451, 451, 451]
    await platform.note(scheduled(anna, jonas), now=T0)
    due = T0 + SETTLE

    await platform.run(due)
    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert platform.smtp.attempts.count(anna.email) == 1
    assert delivery["status"] == "sending" and delivery["attempts"] == 1
    first_wait = delivery["next_attempt_at"] - due
    assert 0.8 * SECOND <= first_wait <= 1.2 * SECOND  # first delay, ±20 % jitter

    await platform.run(due + 0.7 * SECOND)  # not yet
    assert platform.smtp.attempts.count(anna.email) == 1

    second = delivery["next_attempt_at"]
    await platform.run(second)
    assert platform.smtp.attempts.count(anna.email) == 2
    (delivery,) = platform.deliveries.of(anna.participant_id)
    second_wait = delivery["next_attempt_at"] - second
    assert 1.6 * SECOND <= second_wait <= 2.4 * SECOND  # doubled

    await platform.run(delivery["next_attempt_at"])
    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert platform.smtp.attempts.count(anna.email) == 3
    assert delivery["status"] == "failed" and delivery["attempts"] == 3
    assert delivery["errors"] == ["451 try again later"] * 3
    (failed,) = platform.deliveries.facts("NotificationFailed")
    assert failed == {"participant_id": anna.participant_id, "kinds": ["meeting_scheduled"],
                      "error": "451 try again later", "attempts": 3}
    assert [f["participant_id"] for f in platform.deliveries.facts("NotificationSent")] == [jonas.participant_id]

    await platform.run(T0 + dt.timedelta(hours=1))  # given up: no fourth attempt
    assert platform.smtp.attempts.count(anna.email) == 3
    assert platform.smtp.to(anna.email) == []
    assert len(platform.smtp.to(jonas.email)) == 1  # the other participant was not held up


async def test_a_lost_connection_then_greylisting_then_success_sends_once_and_reports_it(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.smtp.scripts[anna.email] = [None, 451]
    await platform.note(scheduled(anna, jonas), now=T0)

    now = T0 + SETTLE
    for _ in range(3):
        await platform.run(now)
        now += dt.timedelta(seconds=5)

    (mail,) = platform.smtp.to(anna.email)
    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert delivery["status"] == "sent" and delivery["attempts"] == 3
    assert delivery["email_message_id"] == mail["Message-ID"]
    sent = [f for f in platform.deliveries.facts("NotificationSent") if f["participant_id"] == anna.participant_id]
    assert [f["email_message_id"] for f in sent] == [mail["Message-ID"]]


@pytest.mark.parametrize("code", [550, 554])
async def test_a_permanent_refusal_is_not_retried(platform, code):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.smtp.refuse[anna.email] = code
    await platform.note(scheduled(anna, jonas), now=T0)

    await platform.run(T0 + SETTLE)
    await platform.run(T0 + dt.timedelta(hours=1))

    assert platform.smtp.attempts.count(anna.email) == 1
    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert delivery["status"] == "failed" and delivery["attempts"] == 1
    (failed,) = platform.deliveries.facts("NotificationFailed")
    assert failed["attempts"] == 1 and failed["error"].startswith(str(code))


async def test_an_unfinished_delivery_is_resumed_by_the_next_process(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.smtp.scripts[anna.email] = [451]
    await platform.note(scheduled(anna, jonas), now=T0)
    await platform.run(T0 + SETTLE)  # attempt 1 fails; then the process dies

    restarted = platform.replica()
    await restarted.recover(at_start=True)
    await platform.run(T0 + dt.timedelta(minutes=1), delivery=restarted)

    assert len(platform.smtp.to(anna.email)) == 1
    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert delivery["status"] == "sent" and delivery["attempts"] == 2


# --- exactly one e-mail per change per recipient ---------------------------------------------------------------------


async def test_a_redelivered_or_reannounced_change_is_mailed_once(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    meeting = scheduled(anna, jonas)
    message_id = await platform.note(meeting, now=T0)
    await platform.note(meeting, now=T0 + 0.1 * SECOND, message_id=message_id)  # redelivered
    await platform.note(meeting, now=T0 + 0.2 * SECOND)  # re-announced with a new message id, same version
    await platform.run(T0 + SECOND)
    await platform.note(meeting, now=T0 + 2 * SECOND)  # re-announced after it was sent
    await platform.run(T0 + 3 * SECOND)
    await platform.run(T0 + dt.timedelta(minutes=5))

    for person in (anna, jonas):
        assert len(platform.smtp.to(person.email)) == 1
        assert len(platform.deliveries.of(person.participant_id)) == 1
    assert len(platform.deliveries.facts("NotificationSent")) == 2
    assert platform.pending.changes[anna.participant_id] == {}


async def test_a_change_mailed_among_others_is_not_mailed_again_when_re_announced_with_news(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    lucia = await platform.person("Lucía Fernández")
    meeting = scheduled(anna, jonas)
    await platform.note(scheduled(anna, lucia), now=T0)
    await platform.note(meeting, now=T0)
    await platform.run(T0 + SETTLE)  # one e-mail with both meetings
    await platform.note(meeting, now=T0 + SECOND)  # re-announced with a new message id ...
    await platform.note(suggestions(anna, jonas, list_version=1), now=T0 + SECOND)
    await platform.note(scheduled(anna, jonas), now=T0 + SECOND)  # ... next to real news
    await platform.run(T0 + SETTLE + SPACING)  # the news after an e-mail waited and went together

    first, second = platform.smtp.to(anna.email)
    uid = f"meeting-{meeting.meeting_id}@".encode()
    assert any(uid in part for part in _calendar_parts(first))
    assert not any(uid in part for part in _calendar_parts(second))
    assert "Meeting with Jonas Weber" in second["Subject"]


async def test_two_replicas_due_at_once_claim_each_e_mail_once(platform):
    people = [await platform.person(f"Person{i} Tester") for i in range(6)]
    other = platform.replica()
    for a, b in zip(people[::2], people[1::2]):
        await platform.note(scheduled(a, b), now=T0)
        for person in (a, b):  # both replicas believe the recipient is theirs (e.g. during a rebalance)
            other.due.schedule(person.participant_id, T0 + SETTLE)

    await asyncio.gather(platform.run(T0 + SETTLE), platform.run(T0 + SETTLE, delivery=other))
    await asyncio.gather(platform.run(T0 + SECOND), platform.run(T0 + SECOND, delivery=other))

    for person in people:
        assert len(platform.smtp.to(person.email)) == 1, person
    assert len(platform.smtp.attempts) == 6
    assert len(platform.deliveries.facts("NotificationSent")) == 6


async def test_news_for_someone_not_mailed_lately_goes_at_once_and_news_after_an_e_mail_is_gathered(platform):
    anna, jonas, lucia, omar = [
        await platform.person(n) for n in ("Anna Schmidt", "Jonas Weber", "Lucía Fernández", "Omar Haddad")
    ]
    await platform.note(scheduled(anna, jonas), now=T0)
    await platform.run(T0 + SETTLE)
    assert len(platform.smtp.to(anna.email)) == 1, "an accepted meeting waited although nobody had been mailed"

    await platform.note(scheduled(anna, lucia), now=T0 + SECOND)
    await platform.note(scheduled(anna, omar), now=T0 + 2 * SECOND)
    await platform.run(T0 + 2 * SECOND + SETTLE)
    assert len(platform.smtp.to(anna.email)) == 1, "news right after an e-mail was sent on its own"
    assert len(platform.smtp.to(lucia.email)) == 1, "lucia had not been mailed lately: her news waited"

    await platform.run(T0 + SETTLE + SPACING)
    first, second = platform.smtp.to(anna.email)
    assert "2 updates" in second["Subject"]
    text = second.get_body(("plain",)).get_content()
    assert "Lucía Fernández" in text and "Omar Haddad" in text

    await platform.note(scheduled(anna, jonas), now=T0 + 20 * SECOND)  # quiet for a while: at once again
    await platform.run(T0 + 20 * SECOND + SETTLE)
    assert len(platform.smtp.to(anna.email)) == 3


async def test_changes_that_arrive_together_share_one_e_mail(platform):
    anna, jonas, lucia = [await platform.person(n) for n in ("Anna Schmidt", "Jonas Weber", "Lucía Fernández")]
    first = scheduled(anna, jonas)
    await platform.note(first, now=T0)
    await platform.note(scheduled(anna, lucia), now=T0 + 0.1 * SECOND)
    await platform.run(T0 + 0.2 * SECOND)
    assert platform.smtp.accepted == []  # the window is still open

    await platform.run(T0 + SETTLE)
    (mail,) = platform.smtp.to(anna.email)
    assert "2 updates" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Jonas Weber" in text and "Lucía Fernández" in text
    await platform.run(T0 + SECOND)
    assert len(platform.smtp.to(anna.email)) == 1
    assert sorted(f.envelope.data["participant_id"] for f in platform.deliveries.published) == sorted(
        [anna.participant_id, jonas.participant_id, lucia.participant_id]
    )


# --- people who left -------------------------------------------------------------------------------------------------


async def test_an_erased_recipient_gets_nothing_even_for_changes_already_waiting(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    await platform.note(scheduled(anna, jonas), now=T0)
    await platform.directory.erase_recipient(anna.participant_id, platform.event_id)

    await platform.run(T0 + SETTLE)

    assert platform.smtp.to(anna.email) == []
    assert platform.deliveries.of(anna.participant_id) == []
    assert platform.pending.changes[anna.participant_id] == {}

    await platform.note(scheduled(anna, jonas), now=T0 + SECOND)  # later news about the erased person
    await platform.run(T0 + 2 * SECOND)
    assert platform.smtp.to(anna.email) == []


async def test_a_recipient_erased_while_a_retry_waits_is_not_mailed_again(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.smtp.scripts[anna.email] = [451]
    await platform.note(scheduled(anna, jonas), now=T0)
    await platform.run(T0 + SETTLE)
    await platform.directory.erase_recipient(anna.participant_id, platform.event_id)

    await platform.run(T0 + dt.timedelta(minutes=1))

    assert platform.smtp.to(anna.email) == [] and platform.smtp.attempts.count(anna.email) == 1
    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert delivery["status"] == "dropped"
    assert [f["participant_id"] for f in platform.deliveries.facts("NotificationSent")] == [jonas.participant_id]


async def test_a_withdrawn_recipient_is_not_told_about_new_changes(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    await platform.directory.deactivate_recipient(anna.participant_id)
    await platform.note(scheduled(anna, jonas), now=T0)
    await platform.run(T0 + SETTLE)

    assert platform.smtp.to(anna.email) == []
    assert len(platform.smtp.to(jonas.email)) == 1


# --- waiting for what has not arrived --------------------------------------------------------------------------------


async def test_a_change_naming_an_unknown_participant_waits_for_them(platform):
    anna = await platform.person("Anna Schmidt")
    stranger = replace(anna, participant_id="p-not-yet-registered")
    with pytest.raises(WaitFor) as waiting:
        await platform.note(scheduled(anna, stranger), now=T0)
    assert waiting.value.keys == ("participant:p-not-yet-registered",)
    assert platform.pending.changes.get(anna.participant_id, {}) == {}


async def test_a_change_for_an_unknown_event_waits_for_the_event(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.directory.events.clear()
    with pytest.raises(WaitFor) as waiting:
        await platform.note(scheduled(anna, jonas), now=T0)
    assert waiting.value.keys == (f"event:{platform.event_id}",)


# --- digests ---------------------------------------------------------------------------------------------------------


async def test_a_newer_suggestion_list_replaces_the_one_not_yet_sent(platform):
    anna = await platform.person("Anna Schmidt")
    jonas, lucia = await platform.person("Jonas Weber"), await platform.person("Lucía Fernández")
    await platform.note(suggestions(anna, jonas, list_version=1), now=T0)
    await platform.note(suggestions(anna, lucia, list_version=2), now=T0 + dt.timedelta(minutes=3))

    (waiting,) = platform.pending.changes[anna.participant_id].values()
    assert waiting.data["list_version"] == 2

    await platform.run(T0 + SETTLE)  # a digest is not sent after the short window
    assert platform.smtp.accepted == []
    await platform.run(T0 + dt.timedelta(minutes=3) + DIGEST)

    (mail,) = platform.smtp.to(anna.email)
    text = mail.get_body(("plain",)).get_content()
    assert "Lucía Fernández" in text and "Jonas Weber" not in text
    assert platform.deliveries.facts("NotificationSent")[0]["kinds"] == ["suggestions_updated"]


async def test_an_empty_suggestion_list_is_not_mailed(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    await platform.note(suggestions(anna, list_version=1), now=T0)
    await platform.run(T0 + DIGEST)
    assert platform.smtp.to(anna.email) == [] and platform.pending.changes.get(anna.participant_id, {}) == {}
    assert jonas  # a partner exists; the list was still empty


async def test_a_meeting_change_does_not_replace_a_waiting_digest(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    await platform.note(suggestions(anna, jonas, list_version=1), now=T0)
    await platform.note(scheduled(anna, jonas), now=T0)
    await platform.run(T0 + SETTLE)

    (mail,) = platform.smtp.to(anna.email)
    assert "Meeting with Jonas Weber" in mail["Subject"]
    (digest,) = platform.pending.changes[anna.participant_id].values()
    assert digest.message_type == "SuggestionsUpdated"


# --- agendas ---------------------------------------------------------------------------------------------------------


async def test_an_agenda_holds_the_meetings_not_cancelled(platform):
    anna, jonas, lucia = [await platform.person(n) for n in ("Anna Schmidt", "Jonas Weber", "Lucía Fernández")]
    kept, dropped = scheduled(anna, jonas), scheduled(anna, lucia)
    await platform.note(kept, now=T0)
    await platform.note(dropped, now=T0)
    await platform.directory.save_meeting({**dropped.model_dump(mode="json"), "version": 2, "cancelled": True})
    await platform.run(T0 + SETTLE)

    queued = await note_agenda(platform.event_id, anna.participant_id, message_id=str(uuid.uuid4()), now=T0 + SECOND,
                               directory=platform.directory, pending=platform.pending,
                               due=platform.delivery.due)
    await platform.run(T0 + SECOND)

    assert queued == 1
    agenda = platform.smtp.to(anna.email)[-1]
    calendars = [p.get_payload(decode=True) for p in agenda.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1 and b"METHOD:PUBLISH" in calendars[0]
    assert f"meeting-{kept.meeting_id}@".encode() in calendars[0]
    assert f"meeting-{dropped.meeting_id}@".encode() not in calendars[0]


# --- e-mails that cannot be written ----------------------------------------------------------------------------------


async def test_an_address_the_e_mail_cannot_carry_fails_that_delivery_only(platform):
    anna, jonas = await platform.person("Anna Schmidt"), await platform.person("Jonas Weber")
    platform.directory.recipients[anna.participant_id] = replace(anna, email="anna.schmidt@bücher..example")
    await platform.note(scheduled(anna, jonas), now=T0)

    await platform.run(T0 + SETTLE)
    await platform.run(T0 + dt.timedelta(hours=1))

    (delivery,) = platform.deliveries.of(anna.participant_id)
    assert delivery["status"] == "failed"
    (failed,) = platform.deliveries.facts("NotificationFailed")
    assert failed["participant_id"] == anna.participant_id and failed["attempts"] == 1
    assert len(platform.smtp.to(jonas.email)) == 1


def test_the_fakes_store_what_the_mongo_adapter_stores():
    record = PendingRecord("k", "c", "p", "e", "MeetingScheduled", {}, T0, T0, T0)
    assert set(asdict(record)) == set(PendingRecord.__dataclass_fields__)

"""End to end, as another system would use the platform: an event, registrations and decisions go in on Kafka;
e-mails with calendar invitations come out of the SMTP server, and every service's store holds what it should."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from contracts.matching import MatchDecisionSubmitted
from contracts.operator import PublishEvent
from scheduling.adapters.mongo import MongoSchedules
from support.kafka import envelope_bytes, publish_raw, random_event_id
from support.mail import calendar_parts, wait_for_mail
from support.samples import (
    COLD_CHAIN_OFFER,
    PACKAGING_OFFER,
    PACKAGING_REQUEST,
    SHELF_LIFE_REQUEST,
    event_draft,
    registration,
)

pytestmark = pytest.mark.stack


async def test_a_registration_becomes_an_email_with_a_calendar_invitation(producer, watch, mongo):
    event_id = random_event_id("e2e")
    outcomes, matches, schedule = await watch("registrations.outcomes"), await watch("matches"), await watch("schedule")
    events = await watch("events")

    value, _ = envelope_bytes(PublishEvent(event=event_draft(event_id)), event_id, "operator-cli")
    await publish_raw(producer, "operator.commands", value, event_id)
    await events.wait_for(lambda m: m["event_id"] == event_id)

    sensors = registration(
        first_name="Jonas", last_name="Weber", organisation="ColdChain Sensors GmbH", country="DE", language="de",
        offers=[COLD_CHAIN_OFFER], requests=[PACKAGING_REQUEST],
    )
    dairy = registration(
        first_name="Lucía", last_name="Fernández", organisation="Lácteos del Sur", country="AR", language="es",
        offers=[PACKAGING_OFFER], requests=[SHELF_LIFE_REQUEST],
    )
    bystander = registration(first_name="Piet", last_name="Jansen", organisation="Tulip Logistics", country="NL")
    for submission in (sensors, dairy, bystander):
        raw, _ = envelope_bytes(submission, event_id, "eventsite")
        await publish_raw(producer, "registrations.inbound", raw, event_id)

    accepted = await outcomes.wait_for(lambda m: m["data"]["reference"] in {sensors.reference, dairy.reference, bystander.reference}, 3)
    assert {m["data"]["status"] for m in accepted} == {"accepted"}
    ids = {m["data"]["reference"]: m["data"]["participant_id"] for m in accepted}
    jonas, lucia = ids[sensors.reference], ids[dairy.reference]

    # Matching suggests the complementary pair to each other, with reasons in words.
    def lists_of(pid):
        return lambda m: m["type"] == "SuggestionsUpdated" and m["data"]["participant_id"] == pid and any(
            s["partner_id"] in (jonas, lucia) for s in m["data"]["suggestions"])

    jonas_list = (await matches.wait_for(lists_of(jonas)))[-1]["data"]["suggestions"]
    top = jonas_list[0]
    assert top["partner_id"] == lucia and top["reasons"], jonas_list
    assert top["request_url"].startswith("http://127.0.0.1:8002/act/")

    # Jonas requests, Lucía accepts: the match is accepted and the meeting is placed.
    for decision in (
        MatchDecisionSubmitted(decision="request", participant_id=jonas, other_participant_id=lucia, note="Coffee?"),
        MatchDecisionSubmitted(decision="accept", participant_id=lucia, other_participant_id=jonas),
    ):
        raw, _ = envelope_bytes(decision, event_id, "portal")
        await publish_raw(producer, "match-decisions.inbound", raw, event_id)
    await matches.wait_for(lambda m: m["type"] == "MatchAccepted" and m["event_id"] == event_id)
    scheduled = (await schedule.wait_for(lambda m: m["type"] == "MeetingScheduled" and m["event_id"] == event_id))[0]["data"]
    assert {scheduled["participant_a"], scheduled["participant_b"]} == {jonas, lucia}
    start = dt.datetime.fromisoformat(scheduled["place"]["start"])
    assert start.utcoffset() == dt.timedelta(hours=2), "Hannover in April is on CEST"

    # Both receive an e-mail in their language with an invitation a real iCalendar parser accepts.
    def invitation(message) -> bool:
        return any(b"METHOD:REQUEST" in part for part in calendar_parts(message))

    for address in (sensors.registration.person.email, dairy.registration.person.email):
        mails = await wait_for_mail(address, predicate=invitation, timeout=90)
        calendar = icalendar.Calendar.from_ical(calendar_parts(mails[-1])[0])
        assert calendar["METHOD"] == "REQUEST"
        vevent = next(c for c in calendar.walk("VEVENT"))
        assert vevent.decoded("DTSTART") == start
        assert int(vevent["SEQUENCE"]) == scheduled["version"]
        assert str(vevent["UID"]).startswith(f"meeting-{scheduled['meeting_id']}@")
        assert "Hannover Exhibition Grounds" in str(vevent["LOCATION"])
        assert any(c.name == "VTIMEZONE" for c in calendar.walk())
    german = await wait_for_mail(sensors.registration.person.email, predicate=invitation)
    assert "Lucía" in german[-1].get_body(("plain",)).get_content()

    # Each service's own database holds what it should.
    assert await mongo["registration"]["participants"].count_documents({"event_id": event_id, "status": "active"}) == 3
    match = await mongo["matching"]["matches"].find_one({"event_id": event_id})
    assert match["state"] == "accepted"
    book = await MongoSchedules(mongo["scheduling"], relay=None).load(event_id)
    assert [m["state"] for m in book["meetings"].values()] == ["placed"]
    sent = await mongo["notifications"]["deliveries"].count_documents({"event_id": event_id, "status": "sent"})
    assert sent >= 2


async def test_people_with_internationalised_addresses_receive_their_invitations(producer, watch):
    """An umlaut in the domain travels as DNS knows it (xn--); accents before the @ travel with SMTPUTF8."""
    event_id = random_event_id("idn")
    events, outcomes = await watch("events"), await watch("registrations.outcomes")
    value, _ = envelope_bytes(PublishEvent(event=event_draft(event_id)), event_id, "operator-cli")
    await publish_raw(producer, "operator.commands", value, event_id)
    await events.wait_for(lambda m: m["event_id"] == event_id)

    tag = event_id.rsplit("-", 1)[1]
    jorg = registration(first_name="Jörg", last_name="Müller", email=f"jörg.{tag}@müller-kälte.example", country="DE",
                        organisation="Müller Kältetechnik", language="de")
    jose = registration(first_name="José", last_name="Pérez", email=f"josé.{tag}@lácteos.example", country="MX",
                        organisation="Lácteos Pérez", language="es")
    for submission in (jorg, jose):
        raw, _ = envelope_bytes(submission, event_id, "eventsite")
        await publish_raw(producer, "registrations.inbound", raw, event_id)
    answers = await outcomes.wait_for(lambda m: m["data"]["reference"] in {jorg.reference, jose.reference}, 2)
    assert {a["data"]["status"] for a in answers} == {"accepted"}
    ids = {a["data"]["reference"]: a["data"]["participant_id"] for a in answers}
    raw, _ = envelope_bytes(MatchDecisionSubmitted(
        decision="arrange", participant_id=ids[jorg.reference], other_participant_id=ids[jose.reference], actor="operator",
    ), event_id, "operator-cli")
    await publish_raw(producer, "match-decisions.inbound", raw, event_id)

    def invitation(message) -> bool:
        return any(b"METHOD:REQUEST" in part for part in calendar_parts(message))

    # Found by the part of the address both forms share: the To header as the Maildir holds it.
    for address_tail in (f"{tag}@{'müller-kälte'.encode('idna').decode()}.example", f"{tag}@{'lácteos'.encode('idna').decode()}.example"):
        await wait_for_mail(address_tail, predicate=invitation, timeout=90)

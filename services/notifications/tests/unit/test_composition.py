"""The e-mail as a mail client receives it: headers, MIME structure, attachments, stable identity."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, message_from_string, policy
from email.utils import parsedate_to_datetime

import icalendar
import pytest

from notifications.domain import AgendaIssued, compose, dedupe_key, gathered_dedupe_key, meeting_uid

UTC = timezone.utc
NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def _received(message):
    """Serialise and parse, as the message crosses SMTP."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def _calendars(message) -> list:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def _scenario(build, language="de"):
    event = build.event()
    maria, anna = build.party("Maria Silva", "Cluster Sul"), build.party("Anna Schmidt", "Acme GmbH")
    meeting = build.meeting(maria, anna, datetime(2026, 4, 20, 8, tzinfo=UTC))
    return event, build.recipient_for(maria, language), meeting


def test_a_single_change_is_multipart_mixed_with_alternative_and_the_invitation(build):
    event, recipient, meeting = _scenario(build)
    change = build.scheduled(meeting)

    received = _received(compose([change], recipient=recipient, event=event, sender=build.sender(), dedupe_key=dedupe_key(change, recipient), now=NOW))

    structure = [part.get_content_type() for part in received.walk()]
    assert structure == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"]
    (ics,) = _calendars(received)
    assert ics.get_param("method") == "REQUEST"
    assert ics.get_param("charset") == "UTF-8"
    assert ics.get_content_disposition() == "attachment"
    assert ics.get_filename() == f"termin-{meeting.meeting_id}.ics"
    calendar = icalendar.Calendar.from_ical(ics.get_payload(decode=True))
    assert str(calendar.walk("VEVENT")[0]["UID"]) == meeting_uid(meeting.meeting_id, "matchmaking.example")
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Ihr Gespräch mit Anna Schmidt (Acme GmbH) ist eingeplant." in text
    assert "<html" in html


def test_headers_address_the_recipient_and_route_replies_to_the_organiser(build):
    event, recipient, meeting = _scenario(build)
    change = build.scheduled(meeting)

    received = _received(compose([change], recipient=recipient, event=event, sender=build.sender(), dedupe_key="k-1", now=NOW))

    assert received["Subject"] == "Gespräch mit Anna Schmidt am Montag, 20. April 2026 um 10:00 Uhr"
    assert received["To"].addresses[0].addr_spec == recipient.email
    assert received["To"].addresses[0].display_name == "Maria Silva"
    assert received["From"].addresses[0].addr_spec == "no-reply@matchmaking.example"
    assert received["From"].addresses[0].display_name == event.name
    assert received["Reply-To"].addresses[0].addr_spec == event.organiser_email
    assert parsedate_to_datetime(received["Date"]) == NOW
    assert received["Content-Language"] == "de"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"].endswith("@matchmaking.example>")


def test_message_id_is_stable_for_the_same_dedupe_key_and_differs_for_another(build):
    event, recipient, meeting = _scenario(build)
    change = build.scheduled(meeting)
    key = dedupe_key(change, recipient)

    first = _received(compose([change], recipient=recipient, event=event, sender=build.sender(), dedupe_key=key, now=NOW))
    resent = _received(
        compose([change], recipient=recipient, event=event, sender=build.sender(), dedupe_key=key, now=NOW + timedelta(minutes=5))
    )
    other = _received(compose([change], recipient=recipient, event=event, sender=build.sender(), dedupe_key=key + "-other", now=NOW))

    assert first["Message-ID"] == resent["Message-ID"]
    assert first["Message-ID"] != other["Message-ID"]
    assert _calendars(first)[0].get_payload(decode=True) == _calendars(resent)[0].get_payload(decode=True)


def test_a_cancellation_attaches_a_cancel(build):
    event, recipient, meeting = _scenario(build, "en")
    cancel = build.cancelled(meeting)

    received = _received(compose([cancel], recipient=recipient, event=event, sender=build.sender(), dedupe_key="k", now=NOW))

    (ics,) = _calendars(received)
    assert ics.get_param("method") == "CANCEL"
    entry = icalendar.Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(entry["STATUS"]) == "CANCELLED"
    assert received["Subject"].startswith("Cancelled: meeting with Anna Schmidt")


def test_a_burst_summarises_every_change_and_attaches_only_each_meeting_s_latest_version(build):
    event, recipient, meeting = _scenario(build, "en")
    maria = recipient
    other = build.meeting(build.party("Maria"), build.party("Bo", "B AB"), datetime(2026, 4, 20, 10, tzinfo=UTC))
    scheduled = build.scheduled(meeting)
    moved = build.moved(meeting, datetime(2026, 4, 20, 9, tzinfo=UTC))
    moved_again = build.moved(moved.meeting, datetime(2026, 4, 20, 11, tzinfo=UTC))
    other_scheduled = build.scheduled(other)
    other_cancelled = build.cancelled(other)
    changes = [scheduled, moved, moved_again, other_scheduled, other_cancelled]

    received = _received(
        compose(
            changes,
            recipient=maria,
            event=event,
            sender=build.sender(),
            dedupe_key=gathered_dedupe_key(dedupe_key(change, maria) for change in changes),
            now=NOW,
        )
    )

    assert received["Subject"] == "5 updates for EU Cluster Matchmaking: Meeting scheduled, Meeting moved, and Meeting cancelled"
    text = received.get_body(("plain",)).get_content()
    assert "here are 5 updates" in text
    assert text.count("Meeting moved") == 2 and text.count("Meeting scheduled") == 2
    calendars = {}
    for part in _calendars(received):
        entry = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
        calendars[str(entry["UID"])] = (part.get_param("method"), entry["SEQUENCE"], entry.start.astimezone(UTC))
    assert calendars == {
        meeting_uid(meeting.meeting_id, "matchmaking.example"): ("REQUEST", moved_again.meeting.version, datetime(2026, 4, 20, 11, tzinfo=UTC)),
        meeting_uid(other.meeting_id, "matchmaking.example"): ("CANCEL", other_cancelled.meeting.version, datetime(2026, 4, 20, 10, tzinfo=UTC)),
    }


def test_the_agenda_attaches_one_publish_file(build):
    event, recipient, meeting = _scenario(build, "pt-BR")
    agenda = AgendaIssued(change_id="a-1", occurred_at=NOW, meetings=(meeting,))

    received = _received(compose([agenda], recipient=recipient, event=event, sender=build.sender(), dedupe_key="k", now=NOW))

    (ics,) = _calendars(received)
    assert ics.get_param("method") == "PUBLISH"
    assert ics.get_filename() == "agenda.ics"
    assert received["Subject"] == "A sua agenda para EU Cluster Matchmaking"


def test_a_name_with_a_line_break_cannot_inject_headers(build):
    event = build.event()
    maria = build.party("Maria\r\nBcc: victim@example.org", "Sul")
    anna = build.party("Anna\nX-Evil: 1", "Acme")
    meeting = build.meeting(maria, anna, datetime(2026, 4, 20, 8, tzinfo=UTC))
    recipient = build.recipient_for(maria)

    received = _received(compose([build.scheduled(meeting)], recipient=recipient, event=event, sender=build.sender(), dedupe_key="k", now=NOW))

    assert received["Bcc"] is None and received["X-Evil"] is None
    assert received["To"].addresses[0].addr_spec == recipient.email


def test_names_with_accents_commas_and_great_length_reach_the_client_intact(build):
    event = build.event(organiser_name="Agência de Inovação, Lisboa")
    long_name = "Zoë Ø'Brien-Łukasiewicz von und zu Hohenzollern-Sigmaringen der Ältere"
    emile, zoe = build.party("Émile Zola, Jr.", "Coopérative Sud"), build.party(long_name, "Łódź Cluster")
    meeting = build.meeting(emile, zoe, datetime(2026, 4, 20, 8, tzinfo=UTC))
    recipient = build.recipient_for(emile, "fr")

    email = compose([build.scheduled(meeting)], recipient=recipient, event=event, sender=build.sender(), dedupe_key="k", now=NOW)
    received = _received(email)

    assert received["To"].addresses[0].display_name == "Émile Zola, Jr."
    assert received["To"].addresses[0].addr_spec == recipient.email
    assert received["Reply-To"].addresses[0].display_name == "Agência de Inovação, Lisboa"
    assert long_name in received["Subject"]
    assert all(len(line) <= 78 for line in email.as_bytes().split(b"\r\n")), "a line longer than mail allows"
    assert email.as_bytes().isascii(), "the e-mail is not 7-bit clean"


def test_an_internationalised_domain_travels_as_dns_knows_it_and_the_e_mail_stays_7_bit(build):
    # Registration keeps addresses as pydantic's e-mail validation gives them: 'jörg@müller.de', and also
    # 'x@xn--mller-kva.de' turned into 'x@müller.de'. Both are ordinary ASCII addresses on the wire.
    event = build.event(organiser_email="matchmaking@förderbank.example")
    jorg = build.party("Jörg Müller", "Müller Kältetechnik", email="joerg@müller.de")
    meeting = build.meeting(jorg, build.party(), datetime(2026, 4, 20, 8, tzinfo=UTC))

    email = compose([build.scheduled(meeting)], recipient=build.recipient_for(jorg), event=event, sender=build.sender(), dedupe_key="k", now=NOW)
    received = _received(email)

    assert email.recipient == "joerg@xn--mller-kva.de"
    assert received["To"].addresses[0].addr_spec == "joerg@xn--mller-kva.de"
    assert received["Reply-To"].addresses[0].addr_spec == "matchmaking@xn--frderbank-07a.example"
    assert not email.smtputf8 and email.as_bytes().isascii()


def test_an_address_with_accents_before_the_at_goes_out_with_smtputf8(build):
    jose = build.party("José Pérez", "Empresa Láctea", email="josé.pérez@empresa.mx")
    meeting = build.meeting(jose, build.party(), datetime(2026, 4, 20, 8, tzinfo=UTC))

    email = compose([build.scheduled(meeting)], recipient=build.recipient_for(jose, "es"), event=build.event(), sender=build.sender(), dedupe_key="k", now=NOW)
    received = message_from_string(email.as_bytes().decode("utf-8"), policy=policy.SMTPUTF8)  # RFC 6532: UTF-8 headers

    assert email.smtputf8 and email.recipient == "josé.pérez@empresa.mx"
    assert received["To"].addresses[0].addr_spec == "josé.pérez@empresa.mx"
    assert received["To"].addresses[0].display_name == "José Pérez"
    assert received.get_body(("plain",)).get_content()  # the body is the same 7-bit MIME as always


def test_an_address_that_cannot_travel_is_refused_before_anything_is_sent(build):
    broken = build.party("Broken", "Nowhere", email="someone@bücher..example")
    meeting = build.meeting(broken, build.party(), datetime(2026, 4, 20, 8, tzinfo=UTC))

    with pytest.raises(ValueError, match="internationalised domain"):
        compose([build.scheduled(meeting)], recipient=build.recipient_for(broken), event=build.event(), sender=build.sender(), dedupe_key="k", now=NOW)

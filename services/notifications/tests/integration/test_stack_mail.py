"""What participants and operators notice of the notifications service on the running stack: one e-mail per change,
bursts gathered, their own language, changes that wait for people not seen yet, agendas and the delivery log."""

from __future__ import annotations

import icalendar
import pytest

from support.mail import calendar_parts, messages_to, wait_for_mail

from notifications_stack import about_meeting, calendars, html, plain, uids_in, wait_for_log

pytestmark = pytest.mark.stack


def subject(message) -> str:
    return str(message["Subject"]).strip()


def sent_to(participant_id: str):
    return lambda m: m["type"] == "NotificationSent" and m["data"]["participant_id"] == participant_id


async def test_each_change_is_mailed_once_per_recipient_and_each_e_mail_reported_once(world, watch):
    notifications = await watch("notifications")
    await world.open_event()
    anna = world.person("Anna", "Schmidt", organisation="Foodtech Cluster BW")
    jonas = world.person("Jonas", "Weber", organisation="ColdChain Sensors GmbH")
    await world.register(anna, jonas)
    for person in (anna, jonas):
        await wait_for_mail(person.email)  # the registration confirmations go out on their own
    meeting = world.meeting(anna, jonas, slot=2, table=5)
    announcement = meeting.scheduled()

    raw = world.envelope(announcement)
    await world.publish(announcement, raw=raw)
    await world.publish(announcement, raw=raw)  # redelivered: the same message id
    for person in (anna, jonas):
        await wait_for_mail(person.email, predicate=about_meeting(meeting))
    await world.publish(announcement)  # re-announced: a new message id, the same meeting and version
    # A later change on the same partition: once it is mailed, the re-announcement has been handled too.
    later = world.unplaceable(anna, jonas)
    await world.publish(later)
    for person, partner in ((anna, jonas), (jonas, anna)):
        await wait_for_mail(person.email, predicate=lambda m, p=partner: f"meeting with {p.name} is on the waiting list" in subject(m))

    for person in (anna, jonas):
        mails = messages_to(person.email)
        about = [m for m in mails if about_meeting(meeting)(m)]
        assert len(about) == 1, [subject(m) for m in mails]
        # registration confirmed, meeting scheduled, waiting list: three e-mails, each reported once
        assert len(mails) == 3, [subject(m) for m in mails]
        reports = await notifications.wait_for(sent_to(person.participant_id), count=len(mails))
        assert sorted(r["data"]["email_message_id"] for r in reports) == sorted(str(m["Message-ID"]) for m in mails)
        assert len({r["message_id"] for r in reports}) == len(reports)
        assert {kind for r in reports for kind in r["data"]["kinds"]} == {
            "registration_confirmed", "meeting_scheduled", "meeting_unplaceable",
        }


async def test_a_burst_of_changes_for_one_recipient_arrives_as_one_e_mail(world):
    await world.open_event()
    anna = world.person("Anna", "Schmidt", organisation="Foodtech Cluster BW")
    jonas = world.person("Jonas", "Weber", organisation="ColdChain Sensors GmbH")
    lucia = world.person("Lucia", "Fernandez", organisation="Lacteos del Sur", country="AR")
    piet = world.person("Piet", "Jansen", organisation="Tulip Logistics", country="NL")
    await world.register(anna, jonas, lucia, piet)
    await wait_for_mail(anna.email)  # the registration confirmation is out of the way

    first, second = world.meeting(anna, jonas, slot=0), world.meeting(anna, lucia, slot=1, table=2)
    burst = [first.scheduled(), second.scheduled(), world.match_requested(piet, anna, note="Shall we talk logistics?")]
    for change in burst:  # back to back, as scheduling does after an optimisation run
        await world.publish(change)

    mails = await wait_for_mail(anna.email, count=2)
    await wait_for_mail(piet.email, count=1)  # Piet's own mail is unrelated; give the service time to settle
    mails = messages_to(anna.email)
    news = [m for m in mails if "confirmed" not in subject(m)]
    # The two meetings come on one topic and always share an e-mail; the request comes on another topic, so it
    # joins them when it is handled within the gathering window (2 s) and follows in its own e-mail otherwise.
    together = [m for m in news if len(uids_in(m)) == 2]
    assert len(together) == 1 and len(news) <= 2, [subject(m) for m in mails]
    (mail,) = together
    assert subject(mail).startswith(("3 updates", "2 updates")), subject(mail)
    text = plain(mail)
    for name in ("Jonas Weber", "Lucia Fernandez"):
        assert name in text and name in html(mail)
    assert "Shall we talk logistics?" in " ".join(plain(m) for m in news)
    assert uids_in(mail) == {f"meeting-{first.meeting_id}@b2bmatch.example", f"meeting-{second.meeting_id}@b2bmatch.example"}


@pytest.mark.parametrize(
    ("language", "content_language", "subject_start", "greeting", "month"),
    [
        ("de", "de", "Gespräch mit", "Guten Tag", "April"),
        ("pt-br", "pt", "Reunião com", "Olá, Maria Rossi", "abril"),
        ("it", "en", "Meeting with", "Dear", "April"),
    ],
)
async def test_each_participant_reads_their_own_language_in_plain_text_and_html(
    world, language, content_language, subject_start, greeting, month
):
    await world.open_event()
    reader = world.person("Maria", "Rossi", language=language, organisation="Rossi Srl", country="IT")
    partner = world.person("Jonas", "Weber", language="de", organisation="ColdChain Sensors GmbH")
    await world.register(reader, partner)
    meeting = world.meeting(reader, partner, slot=1, table=3)
    await world.publish(meeting.scheduled())

    (mail,) = await wait_for_mail(reader.email, predicate=about_meeting(meeting))
    assert mail["Content-Language"] == content_language
    # The registration confirmation may share the e-mail (a burst), so the meeting is looked for in subject and text.
    assert f"{subject_start} Jonas Weber".lower() in (subject(mail) + plain(mail)).lower(), subject(mail)
    assert mail.get_body(("plain",)) is not None and mail.get_body(("html",)) is not None
    alternative = next(p for p in mail.walk() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    text, page = plain(mail), html(mail)
    assert greeting in text and month in text, text
    assert f'lang="{content_language}"' in page and month in page
    summary = str(calendars(mail)[0].walk("VEVENT")[0]["SUMMARY"])
    assert "Jonas Weber" in summary or "ColdChain" in summary


async def test_a_meeting_announced_before_its_participants_are_known_is_mailed_once_they_arrive(world):
    await world.open_event()
    anna = world.person("Anna", "Schmidt", organisation="Foodtech Cluster BW")
    jonas = world.person("Jonas", "Weber", organisation="ColdChain Sensors GmbH")
    meeting = world.meeting(anna, jonas, slot=4, table=9)
    await world.publish(meeting.scheduled())  # scheduling was faster than registration's topic
    await world.register(anna)
    await world.register(jonas)

    for person in (anna, jonas):
        mails = await wait_for_mail(person.email, predicate=about_meeting(meeting))
        assert len(mails) == 1
        calendar = icalendar.Calendar.from_ical(
            next(p for p in calendar_parts(mails[0]) if meeting.meeting_id.encode() in p)
        )
        assert calendar["METHOD"] == "REQUEST"
        assert calendar.walk("VEVENT")[0].decoded("DTSTART") == meeting.place.start


async def test_an_operator_sends_a_participant_their_agenda_with_every_meeting(world):
    await world.open_event()
    anna = world.person("Anna", "Schmidt", organisation="Foodtech Cluster BW")
    jonas = world.person("Jonas", "Weber", organisation="ColdChain Sensors GmbH")
    lucia = world.person("Lucia", "Fernandez", organisation="Lacteos del Sur", country="AR")
    await world.register(anna, jonas, lucia)
    meetings = [world.meeting(anna, jonas, slot=0), world.meeting(anna, lucia, slot=3, table=2)]
    for meeting in meetings:
        await world.publish(meeting.scheduled())
    for meeting in meetings:
        await wait_for_mail(anna.email, predicate=about_meeting(meeting))

    await world.publish(world.send_agendas(anna))

    def is_agenda(message) -> bool:
        return any(str(c["METHOD"]) == "PUBLISH" for c in calendars(message))

    (mail,) = await wait_for_mail(anna.email, predicate=is_agenda)
    assert subject(mail) == "Your agenda for EU Cluster Matchmaking at Hannover Messe"
    (agenda,) = [c for c in calendars(mail) if str(c["METHOD"]) == "PUBLISH"]
    events = agenda.walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {f"meeting-{m.meeting_id}@b2bmatch.example" for m in meetings}
    assert sorted(e.decoded("DTSTART") for e in events) == [m.place.start for m in meetings]
    assert all("ATTENDEE" not in e for e in events)  # RFC 5546: no attendees in a PUBLISH
    assert "Jonas Weber" in plain(mail) and "Lucia Fernandez" in plain(mail)
    assert not [m for m in messages_to(jonas.email) if is_agenda(m)]  # only the participant asked for


async def test_the_delivery_log_lists_what_was_sent_to_a_participant(world):
    await world.open_event()
    anna = world.person("Anna", "Schmidt", organisation="Foodtech Cluster BW")
    jonas = world.person("Jonas", "Weber", organisation="ColdChain Sensors GmbH")
    await world.register(anna, jonas)
    await wait_for_mail(anna.email)
    meeting = world.meeting(anna, jonas, slot=2)
    await world.publish(meeting.scheduled())
    await wait_for_mail(anna.email, predicate=about_meeting(meeting))

    log = await wait_for_log(anna.participant_id, lambda entries: len(entries) >= 2 and all(e["status"] == "sent" for e in entries))
    mails = messages_to(anna.email)
    assert len(log) == len(mails) == 2
    assert [e["kinds"] for e in log] == [["registration_confirmed"], ["meeting_scheduled"]]
    assert sorted(e["email_message_id"] for e in log) == sorted(str(m["Message-ID"]) for m in mails)
    for entry in log:
        assert entry["event_id"] == world.event_id and entry["attempts"] == 1 and entry["errors"] == []
        assert entry["created_at"] and entry["finished_at"]
        assert "changes" not in entry  # the log says what was sent, not the personal content again
    assert await wait_for_log("p-nobody-" + world.event_id, lambda entries: entries == []) == []

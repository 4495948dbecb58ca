"""What a calendar client finds in our .ics files: parsed back with icalendar, as a client would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from notifications.domain import agenda_export, invitation, meeting_uid

UTC = timezone.utc
DOMAIN = "matchmaking.example"


def parse(content: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_invitation_for_a_scheduled_meeting_is_a_request_in_the_venue_time_zone(build):
    event = build.event("Europe/Berlin")
    anna, maria = build.party("Anna Schmidt", "Acme GmbH"), build.party("Maria Silva", "Cluster Sul")
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, 0, tzinfo=UTC), table="7")

    ics = invitation(build.scheduled(meeting), recipient=build.recipient_for(anna), event=event, uid_domain=DOMAIN)

    calendar, entry = parse(ics.content)
    assert ics.method == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(entry["UID"]) == f"meeting-{meeting.meeting_id}@{DOMAIN}" == meeting_uid(meeting.meeting_id, DOMAIN)
    assert entry["SEQUENCE"] == meeting.version
    assert entry["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert entry.start == datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert entry.end - entry.start == timedelta(minutes=20)
    assert entry.start.astimezone(UTC) == meeting.starts_at
    assert "DTSTAMP" in entry
    assert str(entry["SUMMARY"]) == "B2B meeting with Maria Silva (Cluster Sul)"
    assert str(entry["LOCATION"]) == "Hannover Messe, Hall 2, table 7"
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert str(entry["ORGANIZER"]) == f"mailto:{event.organiser_email}"
    assert entry["ORGANIZER"].params["CN"] == event.organiser_name
    attendees = {str(a): a.params["CN"] for a in entry["ATTENDEE"]}
    assert attendees == {f"mailto:{anna.email}": "Anna Schmidt", f"mailto:{maria.email}": "Maria Silva"}
    assert ics.filename.endswith(".ics")
    assert b"\r\n" in ics.content


def test_reschedule_keeps_the_uid_and_raises_the_sequence(build):
    event = build.event()
    anna, maria = build.party(), build.party()
    first = build.meeting(anna, maria, datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    moved = build.moved(first, datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
    recipient = build.recipient_for(anna)

    _, before = parse(invitation(build.scheduled(first), recipient=recipient, event=event, uid_domain=DOMAIN).content)
    calendar, after = parse(invitation(moved, recipient=recipient, event=event, uid_domain=DOMAIN).content)

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start.astimezone(UTC) == datetime(2026, 4, 20, 9, 0, tzinfo=UTC)


def test_cancellation_is_a_cancel_with_status_cancelled_and_the_same_uid(build):
    event = build.event()
    anna, maria = build.party(), build.party()
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    cancel = build.cancelled(meeting)

    ics = invitation(cancel, recipient=build.recipient_for(maria), event=event, uid_domain=DOMAIN)

    calendar, entry = parse(ics.content)
    assert ics.method == "CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["UID"]) == meeting_uid(meeting.meeting_id, DOMAIN)
    assert entry["SEQUENCE"] == cancel.meeting.version


def test_the_facilitator_is_invited_only_to_accompanied_meetings(build):
    event = build.event()
    anna, maria, fatima = build.party("Anna"), build.party("Maria"), build.party("Fátima Costa", "Delegation PT")
    starts = datetime(2026, 4, 20, 8, 0, tzinfo=UTC)
    accompanied = build.meeting(anna, maria, starts, facilitator=fatima, accompanied=True)
    alone = build.meeting(anna, maria, starts, facilitator=fatima, accompanied=False)
    recipient = build.recipient_for(anna)

    _, with_facilitator = parse(invitation(build.scheduled(accompanied), recipient=recipient, event=event, uid_domain=DOMAIN).content)
    _, without = parse(invitation(build.scheduled(alone), recipient=recipient, event=event, uid_domain=DOMAIN).content)

    roles = {str(a): a.params["ROLE"] for a in with_facilitator["ATTENDEE"]}
    assert roles[f"mailto:{fatima.email}"] == "OPT-PARTICIPANT"
    assert len(roles) == 3
    assert f"mailto:{fatima.email}" not in {str(a) for a in without["ATTENDEE"]}


def test_the_facilitator_s_own_invitation_names_both_participants(build):
    event = build.event()
    anna, maria, fatima = build.party("Anna", "Acme"), build.party("Maria", "Sul"), build.party("Fátima")
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC), facilitator=fatima, accompanied=True)

    ics = invitation(build.scheduled(meeting), recipient=build.recipient_for(fatima, "de", role="facilitator"), event=event, uid_domain=DOMAIN)

    _, entry = parse(ics.content)
    assert str(entry["SUMMARY"]) == "B2B-Gespräch: Anna (Acme) und Maria (Sul)"


@pytest.mark.parametrize(
    ("language", "summary", "location"),
    [
        ("de-DE", "B2B-Gespräch mit Maria Silva (Cluster Sul)", "Hannover Messe, Hall 2, Tisch 3"),
        ("fr", "Rendez-vous B2B avec Maria Silva (Cluster Sul)", "Hannover Messe, Hall 2, table 3"),
        ("es-419", "Reunión B2B con Maria Silva (Cluster Sul)", "Hannover Messe, Hall 2, mesa 3"),
        ("pt-BR", "Reunião B2B com Maria Silva (Cluster Sul)", "Hannover Messe, Hall 2, mesa 3"),
        ("tlh", "B2B meeting with Maria Silva (Cluster Sul)", "Hannover Messe, Hall 2, table 3"),
    ],
)
def test_summary_and_location_are_in_the_recipient_s_language(build, language, summary, location):
    anna, maria = build.party("Anna"), build.party("Maria Silva", "Cluster Sul")
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC), table="3")

    ics = invitation(build.scheduled(meeting), recipient=build.recipient_for(anna, language), event=build.event(), uid_domain=DOMAIN)

    _, entry = parse(ics.content)
    assert str(entry["SUMMARY"]) == summary
    assert str(entry["LOCATION"]) == location


def _onsets(calendar: icalendar.Calendar) -> list[tuple[datetime, timedelta, timedelta]]:
    """Each observance onset as an instant, read the RFC 5545 way: local DTSTART in the TZOFFSETFROM offset."""
    (vtimezone,) = calendar.walk("VTIMEZONE")
    onsets = []
    for observance in vtimezone.subcomponents:
        offset_from = observance["TZOFFSETFROM"].td
        offset_to = observance["TZOFFSETTO"].td
        local = observance["DTSTART"].dt
        onsets.append(((local - offset_from).replace(tzinfo=UTC), offset_from, offset_to))
    return sorted(onsets)


def _zoneinfo_transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    found, cursor = [], start
    while cursor < end:
        following = cursor + timedelta(minutes=15)
        if cursor.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            found.append(following)
        cursor = following
    return found


@pytest.mark.parametrize(
    ("zone_name", "local_start", "expected_offset"),
    [
        # Berlin springs forward on 29 March 2026 at 02:00: a 10:00 meeting that day is at UTC+2.
        ("Europe/Berlin", datetime(2026, 3, 29, 10, 0), timedelta(hours=2)),
        # Rome falls back on 25 October 2026 at 03:00: a 09:00 meeting that day is at UTC+1.
        ("Europe/Rome", datetime(2026, 10, 25, 9, 0), timedelta(hours=1)),
        # São Paulo's last summer time began on 4 November 2018 at 00:00 (clocks to 01:00).
        ("America/Sao_Paulo", datetime(2018, 11, 4, 9, 0), timedelta(hours=-2)),
        # Brazil abolished summer time in 2019: no invented daylight rule, UTC-3 all year.
        ("America/Sao_Paulo", datetime(2026, 11, 8, 9, 0), timedelta(hours=-3)),
        # Chile springs forward on 6 September 2026 (Saturday 24:00 → Sunday 01:00).
        ("America/Santiago", datetime(2026, 9, 6, 9, 0), timedelta(hours=-3)),
    ],
)
def test_dst_transition_days_keep_the_wall_clock_time_and_the_vtimezone_matches_zoneinfo(
    build, zone_name, local_start, expected_offset
):
    zone = ZoneInfo(zone_name)
    event = build.event(zone_name)
    starts_at = local_start.replace(tzinfo=zone).astimezone(UTC)
    anna, maria = build.party(), build.party()
    meeting = build.meeting(anna, maria, starts_at)

    content = invitation(build.scheduled(meeting), recipient=build.recipient_for(anna), event=event, uid_domain=DOMAIN).content

    calendar, entry = parse(content)
    assert f"DTSTART;TZID={zone_name}:{local_start:%Y%m%dT%H%M%S}".encode() in content
    assert entry.start.utcoffset() == expected_offset
    assert entry.start.astimezone(UTC) == starts_at
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == zone_name
    # The definition describes exactly the zone's real transitions over the years it covers.
    onsets = _onsets(calendar)
    covered_from, covered_to = onsets[0][0], datetime(local_start.year + 2, 1, 1, tzinfo=UTC)
    assert [instant for instant, _, _ in onsets[1:]] == _zoneinfo_transitions(zone, covered_from, covered_to - timedelta(hours=12))
    for instant, offset_from, offset_to in onsets[1:]:
        assert (instant - timedelta(seconds=1)).astimezone(zone).utcoffset() == offset_from
        assert instant.astimezone(zone).utcoffset() == offset_to
    # And the observance in force at the meeting gives the meeting's offset.
    in_force = [offset_to for instant, _, offset_to in onsets if instant <= starts_at][-1]
    assert in_force == expected_offset
    if zone_name == "America/Sao_Paulo" and local_start.year == 2026:
        assert not calendar.walk("DAYLIGHT")


def test_agenda_export_publishes_every_meeting_with_its_uid_and_sequence(build):
    event = build.event()
    anna = build.party("Anna")
    meetings = [
        build.meeting(anna, build.party(f"Partner {n}"), datetime(2026, 4, 20, 8, 0, tzinfo=UTC) + timedelta(minutes=30 * n), version=n)
        for n in (3, 1, 2)
    ]
    stamp = datetime(2026, 4, 1, tzinfo=UTC)

    export = agenda_export(meetings, recipient=build.recipient_for(anna), event=event, uid_domain=DOMAIN, stamp=stamp)

    calendar = icalendar.Calendar.from_ical(export.content)
    assert export.method == "PUBLISH" and str(calendar["METHOD"]) == "PUBLISH"
    entries = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in entries] == [meeting_uid(m.meeting_id, DOMAIN) for m in sorted(meetings, key=lambda m: m.starts_at)]
    assert [e["SEQUENCE"] for e in entries] == [1, 2, 3]
    # RFC 5546: a PUBLISH carries an ORGANIZER but no ATTENDEE.
    assert all("ORGANIZER" in e and "ATTENDEE" not in e for e in entries)
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_an_empty_agenda_has_no_calendar_file(build):
    export = agenda_export([], recipient=build.recipient_for(build.party()), event=build.event(), uid_domain=DOMAIN, stamp=datetime(2026, 4, 1, tzinfo=UTC))
    assert export is None


def test_the_same_change_always_gives_the_same_file(build):
    event = build.event()
    anna, maria = build.party(), build.party()
    change = build.scheduled(build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC)))
    recipient = build.recipient_for(anna)

    first = invitation(change, recipient=recipient, event=event, uid_domain=DOMAIN)
    again = invitation(change, recipient=recipient, event=event, uid_domain=DOMAIN)

    assert first == again


def test_names_with_quotes_and_markup_survive_the_round_trip(build):
    anna = build.party('Anna "Annie" <b>Smith</b>', "Acme; Co, Ltd")
    maria = build.party("Maria", "Sul")
    meeting = build.meeting(anna, maria, datetime(2026, 4, 20, 8, tzinfo=UTC))

    ics = invitation(build.scheduled(meeting), recipient=build.recipient_for(maria), event=build.event(), uid_domain=DOMAIN)

    _, entry = parse(ics.content)
    assert str(entry["SUMMARY"]) == 'B2B meeting with Anna "Annie" <b>Smith</b> (Acme; Co, Ltd)'
    names = {a.params["CN"] for a in entry["ATTENDEE"]}
    assert "Maria" in names and any("Annie" in name for name in names)

"""Calendar invitations (iTIP, RFC 5546) that calendar clients update in place instead of duplicating.

A client keys its entries by UID and accepts a newer message for the same UID only when its SEQUENCE is not lower
than the one it holds. So: the UID of a meeting is fixed forever (``meeting-<id>@<domain>``), SEQUENCE is the
meeting's version (it grows with every change the scheduler makes), a placement or a move is sent as
METHOD:REQUEST and a cancellation as METHOD:CANCEL with STATUS:CANCELLED. Start and end are written as wall-clock
times in the event's zone with TZID and a VTIMEZONE, so clients show the venue's time and survive DST changes.
DTSTAMP is when the change happened, so composing the same change again yields the same file.

The agenda export is METHOD:PUBLISH with the same UIDs and SEQUENCEs: importing it merges with the invitations.
Attendees are left out there because RFC 5546 forbids ATTENDEE in a PUBLISH.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from notifications.domain.changes import MeetingCancelled, MeetingChange
from notifications.domain.event_info import EventInfo
from notifications.domain.ical_text import content, line, local_time, text, utc_time
from notifications.domain.language import resolve_language
from notifications.domain.meeting_info import MeetingInfo, MeetingParty
from notifications.domain.message_catalogue import MessageCatalogue, catalogue_for
from notifications.domain.recipient import Recipient
from notifications.domain.time_zone_definition import vtimezone_for

PRODUCT_ID = "-//B2B Matchmaking//Notifications//EN"

CalendarMethod = Literal["REQUEST", "CANCEL", "PUBLISH"]


@dataclass(frozen=True)
class CalendarFile:
    """An .ics ready to attach: the method goes into the MIME type so mail clients offer the right buttons."""

    method: CalendarMethod
    filename: str
    content: bytes


def meeting_uid(meeting_id: str, domain: str) -> str:
    """The one UID a meeting has in every invitation, whatever happens to it."""
    return f"meeting-{meeting_id}@{domain}"


def invitation(change: MeetingChange, *, recipient: Recipient, event: EventInfo, uid_domain: str) -> CalendarFile:
    """The iTIP message for one version of one meeting, for one recipient (SUMMARY is in their language)."""
    catalogue = catalogue_for(resolve_language(recipient.preferred_language))
    method: CalendarMethod = "CANCEL" if isinstance(change, MeetingCancelled) else "REQUEST"
    meeting = change.meeting
    entry = _meeting_entry(
        meeting, recipient, event, catalogue, uid_domain, stamp=change.occurred_at,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
        attendees=[_attendee(party, is_facilitator=party is meeting.attending_facilitator) for party in meeting.attendees],
    )
    filename = catalogue.text("calendar.invitation_filename", meeting_id=_filename_safe(meeting.meeting_id))
    return CalendarFile(method, filename, _calendar(method, vtimezone_for(event.zone, meeting.starts_at, meeting.ends_at), entry))


def agenda_export(
    meetings: Sequence[MeetingInfo], *, recipient: Recipient, event: EventInfo, uid_domain: str, stamp: datetime
) -> CalendarFile | None:
    """All of the recipient's meetings in one file to import, or None when there is nothing to put in it."""
    if not meetings:
        return None
    catalogue = catalogue_for(resolve_language(recipient.preferred_language))
    ordered = sorted(meetings, key=lambda meeting: meeting.starts_at)
    entries = [
        entry_line
        for meeting in ordered
        for entry_line in _meeting_entry(meeting, recipient, event, catalogue, uid_domain, stamp=stamp, status="CONFIRMED", attendees=[])
    ]
    zone = vtimezone_for(event.zone, ordered[0].starts_at, ordered[-1].ends_at)
    return CalendarFile("PUBLISH", catalogue.text("calendar.agenda_filename"), _calendar("PUBLISH", zone, entries))


def _calendar(method: CalendarMethod, vtimezone: Sequence[str], entries: Sequence[str]) -> bytes:
    return content(
        "BEGIN:VCALENDAR",
        line("VERSION", "2.0"),
        line("PRODID", text(PRODUCT_ID)),
        line("CALSCALE", "GREGORIAN"),
        line("METHOD", method),
        *vtimezone,
        *entries,
        "END:VCALENDAR",
    )


def _meeting_entry(
    meeting: MeetingInfo,
    recipient: Recipient,
    event: EventInfo,
    catalogue: MessageCatalogue,
    uid_domain: str,
    *,
    stamp: datetime,
    status: str,
    attendees: Sequence[str],
) -> list[str]:
    return [
        "BEGIN:VEVENT",
        line("UID", text(meeting_uid(meeting.meeting_id, uid_domain))),
        line("SEQUENCE", str(meeting.version)),
        line("DTSTAMP", utc_time(stamp)),
        _time("DTSTART", meeting.starts_at, event),
        _time("DTEND", meeting.ends_at, event),
        line("SUMMARY", text(_summary(meeting, recipient, catalogue))),
        line("LOCATION", text(catalogue.text("calendar.location", venue=event.venue, table=meeting.table))),
        line("DESCRIPTION", text(_description(meeting, event, catalogue))),
        line("TRANSP", "OPAQUE"),
        line("ORGANIZER", f"mailto:{event.organiser_email}", [("CN", event.organiser_name)]),
        line("STATUS", status),
        *attendees,
        "END:VEVENT",
    ]


_UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"})


def _time(name: str, instant: datetime, event: EventInfo) -> str:
    """Wall-clock time in the event's zone with its TZID; an event in UTC gets UTC's own form (``...Z``)."""
    if event.zone.key in _UTC_ZONES:
        return line(name, utc_time(instant))
    return line(name, local_time(instant.astimezone(event.zone)), [("TZID", event.zone.key)])


def _summary(meeting: MeetingInfo, recipient: Recipient, catalogue: MessageCatalogue) -> str:
    partner = meeting.partner_of(recipient.participant_id)
    if partner is not None:
        return catalogue.text("calendar.summary", partner=partner.name, organisation=partner.organisation)
    first, second = meeting.participants
    return catalogue.text(
        "calendar.summary_for_others",
        first=first.name,
        first_organisation=first.organisation,
        second=second.name,
        second_organisation=second.organisation,
    )


def _description(meeting: MeetingInfo, event: EventInfo, catalogue: MessageCatalogue) -> str:
    lines = [event.name]
    lines += [catalogue.text("calendar.participant_line", name=p.name, organisation=p.organisation) for p in meeting.participants]
    if meeting.attending_facilitator is not None:
        lines.append(catalogue.text("calendar.facilitator_line", name=meeting.attending_facilitator.name))
    lines.append(catalogue.text("calendar.organiser_line", name=event.organiser_name, email=event.organiser_email))
    return "\n".join(lines)


def _attendee(party: MeetingParty, *, is_facilitator: bool) -> str:
    # The meeting is already agreed on the platform: no reply is expected (RSVP=FALSE) and both have accepted.
    return line("ATTENDEE", f"mailto:{party.email}", [
        ("CN", party.name), ("CUTYPE", "INDIVIDUAL"), ("ROLE", "OPT-PARTICIPANT" if is_facilitator else "REQ-PARTICIPANT"),
        ("PARTSTAT", "ACCEPTED"), ("RSVP", "FALSE"),
    ])


def _filename_safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:64]

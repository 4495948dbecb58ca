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

from icalendar import Calendar, Event, vCalAddress

from notifications.domain.changes import MeetingCancelled, MeetingChange
from notifications.domain.event_info import EventInfo
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
    calendar = _calendar(method)
    entry = _meeting_entry(meeting, recipient, event, catalogue, uid_domain, stamp=change.occurred_at)
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    for party in meeting.attendees:
        entry.add("attendee", _attendee(party, is_facilitator=party is meeting.attending_facilitator))
    calendar.add_component(vtimezone_for(event.zone, meeting.starts_at, meeting.ends_at))
    calendar.add_component(entry)
    filename = catalogue.text("calendar.invitation_filename", meeting_id=_filename_safe(meeting.meeting_id))
    return CalendarFile(method, filename, calendar.to_ical())


def agenda_export(
    meetings: Sequence[MeetingInfo], *, recipient: Recipient, event: EventInfo, uid_domain: str, stamp: datetime
) -> CalendarFile | None:
    """All of the recipient's meetings in one file to import, or None when there is nothing to put in it."""
    if not meetings:
        return None
    catalogue = catalogue_for(resolve_language(recipient.preferred_language))
    calendar = _calendar("PUBLISH")
    ordered = sorted(meetings, key=lambda meeting: meeting.starts_at)
    calendar.add_component(vtimezone_for(event.zone, ordered[0].starts_at, ordered[-1].ends_at))
    for meeting in ordered:
        entry = _meeting_entry(meeting, recipient, event, catalogue, uid_domain, stamp=stamp)
        entry.add("status", "CONFIRMED")
        calendar.add_component(entry)
    return CalendarFile("PUBLISH", catalogue.text("calendar.agenda_filename"), calendar.to_ical())


def _calendar(method: CalendarMethod) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _meeting_entry(
    meeting: MeetingInfo,
    recipient: Recipient,
    event: EventInfo,
    catalogue: MessageCatalogue,
    uid_domain: str,
    *,
    stamp: datetime,
) -> Event:
    entry = Event()
    entry.add("uid", meeting_uid(meeting.meeting_id, uid_domain))
    entry.add("sequence", meeting.version)
    entry.add("dtstamp", stamp)
    entry.add("dtstart", meeting.starts_at.astimezone(event.zone))
    entry.add("dtend", meeting.ends_at.astimezone(event.zone))
    entry.add("summary", _summary(meeting, recipient, catalogue))
    entry.add("location", catalogue.text("calendar.location", venue=event.venue, table=meeting.table))
    entry.add("description", _description(meeting, event, catalogue))
    entry.add("transp", "OPAQUE")
    organiser = vCalAddress(f"mailto:{event.organiser_email}")
    organiser.params["CN"] = event.organiser_name
    entry.add("organizer", organiser)
    return entry


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


def _attendee(party: MeetingParty, *, is_facilitator: bool) -> vCalAddress:
    # The meeting is already agreed on the platform: no reply is expected (RSVP=FALSE) and both have accepted.
    attendee = vCalAddress(f"mailto:{party.email}")
    attendee.params["CN"] = party.name
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "OPT-PARTICIPANT" if is_facilitator else "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def _filename_safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)[:64]

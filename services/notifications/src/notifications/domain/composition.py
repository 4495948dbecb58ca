"""One ready-to-send e-mail for one recipient about one or more changes.

The structure is what mail and calendar clients expect: ``multipart/mixed`` holding a ``multipart/alternative``
(plain text first, HTML last, so clients that can show HTML prefer it) and one ``text/calendar`` attachment per
meeting with the iTIP method in its content type, which is what makes clients offer to update the calendar. The
calendar data is base64-encoded so its CRLF line endings reach the client intact.

Everything that identifies the e-mail comes from the inputs: the same changes, recipient and dedupe key give the
same Message-ID and the same calendar data, so a resend after a crash is recognisably the same e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from notifications.domain.batching import latest_per_meeting
from notifications.domain.calendar import CalendarFile, agenda_export, invitation
from notifications.domain.changes import AgendaIssued, Change
from notifications.domain.dedupe import message_id_for
from notifications.domain.event_info import EventInfo
from notifications.domain.mail_rendering import render_mail
from notifications.domain.recipient import Recipient


@dataclass(frozen=True, kw_only=True)
class Sender:
    """The platform's sending identity.

    ``domain`` qualifies Message-IDs and calendar UIDs; it must never change for a deployment, or calendar clients
    would take every later update for a new meeting. ``name`` defaults to the event's name, which is what
    participants recognise in their inbox.
    """

    address: str
    domain: str
    name: str | None = None


def compose(
    changes: Sequence[Change],
    *,
    recipient: Recipient,
    event: EventInfo,
    sender: Sender,
    dedupe_key: str,
    now: datetime,
) -> EmailMessage:
    """The e-mail telling ``recipient`` about ``changes`` (in the given order), with every current invitation.

    ``dedupe_key`` names this e-mail (see ``dedupe``) and fixes its Message-ID; ``now`` is its Date.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    rendered = render_mail(changes, recipient=recipient, event=event)

    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = formataddr((_one_line(sender.name or event.name), sender.address))
    message["To"] = formataddr((_one_line(recipient.name), recipient.email))
    message["Reply-To"] = formataddr((_one_line(event.organiser_name), event.organiser_email))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id_for(dedupe_key, sender.domain)
    # RFC 3834: an automatic message; out-of-office replies should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"

    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    for calendar_file in _calendar_files(changes, recipient=recipient, event=event, sender=sender):
        message.add_attachment(
            calendar_file.content,
            maintype="text",
            subtype="calendar",
            filename=calendar_file.filename,
            params={"method": calendar_file.method, "charset": "UTF-8"},
        )
    # Set last: set_content and the multipart conversion move Content-* headers into the body parts.
    message["Content-Language"] = rendered.language
    return message


def _calendar_files(
    changes: Sequence[Change], *, recipient: Recipient, event: EventInfo, sender: Sender
) -> list[CalendarFile]:
    files = [
        invitation(change, recipient=recipient, event=event, uid_domain=sender.domain)
        for change in latest_per_meeting(changes)
    ]
    agendas = [change for change in changes if isinstance(change, AgendaIssued)]
    if agendas:
        newest = max(agendas, key=lambda change: change.occurred_at)
        export = agenda_export(
            newest.meetings, recipient=recipient, event=event, uid_domain=sender.domain, stamp=newest.occurred_at
        )
        if export is not None:
            files.append(export)
    return files


def _one_line(text: str) -> str:
    # A display name with a line break would be refused by the header policy; it is still the person's name.
    return " ".join(text.split())

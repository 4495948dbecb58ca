"""One ready-to-send e-mail for one recipient about one or more changes.

The structure is what mail and calendar clients expect: ``multipart/mixed`` holding a ``multipart/alternative``
(plain text first, HTML last, so clients that can show HTML prefer it) and one ``text/calendar`` attachment per
meeting with the iTIP method in its content type, which is what makes clients offer to update the calendar. The
calendar data is base64-encoded so its CRLF line endings reach the client intact; text is quoted-printable and
headers with other than ASCII are RFC 2047 encoded words, so the e-mail is 7-bit clean for any SMTP server.

Addresses travel as DNS knows them: a domain such as ``müller.de`` is written ``xn--mller-kva.de`` (IDNA). An address
with other than ASCII before the ``@`` exists only with SMTPUTF8 (RFC 6531/6532): such an e-mail carries that address
in UTF-8 and is marked ``smtputf8``, and a server that does not offer the extension refuses it as it would anyway.

The e-mail is written out here as the bytes that travel, not built as an ``email.message.EmailMessage`` and flattened
when sent: the standard library parses every header it is given, which made a meeting e-mail cost about 11 ms of the
service's CPU, a third of all it spent per accepted meeting; written out, it costs under 4 ms (docs/benchmarks.md).
Only a header that is not plain short ASCII goes through the standard library's folding. The tests read the bytes
back with the standard parser, as a mail client would.

Everything that identifies the e-mail comes from the inputs: the same changes, recipient and dedupe key give the
same Message-ID, MIME boundaries and calendar data, so a resend after a crash is recognisably the same e-mail.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import encode_rfc2231, format_datetime

import idna

from notifications.domain.batching import latest_per_meeting
from notifications.domain.calendar import CalendarFile, agenda_export, invitation
from notifications.domain.changes import AgendaIssued, Change
from notifications.domain.dedupe import message_id_for
from notifications.domain.event_info import EventInfo
from notifications.domain.mail_rendering import render_mail
from notifications.domain.recipient import Recipient

CRLF = "\r\n"


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


@dataclass(frozen=True)
class Email:
    """An e-mail as it travels over SMTP: the envelope's sender and recipient and the message's bytes (CRLF)."""

    sender: str
    recipient: str
    data: bytes
    smtputf8: bool = False
    """An address in it has other than ASCII before the @: it needs a server that offers SMTPUTF8."""

    def as_bytes(self) -> bytes:
        return self.data

    def parsed(self) -> EmailMessage:
        """The message as a mail client reads it."""
        return message_from_bytes(self.data, policy=policy.default)


def compose(
    changes: Sequence[Change],
    *,
    recipient: Recipient,
    event: EventInfo,
    sender: Sender,
    dedupe_key: str,
    now: datetime,
) -> Email:
    """The e-mail telling ``recipient`` about ``changes`` (in the given order), with every current invitation.

    ``dedupe_key`` names this e-mail (see ``dedupe``) and fixes its Message-ID; ``now`` is its Date. An address that
    cannot be written into an e-mail (no domain, an invalid internationalised domain): ValueError.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    from_address, to_address, reply_address = (
        travelling(address) for address in (sender.address, recipient.email, event.organiser_email)
    )
    utf8 = not (from_address + to_address + reply_address).isascii()
    rendered = render_mail(changes, recipient=recipient, event=event)
    boundary = "=_" + hashlib.sha1(dedupe_key.encode()).hexdigest()[:24]

    lines = [
        _header("Subject", rendered.subject),
        _address("From", sender.name or event.name, from_address),
        _address("To", recipient.name, to_address),
        _address("Reply-To", event.organiser_name, reply_address),
        f"Date: {format_datetime(now)}",
        f"Message-ID: {message_id_for(dedupe_key, sender.domain)}",
        # RFC 3834: an automatic message; out-of-office replies should not answer it.
        "Auto-Submitted: auto-generated",
        "X-Auto-Response-Suppress: All",
        "Content-Language: " + _one_line(rendered.language),
        "MIME-Version: 1.0",
    ]
    alternative = _multipart("alternative", boundary + "_a", [
        _text_part("plain", rendered.text), _text_part("html", rendered.html),
    ])
    attachments = [_calendar_part(file) for file in _calendar_files(changes, recipient=recipient, event=event, sender=sender)]
    body = _multipart("mixed", boundary + "_m", [alternative, *attachments]) if attachments else alternative
    data = (CRLF.join(lines) + CRLF + body).encode("utf-8" if utf8 else "ascii")
    return Email(from_address, to_address, data, smtputf8=utf8)


def travelling(address: str) -> str:
    """``address`` as it travels: its domain in ASCII, as DNS knows it (IDNA 2008 with the UTS 46 mapping that browsers
    and mail clients use); the part before the @ as it is."""
    local, _, domain = address.rpartition("@")
    if not local or any(ch.isspace() or ch in '<>"' for ch in address):
        raise ValueError(f"cannot write the address {address!r} into an e-mail")
    if domain.isascii():
        return address
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"the domain of {address!r} is not a valid internationalised domain name: {exc}") from exc
    return f"{local}@{ascii_domain}"


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
    # Whatever a participant put in their name stays on one line: a line break would start a header of its own.
    return " ".join(text.split())


def _header(name: str, value: str) -> str:
    """``name: value``, as it is when short and ASCII, else folded to 78 characters with encoded words by the standard
    library (only what needs it pays for its header parser)."""
    value = _one_line(value)
    if value.isascii() and len(name) + 2 + len(value) <= 78:
        return f"{name}: {value}"
    return _folded(name, value)


def _address(name: str, display_name: str, address: str) -> str:
    display_name = _one_line(display_name)
    # With SMTPUTF8 (an address with other than ASCII) the header carries UTF-8 as it is (RFC 6532); the standard
    # library refuses to build such an address, so it is written like an ASCII one.
    if not display_name.isascii() and address.isascii():
        return _folded(name, [Address(display_name=display_name, addr_spec=address)])
    shown = '"' + display_name.replace("\\", "\\\\").replace('"', '\\"') + '" ' if display_name else ""
    line = f"{name}: {shown}<{address}>"
    return line if len(line) <= 78 else f"{name}: {shown.rstrip()}{CRLF} <{address}>"


def _folded(name: str, value: str | list[Address]) -> str:
    return policy.SMTP.header_factory(name, value).fold(policy=policy.SMTP).removesuffix(CRLF)


def _part(headers: list[str], body: str) -> str:
    return CRLF.join(headers) + CRLF + CRLF + body


def _multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    inner = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return _part([f'Content-Type: multipart/{subtype}; boundary="{boundary}"'], f"{inner}--{boundary}--{CRLF}")


def _text_part(subtype: str, text: str) -> str:
    normalised = "\n".join(text.splitlines()) + "\n"
    encoded = binascii.b2a_qp(normalised.encode("utf-8")).decode("ascii").replace("\n", CRLF)
    return _part([f'Content-Type: text/{subtype}; charset="utf-8"', "Content-Transfer-Encoding: quoted-printable"], encoded)


def _calendar_part(file: CalendarFile) -> str:
    encoded = base64.encodebytes(file.content).decode("ascii").replace("\n", CRLF)
    return _part([
        f'Content-Type: text/calendar; method="{file.method}"; charset="UTF-8"',
        f"Content-Disposition: attachment;{CRLF} {_filename(file.filename)}",
        "Content-Transfer-Encoding: base64",
    ], encoded)


def _filename(name: str) -> str:
    name = _one_line(name)
    if name.isascii():
        return 'filename="' + name.replace("\\", "_").replace('"', "_") + '"'
    return "filename*=" + encode_rfc2231(name, "utf-8")

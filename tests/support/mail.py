"""Reads what the SMTP sink of the local stack wrote into its Maildir."""

from __future__ import annotations

import asyncio
import email.policy
import mailbox
from email.message import EmailMessage
from pathlib import Path

MAILDIR = Path(__file__).resolve().parents[2] / ".stack" / "data" / "maildir"

# Maildir files never change once delivered, so each one is parsed once: the tests poll while the stack works, and
# re-parsing a growing mailbox ten times a second would take the CPU the services need.
_parsed: dict[str, tuple[str, EmailMessage]] = {}


def messages_to(address: str) -> list[EmailMessage]:
    box = mailbox.Maildir(MAILDIR, factory=None, create=False)
    wanted = address.lower()
    found = []
    for key in box.keys():
        if key not in _parsed:
            message = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            _parsed[key] = (str(message.get("To", "")).lower(), message)
        to, message = _parsed[key]
        if wanted in to:
            found.append(message)
    return found


async def wait_for_mail(address: str, count: int = 1, timeout: float = 90.0, predicate=None) -> list[EmailMessage]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [m for m in messages_to(address) if predicate is None or predicate(m)]
        if len(found) >= count:
            return found
        if asyncio.get_running_loop().time() > deadline:
            subjects = [str(m["Subject"]) for m in messages_to(address)]
            raise AssertionError(f"expected {count} e-mail(s) to {address} within {timeout:.0f} s; got {subjects}")
        await asyncio.sleep(0.25)


def calendar_parts(message: EmailMessage) -> list[bytes]:
    return [part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == "text/calendar"]

"""What the notifications use cases need from the outside world."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from servicekit.outbox import Outgoing

from ..domain import Email


@dataclass(frozen=True)
class RecipientRecord:
    participant_id: str
    event_id: str
    name: str
    email: str
    language: str
    organisation: str
    country: str
    active: bool


@dataclass(frozen=True)
class PendingRecord:
    """A change waiting to be mailed: the source message it came from, rebuilt into a domain change when sent."""

    key: str
    change_id: str
    participant_id: str
    event_id: str
    message_type: str
    data: dict[str, Any]
    occurred_at: dt.datetime
    arrived_at: dt.datetime
    due_at: dt.datetime


class Directory(Protocol):
    """Who the recipients are and what the events look like, as learnt from the registrations and events topics."""

    async def recipient(self, participant_id: str, *, fresh: bool = False) -> RecipientRecord | None:
        """The person, possibly from a copy a few seconds old; ``fresh``: as stored now (the addressee of an e-mail
        about to be sent, so nobody erased a moment ago is mailed)."""
        ...

    async def recipients_of(self, event_id: str) -> list[RecipientRecord]: ...

    async def save_recipient(self, record: RecipientRecord) -> None: ...

    async def erase_recipient(self, participant_id: str, event_id: str) -> None: ...

    async def deactivate_recipient(self, participant_id: str) -> None: ...

    async def event(self, event_id: str) -> dict[str, Any] | None: ...

    async def save_event(self, event: dict[str, Any]) -> None: ...

    async def save_meeting(self, meeting: dict[str, Any]) -> None: ...

    async def meetings_of(self, participant_id: str) -> list[dict[str, Any]]: ...


class PendingChanges(Protocol):
    """Changes waiting to be mailed, one document per recipient (read by id, never scanned on the hot path)."""

    async def add(self, record: PendingRecord, replace: bool = False) -> None:
        """Keep ``record`` unless its key was removed before (told: a change is mailed once); a key waiting already is
        kept once. ``replace``: the record replaces the waiting records of the same message type."""
        ...

    async def for_recipient(self, participant_id: str) -> list[PendingRecord]: ...

    async def remove(self, participant_id: str, keys: Sequence[str]) -> None:
        """The changes were handed to a delivery (or dropped): they are never added again."""
        ...

    async def waiting(self) -> list[tuple[str, dt.datetime]]:
        """Every recipient with pending changes and the earliest due time (a scan: start-up and rare checks)."""
        ...


class Deliveries(Protocol):
    async def claim(self, key: str, participant_id: str, event_id: str, change_keys: Sequence[str], kinds: Sequence[str]) -> dict[str, Any] | None: ...

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def unfinished(self) -> list[dict[str, Any]]:
        """Deliveries not finished (a scan: start-up only)."""
        ...

    async def record_attempt(self, key: str, error: str, next_attempt_at: dt.datetime) -> None: ...

    async def finish(self, key: str, status: str, email_message_id: str, error: str, messages: Sequence[Outgoing]) -> None: ...

    async def log_for(self, participant_id: str) -> list[dict[str, Any]]: ...


class SmtpFailure(Exception):
    def __init__(self, message: str, reply_code: int | None) -> None:
        super().__init__(message)
        self.reply_code = reply_code


class MailTransport(Protocol):
    async def send(self, email: Email) -> None:
        """Deliver or raise SmtpFailure."""

"""Use cases: learn about events and participants, and note every change a participant must be told about.

Nothing is sent here: a change becomes a pending record (keyed by its dedupe key, so a redelivered message adds
nothing), and the delivery loop gathers due records into e-mails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from servicekit.parking import WaitFor

from ..domain import Pace, SuggestionsUpdated, dedupe_key
from .changes_from_messages import DIGEST_TYPES, MEETING_TYPES, MissingParticipant, build_change, recipient_of, recipients_of
from .due_queue import DueQueue
from .ports import Directory, PendingChanges, PendingRecord, RecipientRecord


async def learn_event(event: dict[str, Any], directory: Directory) -> list[str]:
    await directory.save_event(event)
    return [f"event:{event['event_id']}"]


async def learn_participant(data: dict[str, Any], event_id: str, directory: Directory) -> list[str]:
    registration = data["registration"]
    person, organisation = registration["person"], registration["organisation"]
    await directory.save_recipient(RecipientRecord(
        participant_id=data["participant_id"], event_id=event_id,
        name=f"{person['first_name']} {person['last_name']}", email=person["email"], language=person["language"],
        organisation=organisation["name"], country=organisation["country"], active=True,
    ))
    return [f"participant:{data['participant_id']}"]


async def note_change(
    message_type: str,
    data: dict[str, Any],
    *,
    event_id: str,
    message_id: str,
    occurred_at: dt.datetime,
    directory: Directory,
    pending: PendingChanges,
    now: dt.datetime,
    pace: Pace,
    due: DueQueue,
) -> None:
    """Record what each person concerned by the message must be told."""
    if await directory.event(event_id) is None:
        raise WaitFor(f"event:{event_id}", reason=f"event {event_id} is not known to notifications yet")
    if message_type in MEETING_TYPES:
        await directory.save_meeting({**data, "event_id": event_id, "cancelled": message_type == "MeetingCancelled"})
    for participant_id in recipients_of(message_type, data):
        record = await directory.recipient(participant_id)
        if record is None:
            raise WaitFor(f"participant:{participant_id}", reason=f"participant {participant_id} is not known yet")
        if not record.active:
            continue  # withdrawn or erased people receive nothing more
        is_digest = message_type in DIGEST_TYPES
        if is_digest:
            # A digest is built when it is due (a newer list may replace it before then): no partner lookups now.
            change = SuggestionsUpdated(change_id=message_id, occurred_at=occurred_at, suggestions=())
        else:
            try:
                change = await build_change(
                    message_type, data, change_id=message_id, occurred_at=occurred_at,
                    recipient_id=participant_id, lookup=directory.recipient,
                )
            except MissingParticipant as missing:
                raise WaitFor(f"participant:{missing.participant_id}", reason=str(missing)) from None
        due_at = pace.due_at(now, last_mailed=due.last_mailed(participant_id), digest=is_digest)
        await pending.add(
            PendingRecord(
                key=dedupe_key(change, recipient_of(record)), change_id=message_id, participant_id=participant_id, event_id=event_id,
                message_type=message_type, data=data, occurred_at=occurred_at, arrived_at=now,
                due_at=due_at,
            ),
            replace=is_digest,  # a newer suggestion list replaces the one not yet sent
        )
        due.schedule(participant_id, due_at)


async def note_agenda(
    event_id: str, participant_id: str | None, *, message_id: str, now: dt.datetime, directory: Directory,
    pending: PendingChanges, due: DueQueue,
) -> int:
    """Queue the personal agenda of one participant, or of everybody in the event."""
    if await directory.event(event_id) is None:
        raise WaitFor(f"event:{event_id}", reason=f"event {event_id} is not known to notifications yet")
    people = [await directory.recipient(participant_id)] if participant_id else await directory.recipients_of(event_id)
    queued = 0
    for record in people:
        if record is None or not record.active:
            continue
        meetings = [m for m in await directory.meetings_of(record.participant_id) if not m.get("cancelled")]
        data = {"participant_id": record.participant_id, "meetings": meetings}
        await pending.add(PendingRecord(
            key=f"notification:v1:{record.participant_id}:agenda_issued:{message_id}", change_id=message_id,
            participant_id=record.participant_id,
            event_id=event_id, message_type="AgendaIssued", data=data, occurred_at=now, arrived_at=now, due_at=now,
        ))
        due.schedule(record.participant_id, now)
        queued += 1
    return queued

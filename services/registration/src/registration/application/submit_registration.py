"""Use case: a sending system submits a registration (new, or a new revision of one)."""

from __future__ import annotations

import datetime as dt

from contracts.envelope import Envelope
from contracts.events import EventDetails
from contracts.registrations import OutcomeStatus, ParticipantRegistered, ParticipantUpdated, RegistrationSubmitted
from contracts.topics import REGISTRATIONS
from servicekit.inbox import Unprocessable
from servicekit.keyed_locks import KeyedLocks
from servicekit.outbox import caused_by

from ..domain.admission import Admission, ParticipantStatus, Verdict, decide
from ..domain.identity import participant_id_for
from .outcomes import PRODUCER, outcome
from .ports import EventRepository, InboundLog, ParticipantRepository


class UnknownEvent(Unprocessable):
    """The submission names an event registration has never published."""


async def submit_registration(
    submission: RegistrationSubmitted,
    cause: Envelope,
    events: EventRepository,
    participants: ParticipantRepository,
    inbound: InboundLog,
    now: dt.datetime,
    admissions: KeyedLocks,
) -> OutcomeStatus:
    """Different people's registrations are handled side by side (one person's in order). Each takes its event's turn
    in the order they arrived, and an event with a capacity keeps the turn from counting its seats to taking one:
    first come, first seated. Without a capacity the next person need not wait."""
    async with admissions.hold(cause.event_id):
        event = await events.get(cause.event_id)
        if event is None:
            reason = [("event_id", f"event '{cause.event_id}' does not exist; check the id with the event's operator")]
            await inbound.answer(str(cause.message_id), cause.event_id, [outcome(cause, submission, OutcomeStatus.REFUSED, revision=submission.revision, reasons=reason)])
            raise UnknownEvent(reason[0][1])
        if event.capacity is not None:
            return await _admit(submission, cause, event, participants, events, inbound, now)
    return await _admit(submission, cause, event, participants, events, inbound, now)


async def _admit(
    submission: RegistrationSubmitted,
    cause: Envelope,
    event: EventDetails,
    participants: ParticipantRepository,
    events: EventRepository,
    inbound: InboundLog,
    now: dt.datetime,
) -> OutcomeStatus:
    participant_id = participant_id_for(event.event_id, submission.source, submission.reference)
    # A counter, because counting participants would read every participant document. It is raised after the
    # participant is written: a crash in between can let one more person in than the capacity, never fewer.
    admitted = await events.seats_taken(event.event_id) if event.capacity is not None else 0
    # Most submissions are someone new: admit them as new with one insert, which fails when the id is taken (a new
    # revision, a repeat, an erased reference). Only then is the stored participant read and decided on.
    admission = decide(event, None, submission.revision, submission.registration, admitted=admitted, now=now)
    if admission.verdict is Verdict.ADMIT and await _write(submission, cause, participant_id, participants, admission, new=True):
        await events.take_seat(event.event_id)
        return OutcomeStatus.ACCEPTED
    stored = await participants.get(participant_id)
    admission = decide(event, stored, submission.revision, submission.registration, admitted=admitted, now=now)
    if admission.verdict in (Verdict.REFUSE, Verdict.STALE, Verdict.UNCHANGED):
        status = {
            Verdict.REFUSE: OutcomeStatus.REFUSED,
            Verdict.STALE: OutcomeStatus.IGNORED_STALE,
            Verdict.UNCHANGED: OutcomeStatus.UNCHANGED,
        }[admission.verdict]
        known = participant_id if stored and stored.status is ParticipantStatus.ACTIVE else None
        await inbound.answer(
            str(cause.message_id), event.event_id,
            [outcome(cause, submission, status, revision=submission.revision, participant_id=known, reasons=admission.reasons)],
        )
        return status
    status = await _write(submission, cause, participant_id, participants, admission, new=False)
    if admission.verdict is Verdict.ADMIT:
        await events.take_seat(event.event_id)
    return status


async def _write(
    submission: RegistrationSubmitted, cause: Envelope, participant_id: str, participants: ParticipantRepository,
    admission: Admission, *, new: bool,
) -> OutcomeStatus | None:
    """Store the admitted or updated participant with its fact and the sender's answer; None when ``new`` and the
    participant exists already."""
    fields = dict(
        participant_id=participant_id, source=submission.source, reference=submission.reference,
        revision=submission.revision, registration=submission.registration,
        unavailable_slot_ids=admission.unavailable_slot_ids,
    )
    if admission.verdict is Verdict.ADMIT:
        fact, status = ParticipantRegistered(**fields), OutcomeStatus.ACCEPTED
    else:
        fact, status = ParticipantUpdated(**fields, changed_fields=tuple(admission.changed_fields)), OutcomeStatus.UPDATED
    written = await participants.save(
        event_id=cause.event_id, participant_id=participant_id, source=submission.source,
        reference=submission.reference, status=ParticipantStatus.ACTIVE, revision=submission.revision,
        registration=submission.registration, unavailable_slot_ids=admission.unavailable_slot_ids,
        messages=[
            caused_by(cause, REGISTRATIONS, fact, producer=PRODUCER),
            outcome(cause, submission, status, revision=submission.revision, participant_id=participant_id),
        ],
        only_if_new=new,
    )
    return status if written else None

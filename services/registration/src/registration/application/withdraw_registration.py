"""Use cases: a sending system withdraws a registration, or the person asks to be erased."""

from __future__ import annotations

from contracts.envelope import Envelope
from contracts.registrations import (
    OutcomeStatus,
    ParticipantErased,
    ParticipantWithdrawn,
    RegistrationErasureRequested,
    RegistrationWithdrawalRequested,
)
from contracts.topics import REGISTRATIONS
from servicekit.outbox import caused_by

from ..domain.admission import ParticipantStatus
from ..domain.identity import participant_id_for
from .outcomes import PRODUCER, outcome
from .ports import EventRepository, InboundLog, ParticipantRepository


async def withdraw_registration(
    request: RegistrationWithdrawalRequested, cause: Envelope, events: EventRepository,
    participants: ParticipantRepository, inbound: InboundLog,
) -> OutcomeStatus:
    participant_id = participant_id_for(cause.event_id, request.source, request.reference)
    stored = await participants.get(participant_id)
    if stored is None or stored.status is not ParticipantStatus.ACTIVE:
        reason = "no active registration has this reference" if stored is None or stored.status is ParticipantStatus.ERASED else "already withdrawn"
        await inbound.answer(
            str(cause.message_id), cause.event_id,
            [outcome(cause, request, OutcomeStatus.REFUSED, reasons=[("reference", reason)])],
        )
        return OutcomeStatus.REFUSED
    await participants.save(
        event_id=cause.event_id, participant_id=participant_id, source=request.source, reference=request.reference,
        status=ParticipantStatus.WITHDRAWN, revision=stored.revision, registration=stored.registration,
        unavailable_slot_ids=(),
        messages=[
            caused_by(cause, REGISTRATIONS, ParticipantWithdrawn(participant_id=participant_id, reason=request.reason), producer=PRODUCER),
            outcome(cause, request, OutcomeStatus.WITHDRAWN, participant_id=participant_id),
        ],
    )
    await events.free_seat(cause.event_id)
    return OutcomeStatus.WITHDRAWN


async def erase_registration(
    request: RegistrationErasureRequested, cause: Envelope, events: EventRepository,
    participants: ParticipantRepository, inbound: InboundLog,
) -> OutcomeStatus:
    """Forget the person: registration keeps only the reference (so a late copy cannot bring them back)."""
    participant_id = participant_id_for(cause.event_id, request.source, request.reference)
    stored = await participants.get(participant_id)
    if stored is None:
        await inbound.answer(
            str(cause.message_id), cause.event_id,
            [outcome(cause, request, OutcomeStatus.REFUSED, reasons=[("reference", "no registration has this reference")])],
        )
        return OutcomeStatus.REFUSED
    held_a_place = stored.status is ParticipantStatus.ACTIVE
    await participants.save(
        event_id=cause.event_id, participant_id=participant_id, source=request.source, reference=request.reference,
        status=ParticipantStatus.ERASED, revision=stored.revision, registration=None, unavailable_slot_ids=(),
        messages=[
            caused_by(cause, REGISTRATIONS, ParticipantErased(participant_id=participant_id), producer=PRODUCER),
            outcome(cause, request, OutcomeStatus.ERASED, participant_id=participant_id),
        ],
    )
    if held_a_place:
        await events.free_seat(cause.event_id)
    return OutcomeStatus.ERASED

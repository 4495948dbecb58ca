"""Thin subscribers: typed contract in, use case called, keys released for parked messages out."""

from __future__ import annotations

import datetime as dt

from contracts.envelope import Envelope
from contracts.operator import PublishEvent
from contracts.registrations import (
    RegistrationErasureRequested,
    RegistrationSubmitted,
    RegistrationWithdrawalRequested,
)
from contracts.topics import OPERATOR_COMMANDS, REGISTRATIONS_INBOUND
from servicekit.keyed_locks import KeyedLocks
from servicekit.service import ServiceRuntime

from ..application.publish_event import publish_event
from ..application.submit_registration import submit_registration
from ..application.withdraw_registration import erase_registration, withdraw_registration
from ..application.ports import EventRepository, InboundLog, ParticipantRepository
from ..domain.identity import participant_id_for


def register_consumers(
    runtime: ServiceRuntime, events: EventRepository, participants: ParticipantRepository, inbound: InboundLog
) -> None:
    async def on_publish_event(envelope: Envelope, command: PublishEvent) -> list[str]:
        return await publish_event(command, envelope, events)

    admissions = KeyedLocks()

    async def on_submitted(envelope: Envelope, submission: RegistrationSubmitted) -> None:
        await submit_registration(submission, envelope, events, participants, inbound, dt.datetime.now(dt.UTC), admissions)

    async def on_withdrawal(envelope: Envelope, request: RegistrationWithdrawalRequested) -> None:
        await withdraw_registration(request, envelope, events, participants, inbound)

    async def on_erasure(envelope: Envelope, request: RegistrationErasureRequested) -> None:
        await erase_registration(request, envelope, events, participants, inbound)

    runtime.consume(OPERATOR_COMMANDS, {PublishEvent: on_publish_event})
    runtime.consume(
        REGISTRATIONS_INBOUND,
        {
            RegistrationSubmitted: on_submitted,
            RegistrationWithdrawalRequested: on_withdrawal,
            RegistrationErasureRequested: on_erasure,
        },
        order_by=one_person,
    )


def one_person(envelope: Envelope) -> str:
    """Registrations, withdrawals and erasures of one person are handled in order; different people's side by side
    (a large event's registrations arrive by the hundred). Read before the payload is validated: an invalid one
    goes to the dead-letter topic all the same."""
    data = envelope.data
    return participant_id_for(envelope.event_id, str(data.get("source", "")).strip(), str(data.get("reference", "")).strip())

"""The answer every inbound message gets on ``registrations.outcomes``, keyed by the sender's reference."""

from __future__ import annotations

import datetime as dt

from contracts.envelope import Envelope
from contracts.registrations import OutcomeStatus, Reason, RegistrationOutcome, SenderReference
from contracts.topics import REGISTRATIONS_OUTCOMES
from servicekit.outbox import Outgoing, caused_by

PRODUCER = "registration"


def outcome(
    cause: Envelope,
    sender: SenderReference,
    status: OutcomeStatus,
    *,
    revision: int | None = None,
    participant_id: str | None = None,
    reasons: list[tuple[str, str]] | None = None,
) -> Outgoing:
    answer = RegistrationOutcome(
        source=sender.source,
        reference=sender.reference,
        revision=revision,
        status=status,
        participant_id=participant_id,
        reasons=tuple(Reason(field=f, message=m) for f, m in reasons or []),
        inbound_message_id=str(cause.message_id),
        decided_at=dt.datetime.now(dt.UTC),
    )
    return caused_by(cause, REGISTRATIONS_OUTCOMES, answer, producer=PRODUCER, key=sender.reference)

"""Which message types exist, on which topic, and how raw bytes become a typed payload.

A reader calls :func:`open_message` and gets the envelope and the typed payload, or a
:class:`ContractViolation` whose text names every offending field — that text is what goes to the dead-letter topic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from . import events, matching, notifications, operator, registrations, schedule, topics
from .base import Message
from .envelope import Envelope

TOPIC_TYPES: dict[str, tuple[type[Message], ...]] = {
    topics.REGISTRATIONS_INBOUND: (
        registrations.RegistrationSubmitted,
        registrations.RegistrationWithdrawalRequested,
        registrations.RegistrationErasureRequested,
    ),
    topics.REGISTRATIONS_OUTCOMES: (registrations.RegistrationOutcome,),
    topics.EVENTS: (events.EventPublished, events.EventUpdated),
    topics.REGISTRATIONS: (
        registrations.ParticipantRegistered,
        registrations.ParticipantUpdated,
        registrations.ParticipantWithdrawn,
        registrations.ParticipantErased,
    ),
    topics.MATCH_DECISIONS_INBOUND: (matching.MatchDecisionSubmitted,),
    topics.MATCHES: (
        matching.SuggestionsUpdated,
        matching.MatchRequested,
        matching.MatchAccepted,
        matching.MatchDeclined,
        matching.MatchCancelled,
        matching.DecisionRefused,
    ),
    topics.SCHEDULE: (
        schedule.MeetingScheduled,
        schedule.MeetingRescheduled,
        schedule.MeetingCancelled,
        schedule.MeetingUnplaceable,
        schedule.ScheduleOptimised,
    ),
    topics.NOTIFICATIONS: (notifications.NotificationSent, notifications.NotificationFailed),
    topics.OPERATOR_COMMANDS: (operator.PublishEvent, operator.OptimiseSchedule, operator.SendAgendas),
}

MESSAGE_TYPES: dict[str, type[Message]] = {model.__name__: model for models in TOPIC_TYPES.values() for model in models}
CURRENT_VERSION: dict[str, int] = {name: 1 for name in MESSAGE_TYPES}

# Upcasters turn the data of an older schema version into the next one: (type, from_version) -> function.
# Version 1 is the first, so there are none yet; a version 2 adds its upcaster here and a test with a stored v1 message.
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}


class ContractViolation(ValueError):
    """Raw bytes that are not a valid message of the topic. The text says precisely what is wrong."""


def type_name_of(payload: Message) -> str:
    name = type(payload).__name__
    if name not in MESSAGE_TYPES:
        raise KeyError(f"{name} is not a registered message type")
    return name


def describe_validation_error(error: ValidationError, prefix: str = "") -> str:
    """Every problem of a validation error as 'field.path: message', joined with '; '."""
    parts = []
    for problem in error.errors(include_url=False):
        path = ".".join(str(p) for p in problem["loc"])
        where = f"{prefix}{path}" if path else (prefix.rstrip(".") or "message")
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def field_errors(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    """The problems of a validation error as (dotted field, message) pairs."""
    return [
        (prefix + ".".join(str(p) for p in problem["loc"]), problem["msg"]) for problem in error.errors(include_url=False)
    ]


def open_envelope(raw: bytes | str) -> Envelope:
    """Parse the envelope only; raises ContractViolation for broken JSON or a broken envelope."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContractViolation(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ContractViolation("not a JSON object: every message is an envelope object with a 'data' field")
    try:
        return Envelope.model_validate(document)
    except ValidationError as exc:
        raise ContractViolation(f"invalid envelope: {describe_validation_error(exc)}") from None


def read_payload(envelope: Envelope, topic: str | None = None) -> Message:
    """The typed payload of ``envelope``, upcast to the current version; ContractViolation when it is not valid."""
    model = MESSAGE_TYPES.get(envelope.type)
    if model is None or (topic is not None and model not in TOPIC_TYPES.get(topic, ())):
        allowed = ", ".join(m.__name__ for m in TOPIC_TYPES.get(topic, ())) if topic else ", ".join(MESSAGE_TYPES)
        raise ContractViolation(f"unknown message type '{envelope.type}' on this topic; expected one of: {allowed}")
    version, data = envelope.schema_version, dict(envelope.data)
    current = CURRENT_VERSION[envelope.type]
    if version > current:
        raise ContractViolation(
            f"{envelope.type} schema_version {version} is newer than this service reads ({current}); upgrade the service"
        )
    while version < current:
        data = UPCASTERS[(envelope.type, version)](data)
        version += 1
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContractViolation(f"invalid {envelope.type}: {describe_validation_error(exc, 'data.')}") from None


def open_message(raw: bytes | str, topic: str | None = None) -> tuple[Envelope, Message]:
    """Envelope and typed payload of raw bytes, or ContractViolation naming every offending field."""
    envelope = open_envelope(raw)
    return envelope, read_payload(envelope, topic)

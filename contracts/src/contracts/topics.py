"""Topic names and their partition counts: the one list every service, the stack and the tests use."""

from __future__ import annotations

REGISTRATIONS_INBOUND = "registrations.inbound"
REGISTRATIONS_OUTCOMES = "registrations.outcomes"
EVENTS = "events"
REGISTRATIONS = "registrations"
MATCH_DECISIONS_INBOUND = "match-decisions.inbound"
MATCHES = "matches"
SCHEDULE = "schedule"
NOTIFICATIONS = "notifications"
OPERATOR_COMMANDS = "operator.commands"

MAIN_TOPICS = (
    REGISTRATIONS_INBOUND,
    REGISTRATIONS_OUTCOMES,
    EVENTS,
    REGISTRATIONS,
    MATCH_DECISIONS_INBOUND,
    MATCHES,
    SCHEDULE,
    NOTIFICATIONS,
    OPERATOR_COMMANDS,
)

# Topics a service consumes get a dead-letter twin.
CONSUMED_TOPICS = (REGISTRATIONS_INBOUND, EVENTS, REGISTRATIONS, MATCH_DECISIONS_INBOUND, MATCHES, SCHEDULE, OPERATOR_COMMANDS)


def dead_letter_topic(topic: str) -> str:
    """The dead-letter topic of ``topic``."""
    return f"{topic}.dlq"


PARTITIONS = 3
"""Every topic is keyed by event id; three partitions let three replicas of a service share the events."""

ALL_TOPICS = MAIN_TOPICS + tuple(dead_letter_topic(t) for t in CONSUMED_TOPICS)

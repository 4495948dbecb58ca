"""Builders for the notifications domain tests: random ids, realistic people, an event at Hannover Messe."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from notifications.domain import (
    EventInfo,
    MeetingCancelled,
    MeetingInfo,
    MeetingParty,
    MeetingRescheduled,
    MeetingScheduled,
    Recipient,
    Sender,
)

UTC = timezone.utc


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Build:
    """Test data with random ids; every argument that matters to a test is named in that test."""

    def event(self, time_zone: str = "Europe/Berlin", **overrides) -> EventInfo:
        values = dict(
            event_id=new_id("event"),
            name="EU Cluster Matchmaking",
            venue="Hannover Messe, Hall 2",
            time_zone=time_zone,
            organiser_name="Enterprise Europe Network Niedersachsen",
            organiser_email="matchmaking@een.example.org",
        )
        return EventInfo(**{**values, **overrides})

    def party(self, name: str = "Jörg Müller", organisation: str = "Acme GmbH", **overrides) -> MeetingParty:
        participant_id = overrides.pop("participant_id", new_id("participant"))
        email = overrides.pop("email", f"{participant_id}@example.org")
        return MeetingParty(participant_id=participant_id, name=name, organisation=organisation, email=email)

    def recipient_for(self, party: MeetingParty, language: str = "en", role: str | None = None) -> Recipient:
        return Recipient(
            participant_id=party.participant_id,
            name=party.name,
            email=party.email,
            preferred_language=language,
            organisation=party.organisation,
            role=role,
        )

    def meeting(
        self,
        first: MeetingParty,
        second: MeetingParty,
        starts_at: datetime,
        *,
        version: int = 1,
        minutes: int = 20,
        table: str = "12",
        meeting_id: str | None = None,
        facilitator: MeetingParty | None = None,
        accompanied: bool = False,
    ) -> MeetingInfo:
        return MeetingInfo(
            meeting_id=meeting_id or new_id("meeting"),
            version=version,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            table=table,
            participants=(first, second),
            facilitator=facilitator,
            accompanied=accompanied,
        )

    def scheduled(self, meeting: MeetingInfo, occurred_at: datetime | None = None) -> MeetingScheduled:
        return MeetingScheduled(change_id=new_id("msg"), occurred_at=occurred_at or _stamp(meeting), meeting=meeting)

    def moved(self, previous: MeetingInfo, starts_at: datetime, table: str | None = None) -> MeetingRescheduled:
        meeting = MeetingInfo(
            meeting_id=previous.meeting_id,
            version=previous.version + 1,
            starts_at=starts_at,
            ends_at=starts_at + (previous.ends_at - previous.starts_at),
            table=table or previous.table,
            participants=previous.participants,
            facilitator=previous.facilitator,
            accompanied=previous.accompanied,
        )
        return MeetingRescheduled(
            change_id=new_id("msg"),
            occurred_at=_stamp(meeting),
            meeting=meeting,
            previous_starts_at=previous.starts_at,
            previous_ends_at=previous.ends_at,
            previous_table=previous.table,
        )

    def cancelled(self, previous: MeetingInfo, reason: str = "cancelled_by_participant") -> MeetingCancelled:
        meeting = MeetingInfo(
            meeting_id=previous.meeting_id,
            version=previous.version + 1,
            starts_at=previous.starts_at,
            ends_at=previous.ends_at,
            table=previous.table,
            participants=previous.participants,
            facilitator=previous.facilitator,
            accompanied=previous.accompanied,
        )
        return MeetingCancelled(change_id=new_id("msg"), occurred_at=_stamp(meeting), meeting=meeting, reason=reason)

    def sender(self) -> Sender:
        return Sender(address="no-reply@matchmaking.example", domain="matchmaking.example")


def _stamp(meeting: MeetingInfo) -> datetime:
    # Later versions happen later, like on the platform.
    return datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=meeting.version)


@pytest.fixture
def build() -> Build:
    return Build()

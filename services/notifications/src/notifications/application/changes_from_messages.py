"""Turns the platform's messages into the changes a participant is told about.

A message names participants by id; the directory (learnt from the registrations topic) gives their names and
addresses. When someone named is not known yet, the message waits for them (MissingParticipant).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from ..domain import (
    AgendaGap,
    AgendaIssued,
    Change,
    EventInfo,
    MeetingCancelled,
    MeetingInfo,
    MeetingParty,
    MeetingRequestReceived,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingUnplaceable,
    Recipient,
    RegistrationConfirmed,
    Suggestion,
    SuggestionsUpdated,
)
from .ports import RecipientRecord

Lookup = Callable[[str], Awaitable[RecipientRecord | None]]

MEETING_TYPES = {"MeetingScheduled", "MeetingRescheduled", "MeetingCancelled"}
DIGEST_TYPES = frozenset({"SuggestionsUpdated"})
"""Changes gathered over the longer digest window (``Pace.digest``) instead of going out at once."""


class MissingParticipant(Exception):
    def __init__(self, participant_id: str) -> None:
        super().__init__(f"participant {participant_id} is not known to notifications yet")
        self.participant_id = participant_id


def recipient_of(record: RecipientRecord) -> Recipient:
    return Recipient(
        participant_id=record.participant_id, name=record.name, email=record.email,
        preferred_language=record.language, organisation=record.organisation,
    )


def event_info(event: dict[str, Any]) -> EventInfo:
    return EventInfo(
        event_id=event["event_id"], name=event["name"], venue=event["venue"], time_zone=event["time_zone"],
        organiser_name=event["organiser"]["name"], organiser_email=event["organiser"]["email"],
    )


async def party(participant_id: str, lookup: Lookup) -> MeetingParty:
    record = await lookup(participant_id)
    if record is None:
        raise MissingParticipant(participant_id)
    return MeetingParty(
        participant_id=record.participant_id, name=record.name, organisation=record.organisation, email=record.email
    )


def recipients_of(message_type: str, data: dict[str, Any]) -> list[str]:
    """Who is told about a message."""
    if message_type == "ParticipantRegistered":
        return [data["participant_id"]]
    if message_type == "SuggestionsUpdated":
        return [data["participant_id"]] if data["suggestions"] else []
    if message_type == "MatchRequested":
        return [data["recipient_id"]]
    if message_type in MEETING_TYPES:
        people = [data["participant_a"], data["participant_b"]]
        return people + ([data["facilitator_id"]] if data.get("facilitator_id") else [])
    if message_type == "MeetingUnplaceable":
        return [data["participant_a"], data["participant_b"]]
    return []


async def meeting_info(data: dict[str, Any], place: dict[str, Any], lookup: Lookup) -> MeetingInfo:
    facilitator = await party(data["facilitator_id"], lookup) if data.get("facilitator_id") else None
    return MeetingInfo(
        meeting_id=data["meeting_id"],
        version=data["version"],
        starts_at=dt.datetime.fromisoformat(place["start"]),
        ends_at=dt.datetime.fromisoformat(place["end"]),
        table=str(place["table"]),
        participants=(await party(data["participant_a"], lookup), await party(data["participant_b"], lookup)),
        facilitator=facilitator,
        accompanied=facilitator is not None,
    )


async def build_change(
    message_type: str, data: dict[str, Any], *, change_id: str, occurred_at: dt.datetime, recipient_id: str, lookup: Lookup
) -> Change:
    common = {"change_id": change_id, "occurred_at": occurred_at}
    if message_type == "ParticipantRegistered":
        return RegistrationConfirmed(**common)
    if message_type == "SuggestionsUpdated":
        suggestions = []
        for item in data["suggestions"]:
            partner = await lookup(item["partner_id"])
            if partner is None or not partner.active:
                continue
            suggestions.append(Suggestion(
                partner_name=partner.name, organisation=partner.organisation, country=partner.country,
                score=item["score"], reasons=tuple(item["reasons"]), request_url=item.get("request_url") or "",
            ))
        return SuggestionsUpdated(**common, suggestions=tuple(suggestions))
    if message_type == "MatchRequested":
        requester = await lookup(data["requester_id"])
        if requester is None:
            raise MissingParticipant(data["requester_id"])
        return MeetingRequestReceived(
            **common, match_id=data["match_id"], requester=await party(data["requester_id"], lookup),
            requester_country=requester.country, note=data.get("note") or None,
            accept_url=data.get("accept_url") or "", decline_url=data.get("decline_url") or "",
        )
    if message_type == "MeetingScheduled":
        return MeetingScheduled(**common, meeting=await meeting_info(data, data["place"], lookup))
    if message_type == "MeetingRescheduled":
        previous = data["previous"]
        return MeetingRescheduled(
            **common, meeting=await meeting_info(data, data["place"], lookup),
            previous_starts_at=dt.datetime.fromisoformat(previous["start"]),
            previous_ends_at=dt.datetime.fromisoformat(previous["end"]), previous_table=str(previous["table"]),
        )
    if message_type == "MeetingCancelled":
        return MeetingCancelled(**common, meeting=await meeting_info(data, data["previous"], lookup), reason=data["reason"])
    if message_type == "MeetingUnplaceable":
        other = data["participant_b"] if recipient_id == data["participant_a"] else data["participant_a"]
        return MeetingUnplaceable(**common, match_id=data["match_id"], partner=await party(other, lookup), reason=data["reason"])
    if message_type == "AgendaIssued":
        meetings = [await meeting_info(m, m["place"], lookup) for m in data["meetings"]]
        meetings.sort(key=lambda m: m.starts_at)
        gaps = tuple(
            AgendaGap(starts_at=before.ends_at, ends_at=after.starts_at, kind="break")
            for before, after in zip(meetings, meetings[1:])
            if after.starts_at > before.ends_at and after.starts_at.date() == before.ends_at.date()
        )
        return AgendaIssued(**common, meetings=tuple(meetings), gaps=gaps)
    raise ValueError(f"notifications has no e-mail for {message_type}")

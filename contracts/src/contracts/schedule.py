"""Messages on the ``schedule`` topic: where and when meetings happen, and every change to that."""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from .base import Message


class MeetingPlace(Message):
    """Where and when a meeting happens."""

    slot_id: str = Field(description="Slot id of the event's grid ('YYYY-MM-DDTHH:MM', local).")
    start: AwareDatetime = Field(description="Start, with the event's UTC offset.")
    end: AwareDatetime = Field(description="End, with the event's UTC offset.")
    table: int = Field(ge=1, description="Table number, from 1.")


class MeetingFacts(Message):
    """What every meeting message says about the meeting."""

    meeting_id: str = Field(description="Stable id of the meeting; calendar UIDs derive from it.")
    match_id: str = Field(description="The accepted match the meeting realises.")
    version: int = Field(ge=1, description="Grows with every change of the meeting; the calendar SEQUENCE.")
    participant_a: str = Field(description="One participant.")
    participant_b: str = Field(description="The other participant.")
    facilitator_id: str | None = Field(default=None, description="Facilitator who accompanies the meeting, if any.")


class MeetingScheduled(MeetingFacts):
    """A meeting was placed."""

    place: MeetingPlace = Field(description="Where and when.")


class MeetingRescheduled(MeetingFacts):
    """A meeting moved (another slot or table)."""

    place: MeetingPlace = Field(description="The new place and time.")
    previous: MeetingPlace = Field(description="The place and time announced before.")
    reason: str = Field(description="Why it moved, e.g. 'optimisation' or 'slot 2026-04-22T14:00 was removed'.")


class MeetingCancelled(MeetingFacts):
    """A meeting will not happen."""

    previous: MeetingPlace = Field(description="The place and time announced before.")
    reason: str = Field(description="Why, e.g. 'the match was cancelled' or 'participant withdrew'.")


class MeetingUnplaceable(Message):
    """An accepted match could not be placed; it waits for room on the waiting list."""

    match_id: str = Field(description="The match that waits.")
    participant_a: str = Field(description="One participant.")
    participant_b: str = Field(description="The other participant.")
    reason: str = Field(description="Why no slot was found, in words.")
    waitlisted: bool = Field(description="Whether the match stays on the waiting list.")


class ScheduleOptimised(Message):
    """An optimisation run finished; the figures an operator wants to see."""

    placed: int = Field(description="Meetings placed.")
    unplaced: int = Field(description="Accepted matches still without a slot.")
    breaks_before: int = Field(description="Total breaks before the run.")
    breaks_after: int = Field(description="Total breaks after the run.")
    lower_bound: int = Field(description="Proven lower bound on total breaks.")
    moved: int = Field(description="Already announced meetings that moved.")
    seconds: float = Field(description="Solver time.")

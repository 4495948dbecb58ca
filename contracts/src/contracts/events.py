"""Messages on the ``events`` topic: what an event is, as registration publishes it for the other services."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AwareDatetime, EmailStr, Field, field_validator, model_validator

from .base import Identifier, LongText, Message, Name, OptionalLine
from .countries import CountryCode


class Break(Message):
    """A pause inside a session (coffee, lunch) in which no meeting is placed."""

    start: dt.time = Field(description="Local wall-clock start of the pause, in the event's time zone.")
    end: dt.time = Field(description="Local wall-clock end of the pause, in the event's time zone.")


class Session(Message):
    """A run of consecutive meeting slots on one day (a morning or an afternoon)."""

    name: Identifier = Field(description="Session name, unique within a day, e.g. 'morning' or 'afternoon'.")
    day: dt.date = Field(description="The day of the session.")
    start: dt.time = Field(description="Local wall-clock start of the first slot.")
    end: dt.time = Field(description="Local wall-clock end; no slot runs past it.")
    slot_minutes: Literal[15, 20, 30] = Field(description="Length of one meeting in minutes.")
    breaks: tuple[Break, ...] = Field(default=(), max_length=10, description="Pauses inside the session.")

    @model_validator(mode="after")
    def _ordered(self) -> Session:
        if self.end <= self.start:
            raise ValueError(f"session '{self.name}' on {self.day} ends ({self.end}) before it starts ({self.start})")
        for pause in self.breaks:
            if pause.end <= pause.start or pause.start < self.start or pause.end > self.end:
                raise ValueError(f"break {pause.start}-{pause.end} must lie inside session '{self.name}' and end after it starts")
        return self


class Slot(Message):
    """One meeting slot of the grid, derived by registration from the sessions so every service sees the same grid."""

    slot_id: str = Field(
        description="Stable slot identifier: the local start as 'YYYY-MM-DDTHH:MM'. It survives edits of other slots."
    )
    index: int = Field(ge=0, description="Position of the slot in time order, from 0.")
    session: str = Field(description="Name of the session the slot belongs to.")
    day: dt.date = Field(description="The day of the slot.")
    start: AwareDatetime = Field(description="Start, with the event's UTC offset on that day.")
    end: AwareDatetime = Field(description="End, with the event's UTC offset on that day.")


class Side(Message):
    """A named side of an event whose policy pairs sides (e.g. Europe meets CELAC)."""

    name: Identifier = Field(description="Side name, e.g. 'europe' or 'celac'.")
    countries: tuple[CountryCode, ...] = Field(
        min_length=1, max_length=250, description="Countries (ISO 3166-1 alpha-2) whose organisations are on this side."
    )


class SidePair(Message):
    """Two sides whose participants may meet each other."""

    first: Identifier = Field(description="One side's name.")
    second: Identifier = Field(description="The other side's name (may equal the first: members of one side meet).")

    @model_validator(mode="before")
    @classmethod
    def _from_two_names(cls, value: Any) -> Any:
        # Operators write pairs as [europe, celac] in YAML; stored documents cannot hold nested arrays.
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("a side pair names exactly two sides, e.g. [europe, celac]")
            return {"first": value[0], "second": value[1]}
        return value

    def __iter__(self):  # type: ignore[override]
        """Unpacks as (first, second), like the two names it stands for."""
        return iter((self.first, self.second))


class MatchingPolicy(Message):
    """Who may meet whom at an event. The policy is law for matching and for direct requests."""

    sides: tuple[Side, ...] = Field(
        default=(), max_length=10, description="Named sides; empty means everybody is on one side."
    )
    allowed_side_pairs: tuple[SidePair, ...] = Field(
        default=(),
        max_length=50,
        description="Pairs of sides that may meet, e.g. [{'first': 'europe', 'second': 'celac'}]. Empty means any two "
        "sides may meet. A participant whose country is on no side may meet nobody when sides are set.",
    )
    same_organisation_may_meet: bool = Field(default=False, description="Whether two people of one organisation may meet.")
    same_delegation_may_meet: bool = Field(default=False, description="Whether two members of one delegation may meet.")

    @model_validator(mode="after")
    def _pairs_name_known_sides(self) -> MatchingPolicy:
        names = {side.name for side in self.sides}
        for side_pair in self.allowed_side_pairs:
            for name in (side_pair.first, side_pair.second):
                if name not in names:
                    raise ValueError(f"allowed_side_pairs names side '{name}', which is not among sides {sorted(names)}")
        return self


class Organiser(Message):
    """Who runs the event; the sender of e-mails and the ORGANIZER of calendar invitations."""

    name: Name = Field(description="Organiser's name as shown to participants.")
    email: EmailStr = Field(description="Organiser's e-mail address.")


class EventStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class EventDraft(Message):
    """An event as an operator writes it (the YAML file): everything but the derived slot grid and the revision."""

    event_id: Identifier = Field(description="The event's id, chosen by the operator; the key of every topic.")
    name: Name = Field(description="The event's name.")
    description: LongText = Field(default="", description="What the event is about.")
    venue: Name = Field(description="Venue name and address as shown in invitations.")
    country: CountryCode | None = Field(default=None, description="Country of the venue.")
    time_zone: str = Field(description="IANA time zone of the venue, e.g. 'Europe/Berlin'.")
    organiser: Organiser = Field(description="Who runs the event.")
    status: EventStatus = Field(default=EventStatus.OPEN, description="open, closed for registration, or cancelled.")
    sessions: tuple[Session, ...] = Field(min_length=1, max_length=60, description="The sessions of every day.")
    tables: int = Field(ge=1, le=2000, description="Number of tables; one meeting per table per slot.")
    registration_deadline: AwareDatetime | None = Field(
        default=None, description="Registrations submitted after it are refused."
    )
    capacity: int | None = Field(default=None, ge=1, description="Most participants admitted; later ones are refused.")
    meeting_cap: int = Field(default=12, ge=1, le=100, description="Most meetings any one participant gets.")
    policy: MatchingPolicy = Field(default_factory=MatchingPolicy, description="Who may meet whom.")
    languages: tuple[str, ...] = Field(default=("en",), description="Languages in which the event communicates.")
    website: OptionalLine = Field(default="", description="Public web page of the event.")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone (examples: Europe/Berlin, Europe/Rome, America/Sao_Paulo)") from None
        return value

    @model_validator(mode="after")
    def _sessions_unique(self) -> EventDraft:
        seen: set[tuple[dt.date, str]] = set()
        for session in self.sessions:
            if (session.day, session.name) in seen:
                raise ValueError(f"two sessions are named '{session.name}' on {session.day}")
            seen.add((session.day, session.name))
        return self


class EventDetails(EventDraft):
    """The full description of an event: the payload of EventPublished and EventUpdated."""

    revision: int = Field(ge=1, description="Grows with every change of the event.")
    slots: tuple[Slot, ...] = Field(description="The slot grid derived from the sessions, in time order.")


class EventPublished(Message):
    """An event was created and opened: matching and scheduling set it up."""

    event: EventDetails = Field(description="The event as published.")


class EventUpdated(Message):
    """An event changed (grid, tables, policy, caps): services adapt what they hold, moving only what breaks."""

    event: EventDetails = Field(description="The event after the change.")
    changed_fields: tuple[str, ...] = Field(description="Top-level fields of the event that changed.")

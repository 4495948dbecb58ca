"""The things a participant is told about: one type per kind of news.

Each change carries ``change_id`` (the id of the platform message that caused it, stable across redeliveries) and
``occurred_at`` (when it happened on the platform: it orders the news in a gathered e-mail and stamps the calendar
data, so composing the same change twice yields the same bytes). ``kind`` names the change's templates and
catalogue entries. ``identity`` is what makes two deliveries "the same change" for dedupe: for meetings it is the
meeting and its version, so even a re-published announcement with a fresh message id is not mailed twice.

Reasons (refusal, cancellation, unplaceable) are either a catalogue code such as ``"no_free_slot"``, which is
translated, or free text from an operator, which is shown as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import ClassVar, Literal

from notifications.domain.meeting_info import MeetingInfo, MeetingParty


def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")
    return value.astimezone(timezone.utc)


@dataclass(frozen=True, kw_only=True)
class _ChangeBase:
    change_id: str
    occurred_at: datetime

    kind: ClassVar[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "occurred_at", _require_aware(self.occurred_at, "occurred_at"))

    @property
    def identity(self) -> str:
        return f"{self.kind}:{self.change_id}"


@dataclass(frozen=True, kw_only=True)
class RegistrationConfirmed(_ChangeBase):
    """The participant is registered for the event."""

    kind: ClassVar[str] = "registration_confirmed"


@dataclass(frozen=True, kw_only=True)
class RegistrationRefused(_ChangeBase):
    """The registration was not accepted; the participant must learn why to be able to fix it."""

    reasons: tuple[str, ...]

    kind: ClassVar[str] = "registration_refused"


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """A proposed partner, with the reasons in words and a link that requests the meeting in one click.

    ``country`` is an ISO 3166 alpha-2 code so it can be named in the reader's language; ``score`` is 0..1.
    """

    partner_name: str
    organisation: str
    country: str
    score: float
    reasons: tuple[str, ...]
    request_url: str


@dataclass(frozen=True, kw_only=True)
class SuggestionsUpdated(_ChangeBase):
    """New or better partner suggestions for the participant, best first."""

    suggestions: tuple[Suggestion, ...]

    kind: ClassVar[str] = "suggestions_updated"


@dataclass(frozen=True, kw_only=True)
class MeetingRequestReceived(_ChangeBase):
    """Someone asks the participant for a meeting; the participant answers with one click."""

    match_id: str
    requester: MeetingParty
    requester_country: str | None
    note: str | None
    accept_url: str
    decline_url: str

    kind: ClassVar[str] = "meeting_request_received"


@dataclass(frozen=True, kw_only=True)
class _MeetingChange(_ChangeBase):
    meeting: MeetingInfo

    @property
    def identity(self) -> str:
        return f"{self.kind}:meeting-{self.meeting.meeting_id}:v{self.meeting.version}"


@dataclass(frozen=True, kw_only=True)
class MeetingScheduled(_MeetingChange):
    """A meeting was placed in a slot at a table: the participant gets an invitation (iTIP REQUEST)."""

    kind: ClassVar[str] = "meeting_scheduled"


@dataclass(frozen=True, kw_only=True)
class MeetingRescheduled(_MeetingChange):
    """A meeting moved; ``meeting`` is the new version, the previous time and table are kept to say what changed."""

    previous_starts_at: datetime
    previous_ends_at: datetime
    previous_table: str | None = None

    kind: ClassVar[str] = "meeting_rescheduled"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "previous_starts_at", _require_aware(self.previous_starts_at, "previous_starts_at"))
        object.__setattr__(self, "previous_ends_at", _require_aware(self.previous_ends_at, "previous_ends_at"))


@dataclass(frozen=True, kw_only=True)
class MeetingCancelled(_MeetingChange):
    """A meeting will not take place; ``meeting`` is its final version, which the calendar CANCEL carries."""

    reason: str

    kind: ClassVar[str] = "meeting_cancelled"


@dataclass(frozen=True, kw_only=True)
class MeetingUnplaceable(_ChangeBase):
    """An accepted match found no slot yet; it stays on the waiting list (the catalogue says so to the reader)."""

    match_id: str
    partner: MeetingParty
    reason: str

    kind: ClassVar[str] = "meeting_unplaceable"


@dataclass(frozen=True, kw_only=True)
class AgendaGap:
    """Time in the participant's day without a meeting: ``free`` (an unused slot) or ``break`` (the event's pause).

    ``label`` is the organiser's name for a break ("Lunch"), shown as given.
    """

    starts_at: datetime
    ends_at: datetime
    kind: Literal["free", "break"]
    label: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts_at", _require_aware(self.starts_at, "starts_at"))
        object.__setattr__(self, "ends_at", _require_aware(self.ends_at, "ends_at"))


@dataclass(frozen=True, kw_only=True)
class AgendaIssued(_ChangeBase):
    """The participant's whole programme for the event: meetings and gaps, shown in time order."""

    meetings: tuple[MeetingInfo, ...]
    gaps: tuple[AgendaGap, ...] = field(default=())

    kind: ClassVar[str] = "agenda_issued"

    @property
    def entries(self) -> list[MeetingInfo | AgendaGap]:
        """Meetings and gaps in the order the participant lives through them."""
        return sorted((*self.meetings, *self.gaps), key=lambda entry: (entry.starts_at, entry.ends_at))


Change = (
    RegistrationConfirmed
    | RegistrationRefused
    | SuggestionsUpdated
    | MeetingRequestReceived
    | MeetingScheduled
    | MeetingRescheduled
    | MeetingCancelled
    | MeetingUnplaceable
    | AgendaIssued
)
"""Any one piece of news for one recipient."""

MeetingChange = MeetingScheduled | MeetingRescheduled | MeetingCancelled
"""The changes that carry a calendar invitation for one meeting."""

CHANGE_TYPES: tuple[type, ...] = Change.__args__  # type: ignore[attr-defined]

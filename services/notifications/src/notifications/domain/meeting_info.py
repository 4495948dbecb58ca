"""A placed meeting, as the scheduling service announced it in one version.

Times are instants: timezone-aware datetimes, normalised to UTC. Scheduling decides instants and an instant can
never be ambiguous, whereas a local wall-clock time is ambiguous or missing around a daylight-saving change. Local
times are derived only for display and for the calendar file, always in the event's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True, kw_only=True)
class MeetingParty:
    """A person in a meeting: one of the two participants, or the facilitator who accompanies them."""

    participant_id: str
    name: str
    organisation: str
    email: str


@dataclass(frozen=True, kw_only=True)
class MeetingInfo:
    """One version of a meeting.

    ``version`` grows with every change the scheduling service makes to the meeting (placed, moved, cancelled);
    it becomes the iCalendar SEQUENCE, which is how calendar clients tell a newer invitation from an older one.
    The facilitator is only invited when ``accompanied`` is true: a delegation may have a facilitator who does not
    attend every meeting of its members.
    """

    meeting_id: str
    version: int
    starts_at: datetime
    ends_at: datetime
    table: str
    participants: tuple[MeetingParty, MeetingParty]
    facilitator: MeetingParty | None = None
    accompanied: bool = False

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware, got {value!r}")
            object.__setattr__(self, name, value.astimezone(timezone.utc))
        if self.ends_at <= self.starts_at:
            raise ValueError("a meeting must end after it starts")
        if self.version < 0:
            raise ValueError("a meeting version cannot be negative")
        object.__setattr__(self, "participants", tuple(self.participants))

    @property
    def attending_facilitator(self) -> MeetingParty | None:
        return self.facilitator if self.accompanied else None

    @property
    def attendees(self) -> tuple[MeetingParty, ...]:
        """Everyone who is expected at the table."""
        facilitator = self.attending_facilitator
        return self.participants + ((facilitator,) if facilitator else ())

    def partner_of(self, participant_id: str) -> MeetingParty | None:
        """The other participant, or None when the reader is not one of the two (e.g. the facilitator)."""
        first, second = self.participants
        if first.participant_id == participant_id:
            return second
        if second.participant_id == participant_id:
            return first
        return None

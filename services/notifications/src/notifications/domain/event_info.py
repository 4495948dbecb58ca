"""The matchmaking event as far as an e-mail or a calendar entry has to mention it."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True, kw_only=True)
class EventInfo:
    """One matchmaking event.

    ``time_zone`` is an IANA name ("Europe/Berlin"): every time a participant reads is shown in it, because the
    meetings happen at the venue and people plan by the venue's clock, wherever they read the e-mail. Constructing
    an EventInfo with an unknown zone fails at once rather than when the first e-mail is composed.
    The organiser is named in calendar invitations (ORGANIZER) and is where replies go (Reply-To).
    """

    event_id: str
    name: str
    venue: str
    time_zone: str
    organiser_name: str
    organiser_email: str

    def __post_init__(self) -> None:
        ZoneInfo(self.time_zone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

"""The matching domain's own picture of a participant: only what matching needs, free of the message contracts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ProfileItem:
    """One thing offered or requested: kind is business, technology, research, partnership or investment."""

    kind: str
    title: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Participant:
    """One person at one event, with the organisation they represent and what they offer and look for."""

    participant_id: str
    organisation: str
    country: str
    offers: tuple[ProfileItem, ...] = ()
    requests: tuple[ProfileItem, ...] = ()
    topics: tuple[str, ...] = ()
    sector_codes: tuple[str, ...] = ()
    target_countries: tuple[str, ...] = ()
    description: str = ""
    delegation_id: str | None = None
    is_facilitator: bool = False
    meeting_cap: int | None = None
    share_profile: bool = True
    languages: tuple[str, ...] = field(default=())

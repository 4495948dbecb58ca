"""Who an e-mail is for.

The notifications service keeps its own copy of each participant (it may not read the registration database), so
this is everything a message needs to address, greet and localise for one person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Recipient:
    """One registered participant as the notifications service knows them.

    ``preferred_language`` is a language tag as the participant gave it ("de", "pt-BR", "fr_CA", or anything else);
    it is resolved when the e-mail is composed, so an unsupported tag still yields a readable (English) e-mail.
    ``role`` is set for people who receive mail about meetings that are not their own, e.g. "facilitator" for a
    delegation's facilitator who accompanies members' meetings.
    """

    participant_id: str
    name: str
    email: str
    preferred_language: str
    organisation: str
    role: str | None = None

"""Match ids: one per pair of participants and round, the same whoever computes it."""

from __future__ import annotations

import uuid

from ..domain.match import Match

_NAMESPACE = uuid.UUID("c3b7d0a4-51c2-4b8e-9f0e-7d6a5e4c3b21")


def pair_key(event_id: str, a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{event_id}|{first}|{second}"


def match_id_for(event_id: str, match: Match) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{pair_key(event_id, match.requester, match.recipient)}|{match.round}"))

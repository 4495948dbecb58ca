"""The platform's participant id: stable for one event, sending system and sender's reference, so the same
submission twice (or replayed after a crash) always names the same participant."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1c1a52-4d0e-4b7e-9a3e-2f8a9d6c7b10")


def participant_id_for(event_id: str, source: str, reference: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{event_id}\n{source}\n{reference}"))

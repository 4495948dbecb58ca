"""Signed one-click links that matching puts into messages (e-mails carry them to participants)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..domain.links import LinkPayload, sign_link


@dataclass(frozen=True)
class LinkMaker:
    base_url: str
    key: bytes
    valid_seconds: int

    def url(self, event_id: str, action: str, actor_id: str, subject_id: str) -> str:
        payload = LinkPayload(event_id, action, actor_id, subject_id, int(time.time()) + self.valid_seconds)
        return f"{self.base_url.rstrip('/')}/act/{sign_link(payload, self.key)}"

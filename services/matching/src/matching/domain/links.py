"""One-click action links: a signed, expiring token naming who may do what.

Token: ``v1.<payload>.<signature>``, both parts base64url without padding; the payload is compact JSON
``{"e": event id, "a": action, "p": actor participant id, "s": subject, "x": expiry unix time}``; the signature is
HMAC-SHA256 over ``v1.<payload>`` with the service's secret. The subject is the other participant for ``request``
and the match id for ``accept`` / ``decline``. Verification compares signatures in constant time, tries every key
given (so keys can be rotated: sign with the new one, keep verifying with the old one for a while) and checks the
signature before it reads anything else from the token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

ACTIONS = frozenset({"request", "accept", "decline"})
_VERSION = "v1"


class LinkError(StrEnum):
    """Why a link was refused."""

    MALFORMED = "malformed"
    TAMPERED = "tampered"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class LinkPayload:
    """What a link allows: ``actor_id`` may ``action`` about ``subject_id`` in ``event_id`` until ``expires_at``."""

    event_id: str
    action: str
    actor_id: str
    subject_id: str
    expires_at: int


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signed: str) -> bytes:
    return hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()


def sign_link(payload: LinkPayload, key: bytes) -> str:
    """The URL-safe token for ``payload``."""
    if payload.action not in ACTIONS:
        raise ValueError(f"action must be one of {sorted(ACTIONS)}, not '{payload.action}'")
    if len(key) < 16:
        raise ValueError("the signing key must be at least 16 bytes")
    body = {"e": payload.event_id, "a": payload.action, "p": payload.actor_id, "s": payload.subject_id,
            "x": int(payload.expires_at)}
    signed = f"{_VERSION}.{_encode(json.dumps(body, separators=(',', ':'), ensure_ascii=False).encode())}"
    return f"{signed}.{_encode(_signature(key, signed))}"


def verify_link(token: str, keys: bytes | Sequence[bytes], now: float) -> LinkPayload | LinkError:
    """The payload of a genuine, unexpired token; otherwise why not (malformed, tampered or expired)."""
    key_list = [keys] if isinstance(keys, bytes) else list(keys)
    parts = token.split(".") if isinstance(token, str) and len(token) <= 4096 else []
    if len(parts) != 3 or parts[0] != _VERSION:
        return LinkError.MALFORMED
    try:
        given = _decode(parts[2])
        raw = _decode(parts[1])
    except (binascii.Error, ValueError):
        return LinkError.MALFORMED
    signed = f"{parts[0]}.{parts[1]}"
    if not any(hmac.compare_digest(_signature(key, signed), given) for key in key_list):
        return LinkError.TAMPERED
    try:
        body = json.loads(raw)
        payload = LinkPayload(str(body["e"]), str(body["a"]), str(body["p"]), str(body["s"]), int(body["x"]))
    except (ValueError, KeyError, TypeError):
        return LinkError.MALFORMED
    if payload.action not in ACTIONS:
        return LinkError.MALFORMED
    if now >= payload.expires_at:
        return LinkError.EXPIRED
    return payload

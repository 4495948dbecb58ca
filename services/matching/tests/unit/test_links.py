"""One-click links are signed, expire, and say precisely why they are refused."""

from __future__ import annotations

import secrets

import pytest

from matching.domain.links import LinkError, LinkPayload, sign_link, verify_link

KEY = secrets.token_bytes(32)
NOW = 1_750_000_000


def payload(**changes) -> LinkPayload:
    values = dict(event_id="hm-2026", action="accept", actor_id="p-1", subject_id="m-42", expires_at=NOW + 3600)
    values.update(changes)
    return LinkPayload(**values)


def test_a_genuine_link_gives_back_its_payload() -> None:
    token = sign_link(payload(), KEY)
    assert all(c.isalnum() or c in "-_." for c in token)
    assert verify_link(token, KEY, NOW) == payload()


def test_a_changed_payload_or_signature_is_tampered() -> None:
    token = sign_link(payload(), KEY)
    version, body, signature = token.split(".")
    forged = sign_link(payload(actor_id="p-2"), KEY).split(".")[1]
    assert verify_link(f"{version}.{forged}.{signature}", KEY, NOW) is LinkError.TAMPERED
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert verify_link(f"{version}.{body}.{flipped}", KEY, NOW) is LinkError.TAMPERED
    assert verify_link(token, secrets.token_bytes(32), NOW) is LinkError.TAMPERED


def test_an_expired_link_is_refused_as_expired() -> None:
    token = sign_link(payload(expires_at=NOW - 1), KEY)
    assert verify_link(token, KEY, NOW) is LinkError.EXPIRED
    assert verify_link(sign_link(payload(expires_at=NOW), KEY), KEY, NOW) is LinkError.EXPIRED


@pytest.mark.parametrize("token", ["", "abc", "v1.abc", "v2.a.b", "v1.!!!.???", "v1..", "v1.a.b.c"])
def test_garbage_is_malformed(token: str) -> None:
    assert verify_link(token, KEY, NOW) in (LinkError.MALFORMED, LinkError.TAMPERED)
    if token.count(".") != 2 or not token.startswith("v1."):
        assert verify_link(token, KEY, NOW) is LinkError.MALFORMED


def test_old_keys_still_verify_during_rotation() -> None:
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    token = sign_link(payload(action="request", subject_id="p-9"), old)
    assert verify_link(token, [new, old], NOW) == payload(action="request", subject_id="p-9")


def test_unknown_actions_are_not_signed() -> None:
    with pytest.raises(ValueError):
        sign_link(payload(action="cancel"), KEY)

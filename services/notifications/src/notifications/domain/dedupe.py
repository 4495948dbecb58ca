"""Keys that make "one e-mail per change per recipient" hold across redeliveries and crashes.

A change is redelivered with the same identity (see ``changes``), so the pair (change identity, recipient) names
the one e-mail that must exist for it: the service records the key before sending and skips a key it has sent.
An e-mail that gathers several changes gets a key derived from all of theirs, and its Message-ID is derived from
that key: a resend after a crash carries the same Message-ID, so mail systems and readers can recognise it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from notifications.domain.changes import Change
from notifications.domain.recipient import Recipient

_KEY_VERSION = "v1"


def dedupe_key(change: Change, recipient: Recipient) -> str:
    """The deterministic key of the e-mail that tells ``recipient`` about ``change``."""
    return f"notification:{_KEY_VERSION}:{recipient.participant_id}:{change.identity}"


def gathered_dedupe_key(keys: Iterable[str]) -> str:
    """One key for an e-mail that tells about several changes; the order they were gathered in does not matter.

    A single key is returned unchanged, so an e-mail about one change has the same key whether or not it went
    through burst gathering.
    """
    unique = sorted(set(keys))
    if not unique:
        raise ValueError("an e-mail needs at least one change")
    if len(unique) == 1:
        return unique[0]
    digest = hashlib.sha256("\n".join(unique).encode("utf-8")).hexdigest()
    return f"notification:{_KEY_VERSION}:gathered:{digest}"


def message_id_for(key: str, domain: str) -> str:
    """An RFC 5322 Message-ID that is the same for the same key, always.

    The key is hashed because it may hold characters a msg-id may not, and names nothing personal that way.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@{domain}>"

"""Gathering a burst of changes for one recipient into one e-mail.

Schedules change in bursts (an optimisation run moves dozens of meetings within seconds), and one e-mail per
change would bury the participant. ``Pace`` says when news becomes due: at once (after a moment's settling) for
someone not mailed lately, gathered behind the last e-mail otherwise. When it is due, everything pending for that
recipient goes out together (``bursts_for``), at most ``max_changes_per_email`` per e-mail (the rest follows in
further e-mails at once, oldest first). The decisions are pure: the service passes the pending changes and the
time, and stores what was decided before sending.

Several changes to one meeting in a burst are all told (the reader learns it was moved, then cancelled), but only
the latest version of each meeting is attached as an invitation: an older one would be stale on arrival.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from notifications.domain.changes import Change, MeetingCancelled, MeetingChange, MeetingRescheduled, MeetingScheduled
from notifications.domain.dedupe import dedupe_key, gathered_dedupe_key
from notifications.domain.recipient import Recipient


@dataclass(frozen=True)
class PendingChange:
    """A change waiting to be sent to one recipient, and when the service received it."""

    change: Change
    arrived_at: datetime


@dataclass(frozen=True)
class GatheringPolicy:
    """How much news one e-mail may carry."""

    max_changes_per_email: int = 20

    def __post_init__(self) -> None:
        if self.max_changes_per_email < 1:
            raise ValueError("an e-mail must be allowed to carry at least one change")


@dataclass(frozen=True)
class Pace:
    """When news reaches a participant.

    News waits ``settle`` for the rest of what the same operation changed (a placement that moves other meetings, an
    optimisation run: its messages arrive within a fraction of a second), so someone who has not been mailed lately
    hears about an accepted meeting at once. After an e-mail, news waits until ``spacing`` has passed and goes out
    together, so a stream of changes does not bury anyone. New suggestions wait ``digest``.
    """

    settle: timedelta = timedelta(seconds=0.25)
    spacing: timedelta = timedelta(seconds=2)
    digest: timedelta = timedelta(minutes=10)

    def __post_init__(self) -> None:
        if min(self.settle, self.spacing, self.digest) < timedelta(0):
            raise ValueError("news cannot be due before it arrives")

    def due_at(self, arrived_at: datetime, *, last_mailed: datetime | None, digest: bool = False) -> datetime:
        """When news that arrived at ``arrived_at`` is sent, given when the participant was last mailed."""
        if digest:
            return arrived_at + self.digest
        due = arrived_at + self.settle
        return due if last_mailed is None else max(due, last_mailed + self.spacing)


@dataclass(frozen=True)
class Burst:
    """Changes to send to one recipient in one e-mail, in the order they are told, with the e-mail's dedupe key."""

    recipient: Recipient
    changes: tuple[Change, ...]
    dedupe_key: str
    change_keys: tuple[str, ...]


def bursts_for(pending: Sequence[PendingChange], *, recipient: Recipient, policy: GatheringPolicy) -> list[Burst]:
    """The e-mails that tell ``recipient`` everything ``pending``, oldest first; a change delivered twice is told once."""
    remaining = _unique_by_key(sorted(pending, key=lambda item: (item.arrived_at, item.change.occurred_at)), recipient)
    bursts: list[Burst] = []
    while remaining:
        taken, remaining = remaining[: policy.max_changes_per_email], remaining[policy.max_changes_per_email :]
        told = sorted((item.change for item in taken), key=_telling_order)
        keys = tuple(dedupe_key(change, recipient) for change in told)
        bursts.append(Burst(recipient, tuple(told), gathered_dedupe_key(keys), keys))
    return bursts


def latest_per_meeting(changes: Iterable[Change]) -> list[MeetingChange]:
    """The newest version of each meeting among ``changes``: the invitations worth attaching, in meeting order.

    At equal versions a cancellation wins, so a meeting that was cancelled is never re-invited by accident.
    """
    latest: dict[str, MeetingChange] = {}
    for change in changes:
        if not isinstance(change, MeetingScheduled | MeetingRescheduled | MeetingCancelled):
            continue
        held = latest.get(change.meeting.meeting_id)
        if held is None or _recency(change) > _recency(held):
            latest[change.meeting.meeting_id] = change
    return sorted(latest.values(), key=lambda change: (change.meeting.starts_at, change.meeting.meeting_id))


def _recency(change: MeetingChange) -> tuple[int, bool, datetime]:
    return change.meeting.version, isinstance(change, MeetingCancelled), change.occurred_at


def _telling_order(change: Change) -> tuple:
    # News about one meeting is told in version order even when it arrived out of order.
    version = change.meeting.version if isinstance(change, MeetingScheduled | MeetingRescheduled | MeetingCancelled) else -1
    return change.occurred_at, version


def _unique_by_key(pending: list[PendingChange], recipient: Recipient) -> list[PendingChange]:
    seen: set[str] = set()
    unique: list[PendingChange] = []
    for item in pending:
        key = dedupe_key(item.change, recipient)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique

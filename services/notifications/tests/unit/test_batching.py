"""Gathering bursts: when news is due (Pace), and how what is pending for one person becomes e-mails."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from notifications.domain import (
    GatheringPolicy,
    MeetingCancelled,
    Pace,
    PendingChange,
    RegistrationConfirmed,
    dedupe_key,
    bursts_for,
    latest_per_meeting,
)

UTC = timezone.utc
T0 = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
POLICY = GatheringPolicy(max_changes_per_email=3)


def _registration(n: int) -> RegistrationConfirmed:
    return RegistrationConfirmed(change_id=f"reg-{n}", occurred_at=T0 + timedelta(seconds=n))


def _pending(change, seconds_after_t0: float) -> PendingChange:
    return PendingChange(change=change, arrived_at=T0 + timedelta(seconds=seconds_after_t0))


def test_everything_pending_goes_together_oldest_first(build):
    recipient = build.recipient_for(build.party())
    pending = [_pending(_registration(2), 100), _pending(_registration(1), 0)]

    (burst,) = bursts_for(pending, recipient=recipient, policy=POLICY)

    assert [change.change_id for change in burst.changes] == ["reg-1", "reg-2"]
    assert burst.change_keys == tuple(dedupe_key(change, recipient) for change in burst.changes)


def test_a_long_burst_is_split_by_the_cap_oldest_first(build):
    recipient = build.recipient_for(build.party())
    pending = [_pending(_registration(n), n) for n in range(7)]

    bursts = bursts_for(pending, recipient=recipient, policy=POLICY)

    assert [[c.change_id for c in b.changes] for b in bursts] == [
        ["reg-0", "reg-1", "reg-2"],
        ["reg-3", "reg-4", "reg-5"],
        ["reg-6"],
    ]
    assert len({b.dedupe_key for b in bursts}) == 3


def test_a_redelivered_change_is_told_once(build):
    recipient = build.recipient_for(build.party())
    change = _registration(1)

    (burst,) = bursts_for([_pending(change, 0), _pending(change, 5)], recipient=recipient, policy=POLICY)

    assert burst.changes == (change,)


def test_the_burst_key_does_not_depend_on_arrival_order(build):
    recipient = build.recipient_for(build.party())
    a, b = _registration(1), _registration(2)

    (first,) = bursts_for([_pending(a, 0), _pending(b, 1)], recipient=recipient, policy=POLICY)
    (second,) = bursts_for([_pending(b, 0), _pending(a, 1)], recipient=recipient, policy=POLICY)

    assert first.dedupe_key == second.dedupe_key


def test_a_single_change_keeps_its_own_dedupe_key(build):
    recipient = build.recipient_for(build.party())
    change = _registration(1)

    (burst,) = bursts_for([_pending(change, 0)], recipient=recipient, policy=POLICY)

    assert burst.dedupe_key == dedupe_key(change, recipient)


def test_changes_to_one_meeting_are_all_told_in_the_order_they_happened(build):
    recipient = build.recipient_for(build.party())
    meeting = build.meeting(build.party(), build.party(), T0 + timedelta(days=10))
    scheduled = build.scheduled(meeting)
    moved = build.moved(meeting, meeting.starts_at + timedelta(hours=1))
    cancelled = build.cancelled(moved.meeting)
    # Delivered out of order.
    pending = [_pending(cancelled, 0), _pending(scheduled, 1), _pending(moved, 2)]

    (burst,) = bursts_for(pending, recipient=recipient, policy=GatheringPolicy())

    assert burst.changes == (scheduled, moved, cancelled)
    assert latest_per_meeting(burst.changes) == [cancelled]


def test_latest_per_meeting_keeps_the_highest_version_of_each_meeting(build):
    first = build.meeting(build.party(), build.party(), T0 + timedelta(days=1))
    second = build.meeting(build.party(), build.party(), T0 + timedelta(days=2))
    moved = build.moved(first, first.starts_at + timedelta(hours=2))
    changes = [moved, build.scheduled(second), build.scheduled(first), _registration(1)]

    latest = latest_per_meeting(changes)

    assert [(c.meeting.meeting_id, c.meeting.version) for c in latest] == [(first.meeting_id, 2), (second.meeting_id, 1)]


def test_at_equal_version_a_cancellation_wins(build):
    meeting = build.meeting(build.party(), build.party(), T0 + timedelta(days=1))
    cancel_same_version = MeetingCancelled(change_id="c", occurred_at=T0, meeting=meeting, reason="x")

    assert latest_per_meeting([cancel_same_version, build.scheduled(meeting)]) == [cancel_same_version]


def test_a_policy_must_let_an_e_mail_carry_something():
    with pytest.raises(ValueError):
        GatheringPolicy(max_changes_per_email=0)


def test_news_waits_only_to_settle_unless_the_person_was_just_mailed_and_suggestions_wait_for_the_digest():
    pace = Pace(settle=timedelta(seconds=0.25), spacing=timedelta(seconds=30), digest=timedelta(minutes=10))

    assert pace.due_at(T0, last_mailed=None) == T0 + timedelta(seconds=0.25)
    assert pace.due_at(T0, last_mailed=T0 - timedelta(minutes=5)) == T0 + timedelta(seconds=0.25)
    assert pace.due_at(T0, last_mailed=T0 - timedelta(seconds=10)) == T0 + timedelta(seconds=20)
    assert pace.due_at(T0, last_mailed=None, digest=True) == T0 + timedelta(minutes=10)
    with pytest.raises(ValueError):
        Pace(settle=timedelta(seconds=-1))

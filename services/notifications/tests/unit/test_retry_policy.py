"""Retrying what SMTP says may succeed later, never what it says will not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notifications.domain import FailureKind, RetryPolicy, classify_smtp_failure


@pytest.mark.parametrize(("code", "kind"), [
    (421, FailureKind.TRANSIENT),  # service not available, closing channel
    (450, FailureKind.TRANSIENT),  # mailbox busy / greylisted
    (452, FailureKind.TRANSIENT),  # insufficient storage
    (None, FailureKind.TRANSIENT),  # connection refused, reset, timeout
    (550, FailureKind.PERMANENT),  # no such mailbox
    (553, FailureKind.PERMANENT),  # mailbox name not allowed
    (554, FailureKind.PERMANENT),  # transaction failed / rejected
])
def test_4xx_and_connection_errors_are_transient_5xx_permanent(code, kind):
    assert classify_smtp_failure(code) is kind


def test_delays_grow_exponentially_within_jitter_bounds_up_to_the_ceiling():
    policy = RetryPolicy(first_delay=timedelta(seconds=30), max_delay=timedelta(minutes=10), jitter=0.2, max_attempts=8)

    assert policy.delay_bounds(1) == (timedelta(seconds=24), timedelta(seconds=36))
    assert policy.delay_bounds(2) == (timedelta(seconds=48), timedelta(seconds=72))
    assert policy.delay_bounds(3) == (timedelta(seconds=96), timedelta(seconds=144))
    assert policy.delay_bounds(10) == (timedelta(minutes=8), timedelta(minutes=12))
    assert policy.delay_bounds(10_000) == (timedelta(minutes=8), timedelta(minutes=12))
    for attempt in range(1, 12):
        shortest, longest = policy.delay_bounds(attempt)
        assert shortest <= policy.delay(attempt, 0.0) <= policy.delay(attempt, 0.5) <= policy.delay(attempt, 1.0) <= longest


def test_retries_stop_at_max_attempts_and_never_follow_a_permanent_failure():
    policy = RetryPolicy(max_attempts=3)

    assert policy.should_retry(1, FailureKind.TRANSIENT)
    assert policy.should_retry(2, FailureKind.TRANSIENT)
    assert not policy.should_retry(3, FailureKind.TRANSIENT)
    assert not policy.should_retry(1, FailureKind.PERMANENT)


def test_nonsense_policies_are_refused():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=1.5)
    with pytest.raises(ValueError):
        RetryPolicy(first_delay=timedelta(minutes=5), max_delay=timedelta(minutes=1))

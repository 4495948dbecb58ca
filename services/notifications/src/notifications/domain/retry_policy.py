"""When to try an e-mail again, and when to give up.

SMTP says itself whether a failure is worth retrying: 4xx replies are transient (greylisting, a full queue, a rate
limit) and 5xx replies are permanent (no such mailbox, rejected as spam), so retrying a 5xx only annoys the
receiving server. A failure with no reply at all (connection refused, reset, timeout) is ours or the network's and
worth retrying. Delays grow exponentially up to a ceiling, with jitter, so that after an outage thousands of
waiting e-mails do not hit the server in the same second. Randomness is passed in, which keeps this pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum


class FailureKind(Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"


def classify_smtp_failure(reply_code: int | None) -> FailureKind:
    """``reply_code`` is the SMTP reply code, or None when there was no reply (connection error, timeout)."""
    if reply_code is None:
        return FailureKind.TRANSIENT
    if 500 <= reply_code <= 599:
        return FailureKind.PERMANENT
    # 4xx, and anything unexpected from a misbehaving server, is worth another try.
    return FailureKind.TRANSIENT


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: attempt n (1-based) failed → wait about ``first_delay * 2**(n-1)``, capped.

    ``jitter`` is the fraction by which a delay may be shortened or lengthened (0.2 → ±20 %).
    """

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("at least one attempt is needed")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter is a fraction in [0, 1)")
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise ValueError("delays must be positive and the ceiling not below the first delay")

    def should_retry(self, failed_attempts: int, failure: FailureKind) -> bool:
        """Whether to try again after ``failed_attempts`` attempts, the last of which failed as ``failure``."""
        return failure is FailureKind.TRANSIENT and failed_attempts < self.max_attempts

    def delay_bounds(self, failed_attempts: int) -> tuple[timedelta, timedelta]:
        """The shortest and longest wait before the next attempt."""
        if failed_attempts < 1:
            raise ValueError("a delay follows a failed attempt")
        # In float seconds: a timedelta would overflow long before the exponent stops mattering.
        growth = 2.0 ** min(failed_attempts - 1, 1000)
        nominal = timedelta(seconds=min(self.first_delay.total_seconds() * growth, self.max_delay.total_seconds()))
        return nominal * (1 - self.jitter), nominal * (1 + self.jitter)

    def delay(self, failed_attempts: int, random_fraction: float) -> timedelta:
        """The wait before the next attempt; ``random_fraction`` in [0, 1) picks a point within the bounds."""
        if not 0 <= random_fraction <= 1:
            raise ValueError("random_fraction must be in [0, 1]")
        shortest, longest = self.delay_bounds(failed_attempts)
        return shortest + (longest - shortest) * random_fraction

"""When to try a delivery again, when to give up, and when to disable a subscription.

Decisions, all pure (the clock and the random source are passed in):

- 2xx: delivered.
- Retried: timeouts, connection and protocol errors, 408 Request Timeout, 425 Too Early,
  429 Too Many Requests and every 5xx. These say "not now", not "never".
- Permanent, no retry: every other status, including 3xx (redirects are not followed; the
  Location is kept in the log), 409 Conflict (the same payload will conflict again) and
  410 Gone (which also disables the subscription at once, see :func:`should_disable`), and a URL
  that is refused as unsafe or invalid.

The schedule (:data:`DEFAULT_DELAYS`) waits 5 s, 5 min, 30 min, 2 h, 5 h, 6 h and 10 h after
attempts 1 to 7: eight attempts over about 23 h 35 min. Each wait is scaled by a random factor in
[1 - jitter, 1 + jitter] (jitter 0.2) so that deliveries failed by one outage do not return in
lockstep. A ``Retry-After`` on a retried response is honoured as the least wait, capped at one
hour, so a receiver cannot push a delivery past the schedule's bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Protocol

from notifications.delivery.outcome import AttemptResult, ErrorKind

DEFAULT_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=6),
    timedelta(hours=10),
)
DEFAULT_DISABLE_AFTER = 20
RETRYABLE_STATUSES = frozenset({408, 425, 429})
_RETRYABLE_ERRORS = frozenset({ErrorKind.TIMEOUT, ErrorKind.CONNECTION, ErrorKind.PROTOCOL})
_MAX_RETRY_AFTER = timedelta(days=365)


class Disposition(StrEnum):
    """What an attempt means for its delivery."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAIL = "fail"


class RandomSource(Protocol):
    """The part of ``random.Random`` that jitter needs."""

    def uniform(self, a: float, b: float) -> float:
        """Return a float between ``a`` and ``b``."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The waits between attempts, their jitter and the cap on a receiver's Retry-After."""

    delays: tuple[timedelta, ...] = DEFAULT_DELAYS
    jitter: float = 0.2
    retry_after_cap: timedelta = timedelta(hours=1)

    @property
    def max_attempts(self) -> int:
        """How many attempts one delivery gets in all."""
        return len(self.delays) + 1


DEFAULT_RETRY_POLICY = RetryPolicy()


def classify(outcome: AttemptResult) -> Disposition:
    """Return whether an attempt delivered, should be retried, or failed for good."""
    if outcome.succeeded:
        return Disposition.DELIVERED
    if outcome.error_kind in _RETRYABLE_ERRORS:
        return Disposition.RETRY
    status = outcome.status_code
    if status is not None and (status in RETRYABLE_STATUSES or 500 <= status < 600):
        return Disposition.RETRY
    return Disposition.FAIL


def next_attempt(
    *,
    attempt_number: int,
    outcome: AttemptResult,
    now: datetime,
    rng: RandomSource,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> datetime | None:
    """Return when to make the next attempt after attempt ``attempt_number`` (1-based), or None.

    None means give up: the delivery is failed and kept for manual redelivery. Asking after a
    delivered attempt is a caller's mistake and raises ValueError.
    """
    if attempt_number < 1:
        raise ValueError("attempt_number starts at 1")
    disposition = classify(outcome)
    if disposition is Disposition.DELIVERED:
        raise ValueError("a delivered attempt has no next attempt")
    if disposition is Disposition.FAIL or attempt_number >= policy.max_attempts:
        return None
    scheduled = policy.delays[attempt_number - 1]
    wait = scheduled * rng.uniform(1 - policy.jitter, 1 + policy.jitter)
    if outcome.retry_after is not None:
        wait = max(wait, min(outcome.retry_after, policy.retry_after_cap))
    return now + wait


def parse_retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """Return the wait a ``Retry-After`` value asks for (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        if len(text) > 9:
            return _MAX_RETRY_AFTER
        return min(timedelta(seconds=int(text)), _MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(0), min(when - now, _MAX_RETRY_AFTER))


def consecutive_failures_after(*, consecutive_failures: int, delivered: bool) -> int:
    """Return a subscription's run of failed deliveries after one more delivery ends."""
    return 0 if delivered else consecutive_failures + 1


def should_disable(
    *,
    consecutive_failures: int,
    last_outcome: AttemptResult | None = None,
    threshold: int = DEFAULT_DISABLE_AFTER,
) -> bool:
    """Whether a subscription should be disabled after its latest failed delivery.

    ``consecutive_failures`` counts failed deliveries (each one retried to the end of the
    schedule or failed for good), not attempts. A 410 Gone disables at once.
    """
    if last_outcome is not None and last_outcome.status_code == 410:
        return True
    return consecutive_failures >= threshold

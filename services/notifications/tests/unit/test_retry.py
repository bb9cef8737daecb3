"""Retry decisions, Retry-After parsing and the subscription disable rule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from notifications.delivery.outcome import AttemptResult, ErrorKind
from notifications.delivery.retry import (
    DEFAULT_RETRY_POLICY,
    Disposition,
    RetryPolicy,
    classify,
    consecutive_failures_after,
    next_attempt,
    parse_retry_after,
    should_disable,
)

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


class FixedRandom:
    """A random source that always picks the same point of the range (0 = low, 1 = high)."""

    def __init__(self, point: float) -> None:
        self._point = point

    def uniform(self, a: float, b: float) -> float:
        """Return the fixed point between ``a`` and ``b``."""
        return a + (b - a) * self._point


def status(code: int, retry_after: timedelta | None = None) -> AttemptResult:
    """Return an attempt that got ``code``."""
    kind = None if 200 <= code < 300 else ErrorKind.HTTP_STATUS
    return AttemptResult(status_code=code, latency_ms=1.0, error_kind=kind, retry_after=retry_after)


def error(kind: ErrorKind) -> AttemptResult:
    """Return an attempt that got no response."""
    return AttemptResult(status_code=None, latency_ms=1.0, error_kind=kind, error_message="x")


class TestClassify:
    @pytest.mark.parametrize("code", [200, 201, 202, 204, 299])
    def test_2xx_is_delivered(self, code: int) -> None:
        assert classify(status(code)) is Disposition.DELIVERED

    @pytest.mark.parametrize("code", [408, 425, 429, 500, 502, 503, 504, 599])
    def test_transient_statuses_are_retried(self, code: int) -> None:
        assert classify(status(code)) is Disposition.RETRY

    @pytest.mark.parametrize("code", [301, 302, 307, 400, 401, 403, 404, 409, 410, 413, 422])
    def test_other_statuses_fail_for_good(self, code: int) -> None:
        assert classify(status(code)) is Disposition.FAIL

    @pytest.mark.parametrize("kind", [ErrorKind.TIMEOUT, ErrorKind.CONNECTION, ErrorKind.PROTOCOL])
    def test_network_errors_are_retried(self, kind: ErrorKind) -> None:
        assert classify(error(kind)) is Disposition.RETRY

    @pytest.mark.parametrize("kind", [ErrorKind.UNSAFE_URL, ErrorKind.INVALID_URL])
    def test_refused_urls_fail_for_good(self, kind: ErrorKind) -> None:
        assert classify(error(kind)) is Disposition.FAIL


class TestSchedule:
    def test_unjittered_schedule_spans_about_a_day(self) -> None:
        times = _attempt_times(FixedRandom(0.5))
        assert len(times) == DEFAULT_RETRY_POLICY.max_attempts == 8
        assert [t - NOW for t in times[:4]] == [
            timedelta(0),
            timedelta(seconds=5),
            timedelta(minutes=5, seconds=5),
            timedelta(minutes=35, seconds=5),
        ]
        assert times[-1] - NOW == timedelta(hours=23, minutes=35, seconds=5)

    def test_jitter_stays_within_a_fifth_either_way(self) -> None:
        earliest = _attempt_times(FixedRandom(0.0))
        latest = _attempt_times(FixedRandom(1.0))
        nominal = _attempt_times(FixedRandom(0.5))
        close = timedelta(milliseconds=1)
        for low, high, mid in zip(earliest, latest, nominal, strict=True):
            assert low - NOW == pytest.approx((mid - NOW) * 0.8, abs=close)
            assert high - NOW == pytest.approx((mid - NOW) * 1.2, abs=close)

    def test_seeded_random_jitter_differs_between_deliveries(self) -> None:
        rng = random.Random(7)
        waits = {
            next_attempt(attempt_number=3, outcome=status(500), now=NOW, rng=rng) for _ in "abcd"
        }
        assert len(waits) == 4
        for wait in waits:
            assert wait is not None
            assert timedelta(minutes=24) <= wait - NOW <= timedelta(minutes=36)

    def test_last_attempt_gives_up(self) -> None:
        assert (
            next_attempt(attempt_number=8, outcome=status(503), now=NOW, rng=FixedRandom(0.5))
            is None
        )

    def test_permanent_failure_gives_up_at_once(self) -> None:
        assert (
            next_attempt(attempt_number=1, outcome=status(404), now=NOW, rng=FixedRandom(0.5))
            is None
        )

    def test_delivered_attempt_has_no_next(self) -> None:
        with pytest.raises(ValueError):
            next_attempt(attempt_number=1, outcome=status(200), now=NOW, rng=FixedRandom(0.5))

    def test_attempt_numbers_start_at_one(self) -> None:
        with pytest.raises(ValueError):
            next_attempt(attempt_number=0, outcome=status(500), now=NOW, rng=FixedRandom(0.5))

    def test_custom_policy_sets_the_number_of_attempts(self) -> None:
        policy = RetryPolicy(delays=(timedelta(seconds=1),), jitter=0.0)
        after_first = next_attempt(
            attempt_number=1, outcome=status(500), now=NOW, rng=FixedRandom(0.5), policy=policy
        )
        assert after_first == NOW + timedelta(seconds=1)
        assert (
            next_attempt(
                attempt_number=2, outcome=status(500), now=NOW, rng=FixedRandom(0.5), policy=policy
            )
            is None
        )


class TestRetryAfter:
    def test_longer_retry_after_wins_over_the_schedule(self) -> None:
        outcome = status(429, retry_after=timedelta(minutes=2))
        assert next_attempt(attempt_number=1, outcome=outcome, now=NOW, rng=FixedRandom(1.0)) == (
            NOW + timedelta(minutes=2)
        )

    def test_shorter_retry_after_does_not_shorten_the_schedule(self) -> None:
        outcome = status(503, retry_after=timedelta(seconds=1))
        assert next_attempt(attempt_number=2, outcome=outcome, now=NOW, rng=FixedRandom(0.5)) == (
            NOW + timedelta(minutes=5)
        )

    def test_retry_after_is_capped_at_an_hour(self) -> None:
        outcome = status(429, retry_after=timedelta(days=3))
        assert next_attempt(attempt_number=1, outcome=outcome, now=NOW, rng=FixedRandom(0.5)) == (
            NOW + timedelta(hours=1)
        )

    def test_retry_after_on_a_permanent_failure_changes_nothing(self) -> None:
        outcome = status(400, retry_after=timedelta(seconds=30))
        assert (
            next_attempt(attempt_number=1, outcome=outcome, now=NOW, rng=FixedRandom(0.5)) is None
        )


class TestParseRetryAfter:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("0", timedelta(0)), ("120", timedelta(seconds=120)), (" 7 ", timedelta(seconds=7))],
    )
    def test_delay_seconds(self, value: str, expected: timedelta) -> None:
        assert parse_retry_after(value, now=NOW) == expected

    def test_http_date(self) -> None:
        value = format_datetime(NOW + timedelta(minutes=3), usegmt=True)
        assert parse_retry_after(value, now=NOW) == timedelta(minutes=3)

    def test_obsolete_asctime_date(self) -> None:
        assert parse_retry_after("Sun Jun  1 09:00:30 2025", now=NOW) == timedelta(seconds=30)

    def test_past_date_means_now(self) -> None:
        value = format_datetime(NOW - timedelta(hours=1), usegmt=True)
        assert parse_retry_after(value, now=NOW) == timedelta(0)

    def test_huge_values_are_bounded(self) -> None:
        assert parse_retry_after("9" * 5000, now=NOW) == timedelta(days=365)

    @pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Thu, 99 Foo 2025"])
    def test_unusable_values_are_ignored(self, value: str | None) -> None:
        assert parse_retry_after(value, now=NOW) is None


class TestDisableRule:
    def test_run_of_failures_counts_up_and_resets_on_delivery(self) -> None:
        count = 0
        for _ in range(3):
            count = consecutive_failures_after(consecutive_failures=count, delivered=False)
        assert count == 3
        assert consecutive_failures_after(consecutive_failures=count, delivered=True) == 0

    def test_disabled_at_the_threshold(self) -> None:
        assert not should_disable(consecutive_failures=19)
        assert should_disable(consecutive_failures=20)
        assert should_disable(consecutive_failures=3, threshold=3)

    def test_gone_disables_at_once(self) -> None:
        assert should_disable(consecutive_failures=1, last_outcome=status(410))
        assert not should_disable(consecutive_failures=1, last_outcome=status(404))


def _attempt_times(rng: FixedRandom) -> list[datetime]:
    """Return when each attempt of an always-503 delivery happens."""
    times = [NOW]
    while (
        following := next_attempt(
            attempt_number=len(times), outcome=status(503), now=times[-1], rng=rng
        )
    ) is not None:
        times.append(following)
    return times

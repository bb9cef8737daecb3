"""Prior-authorization metrics for CMS-0057-F public reporting, per payer, period and urgency.

Definitions
    Determination: a payer decision A1, A2, A6 (approvals) or A3 (denial). Pends (A4), contact
    payer (CT), not required (NA), cancellations and expiries are not determinations.
    Population: a payer's requests whose *first* determination falls in [period_start,
    period_end); so every counted request is decided, and each is counted once, in the period
    it was first decided.
    Approved / denied: the first determination was an approval (A1, A2 or A6) / a denial (A3);
    the two add up to 100%.
    Approved after appeal: the determination answering the latest appeal is an approval.
    Extended timeframe: the first determination came after the original due time (receipt plus
    the window, CMS-0057-F's 72 hours or 7 calendar days) and an extension or pended pause had
    moved the due time later; a request merely decided late is not extended. Extensions are the
    payer's ``extend`` steps in the trail before the first determination. CMS's own metric
    counts extended requests that were also approved, reported here as well.
    Decision time: elapsed time from receipt to the first determination, pended time included.
    Median of an even count is the mean of the two middle values.
Percentages are of the population, rounded half up to two decimals; None when it is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from prior_auth.authorizations.deadlines import (
    DeadlinePolicy,
    DecisionClock,
    Urgency,
    due_at,
    extension_in,
    original_due_at,
    pended_intervals,
)
from prior_auth.authorizations.status import APPROVED_STATUSES, Action, AuthorizationStatus
from prior_auth.authorizations.transitions import TransitionRecord

DETERMINED_STATUSES: frozenset[AuthorizationStatus] = APPROVED_STATUSES | {
    AuthorizationStatus.DENIED
}


@dataclass(frozen=True, slots=True)
class AuthorizationSummary:
    """What metrics need to know about one authorization request."""

    payer_id: str
    urgency: Urgency
    received_at: datetime
    original_due_at: datetime
    first_decision: AuthorizationStatus | None = None
    first_decided_at: datetime | None = None
    due_at_first_decision: datetime | None = None
    appeal_decision: AuthorizationStatus | None = None


@dataclass(frozen=True, slots=True)
class UrgencyMetrics:
    """Counts and decision times for one payer, period and urgency."""

    decided: int
    approved: int
    denied: int
    approved_after_appeal: int
    extended: int
    extended_and_approved: int
    average_decision_time: timedelta | None
    median_decision_time: timedelta | None

    def _percent(self, count: int) -> Decimal | None:
        """Return count as a percentage of the decided requests."""
        if self.decided == 0:
            return None
        share = Decimal(count) * 100 / Decimal(self.decided)
        return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def approved_percent(self) -> Decimal | None:
        """Percent first approved (A1, A2 or A6)."""
        return self._percent(self.approved)

    @property
    def denied_percent(self) -> Decimal | None:
        """Percent first denied (A3)."""
        return self._percent(self.denied)

    @property
    def approved_after_appeal_percent(self) -> Decimal | None:
        """Percent whose latest appeal ended in an approval."""
        return self._percent(self.approved_after_appeal)

    @property
    def extended_percent(self) -> Decimal | None:
        """Percent decided in an extended timeframe."""
        return self._percent(self.extended)

    @property
    def extended_and_approved_percent(self) -> Decimal | None:
        """Percent decided in an extended timeframe and approved (CMS's wording)."""
        return self._percent(self.extended_and_approved)


@dataclass(frozen=True, slots=True)
class PayerMetrics:
    """One payer's metrics for a period, standard and expedited apart."""

    payer_id: str
    period_start: datetime
    period_end: datetime
    standard: UrgencyMetrics
    expedited: UrgencyMetrics


def is_extended(summary: AuthorizationSummary) -> bool:
    """Whether the first determination used time an extension or pause had added."""
    decided, moved = summary.first_decided_at, summary.due_at_first_decision
    if decided is None or moved is None:
        return False
    return decided > summary.original_due_at and moved > summary.original_due_at


def median(values: Sequence[timedelta]) -> timedelta:
    """Return the median of a non-empty list of durations."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def urgency_metrics(population: Sequence[AuthorizationSummary]) -> UrgencyMetrics:
    """Compute the metrics over requests already known to be decided in the period."""
    times = [
        s.first_decided_at - s.received_at for s in population if s.first_decided_at is not None
    ]
    approved = [s for s in population if s.first_decision in APPROVED_STATUSES]
    extended = [s for s in population if is_extended(s)]
    return UrgencyMetrics(
        decided=len(population),
        approved=len(approved),
        denied=sum(s.first_decision is AuthorizationStatus.DENIED for s in population),
        approved_after_appeal=sum(s.appeal_decision in APPROVED_STATUSES for s in population),
        extended=len(extended),
        extended_and_approved=sum(s.first_decision in APPROVED_STATUSES for s in extended),
        average_decision_time=sum(times, timedelta(0)) / len(times) if times else None,
        median_decision_time=median(times) if times else None,
    )


def _decided_in(summary: AuthorizationSummary, start: datetime, end: datetime) -> bool:
    """Whether the first determination falls in [start, end)."""
    decided = summary.first_decided_at
    return decided is not None and summary.first_decision is not None and start <= decided < end


def compute_metrics(
    *, summaries: Iterable[AuthorizationSummary], period_start: datetime, period_end: datetime
) -> tuple[PayerMetrics, ...]:
    """Return metrics for every payer in the summaries, in payer id order (empty ones too)."""
    by_payer: dict[str, list[AuthorizationSummary]] = {}
    for summary in summaries:
        by_payer.setdefault(summary.payer_id, [])
        if _decided_in(summary, period_start, period_end):
            by_payer[summary.payer_id].append(summary)
    return tuple(
        PayerMetrics(
            payer_id=payer_id,
            period_start=period_start,
            period_end=period_end,
            standard=urgency_metrics([s for s in decided if s.urgency is Urgency.STANDARD]),
            expedited=urgency_metrics([s for s in decided if s.urgency is Urgency.EXPEDITED]),
        )
        for payer_id, decided in sorted(by_payer.items())
    )


def _determinations(records: Sequence[TransitionRecord]) -> list[TransitionRecord]:
    """Return the records that are payer determinations, in order."""
    return [
        record
        for record in records
        if record.action is Action.DECIDE and record.to_status in DETERMINED_STATUSES
    ]


def _appeal_decision(records: Sequence[TransitionRecord]) -> AuthorizationStatus | None:
    """Return the status the latest appeal was answered with, None if none was answered."""
    appeals = [index for index, record in enumerate(records) if record.action is Action.APPEAL]
    if not appeals:
        return None
    answers = _determinations(records[appeals[-1] + 1 :])
    return answers[0].to_status if answers else None


def summarize(
    *,
    payer_id: str,
    urgency: Urgency,
    records: Sequence[TransitionRecord],
    policy: DeadlinePolicy,
    extension: timedelta | None = None,
) -> AuthorizationSummary:
    """Build a request's summary from its audit trail (the first record is its receipt).

    The extension is the trail's own before the first determination unless one is given.
    """
    received = records[0].at
    original = original_due_at(received_at=received, urgency=urgency, policy=policy)
    determinations = _determinations(records)
    if not determinations:
        return AuthorizationSummary(
            payer_id=payer_id, urgency=urgency, received_at=received, original_due_at=original
        )
    first = determinations[0]
    if extension is None:
        extension = extension_in(records[: records.index(first)])
    clock = DecisionClock(
        received_at=received,
        urgency=urgency,
        pauses=pended_intervals(records),
        extension=extension,
    )
    return AuthorizationSummary(
        payer_id=payer_id,
        urgency=urgency,
        received_at=received,
        original_due_at=original,
        first_decision=first.to_status,
        first_decided_at=first.at,
        due_at_first_decision=due_at(clock=clock, policy=policy, now=first.at),
        appeal_decision=_appeal_decision(records),
    )

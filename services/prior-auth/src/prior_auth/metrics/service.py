"""Per payer and period: the CMS-0057-F metrics computed from the requests' trails."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from prior_auth.authorizations.deadlines import Urgency
from prior_auth.authorizations.mapping import record_of
from prior_auth.metrics.compute import (
    AuthorizationSummary,
    UrgencyMetrics,
    compute_metrics,
    summarize,
    urgency_metrics,
)
from prior_auth.metrics.repository import MetricsRepository
from prior_auth.metrics.schemas import MetricsOut, PayerMetricsOut, UrgencyMetricsOut
from prior_auth.payers.policy import PayerPolicy


def _seconds(value: timedelta | None) -> float | None:
    """A duration in seconds, None when there is none."""
    return None if value is None else value.total_seconds()


def _out(metrics: UrgencyMetrics) -> UrgencyMetricsOut:
    """The API's view of one urgency's metrics."""
    return UrgencyMetricsOut(
        decided=metrics.decided,
        approved_percent=metrics.approved_percent,
        denied_percent=metrics.denied_percent,
        approved_after_appeal_percent=metrics.approved_after_appeal_percent,
        extended_timeframe_percent=metrics.extended_percent,
        extended_and_approved_percent=metrics.extended_and_approved_percent,
        average_decision_seconds=_seconds(metrics.average_decision_time),
        median_decision_seconds=_seconds(metrics.median_decision_time),
    )


async def _summaries(
    session: AsyncSession, payer_id: str | None, start: datetime, end: datetime
) -> list[AuthorizationSummary]:
    """A summary of every request first decided in the period."""
    repository = MetricsRepository(session)
    rows = await repository.first_decided_between(payer_id=payer_id, start=start, end=end)
    trails = await repository.trails([row.id for row in rows])
    return [
        summarize(
            payer_id=row.payer_id,
            urgency=Urgency(row.priority),
            records=[record_of(step) for step in trails[row.id]],
            policy=PayerPolicy.from_json(row.deadline_policy).deadline,
        )
        for row in rows
    ]


async def report(
    *, session: AsyncSession, payer_id: str | None, start: datetime, end: datetime
) -> MetricsOut:
    """The metrics of one payer (listed even with nothing decided) or of every payer."""
    computed = compute_metrics(
        summaries=await _summaries(session, payer_id, start, end),
        period_start=start,
        period_end=end,
    )
    payers = [
        PayerMetricsOut(
            payer_id=item.payer_id, standard=_out(item.standard), expedited=_out(item.expedited)
        )
        for item in computed
    ]
    if payer_id is not None and not payers:
        empty = _out(urgency_metrics([]))
        payers = [PayerMetricsOut(payer_id=payer_id, standard=empty, expedited=empty)]
    return MetricsOut(period_start=start, period_end=end, payers=payers)

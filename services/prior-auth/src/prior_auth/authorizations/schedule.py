"""Keeping an authorization's decision deadline current as its trail grows.

The clock is that of the decision now awaited: the request's from its receipt, or, once appealed,
the appeal's from the appeal (same windows, its own pauses and extension). Opening an appeal
clears the scheduler's marks, so the appeal gets its own due-soon and overdue warnings, once each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from prior_auth.authorizations.deadlines import (
    DecisionClock,
    Pause,
    Urgency,
    decision_phase,
    due_at,
    extension_in,
    is_paused,
    pended_intervals,
)
from prior_auth.authorizations.models import Authorization
from prior_auth.authorizations.status import Action
from prior_auth.authorizations.transitions import TransitionRecord
from prior_auth.metrics.compute import DETERMINED_STATUSES
from prior_auth.payers.policy import PayerPolicy


def is_determination(record: TransitionRecord) -> bool:
    """Whether the step is a payer determination (A1, A2, A3 or A6)."""
    return record.action is Action.DECIDE and record.to_status in DETERMINED_STATUSES


def _clock(
    received_at: datetime, urgency: Urgency, pauses: tuple[Pause, ...], extension: timedelta
) -> DecisionClock:
    """The decision clock started at received_at with the given pauses and extension."""
    return DecisionClock(
        received_at=received_at, urgency=urgency, pauses=pauses, extension=extension
    )


def reschedule(
    authorization: Authorization, trail: Sequence[TransitionRecord], *, now: datetime
) -> None:
    """Recompute the due time, the warning time and whether the clock stands still.

    The clock stands still only for a pause that began before the due time: a request pended
    once already overdue keeps counting, so the scheduler still reports it overdue.
    """
    policy = PayerPolicy.from_json(authorization.deadline_policy)
    phase = decision_phase(trail)
    started = phase[0].at if phase else authorization.received_at
    if phase and phase[0].action is Action.APPEAL and phase[0] is trail[-1]:
        authorization.due_soon_published_at = None
        authorization.overdue_published_at = None
    urgency, extension = Urgency(authorization.priority), extension_in(phase)
    pauses = pended_intervals(phase)
    closed = tuple(pause for pause in pauses if pause.ended_at is not None)
    clock = _clock(started, urgency, pauses, extension)
    due_before_open = due_at(
        clock=_clock(started, urgency, closed, extension), policy=policy.deadline, now=now
    )
    open_pause_counts = any(
        pause.ended_at is None and pause.started_at < due_before_open for pause in pauses
    )
    authorization.due_at = due_at(clock=clock, policy=policy.deadline, now=now)
    authorization.due_soon_at = authorization.due_at - policy.warn_before
    authorization.clock_paused = (
        is_paused(clock=clock, policy=policy.deadline) and open_pause_counts
    )
    if authorization.first_decided_at is None:
        decided = [record.at for record in trail if is_determination(record)]
        authorization.first_decided_at = decided[0] if decided else None

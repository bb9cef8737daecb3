"""Decision deadlines under CMS-0057-F: 72 hours expedited, 7 calendar days standard.

Counting
    The rule gives expedited decisions "72 hours" and standard decisions "7 calendar days" after
    the payer receives the request. Hours are elapsed time, so the expedited window is exactly
    72 hours of UTC arithmetic. "Calendar days" counts days on the payer's calendar, so the
    standard window ends at the same wall-clock time 7 days later in the payer's time zone:
    across a spring-forward change that is 167 elapsed hours, across a fall-back change 169.
    A wall-clock time that does not exist that day (in the spring-forward gap) is pushed later
    by the gap's length; one that occurs twice (fall back) takes its first occurrence. This is
    Python's ``fold=0`` and java.time's ``ZonedDateTime.plusDays`` behaviour.

Pauses
    When the payer's policy pauses the clock while a request is pended for the requester's
    information, each pause adds its elapsed length to the due time. A pause still open counts
    up to ``now``, so ``remaining`` stands still while pended. A pause that begins after the
    request was already overdue does not count: a late payer cannot pend its way back in time.
    An extension (where a payer's program allows one) is added before pauses are counted.

Phases
    A request's decision and an appeal's are each due on their own clock: the appeal's starts
    when the appeal is received and runs the same windows, with its own pauses and extension.

Every result is a timezone-aware UTC datetime; naive inputs are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from prior_auth.authorizations.status import Action, AuthorizationStatus
from prior_auth.authorizations.transitions import EXTENSION_DETAIL, TransitionRecord


class Urgency(StrEnum):
    """Whether the request asked for an expedited or a standard decision."""

    STANDARD = "standard"
    EXPEDITED = "expedited"


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """One payer's deadline settings."""

    time_zone: str
    standard_days: int = 7
    expedited_hours: int = 72
    pause_while_pended: bool = False

    def __post_init__(self) -> None:
        """Refuse unknown time zones and empty windows."""
        ZoneInfo(self.time_zone)
        if self.standard_days < 1 or self.expedited_hours < 1:
            raise ValueError("decision windows must be at least one day or one hour")


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch while the request was pended for the requester; open while ended_at is None."""

    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DecisionClock:
    """What the deadline of one request depends on."""

    received_at: datetime
    urgency: Urgency
    pauses: tuple[Pause, ...] = ()
    extension: timedelta = timedelta(0)


def _utc(moment: datetime) -> datetime:
    """Return the instant in UTC, refusing naive datetimes."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC)


def _calendar_days_later(moment: datetime, *, days: int, zone: ZoneInfo) -> datetime:
    """Return the same wall-clock time `days` later in the zone, as UTC."""
    wall = moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def original_due_at(*, received_at: datetime, urgency: Urgency, policy: DeadlinePolicy) -> datetime:
    """Return the due time from receipt alone: no extension, no pauses."""
    received = _utc(received_at)
    if urgency is Urgency.EXPEDITED:
        return received + timedelta(hours=policy.expedited_hours)
    zone = ZoneInfo(policy.time_zone)
    return _calendar_days_later(received, days=policy.standard_days, zone=zone)


def _counted_pause(pause: Pause, *, due: datetime, now: datetime) -> timedelta | None:
    """Return how long the pause held the clock, or None when it began after the due time."""
    start = _utc(pause.started_at)
    if start >= due:
        return None
    end = _utc(pause.ended_at) if pause.ended_at is not None else now
    return max(end - start, timedelta(0))


def due_at(*, clock: DecisionClock, policy: DeadlinePolicy, now: datetime) -> datetime:
    """Return when the decision is due, counting the extension and (if paused) pended time."""
    now = _utc(now)
    due = original_due_at(received_at=clock.received_at, urgency=clock.urgency, policy=policy)
    due += clock.extension
    if not policy.pause_while_pended:
        return due
    for pause in sorted(clock.pauses, key=lambda item: _utc(item.started_at)):
        held = _counted_pause(pause, due=due, now=now)
        if held is None:
            break
        due += held
    return due


def remaining(*, clock: DecisionClock, policy: DeadlinePolicy, now: datetime) -> timedelta:
    """Return the time left before the decision is due (negative once overdue)."""
    return due_at(clock=clock, policy=policy, now=now) - _utc(now)


def is_paused(*, clock: DecisionClock, policy: DeadlinePolicy) -> bool:
    """Whether the clock stands still now: a pause is open and the payer pauses when pended."""
    return policy.pause_while_pended and any(pause.ended_at is None for pause in clock.pauses)


def is_overdue(*, clock: DecisionClock, policy: DeadlinePolicy, now: datetime) -> bool:
    """Whether the due time has passed for a request still awaiting a decision."""
    return remaining(clock=clock, policy=policy, now=now) < timedelta(0)


def is_due_soon(
    *, clock: DecisionClock, policy: DeadlinePolicy, now: datetime, warn_before: timedelta
) -> bool:
    """Whether the decision falls due within warn_before, the clock running and not yet overdue."""
    if is_paused(clock=clock, policy=policy):
        return False
    left = remaining(clock=clock, policy=policy, now=now)
    return timedelta(0) <= left <= warn_before


def pended_intervals(records: Iterable[TransitionRecord]) -> tuple[Pause, ...]:
    """Return the stretches the authorization spent pended, from its audit trail in order."""
    pauses: list[Pause] = []
    started: datetime | None = None
    for record in records:
        entering = record.to_status is AuthorizationStatus.PENDED
        if entering and started is None:
            started = record.at
        elif not entering and started is not None:
            pauses.append(Pause(started_at=started, ended_at=record.at))
            started = None
    if started is not None:
        pauses.append(Pause(started_at=started))
    return tuple(pauses)


def decision_phase(records: Sequence[TransitionRecord]) -> Sequence[TransitionRecord]:
    """Return the trail since the decision now awaited was asked for (receipt or last appeal)."""
    starts = [
        index
        for index, record in enumerate(records)
        if record.action in (Action.RECEIVE, Action.APPEAL)
    ]
    return records[starts[-1] :] if starts else records


def extension_in(records: Iterable[TransitionRecord]) -> timedelta:
    """Return the time the payer's extensions among the records added."""
    return sum(
        (
            timedelta(seconds=int(record.details.get(EXTENSION_DETAIL, "0")))
            for record in records
            if record.action is Action.EXTEND
        ),
        timedelta(0),
    )


def extensions_granted(records: Iterable[TransitionRecord]) -> int:
    """Return how many extensions the records hold."""
    return sum(1 for record in records if record.action is Action.EXTEND)

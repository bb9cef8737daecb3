"""CMS-0057-F metrics against a hand-computed example."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from prior_auth.authorizations.deadlines import DeadlinePolicy, Urgency
from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import RequestedLine
from prior_auth.authorizations.status import ActionCode, AuthorizationStatus
from prior_auth.authorizations.transitions import (
    Actor,
    ActorKind,
    AddDocuments,
    Appeal,
    Command,
    Extend,
    TransitionRecord,
    apply,
    receive,
)
from prior_auth.metrics.compute import (
    AuthorizationSummary,
    UrgencyMetrics,
    compute_metrics,
    median,
    summarize,
)

S = AuthorizationStatus
STANDARD, EXPEDITED = Urgency.STANDARD, Urgency.EXPEDITED
MARCH, APRIL = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
H = timedelta(hours=1)


def at(day: int, hour: int = 0, month: int = 3) -> datetime:
    """Return a 2026 UTC instant."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def summary(
    urgency: Urgency,
    received: datetime,
    window: timedelta,
    decision: AuthorizationStatus | None = None,
    decided: datetime | None = None,
    *,
    payer: str = "P1",
    moved_by: timedelta = timedelta(0),
    appeal: AuthorizationStatus | None = None,
) -> AuthorizationSummary:
    """Return a summary whose original due time is receipt plus the window."""
    return AuthorizationSummary(
        payer_id=payer,
        urgency=urgency,
        received_at=received,
        original_due_at=received + window,
        first_decision=decision,
        first_decided_at=decided,
        due_at_first_decision=received + window + moved_by if decided else None,
        appeal_decision=appeal,
    )


WEEK, THREE_DAYS = timedelta(days=7), timedelta(days=3)
EXAMPLE = [
    # Standard, P1, first decided in March 2026:
    # S1 approved after 24 h; a 1-day pause moved its due time, but it was decided before the
    #    original due time, so it is not extended.
    summary(STANDARD, at(2, 9), WEEK, S.APPROVED, at(3, 9), moved_by=timedelta(days=1)),
    # S2 denied after 48 h, approved on appeal.
    summary(STANDARD, at(2, 10), WEEK, S.DENIED, at(4, 10), appeal=S.APPROVED),
    # S3 partially approved after 12 h.
    summary(STANDARD, at(5, 8), WEEK, S.PARTIALLY_APPROVED, at(5, 20)),
    # S4 approved after 8 d 12 h = 204 h: after its original due (03-17 00:00) but inside the
    #    2 days a pause added (03-19 00:00): extended, and approved.
    summary(STANDARD, at(10), WEEK, S.APPROVED, at(18, 12), moved_by=timedelta(days=2)),
    # S5 denied after 8 days = 192 h, nothing moved its due time: late, not extended.
    summary(STANDARD, at(12), WEEK, S.DENIED, at(20)),
    # S6 modified after 30 h.
    summary(STANDARD, at(20), WEEK, S.MODIFIED, at(21, 6)),
    # Expedited, P1:
    # E1 approved after 6 h.
    summary(EXPEDITED, at(3), THREE_DAYS, S.APPROVED, at(3, 6)),
    # E2 denied after 24 h, appeal upheld the denial.
    summary(EXPEDITED, at(4), THREE_DAYS, S.DENIED, at(5), appeal=S.DENIED),
    # E3 denied after 84 h, after the original due (03-09 12:00), inside one added day: extended.
    summary(EXPEDITED, at(6, 12), THREE_DAYS, S.DENIED, at(10), moved_by=timedelta(days=1)),
    # Not counted: first decided in April, decided in February, and not decided at all.
    summary(STANDARD, at(28), WEEK, S.DENIED, at(2, month=4)),
    summary(STANDARD, at(20, month=2), WEEK, S.APPROVED, at(27, month=2)),
    summary(STANDARD, at(25), WEEK),
    # P2: one standard approval after 10 h.
    summary(STANDARD, at(9), WEEK, S.APPROVED, at(9, 10), payer="P2"),
]


class TestHandComputedExample:
    def test_standard(self) -> None:
        p1 = compute_metrics(summaries=EXAMPLE, period_start=MARCH, period_end=APRIL)[0]
        # Decided: S1..S6 = 6.
        # Approved (A1, A2, A6): S1, S3, S4, S6 = 4 -> 4/6 = 66.666..% -> 66.67.
        # Denied: S2, S5 = 2 -> 33.333..% -> 33.33.
        # Approved after appeal: S2 = 1 -> 16.666..% -> 16.67.
        # Extended: S4 = 1 -> 16.67; extended and approved: S4 = 1 -> 16.67.
        # Decision times (h): 24, 48, 12, 204, 192, 30; sum 510; mean 510 / 6 = 85 h.
        # Sorted: 12, 24, 30, 48, 192, 204; median (30 + 48) / 2 = 39 h.
        assert p1.payer_id == "P1"
        assert p1.standard == UrgencyMetrics(
            decided=6,
            approved=4,
            denied=2,
            approved_after_appeal=1,
            extended=1,
            extended_and_approved=1,
            average_decision_time=85 * H,
            median_decision_time=39 * H,
        )
        assert p1.standard.approved_percent == Decimal("66.67")
        assert p1.standard.denied_percent == Decimal("33.33")
        assert p1.standard.approved_after_appeal_percent == Decimal("16.67")
        assert p1.standard.extended_percent == Decimal("16.67")
        assert p1.standard.extended_and_approved_percent == Decimal("16.67")

    def test_expedited(self) -> None:
        p1 = compute_metrics(summaries=EXAMPLE, period_start=MARCH, period_end=APRIL)[0]
        # Decided: E1, E2, E3 = 3. Approved: E1 = 1 -> 33.33. Denied: E2, E3 = 2 -> 66.67.
        # Approved after appeal: none -> 0.00. Extended: E3 -> 33.33; and approved: none -> 0.00.
        # Decision times (h): 6, 24, 84; mean 114 / 3 = 38 h; median 24 h.
        expedited = p1.expedited
        assert (expedited.decided, expedited.approved, expedited.denied) == (3, 1, 2)
        assert expedited.approved_percent == Decimal("33.33")
        assert expedited.denied_percent == Decimal("66.67")
        assert expedited.approved_after_appeal_percent == Decimal("0.00")
        assert expedited.extended_percent == Decimal("33.33")
        assert expedited.extended_and_approved_percent == Decimal("0.00")
        assert expedited.average_decision_time == 38 * H
        assert expedited.median_decision_time == 24 * H

    def test_payers_are_reported_apart_and_empty_groups_have_no_percentages(self) -> None:
        p2 = compute_metrics(summaries=EXAMPLE, period_start=MARCH, period_end=APRIL)[1]
        # P2: 1 standard approval after 10 h -> 100.00%, mean = median = 10 h; no expedited.
        assert p2.payer_id == "P2"
        assert p2.standard.approved_percent == Decimal("100.00")
        assert p2.standard.median_decision_time == 10 * H
        assert p2.expedited.decided == 0
        assert p2.expedited.approved_percent is None
        assert p2.expedited.average_decision_time is None

    def test_period_end_is_exclusive(self) -> None:
        edge = summary(STANDARD, at(30), WEEK, S.APPROVED, APRIL)
        metrics = compute_metrics(summaries=[edge], period_start=MARCH, period_end=APRIL)
        assert metrics[0].standard.decided == 0


class TestMedian:
    def test_odd_and_even_counts(self) -> None:
        assert median([3 * H, 1 * H, 2 * H]) == 2 * H
        assert median([4 * H, 1 * H, 2 * H, 3 * H]) == timedelta(hours=2, minutes=30)


class TestSummarizeFromTrail:
    def test_trail_gives_first_decision_appeal_answer_and_moved_due_time(self) -> None:
        # Received 2026-03-02 15:00Z (10:00 EST), standard, New York payer that pauses when
        # pended. Original due: 2026-03-09 10:00 EDT (DST began 03-08) = 14:00Z.
        # Pended 03-03 15:00Z to 03-05 15:00Z: 48 h added -> due 2026-03-11 14:00Z.
        # Denied 03-10 15:00Z, after the original due but before the moved one: extended.
        requester = Actor(kind=ActorKind.REQUESTER, id="r")
        payer = Actor(kind=ActorKind.PAYER, id="p")
        line = RequestedLine(
            line_number=1,
            code="27447",
            units=1,
            start_date=date(2026, 3, 16),
            end_date=date(2026, 4, 16),
        )
        steps: list[tuple[Command, Actor, datetime]] = [
            (PayerDecision(code=ActionCode.PENDED, information_needed="x-rays"), payer, at(3, 15)),
            (AddDocuments(document_ids=("xr-1",)), requester, at(5, 15)),
            (
                PayerDecision(code=ActionCode.NOT_CERTIFIED, reason="no x-ray evidence"),
                payer,
                at(10, 15),
            ),
            (Appeal(), requester, at(11, 15)),
            (
                PayerDecision(code=ActionCode.CERTIFIED_IN_TOTAL, authorization_number="N"),
                payer,
                at(13, 15),
            ),
        ]
        current = receive(lines=(line,), actor=requester, at=at(2, 15))
        trail: list[TransitionRecord] = [current.record]
        for command, actor, when in steps:
            current = apply(state=current.state, command=command, actor=actor, at=when)
            trail.append(current.record)
        policy = DeadlinePolicy(time_zone="America/New_York", pause_while_pended=True)

        result = summarize(payer_id="P1", urgency=STANDARD, records=trail, policy=policy)

        assert result.original_due_at == at(9, 14)
        assert result.due_at_first_decision == at(11, 14)
        assert (result.first_decision, result.first_decided_at) == (S.DENIED, at(10, 15))
        assert result.appeal_decision is S.APPROVED
        metrics = compute_metrics(summaries=[result], period_start=MARCH, period_end=APRIL)[0]
        assert metrics.standard.extended == 1
        assert metrics.standard.approved_after_appeal == 1
        assert metrics.standard.average_decision_time == 8 * 24 * H

    def test_undecided_trail_has_no_decision(self) -> None:
        requester = Actor(kind=ActorKind.REQUESTER, id="r")
        line = RequestedLine(1, "27447", 1, date(2026, 3, 16), date(2026, 4, 16))
        trail = [receive(lines=(line,), actor=requester, at=at(2, 15)).record]
        policy = DeadlinePolicy(time_zone="America/New_York")
        result = summarize(payer_id="P1", urgency=EXPEDITED, records=trail, policy=policy)
        assert result.first_decision is None and result.due_at_first_decision is None
        assert result.original_due_at == at(5, 15)

    def test_an_extension_in_the_trail_makes_a_late_decision_extended(self) -> None:
        # Expedited, received 03-02 15:00Z: originally due 03-05 15:00Z. Extended by 14 days on
        # 03-04, approved on 03-08: after the original due time, within the extended one.
        requester = Actor(kind=ActorKind.REQUESTER, id="r")
        payer = Actor(kind=ActorKind.PAYER, id="p")
        line = RequestedLine(1, "27447", 1, date(2026, 3, 16), date(2026, 4, 16))
        current = receive(lines=(line,), actor=requester, at=at(2, 15))
        trail = [current.record]
        for command, when in (
            (Extend(by=timedelta(days=14), reason="specialist opinion"), at(4, 15)),
            (PayerDecision(code=ActionCode.CERTIFIED_IN_TOTAL, authorization_number="N"), at(8)),
        ):
            current = apply(state=current.state, command=command, actor=payer, at=when)
            trail.append(current.record)
        policy = DeadlinePolicy(time_zone="UTC")

        result = summarize(payer_id="P1", urgency=EXPEDITED, records=trail, policy=policy)

        assert result.due_at_first_decision == at(19, 15)
        metrics = compute_metrics(summaries=[result], period_start=MARCH, period_end=APRIL)[0]
        assert (metrics.expedited.extended, metrics.expedited.extended_and_approved) == (1, 1)
        unextended = summarize(
            payer_id="P1", urgency=EXPEDITED, records=trail, policy=policy, extension=H * 0
        )
        assert unextended.due_at_first_decision == at(5, 15)

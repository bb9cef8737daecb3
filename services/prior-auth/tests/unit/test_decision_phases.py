"""The clock of the decision awaited: the request's, or once appealed, the appeal's own."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from prior_auth.authorizations.deadlines import DeadlinePolicy
from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import RequestedLine
from prior_auth.authorizations.models import Authorization
from prior_auth.authorizations.schedule import reschedule
from prior_auth.authorizations.status import ActionCode
from prior_auth.authorizations.transitions import (
    Actor,
    ActorKind,
    Appeal,
    Command,
    Extend,
    TransitionRecord,
    apply,
    receive,
)
from prior_auth.payers.policy import PayerPolicy

REQUESTER = Actor(kind=ActorKind.REQUESTER, id="r")
PAYER = Actor(kind=ActorKind.PAYER, id="p")
LINE = RequestedLine(1, "E0114", 2, date(2026, 3, 1), date(2026, 6, 30))
DENY = PayerDecision(code=ActionCode.NOT_CERTIFIED, reason="not medically necessary")


def at(day: int, hour: int = 12) -> datetime:
    """A March 2026 UTC instant."""
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def authorization(priority: str = "standard") -> Authorization:
    """A stored request received 03-02 12:00Z at a UTC payer with default windows."""
    return Authorization(
        id=uuid.uuid4(),
        priority=priority,
        received_at=at(2),
        deadline_policy=PayerPolicy(deadline=DeadlinePolicy(time_zone="UTC")).to_json(),
        first_decided_at=None,
        due_soon_published_at=None,
        overdue_published_at=None,
    )


def run(row: Authorization, steps: list[tuple[Command, Actor, datetime]]) -> None:
    """Apply the steps, rescheduling after each as the service does."""
    current = receive(lines=(LINE,), actor=REQUESTER, at=row.received_at)
    trail: list[TransitionRecord] = [current.record]
    reschedule(row, trail, now=current.record.at)
    for command, actor, when in steps:
        current = apply(state=current.state, command=command, actor=actor, at=when)
        trail.append(current.record)
        reschedule(row, trail, now=when)


class TestAppealClock:
    def test_an_appeal_is_due_seven_days_after_it_was_opened(self) -> None:
        row = authorization()
        run(row, [(DENY, PAYER, at(5)), (Appeal(reason="new records"), REQUESTER, at(10))])
        assert row.due_at == at(17)
        assert row.due_soon_at == at(16)
        assert row.first_decided_at == at(5)

    def test_an_expedited_appeal_gets_72_hours(self) -> None:
        row = authorization("expedited")
        run(row, [(DENY, PAYER, at(3)), (Appeal(), REQUESTER, at(10))])
        assert row.due_at == at(13)

    def test_opening_an_appeal_clears_the_warnings_given_for_the_request(self) -> None:
        row = authorization()
        row.due_soon_published_at = row.overdue_published_at = at(9)
        run(row, [(DENY, PAYER, at(10)), (Appeal(), REQUESTER, at(11))])
        assert row.due_soon_published_at is None and row.overdue_published_at is None

    def test_an_extension_of_the_request_does_not_carry_into_the_appeal(self) -> None:
        row = authorization()
        extend = Extend(by=timedelta(days=14), reason="specialist records")
        run(row, [(extend, PAYER, at(3))])
        assert row.due_at == at(23)
        run(row, [(extend, PAYER, at(3)), (DENY, PAYER, at(20)), (Appeal(), REQUESTER, at(21))])
        assert row.due_at == at(28)

    def test_an_appeal_may_be_extended_on_its_own_clock(self) -> None:
        row = authorization()
        extend = Extend(by=timedelta(days=3), reason="peer-to-peer review")
        run(row, [(DENY, PAYER, at(5)), (Appeal(), REQUESTER, at(10)), (extend, PAYER, at(12))])
        assert row.due_at == at(20)

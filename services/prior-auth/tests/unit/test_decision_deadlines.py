"""Decision deadlines: expedited hours, standard calendar days in the payer's zone, pauses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from prior_auth.authorizations.deadlines import (
    DeadlinePolicy,
    DecisionClock,
    Pause,
    Urgency,
    due_at,
    is_due_soon,
    is_overdue,
    is_paused,
    original_due_at,
    pended_intervals,
    remaining,
)
from prior_auth.authorizations.status import Action, AuthorizationStatus
from prior_auth.authorizations.transitions import Actor, ActorKind, TransitionRecord

NEW_YORK = ZoneInfo("America/New_York")
NY = DeadlinePolicy(time_zone="America/New_York")
NY_PAUSING = DeadlinePolicy(time_zone="America/New_York", pause_while_pended=True)
HOUR = timedelta(hours=1)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """Return a UTC datetime."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def standard(received_at: datetime, *pauses: Pause) -> DecisionClock:
    """Return a standard request's clock."""
    return DecisionClock(received_at=received_at, urgency=Urgency.STANDARD, pauses=pauses)


class TestStandardCalendarDays:
    def test_same_wall_clock_time_seven_days_later(self) -> None:
        received = utc(2025, 1, 6, 15, 0)
        assert original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=NY) == utc(
            2025, 1, 13, 15, 0
        )

    def test_spring_forward_makes_the_week_167_hours(self) -> None:
        # Received Wed 2025-03-05 10:00 EST (15:00Z); clocks spring forward Sun 2025-03-09.
        # Due Wed 2025-03-12 10:00 EDT = 14:00Z.
        received = datetime(2025, 3, 5, 10, 0, tzinfo=NEW_YORK)
        due = original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=NY)
        assert due == utc(2025, 3, 12, 14, 0)
        assert due.astimezone(NEW_YORK).hour == 10
        assert due - received == 167 * HOUR

    def test_fall_back_makes_the_week_169_hours(self) -> None:
        # Received Thu 2025-10-30 10:00 EDT (14:00Z); clocks fall back Sun 2025-11-02.
        # Due Thu 2025-11-06 10:00 EST = 15:00Z.
        received = datetime(2025, 10, 30, 10, 0, tzinfo=NEW_YORK)
        due = original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=NY)
        assert due == utc(2025, 11, 6, 15, 0)
        assert due - received == 169 * HOUR

    def test_wall_time_in_the_spring_gap_is_pushed_later_by_the_gap(self) -> None:
        # 02:30 on 2025-03-09 does not exist in New York: read as 02:30 EST = 07:30Z (03:30 EDT).
        received = datetime(2025, 3, 2, 2, 30, tzinfo=NEW_YORK)
        due = original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=NY)
        assert due == utc(2025, 3, 9, 7, 30)
        assert due.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:30 EDT"

    def test_repeated_wall_time_takes_its_first_occurrence(self) -> None:
        # 01:30 happens twice on 2025-11-02; the first is 01:30 EDT = 05:30Z.
        received = datetime(2025, 10, 26, 1, 30, tzinfo=NEW_YORK)
        due = original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=NY)
        assert due == utc(2025, 11, 2, 5, 30)

    def test_the_payer_zone_decides_not_the_sender_zone(self) -> None:
        # 2025-03-05 15:00Z is 07:00 PST; a week later is 07:00 PDT on 03-12 = 14:00Z,
        # whichever zone the receipt time was written in.
        received = datetime(2025, 3, 5, 10, 0, tzinfo=NEW_YORK)
        pacific = DeadlinePolicy(time_zone="America/Los_Angeles")
        due = original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=pacific)
        assert due == utc(2025, 3, 12, 14, 0)
        utc_payer = DeadlinePolicy(time_zone="UTC")
        due_utc = original_due_at(received_at=received, urgency=Urgency.STANDARD, policy=utc_payer)
        assert due_utc - received == 168 * HOUR

    def test_window_is_configurable_per_payer(self) -> None:
        faster = DeadlinePolicy(time_zone="America/New_York", standard_days=3, expedited_hours=24)
        received = utc(2025, 1, 6, 15, 0)
        assert original_due_at(
            received_at=received, urgency=Urgency.STANDARD, policy=faster
        ) == utc(2025, 1, 9, 15, 0)
        assert original_due_at(
            received_at=received, urgency=Urgency.EXPEDITED, policy=faster
        ) == utc(2025, 1, 7, 15, 0)


class TestExpeditedHours:
    @pytest.mark.parametrize(
        "received",
        [
            datetime(2025, 3, 8, 12, 0, tzinfo=NEW_YORK),
            datetime(2025, 11, 1, 12, 0, tzinfo=NEW_YORK),
        ],
    )
    def test_72_elapsed_hours_across_either_change(self, received: datetime) -> None:
        due = original_due_at(received_at=received, urgency=Urgency.EXPEDITED, policy=NY)
        assert due - received == 72 * HOUR
        assert due.tzinfo is UTC


class TestPauses:
    def test_pauses_do_not_count_unless_the_payer_pauses(self) -> None:
        clock = standard(utc(2025, 1, 6, 15), Pause(utc(2025, 1, 7, 15), utc(2025, 1, 9, 15)))
        assert due_at(clock=clock, policy=NY, now=utc(2025, 1, 10)) == utc(2025, 1, 13, 15)

    def test_closed_pause_adds_its_length(self) -> None:
        clock = standard(utc(2025, 1, 6, 15), Pause(utc(2025, 1, 7, 15), utc(2025, 1, 9, 3)))
        assert due_at(clock=clock, policy=NY_PAUSING, now=utc(2025, 1, 10)) == utc(2025, 1, 15, 3)

    def test_pause_across_spring_forward_adds_elapsed_hours(self) -> None:
        # Received 2025-03-05 10:00 EST; original due 2025-03-12 14:00Z (10:00 EDT).
        # Pended Sat 03-08 12:00 EST (17:00Z) until Mon 03-10 12:00 EDT (16:00Z): 47 hours,
        # not 48, because the clocks skipped an hour. Due 03-12 14:00Z + 47h = 03-14 13:00Z.
        pause = Pause(
            datetime(2025, 3, 8, 12, tzinfo=NEW_YORK), datetime(2025, 3, 10, 12, tzinfo=NEW_YORK)
        )
        clock = standard(datetime(2025, 3, 5, 10, tzinfo=NEW_YORK), pause)
        due = due_at(clock=clock, policy=NY_PAUSING, now=utc(2025, 3, 11))
        assert due == utc(2025, 3, 14, 13, 0)
        assert due.astimezone(NEW_YORK).hour == 9

    def test_open_pause_freezes_remaining_time(self) -> None:
        clock = standard(utc(2025, 1, 6, 15), Pause(utc(2025, 1, 8, 15)))
        early = remaining(clock=clock, policy=NY_PAUSING, now=utc(2025, 1, 9))
        much_later = remaining(clock=clock, policy=NY_PAUSING, now=utc(2025, 2, 20))
        assert early == much_later == timedelta(days=5)
        assert is_paused(clock=clock, policy=NY_PAUSING)
        assert not is_overdue(clock=clock, policy=NY_PAUSING, now=utc(2025, 2, 20))
        assert not is_due_soon(
            clock=clock, policy=NY_PAUSING, now=utc(2025, 2, 20), warn_before=timedelta(days=6)
        )

    def test_pause_begun_after_the_deadline_does_not_rescue_it(self) -> None:
        late_pause = Pause(utc(2025, 1, 14, 15), utc(2025, 1, 20, 15))
        clock = standard(utc(2025, 1, 6, 15), late_pause)
        assert due_at(clock=clock, policy=NY_PAUSING, now=utc(2025, 1, 21)) == utc(2025, 1, 13, 15)
        assert is_overdue(clock=clock, policy=NY_PAUSING, now=utc(2025, 1, 21))

    def test_extension_is_added(self) -> None:
        clock = DecisionClock(
            received_at=utc(2025, 1, 6, 15),
            urgency=Urgency.STANDARD,
            extension=timedelta(days=14),
        )
        assert due_at(clock=clock, policy=NY, now=utc(2025, 1, 7)) == utc(2025, 1, 27, 15)


class TestDueSoonAndOverdue:
    CLOCK = DecisionClock(received_at=utc(2025, 1, 6, 15), urgency=Urgency.EXPEDITED)
    DUE = utc(2025, 1, 9, 15)
    WARN = timedelta(hours=12)

    @pytest.mark.parametrize(
        ("now", "soon", "overdue"),
        [
            (utc(2025, 1, 9, 2, 59, 59), False, False),
            (utc(2025, 1, 9, 3), True, False),
            (utc(2025, 1, 9, 15), True, False),
            (utc(2025, 1, 9, 15) + timedelta(microseconds=1), False, True),
        ],
    )
    def test_boundaries(self, now: datetime, soon: bool, overdue: bool) -> None:
        assert is_due_soon(clock=self.CLOCK, policy=NY, now=now, warn_before=self.WARN) is soon
        assert is_overdue(clock=self.CLOCK, policy=NY, now=now) is overdue

    def test_remaining_goes_negative_once_overdue(self) -> None:
        assert remaining(clock=self.CLOCK, policy=NY, now=utc(2025, 1, 9, 17)) == -2 * HOUR


class TestInputs:
    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            original_due_at(received_at=datetime(2025, 1, 6), urgency=Urgency.STANDARD, policy=NY)

    def test_unknown_time_zone_is_refused(self) -> None:
        with pytest.raises(LookupError):
            DeadlinePolicy(time_zone="America/Atlantis")


class TestPendedIntervals:
    def test_pauses_come_from_the_trail(self) -> None:
        actor = Actor(kind=ActorKind.PAYER, id="p")
        s = AuthorizationStatus

        def record(
            frm: AuthorizationStatus | None, to: AuthorizationStatus, day: int
        ) -> TransitionRecord:
            return TransitionRecord(
                from_status=frm,
                to_status=to,
                action=Action.DECIDE,
                action_code=None,
                actor=actor,
                at=utc(2025, 1, day),
            )

        trail = [
            record(None, s.SUBMITTED, 1),
            record(s.SUBMITTED, s.PENDED, 2),
            record(s.PENDED, s.PENDED, 3),
            record(s.PENDED, s.SUBMITTED, 4),
            record(s.SUBMITTED, s.PENDED, 6),
        ]
        assert pended_intervals(trail) == (
            Pause(utc(2025, 1, 2), utc(2025, 1, 4)),
            Pause(utc(2025, 1, 6)),
        )

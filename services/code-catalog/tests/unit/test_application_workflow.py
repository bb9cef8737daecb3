"""The application workflow's transition table and release dates, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from code_catalog.applications.workflow import (
    TRANSITIONS,
    Action,
    Category,
    Status,
    TransitionRefused,
    next_status,
    release_effective_date,
)


class TestTransitions:
    def test_the_happy_path_leads_from_draft_to_published(self) -> None:
        status = Status.DRAFT
        for action in (Action.SUBMIT, Action.START_REVIEW, Action.APPROVE, Action.PUBLISH):
            status = next_status(action, status)
        assert status is Status.PUBLISHED

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED, Status.REJECTED])
    def test_only_an_application_under_review_is_approved(self, status: Status) -> None:
        with pytest.raises(TransitionRefused, match=f"that is {status.value}"):
            next_status(Action.APPROVE, status)

    def test_closed_applications_take_no_action(self) -> None:
        for closed in (Status.PUBLISHED, Status.REJECTED, Status.WITHDRAWN):
            assert not any(closed in rule.sources for rule in TRANSITIONS.values())

    def test_information_requested_goes_back_to_the_agenda(self) -> None:
        asked = next_status(Action.REQUEST_INFORMATION, Status.UNDER_REVIEW)
        assert next_status(Action.RESPOND, asked) is Status.SCHEDULED


class TestReleaseDates:
    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (date(2026, 3, 10), date(2027, 1, 1)),
            (date(2026, 12, 31), date(2027, 1, 1)),
            (date(2026, 1, 1), date(2027, 1, 1)),
        ],
    )
    def test_category_i_joins_the_next_january(self, on: date, expected: date) -> None:
        assert release_effective_date(Category.I, on) == expected

    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (date(2026, 3, 10), date(2026, 7, 1)),
            (date(2026, 7, 1), date(2027, 1, 1)),
            (date(2026, 6, 30), date(2026, 7, 1)),
            (date(2026, 11, 2), date(2027, 1, 1)),
        ],
    )
    def test_category_iii_joins_the_next_january_or_july(self, on: date, expected: date) -> None:
        assert release_effective_date(Category.III, on) == expected

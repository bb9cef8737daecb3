"""The claim state machine: what may follow what, and what is final."""

from __future__ import annotations

import pytest

from claimflow_shared.errors import Conflict
from claims.inquiry.categories import CATEGORIES
from claims.status.machine import (
    ALLOWED,
    LIVE,
    REPLACEABLE,
    ClaimStatus,
    can_move,
    check_transition,
)

S = ClaimStatus


class TestTransitions:
    @pytest.mark.parametrize(
        ("current", "target"),
        [
            (None, S.RECEIVED),
            (S.RECEIVED, S.ACCEPTED),
            (S.RECEIVED, S.REJECTED),
            (S.RECEIVED, S.PENDED_AUTH),
            (S.RECEIVED, S.PENDED_REVIEW),
            (S.PENDED_AUTH, S.ACCEPTED),
            (S.PENDED_AUTH, S.RETURNED),
            (S.PENDED_REVIEW, S.ACCEPTED),
            (S.PENDED_REVIEW, S.RETURNED),
            (S.ACCEPTED, S.VOIDED),
            (S.ACCEPTED, S.REPLACED),
            (S.RETURNED, S.REPLACED),
        ],
    )
    def test_allowed(self, current: ClaimStatus | None, target: ClaimStatus) -> None:
        assert can_move(current, target)
        check_transition(current, target)

    @pytest.mark.parametrize(
        ("current", "target"),
        [
            (None, S.ACCEPTED),
            (S.ACCEPTED, S.REJECTED),
            (S.ACCEPTED, S.RECEIVED),
            (S.RECEIVED, S.RETURNED),
            (S.REJECTED, S.VOIDED),
            (S.VOIDED, S.ACCEPTED),
            (S.REPLACED, S.VOIDED),
            (S.RETURNED, S.ACCEPTED),
        ],
    )
    def test_refused_with_a_409(self, current: ClaimStatus | None, target: ClaimStatus) -> None:
        assert not can_move(current, target)
        with pytest.raises(Conflict) as refused:
            check_transition(current, target)
        assert refused.value.extra["current_status"] == current

    @pytest.mark.parametrize("final", [S.REJECTED, S.VOIDED, S.REPLACED])
    def test_final_statuses_lead_nowhere(self, final: ClaimStatus) -> None:
        assert ALLOWED[final] == frozenset()

    def test_every_status_has_its_entry_and_a_category_code(self) -> None:
        assert set(ALLOWED) == {None, *ClaimStatus}
        assert set(CATEGORIES) == set(ClaimStatus)

    def test_live_claims_can_be_voided_or_replaced_and_so_can_returned_ones(self) -> None:
        for status in REPLACEABLE:
            assert can_move(status, S.VOIDED) and can_move(status, S.REPLACED)
        assert {S.RETURNED} == REPLACEABLE - LIVE

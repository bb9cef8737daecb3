"""Subscription patterns: segment-wise globs over event types."""

from __future__ import annotations

import pytest

from notifications.delivery.matching import (
    InvalidPatternError,
    matches,
    matches_any,
    validate_pattern,
)

STATUS_CHANGED = "claims.claim.status_changed.v1"


class TestMatches:
    @pytest.mark.parametrize(
        "pattern",
        [
            "*",
            "claims.*",
            "claims.claim.*",
            "claims.claim.status_changed.*",
            "claims.*.status_changed.v1",
            "*.claim.status_changed.v1",
            "*.*.*.v1",
            "*.*.*.*",
            "*.*.*",
            STATUS_CHANGED,
        ],
    )
    def test_wanted(self, pattern: str) -> None:
        assert matches(pattern, STATUS_CHANGED)

    @pytest.mark.parametrize(
        "pattern",
        [
            "claims.claim.status_changed.v2",
            "claims.claim",
            "claims.claim.status_changed",
            "claims.claim.status_changed.v1.extra",
            "claims.claim.status_changed.v1.*",
            "priorauth.*",
            "claims.*.submitted.v1",
            "*.v1",
            "Claims.claim.status_changed.v1",
        ],
    )
    def test_not_wanted(self, pattern: str) -> None:
        assert not matches(pattern, STATUS_CHANGED)

    def test_trailing_wildcard_needs_at_least_one_segment(self) -> None:
        assert not matches("claims.claim.*", "claims.claim")
        assert matches("claims.claim.*", "claims.claim.submitted")

    def test_any_of_several_patterns(self) -> None:
        assert matches_any(["priorauth.*", "claims.claim.*"], STATUS_CHANGED)
        assert not matches_any(["priorauth.*", "codecatalog.*"], STATUS_CHANGED)
        assert not matches_any([], STATUS_CHANGED)


class TestValidatePattern:
    @pytest.mark.parametrize(
        "pattern", ["*", "claims.*", "a.*.c", "claims.claim.status_changed.v1"]
    )
    def test_valid_patterns_come_back(self, pattern: str) -> None:
        assert validate_pattern(pattern) == pattern

    @pytest.mark.parametrize(
        "pattern",
        ["", ".", "claims.", ".claims", "claims..v1", "claims.status_*", "**", "a b", "a.#"],
    )
    def test_invalid_patterns_are_refused(self, pattern: str) -> None:
        with pytest.raises(InvalidPatternError):
            validate_pattern(pattern)

    def test_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="claims.st\\*"):
            validate_pattern("claims.st*")

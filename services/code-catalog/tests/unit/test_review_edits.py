"""NCCI PTP pairs, MUE limits and add-on codes across the lines of a claim."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from code_catalog.review.builder import TableBuilder
from code_catalog.review.engine import ReviewEngine
from code_catalog.review.findings import Finding, RuleId, Severity
from code_catalog.review.tables import CatalogTables

from .claims import claim, service_line
from .conftest import CPT_ROWS, RELEASES


def _edits(findings: list[Finding], rule: RuleId) -> list[int]:
    """The lines a rule found something on."""
    return [finding.line for finding in findings if finding.rule is rule]


class TestPtp:
    def test_indicator_0_denies_the_column_2_line(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10001"), service_line(2, "10002")))
        assert [(f.line, f.rule, f.severity) for f in findings] == [
            (2, RuleId.NCCI_PTP, Severity.REJECT)
        ]
        message = findings[0].message
        assert "10002 (column 2) is not payable with 10001 (column 1, line 1)" in message
        assert "Mutually exclusive procedures" in findings[0].message
        assert findings[0].release == RELEASES["ptp"]

    def test_indicator_0_ignores_modifiers(self, engine: ReviewEngine) -> None:
        lines = (
            service_line(1, "10001", modifiers=("59",)),
            service_line(2, "10002", modifiers=("59",)),
        )
        assert _edits(engine.review(claim(*lines)), RuleId.NCCI_PTP) == [2]

    def test_indicator_1_without_modifier_is_denied(self, engine: ReviewEngine) -> None:
        lines = (service_line(1, "10003"), service_line(2, "10001"))
        assert _edits(engine.review(claim(*lines)), RuleId.NCCI_PTP) == [1]

    @pytest.mark.parametrize(
        ("column1_modifiers", "column2_modifiers"),
        [
            ((), ("59",)),
            (("59",), ()),
            ((), ("XU",)),
            (("RT",), ("LT",)),
            ((), ("F1",)),
            ((), ("91",)),
        ],
    )
    def test_indicator_1_with_an_associated_modifier_on_either_line_is_allowed(
        self,
        engine: ReviewEngine,
        column1_modifiers: tuple[str, ...],
        column2_modifiers: tuple[str, ...],
    ) -> None:
        lines = (
            service_line(1, "10001", modifiers=column1_modifiers),
            service_line(2, "10003", modifiers=column2_modifiers),
        )
        assert engine.review(claim(*lines)) == []

    def test_indicator_1_with_an_unassociated_modifier_is_denied(
        self, engine: ReviewEngine
    ) -> None:
        lines = (service_line(1, "10001"), service_line(2, "10003", modifiers=("76",)))
        assert _edits(engine.review(claim(*lines)), RuleId.NCCI_PTP) == [2]

    def test_indicator_9_never_applies(self, engine: ReviewEngine) -> None:
        assert engine.review(claim(service_line(1, "10001"), service_line(2, "10004"))) == []

    def test_pairs_on_different_dates_are_not_edited(self, engine: ReviewEngine) -> None:
        lines = (service_line(1, "10001"), service_line(2, "10002", day=date(2025, 9, 16)))
        assert engine.review(claim(*lines)) == []

    def test_edit_counts_only_before_its_deletion_date(self, engine: ReviewEngine) -> None:
        def review_on(day: date) -> list[int]:
            lines = (service_line(1, "10002", day=day), service_line(2, "10004", day=day))
            return _edits(engine.review(claim(*lines)), RuleId.NCCI_PTP)

        assert review_on(date(2025, 6, 30)) == [2]
        assert review_on(date(2025, 7, 1)) == []

    def test_edit_counts_from_its_effective_date(self, engine: ReviewEngine) -> None:
        def review_on(day: date) -> list[int]:
            lines = (service_line(1, "10003", day=day), service_line(2, "10005", day=day))
            return _edits(engine.review(claim(*lines)), RuleId.NCCI_PTP)

        assert review_on(date(2025, 6, 30)) == []
        assert review_on(date(2025, 7, 1)) == [2]


class TestMue:
    def test_line_edit_limits_each_line(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10001", units=2)))
        assert [(f.line, f.rule, f.appealable) for f in findings] == [(1, RuleId.MUE_LINE, False)]
        assert findings[0].release == RELEASES["mue"]

    def test_line_edit_does_not_sum_lines(self, engine: ReviewEngine) -> None:
        lines = (
            service_line(1, "10001", modifiers=("RT",)),
            service_line(2, "10001", modifiers=("LT",)),
        )
        assert _edits(engine.review(claim(*lines)), RuleId.MUE_LINE) == []

    def test_policy_edit_sums_lines_of_one_date(self, engine: ReviewEngine) -> None:
        lines = (service_line(1, "10002", units=1), service_line(2, "10002", units=Decimal("1.5")))
        findings = [f for f in engine.review(claim(*lines)) if f.rule is RuleId.MUE_DOS]
        assert [(f.line, f.appealable) for f in findings] == [(1, False), (2, False)]
        assert "2.5 units of 10002 on 2025-09-15 exceed the MUE of 2" in findings[0].message
        assert "MAI 2 Date of Service Edit: Policy" in findings[0].message

    def test_policy_edit_at_the_limit_passes(self, engine: ReviewEngine) -> None:
        lines = (service_line(1, "10002", units=1), service_line(2, "10002", units=1))
        assert _edits(engine.review(claim(*lines)), RuleId.MUE_DOS) == []

    def test_clinical_edit_sums_lines_and_is_appealable(self, engine: ReviewEngine) -> None:
        lines = (
            service_line(1, "10003", units=2),
            service_line(2, "10004"),
            service_line(3, "10003", units=2, modifiers=("76",)),
        )
        findings = [f for f in engine.review(claim(*lines)) if f.rule is RuleId.MUE_DOS]
        assert [(f.line, f.appealable, f.severity) for f in findings] == [
            (1, True, Severity.REJECT),
            (3, True, Severity.REJECT),
        ]

    def test_date_edits_do_not_sum_across_dates(self, engine: ReviewEngine) -> None:
        lines = (
            service_line(1, "10003", units=3),
            service_line(2, "10003", units=3, day=date(2025, 9, 16)),
        )
        assert _edits(engine.review(claim(*lines)), RuleId.MUE_DOS) == []


class TestAddOnCodes:
    def test_type_1_with_a_listed_primary_on_the_date_passes(self, engine: ReviewEngine) -> None:
        assert engine.review(claim(service_line(1, "10002"), service_line(2, "20001"))) == []

    def test_type_1_without_its_primary_is_rejected(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10004"), service_line(2, "20001")))
        assert [(f.line, f.rule, f.severity) for f in findings] == [
            (2, RuleId.ADDON_NO_PRIMARY, Severity.REJECT)
        ]
        assert "(10001, 10002)" in findings[0].message
        assert findings[0].release == RELEASES["aoc"]

    def test_type_1_with_its_primary_on_another_date_is_rejected(
        self, engine: ReviewEngine
    ) -> None:
        lines = (service_line(1, "10001", day=date(2025, 9, 14)), service_line(2, "20001"))
        findings = engine.review(claim(*lines))
        assert _edits(findings, RuleId.ADDON_NO_PRIMARY) == [2]
        assert "a listed primary is billed on 2025-09-14" in findings[0].message

    def test_type_2_alone_warns(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "20002")))
        assert [(f.line, f.severity) for f in findings] == [(1, Severity.WARN)]
        assert "contractor defines its primaries" in findings[0].message

    def test_type_2_with_another_procedure_passes(self, engine: ReviewEngine) -> None:
        assert engine.review(claim(service_line(1, "10004"), service_line(2, "20002"))) == []

    def test_type_2_with_only_another_add_on_warns(self, engine: ReviewEngine) -> None:
        lines = (service_line(1, "20002"), service_line(2, "20003"))
        findings = engine.review(claim(*lines))
        assert [(f.line, f.severity) for f in findings] == [(1, Severity.WARN), (2, Severity.WARN)]

    def test_type_3_with_a_listed_primary_passes(self, engine: ReviewEngine) -> None:
        assert engine.review(claim(service_line(1, "10003"), service_line(2, "20003"))) == []

    def test_type_3_without_a_listed_primary_warns(self, engine: ReviewEngine) -> None:
        findings = engine.review(claim(service_line(1, "10004"), service_line(2, "20003")))
        assert [(f.line, f.rule, f.severity) for f in findings] == [
            (2, RuleId.ADDON_NO_PRIMARY, Severity.WARN)
        ]

    def test_deleted_edit_stops_applying(self, engine: ReviewEngine) -> None:
        def review_on(day: date) -> list[int]:
            return _edits(
                engine.review(claim(service_line(1, "20004", day=day))), RuleId.ADDON_NO_PRIMARY
            )

        assert review_on(date(2025, 6, 30)) == [1]
        assert review_on(date(2025, 7, 1)) == []


class TestEngine:
    def test_new_tables_replace_the_old_between_reviews(self, tables: CatalogTables) -> None:
        engine = ReviewEngine(tables)
        reviewed = claim(service_line(1, "10001"), service_line(2, "10002"))
        assert _edits(engine.review(reviewed), RuleId.NCCI_PTP) == [2]
        builder = TableBuilder()
        builder.add_procedure("10001", None, None, "next")
        builder.add_procedure("10002", None, None, "next")
        engine.replace(builder.build())
        findings = engine.review(reviewed)
        assert _edits(findings, RuleId.NCCI_PTP) == []
        assert {f.rule for f in findings} == {RuleId.POS_INVALID, RuleId.DX_INVALID}

    def test_findings_are_ordered_by_line_with_claim_findings_first(
        self, engine: ReviewEngine
    ) -> None:
        reviewed = claim(
            service_line(1, "10004", units=0), service_line(2, "10999"), diagnoses=("E11",)
        )
        assert [f.line for f in engine.review(reviewed)] == [0, 1, 2]

    def test_tables_report_their_sizes(self, tables: CatalogTables) -> None:
        sizes = tables.sizes()
        assert sizes["ptp_pairs"] == 5
        assert sizes["mue"] == 3
        assert sizes["addons"] == 4
        assert sizes["places_of_service"] == 52
        assert sizes["procedures"] == 8463 + len([row for row in CPT_ROWS if row[3] != "modifier"])
        assert sizes["modifiers"] == 383 + 5

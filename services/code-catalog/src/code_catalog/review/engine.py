"""Code review of one claim against the in-memory tables, without touching the database."""

from __future__ import annotations

from code_catalog.review.claim import ClaimForReview
from code_catalog.review.edits import check_addons, check_mue, check_ptp
from code_catalog.review.findings import Finding
from code_catalog.review.lines import by_day, review_lines
from code_catalog.review.rules import (
    check_code,
    check_diagnoses,
    check_modifiers,
    check_place_of_service,
    check_pointers,
    check_units,
)
from code_catalog.review.tables import CatalogTables


def review_claim(claim: ClaimForReview, tables: CatalogTables) -> list[Finding]:
    """Every finding for a claim, line by line (claim-level findings first)."""
    findings: list[Finding] = []
    lines = review_lines(claim)
    diagnosis_count = len(claim.diagnosis_codes)
    for line in lines:
        check_code(line, tables, findings)
        check_units(line, findings)
        check_modifiers(line, tables, findings)
        check_place_of_service(line, tables, findings)
        check_pointers(line, diagnosis_count, findings)
    check_diagnoses(claim, lines, tables, findings)
    days = by_day(lines)
    check_ptp(days, tables, findings)
    check_mue(lines, tables, findings)
    check_addons(days, tables, findings)
    findings.sort(key=lambda finding: finding.line)
    return findings


class ReviewEngine:
    """Holds the current tables; a new release replaces them whole, between two reviews."""

    def __init__(self, tables: CatalogTables) -> None:
        self._tables = tables

    @property
    def tables(self) -> CatalogTables:
        """The tables reviews read now."""
        return self._tables

    def replace(self, tables: CatalogTables) -> None:
        """Switch to tables built from a newly imported release."""
        self._tables = tables

    def review(self, claim: ClaimForReview) -> list[Finding]:
        """Review a claim against one consistent set of tables."""
        return review_claim(claim, self._tables)

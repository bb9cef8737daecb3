"""Line and claim rules: codes, units, modifiers, place of service, diagnoses and pointers.

Diagnoses are claim-level in an 837P (the HI segment), so their findings are claim-level (line 0);
each is checked on the dates of the lines that point to it, or on the claim's first date when no
line does. Every rule here rejects.
"""

from __future__ import annotations

from datetime import date

from code_catalog.codes.formats import (
    CodeFormatError,
    classify_procedure,
    format_icd10cm,
    normalize_icd10cm,
    normalize_modifier,
    normalize_pos,
)
from code_catalog.review.claim import ClaimForReview
from code_catalog.review.findings import CLAIM_LEVEL, Finding, RuleId, Severity
from code_catalog.review.lines import ReviewLine
from code_catalog.review.tables import CatalogTables, Span, active

REJECT = Severity.REJECT


def _span_text(spans: tuple[Span, ...]) -> str:
    """Describe the validity of a code for a message."""
    return "; ".join(
        f"{date.fromordinal(s.start)} to {date.fromordinal(s.end)} ({s.release})" for s in spans
    )


def check_code(line: ReviewLine, tables: CatalogTables, out: list[Finding]) -> None:
    """The code is well formed, known, and active on the date of service."""
    code = line.raw_code.strip().upper()
    spans = tables.procedures.get(code)
    releases = tables.releases.procedures
    if spans is None:
        try:
            code = classify_procedure(line.raw_code).code
        except CodeFormatError as error:
            out.append(Finding(line.number, RuleId.CODE_FORMAT, REJECT, str(error), releases))
            return
        line.code = code
        message = f"{code} is not a known procedure code"
        out.append(Finding(line.number, RuleId.CODE_UNKNOWN, REJECT, message, releases))
        return
    line.code = code
    if active(spans, line.day) is None:
        message = f"{code} is not active on {line.service_date}: valid {_span_text(spans)}"
        out.append(Finding(line.number, RuleId.CODE_INACTIVE, REJECT, message, spans[-1].release))


def check_units(line: ReviewLine, out: list[Finding]) -> None:
    """Units of service are positive."""
    if line.units <= 0:
        message = f"units must be more than zero, got {line.units}"
        out.append(Finding(line.number, RuleId.UNITS_INVALID, REJECT, message, ""))


def check_modifiers(line: ReviewLine, tables: CatalogTables, out: list[Finding]) -> None:
    """Each modifier is well formed, known, and active on the date of service."""
    for raw in line.modifiers:
        spans = tables.modifiers.get(raw)
        if spans is not None and active(spans, line.day) is not None:
            continue
        release = tables.releases.modifiers
        try:
            modifier = normalize_modifier(raw)
        except CodeFormatError as error:
            out.append(Finding(line.number, RuleId.MODIFIER_INVALID, REJECT, str(error), release))
            continue
        if spans is None:
            message = f"modifier {modifier} is not a known modifier"
        else:
            message = f"modifier {modifier} is not active on {line.service_date}"
            release = spans[-1].release
        out.append(Finding(line.number, RuleId.MODIFIER_INVALID, REJECT, message, release))


def check_place_of_service(line: ReviewLine, tables: CatalogTables, out: list[Finding]) -> None:
    """The line (or the claim) names a known place of service."""
    pos = line.place_of_service
    if pos is not None and pos in tables.places_of_service:
        return
    release = tables.releases.places_of_service
    if pos is None:
        message = "no place of service on the line or the claim"
    else:
        try:
            message = f"place of service {normalize_pos(pos)} is not a known code"
        except CodeFormatError as error:
            message = str(error)
    out.append(Finding(line.number, RuleId.POS_INVALID, REJECT, message, release))


def check_pointers(line: ReviewLine, diagnosis_count: int, out: list[Finding]) -> None:
    """The line points to at least one diagnosis, and every pointer resolves."""
    if not line.pointers:
        message = "the line points to no diagnosis"
        out.append(Finding(line.number, RuleId.DX_POINTER, REJECT, message, ""))
        return
    for pointer in line.pointers:
        if not 1 <= pointer <= diagnosis_count:
            message = f"diagnosis pointer {pointer} is not one of the claim's {diagnosis_count}"
            out.append(Finding(line.number, RuleId.DX_POINTER, REJECT, message, ""))


def _diagnosis_days(position: int, lines: list[ReviewLine]) -> list[ReviewLine]:
    """The lines whose dates a diagnosis must be valid on: those pointing to it, else the first."""
    pointing = [line for line in lines if position in line.pointers]
    if pointing or not lines:
        return pointing
    return [min(lines, key=lambda line: line.day)]


def _diagnosis_finding(
    code: str, position: int, lines: list[ReviewLine], tables: CatalogTables
) -> Finding | None:
    """The first problem with one diagnosis on the dates it is used, if any."""
    spans = tables.diagnoses.get(code)
    shown = format_icd10cm(code)
    if spans is None:
        message = f"diagnosis {position} ({shown}) is not an ICD-10-CM code"
        return Finding(CLAIM_LEVEL, RuleId.DX_INVALID, REJECT, message, tables.releases.diagnoses)
    for line in _diagnosis_days(position, lines):
        span = active(spans, line.day)
        if span is None:
            message = f"diagnosis {position} ({shown}) is not valid on {line.service_date}"
            return Finding(CLAIM_LEVEL, RuleId.DX_INVALID, REJECT, message, spans[-1].release)
        if not span.billable:
            message = (
                f"diagnosis {position} ({shown}) is a header with more specific codes below it, "
                "not billable"
            )
            return Finding(CLAIM_LEVEL, RuleId.DX_HEADER, REJECT, message, span.release)
    return None


def check_diagnoses(
    claim: ClaimForReview, lines: list[ReviewLine], tables: CatalogTables, out: list[Finding]
) -> None:
    """Every claim diagnosis is a billable ICD-10-CM code on the dates it is used."""
    for position, raw in enumerate(claim.diagnosis_codes, start=1):
        try:
            code = normalize_icd10cm(raw)
        except CodeFormatError as error:
            message = f"diagnosis {position}: {error}"
            release = tables.releases.diagnoses
            out.append(Finding(CLAIM_LEVEL, RuleId.DX_INVALID, REJECT, message, release))
            continue
        finding = _diagnosis_finding(code, position, lines, tables)
        if finding is not None:
            out.append(finding)

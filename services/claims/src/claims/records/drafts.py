"""A claim as intake holds it before it is stored, whatever format it came in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Source = Literal["json", "x12"]
Severity = Literal["reject", "warn"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a review step found; line 0 is the claim as a whole. Codes, never identity."""

    source: str
    rule: str
    severity: Severity
    message: str
    line: int = 0
    related_claim_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The finding as stored in a claim's ``findings`` column."""
        return {
            "source": self.source,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "related_claim_id": self.related_claim_id,
        }


@dataclass(frozen=True, slots=True)
class LineDraft:
    """One service line of a claim to store."""

    line_number: int
    code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Decimal
    service_from: date
    service_to: date
    diagnosis_pointers: tuple[int, ...]
    rendering_npi: str | None = None
    prior_auth_number: str | None = None
    place_of_service: str | None = None


@dataclass(frozen=True, slots=True)
class Demographics:
    """Patient and subscriber identity as sent; stored apart and never put into events or logs."""

    member_id: str | None = None
    group_number: str | None = None
    relationship: str | None = None
    subscriber: dict[str, Any] | None = None
    patient: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ClaimDraft:
    """A professional claim from JSON or X12, ready for the intake edits and storage.

    ``x12_key`` identifies an X12 claim by its envelope (ISA06, ISA13, GS06, ST02, CLM01) so the
    same interchange sent twice finds the claims it already made.
    """

    source: Source
    payer_id: str
    billing_npi: str
    patient_ref: str
    place_of_service: str
    diagnosis_codes: tuple[str, ...]
    lines: tuple[LineDraft, ...]
    total_charge: Decimal
    claim_number: str | None = None
    rendering_npi: str | None = None
    frequency: str = "1"
    original_ref: str | None = None
    prior_auth_number: str | None = None
    demographics: Demographics | None = None
    x12_key: str | None = None
    findings: tuple[Finding, ...] = field(default=())

    @property
    def service_from(self) -> date:
        """The earliest date of service on the claim."""
        return min(line.service_from for line in self.lines)

    @property
    def service_to(self) -> date:
        """The latest date of service on the claim."""
        return max(line.service_to for line in self.lines)

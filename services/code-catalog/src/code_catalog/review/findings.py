"""What code review reports: one finding per problem, with a stable rule id and a severity."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CLAIM_LEVEL = 0


class Severity(StrEnum):
    """Whether a finding rejects the line (or claim) or only warns."""

    REJECT = "reject"
    WARN = "warn"


class RuleId(StrEnum):
    """Stable identifiers of the review rules."""

    CODE_FORMAT = "CODE_FORMAT"
    CODE_UNKNOWN = "CODE_UNKNOWN"
    CODE_INACTIVE = "CODE_INACTIVE"
    UNITS_INVALID = "UNITS_INVALID"
    MODIFIER_INVALID = "MODIFIER_INVALID"
    POS_INVALID = "POS_INVALID"
    DX_INVALID = "DX_INVALID"
    DX_HEADER = "DX_HEADER"
    DX_POINTER = "DX_POINTER"
    NCCI_PTP = "NCCI_PTP"
    MUE_LINE = "MUE_LINE"
    MUE_DOS = "MUE_DOS"
    ADDON_NO_PRIMARY = "ADDON_NO_PRIMARY"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: its line (0 for the claim), its rule, and the release that decided it."""

    line: int
    rule: RuleId
    severity: Severity
    message: str
    release: str
    appealable: bool = False

    @property
    def rejects(self) -> bool:
        """Whether this finding rejects what it concerns."""
        return self.severity is Severity.REJECT

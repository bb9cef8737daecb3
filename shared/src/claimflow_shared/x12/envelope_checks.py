"""Envelope rules: ISA and GS field checks, trailer counts, and the A/E/P/R verdict arithmetic."""

from __future__ import annotations

from collections.abc import Sequence

from claimflow_shared.x12.errors import (
    GroupCode,
    GroupError,
    InterchangeCode,
    InterchangeError,
    SegmentError,
    SetCode,
)
from claimflow_shared.x12.results import AckStatus, TransactionSetAck
from claimflow_shared.x12.tokenizer import IsaHeader
from claimflow_shared.x12.values import is_date, is_time

GROUP_FATAL = frozenset(
    {GroupCode.NOT_SUPPORTED, GroupCode.VERSION_NOT_SUPPORTED, GroupCode.CONTROL_NUMBER_INVALID}
)
_ID_QUALIFIERS = frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"})
_ISA_CODES: tuple[tuple[int, frozenset[str], InterchangeCode], ...] = (
    (1, frozenset({"00", "03"}), InterchangeCode.INVALID_AUTHORIZATION_QUALIFIER),
    (3, frozenset({"00", "01"}), InterchangeCode.INVALID_SECURITY_QUALIFIER),
    (5, _ID_QUALIFIERS, InterchangeCode.INVALID_SENDER_QUALIFIER),
    (7, _ID_QUALIFIERS, InterchangeCode.INVALID_RECEIVER_QUALIFIER),
    (12, frozenset({"00501"}), InterchangeCode.VERSION_NOT_SUPPORTED),
    (14, frozenset({"0", "1"}), InterchangeCode.INVALID_ACK_REQUESTED),
    (15, frozenset({"P", "T"}), InterchangeCode.INVALID_USAGE_INDICATOR),
)


def check_isa(isa: IsaHeader) -> list[InterchangeError]:
    """Return the ISA field errors; any of them rejects the interchange (TA1 R)."""
    errors = [
        InterchangeError(code, f"ISA{index:02d} is not one of {', '.join(sorted(allowed))}", True)
        for index, allowed, code in _ISA_CODES
        if isa.get(index) not in allowed
    ]
    if not isa.get(6):
        errors.append(InterchangeError(InterchangeCode.INVALID_SENDER_ID, "ISA06 is blank", True))
    if not isa.get(8):
        errors.append(InterchangeError(InterchangeCode.INVALID_RECEIVER_ID, "ISA08 is blank", True))
    if not is_date("20" + isa.get(9)) or len(isa.get(9)) != 6:
        errors.append(
            InterchangeError(InterchangeCode.INVALID_DATE, "ISA09 is not a YYMMDD date", True)
        )
    if not is_time(isa.get(10)) or len(isa.get(10)) != 4:
        errors.append(
            InterchangeError(InterchangeCode.INVALID_TIME, "ISA10 is not an HHMM time", True)
        )
    control = isa.get(13)
    if len(control) != 9 or not control.isdigit():
        errors.append(
            InterchangeError(
                InterchangeCode.INVALID_CONTROL_NUMBER,
                "ISA13 is not a nine-digit control number",
                True,
            )
        )
    return errors


def check_gs(elements: list[str], *, supported: bool) -> list[GroupError]:
    """Return the GS problems the 999 AK9 can name."""
    errors: list[GroupError] = []
    if not supported:
        errors.append(
            GroupError(
                GroupCode.NOT_SUPPORTED,
                "GS01 names a functional group this endpoint does not accept",
            )
        )
    control = elements[6].strip() if len(elements) > 6 else ""
    if not (1 <= len(control) <= 9 and control.isdigit()):
        errors.append(
            GroupError(
                GroupCode.CONTROL_NUMBER_INVALID, "GS06 is not a one- to nine-digit control number"
            )
        )
    version = elements[8].strip() if len(elements) > 8 else ""
    if not version.startswith("00501"):
        errors.append(
            GroupError(GroupCode.VERSION_NOT_SUPPORTED, "GS08 is not an X12 005010 version")
        )
    return errors


def count_mismatch(declared: str, actual: int) -> bool:
    """Tell whether a trailer count element disagrees with what was counted."""
    return not declared.isdigit() or int(declared) != actual


def set_status(
    codes: Sequence[SetCode], errors: Sequence[SegmentError], rejects_set: bool, supported: bool
) -> AckStatus:
    """Return IK501: R on any set-level code or set-rejecting error, E on other errors, else A."""
    if codes or rejects_set or not supported:
        return AckStatus.REJECTED
    return AckStatus.ACCEPTED_WITH_ERRORS if errors else AckStatus.ACCEPTED


def group_status(
    sets: Sequence[TransactionSetAck], errors: Sequence[GroupError], supported: bool
) -> AckStatus:
    """Return AK901 from the sets' verdicts and the group's own problems."""
    accepted = sum(1 for s in sets if s.accepted)
    if not supported or accepted == 0:
        return AckStatus.REJECTED
    if accepted < len(sets):
        return AckStatus.PARTIALLY_ACCEPTED
    noted = errors or any(s.status is AckStatus.ACCEPTED_WITH_ERRORS for s in sets)
    return AckStatus.ACCEPTED_WITH_ERRORS if noted else AckStatus.ACCEPTED


def interchange_status(errors: Sequence[InterchangeError]) -> AckStatus:
    """Return TA104: R on a fatal problem, E on noted ones, else A."""
    if any(e.fatal for e in errors):
        return AckStatus.REJECTED
    return AckStatus.ACCEPTED_WITH_ERRORS if errors else AckStatus.ACCEPTED

"""The payer's decision (an HCR01 action code with its details) and what each code demands.

- A1 certified in total: an authorization number; every requested line approved with all its
  units, dates within the requested window. Given no approved lines, A1 approves the request
  exactly as asked.
- A2 certified partial: an authorization number, a reason for what was not approved (CMS-0057-F
  asks a specific reason for every denial, partial ones included), and at least one approved
  line, but not every line in full.
- A6 modified: an authorization number, what was modified, and at least one approved line.
- A3 not certified: a specific reason. A4 pended: the information needed from the requester.
- A3, A4, CT and NA carry no approved lines.
- Any decision may carry a reason code (X12 code source 886), which a 278 response sends as HCR03.
Approved lines always name requested lines, once each, within their units and dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from prior_auth.authorizations.lines import (
    ApprovedLine,
    approve_as_requested,
    is_full_approval,
    validate_approved_lines,
)
from prior_auth.authorizations.state import AuthorizationState
from prior_auth.authorizations.status import (
    APPROVAL_CODES,
    DECISION_CODES,
    ActionCode,
    AuthorizationStatus,
    AuthorizationValidationError,
)


@dataclass(frozen=True, slots=True)
class PayerDecision:
    """A payer's answer to a request or an appeal."""

    code: ActionCode
    authorization_number: str | None = None
    approved_lines: tuple[ApprovedLine, ...] = ()
    reason: str | None = None
    information_needed: str | None = None
    modification: str | None = None
    reason_code: str | None = None

    def check_code(self) -> None:
        """Refuse codes that are not payer decisions (C is the requester's cancellation)."""
        if self.code not in DECISION_CODES:
            raise AuthorizationValidationError(
                field="code", message=f"{self.code.value} is not a payer decision code"
            )


def _required_text(*, field: str, value: str | None, code: ActionCode) -> str:
    """Return the trimmed text, or refuse the decision when it is missing."""
    text = value.strip() if value is not None else ""
    if not text:
        raise AuthorizationValidationError(
            field=field, message=f"is required for a {code.value} decision"
        )
    return text


def optional_text(value: str | None) -> str | None:
    """Return the trimmed text, or None when it is empty."""
    text = value.strip() if value is not None else ""
    return text or None


def _approved_lines(state: AuthorizationState, decision: PayerDecision) -> tuple[ApprovedLine, ...]:
    """Return the decision's approved lines, checked against the request and the code."""
    code = decision.code
    lines = decision.approved_lines
    if code is ActionCode.CERTIFIED_IN_TOTAL and not lines:
        lines = approve_as_requested(state.lines)
    if not lines:
        raise AuthorizationValidationError(
            field="approved_lines", message=f"at least one line is required for {code.value}"
        )
    validate_approved_lines(approved=lines, requested=state.lines)
    full = is_full_approval(approved=lines, requested=state.lines)
    if code is ActionCode.CERTIFIED_IN_TOTAL and not full:
        raise AuthorizationValidationError(
            field="approved_lines", message="A1 approves every requested line in full; use A2"
        )
    if code is ActionCode.CERTIFIED_PARTIAL and full:
        raise AuthorizationValidationError(
            field="approved_lines", message="A2 must leave some requested units unapproved; use A1"
        )
    return lines


def _summary(lines: tuple[ApprovedLine, ...]) -> str:
    """Render approved lines for the audit trail: 'line:units@start..end' joined by ';'."""
    return ";".join(
        f"{line.line_number}:{line.units}@{line.start_date}..{line.end_date}" for line in lines
    )


def _approve(
    state: AuthorizationState, decision: PayerDecision, target: AuthorizationStatus
) -> AuthorizationState:
    """Return the state after A1, A2 or A6."""
    code = decision.code
    number = _required_text(
        field="authorization_number", value=decision.authorization_number, code=code
    )
    reason = None
    if code is ActionCode.CERTIFIED_PARTIAL:
        reason = _required_text(field="reason", value=decision.reason, code=code)
    modification = None
    if code is ActionCode.MODIFIED:
        modification = _required_text(field="modification", value=decision.modification, code=code)
    return replace(
        state,
        status=target,
        approved_lines=_approved_lines(state, decision),
        authorization_number=number,
        reason=reason,
        modification=modification,
        information_needed=None,
    )


def _no_approval(
    state: AuthorizationState, decision: PayerDecision, target: AuthorizationStatus
) -> AuthorizationState:
    """Return the state after A3, A4, CT or NA."""
    code = decision.code
    if decision.approved_lines:
        raise AuthorizationValidationError(
            field="approved_lines", message=f"a {code.value} decision approves no lines"
        )
    reason = optional_text(decision.reason)
    if code is ActionCode.NOT_CERTIFIED:
        reason = _required_text(field="reason", value=decision.reason, code=code)
    information = None
    if code is ActionCode.PENDED:
        information = _required_text(
            field="information_needed", value=decision.information_needed, code=code
        )
    return replace(
        state,
        status=target,
        approved_lines=(),
        authorization_number=optional_text(decision.authorization_number),
        reason=reason,
        modification=None,
        information_needed=information,
    )


def _details(state: AuthorizationState) -> dict[str, str]:
    """Collect the decided state's particulars for the audit record."""
    details = {
        "authorization_number": state.authorization_number,
        "approved_lines": _summary(state.approved_lines) or None,
        "information_needed": state.information_needed,
        "modification": state.modification,
        "reason_code": state.reason_code,
    }
    return {key: value for key, value in details.items() if value is not None}


def decided_state(
    *, state: AuthorizationState, decision: PayerDecision, target: AuthorizationStatus
) -> tuple[AuthorizationState, str | None, Mapping[str, str]]:
    """Return the state after the decision, its reason and its audit details."""
    if decision.code in APPROVAL_CODES:
        decided = _approve(state, decision, target)
    else:
        decided = _no_approval(state, decision, target)
    decided = replace(decided, reason_code=optional_text(decision.reason_code))
    return decided, decided.reason, _details(decided)

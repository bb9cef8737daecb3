"""The demo payer: plans an automatic decision for a request from a small configuration.

Rules, per request:
- Only requests awaiting the payer are decided: submitted, contact payer, in appeal. A pended
  request waits for the requester; decided and closed ones are left alone.
- In appeal: approve in full (A1) when ``approve_on_appeal``, otherwise uphold with a denial.
- Lines whose code is on neither list need information: the first time the request is pended
  (A4) asking ``information_needed``; once the requester has responded they are approvable.
- Lines whose code is on the denied list are denied with that code's reason (the denied list
  wins over the gold card).
- Gold-carded lines are approvable at once.
So: something still needs information -> A4; all approvable -> A1; some denied and some
approvable -> A2 for the approvable lines; all denied -> A3. Approvals are planned
``approve_after`` from now, pends ``pend_after``, denials ``deny_after``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prior_auth.authorizations.decisions import PayerDecision
from prior_auth.authorizations.lines import RequestedLine, approve_as_requested
from prior_auth.authorizations.status import Action, ActionCode, AuthorizationStatus
from prior_auth.authorizations.transitions import TransitionRecord
from prior_auth.requirements.matching import normalize_code

_DECIDABLE = frozenset(
    {
        AuthorizationStatus.SUBMITTED,
        AuthorizationStatus.CONTACT_PAYER,
        AuthorizationStatus.IN_APPEAL,
    }
)
DECIDABLE_STATUSES: frozenset[AuthorizationStatus] = _DECIDABLE


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """How the demo payer answers."""

    gold_card_codes: frozenset[str] = frozenset()
    denied_codes: Mapping[str, str] = field(default_factory=dict)
    approve_after: timedelta = timedelta(seconds=30)
    pend_after: timedelta = timedelta(seconds=30)
    deny_after: timedelta = timedelta(seconds=30)
    information_needed: str = "Clinical notes supporting medical necessity"
    approve_on_appeal: bool = True
    appeal_denial_reason: str = "Original determination upheld on appeal"
    number_prefix: str = "SIM"


@dataclass(frozen=True, slots=True)
class RequestSummary:
    """What the simulator reads about a request."""

    authorization_id: str
    status: AuthorizationStatus
    lines: tuple[RequestedLine, ...]
    responded: bool = False


@dataclass(frozen=True, slots=True)
class PlannedDecision:
    """A decision to apply at a given time."""

    decision: PayerDecision
    at: datetime


def responded_to_pend(records: Iterable[TransitionRecord]) -> bool:
    """Whether the requester ever answered a pend (documents or an update while pended)."""
    answers = {Action.ADD_DOCUMENTS, Action.UPDATE}
    return any(
        record.from_status is AuthorizationStatus.PENDED and record.action in answers
        for record in records
    )


def authorization_number(*, authorization_id: str, config: SimulatorConfig) -> str:
    """Return the simulator's deterministic authorization number for a request."""
    digest = hashlib.sha256(authorization_id.encode()).hexdigest()[:10].upper()
    return f"{config.number_prefix}-{digest}"


def _in_set(code: str, codes: Iterable[str]) -> bool:
    """Whether the code is one of the codes, compared normalized."""
    return normalize_code(code) in {normalize_code(item) for item in codes}


def _denial_reasons(lines: Iterable[RequestedLine], config: SimulatorConfig) -> str:
    """Return the configured reasons for the denied lines, one per code, in line order."""
    reasons = {normalize_code(code): reason for code, reason in config.denied_codes.items()}
    parts: dict[str, str] = {}
    for line in lines:
        code = normalize_code(line.code)
        parts.setdefault(code, f"{code}: {reasons[code]}")
    return "; ".join(parts.values())


def _approve(
    request: RequestSummary,
    lines: tuple[RequestedLine, ...],
    config: SimulatorConfig,
    reason: str | None,
) -> PayerDecision:
    """Return A1 when every line is approvable, else A2 with the denial reason."""
    number = authorization_number(authorization_id=request.authorization_id, config=config)
    full = len(lines) == len(request.lines)
    return PayerDecision(
        code=ActionCode.CERTIFIED_IN_TOTAL if full else ActionCode.CERTIFIED_PARTIAL,
        authorization_number=number,
        approved_lines=approve_as_requested(lines),
        reason=None if full else reason,
    )


def _decide_appeal(
    request: RequestSummary, config: SimulatorConfig, now: datetime
) -> PlannedDecision:
    """Plan the answer to an appeal."""
    if config.approve_on_appeal:
        decision = _approve(request, request.lines, config, None)
        return PlannedDecision(decision=decision, at=now + config.approve_after)
    denial = PayerDecision(code=ActionCode.NOT_CERTIFIED, reason=config.appeal_denial_reason)
    return PlannedDecision(decision=denial, at=now + config.deny_after)


def decide(
    *, request: RequestSummary, config: SimulatorConfig, now: datetime
) -> PlannedDecision | None:
    """Plan the demo payer's decision on the request, or None when it has nothing to decide."""
    if request.status not in _DECIDABLE:
        return None
    if request.status is AuthorizationStatus.IN_APPEAL:
        return _decide_appeal(request, config, now)
    denied = tuple(line for line in request.lines if _in_set(line.code, config.denied_codes))
    gold = tuple(line for line in request.lines if _in_set(line.code, config.gold_card_codes))
    unknown = tuple(line for line in request.lines if line not in denied and line not in gold)
    if unknown and not request.responded:
        pend = PayerDecision(code=ActionCode.PENDED, information_needed=config.information_needed)
        return PlannedDecision(decision=pend, at=now + config.pend_after)
    approvable = tuple(line for line in request.lines if line not in denied)
    reason = _denial_reasons(denied, config) if denied else None
    if not approvable:
        return PlannedDecision(
            decision=PayerDecision(code=ActionCode.NOT_CERTIFIED, reason=reason),
            at=now + config.deny_after,
        )
    decision = _approve(request, approvable, config, reason)
    return PlannedDecision(decision=decision, at=now + config.approve_after)

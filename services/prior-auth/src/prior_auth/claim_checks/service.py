"""The authorization check of claims: answer each line, hold the units it uses, give them back.

Units are counted on the authorization line (``used_units``) under a row lock taken in the
check's own transaction, so two claims can never both draw the last unit: the second waits for
the first to commit and then sees the units gone. A claim keeps its units while it waits for
the rest of its lines; a voided, replaced or rejected claim gives them back.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.events.contracts import ClaimAuthorizationCheckCompleted, ClaimSubmitted
from claimflow_shared.events.contracts.priorauth import LineAuthorization
from prior_auth.authorizations.mapping import approved_line, requested_line
from prior_auth.authorizations.models import Authorization, AuthorizationLine
from prior_auth.authorizations.status import AuthorizationStatus
from prior_auth.claim_checks.decide import (
    UNITS_EXHAUSTED,
    Candidate,
    CheckOutcome,
    ClaimLine,
    LineCheck,
    check_claim,
)
from prior_auth.claim_checks.models import ClaimCheck, UnitConsumption
from prior_auth.claim_checks.repository import ClaimCheckRepository, LineKey
from prior_auth.requirements.matching import RequirementRule, requirements_for
from prior_auth.requirements.service import rules_for, rules_of

VOID = "8"
REPLACEMENT = "7"


def completed(check: ClaimCheck) -> ClaimAuthorizationCheckCompleted:
    """The event carrying a check's answer."""
    return ClaimAuthorizationCheckCompleted(
        claim_id=check.claim_id,
        tenant_id=check.tenant_id,
        lines=[LineAuthorization.model_validate(line) for line in check.result],
        checked_at=check.checked_at,
    )


def _claim_lines(event: ClaimSubmitted) -> list[dict[str, Any]]:
    """The claim's lines as kept for later re-checks (a fractional unit counts as a whole)."""
    return [
        {
            "line_number": line.line_number,
            "code": line.code,
            "units": max(1, math.ceil(line.units)),
            "service_date": line.service_date_from.isoformat(),
            "authorization_number": line.prior_auth_number,
        }
        for line in event.lines
    ]


def _claim_line(data: dict[str, Any], place_of_service: str) -> ClaimLine:
    """A kept line as the decision reads it."""
    return ClaimLine(
        line_number=int(data["line_number"]),
        code=str(data["code"]),
        service_date=date.fromisoformat(str(data["service_date"])),
        units=int(data["units"]),
        place_of_service=place_of_service,
        authorization_number=data.get("authorization_number"),
    )


def _candidate(authorization: Authorization, line: AuthorizationLine) -> Candidate:
    """One authorization line as the decision weighs it."""
    approved = approved_line(line)
    return Candidate(
        authorization_id=str(authorization.id),
        status=AuthorizationStatus(authorization.status),
        patient_ref=authorization.patient_ref,
        payer_id=authorization.payer_id,
        requested=requested_line(line),
        approved=approved,
        remaining_units=approved.units - line.used_units if approved else 0,
        authorization_number=authorization.authorization_number,
    )


def _message(check: LineCheck, code: str) -> str:
    """A short explanation of one line's answer (codes and ids only)."""
    messages = {
        CheckOutcome.NOT_REQUIRED: "",
        CheckOutcome.AUTHORIZED: f"{check.units} unit(s) drawn from authorization line "
        f"{check.authorization_line_number}",
        CheckOutcome.PENDING: f"an authorization for {code} awaits the payer's decision",
        CheckOutcome.DENIED: f"the authorization for {code} was denied",
        CheckOutcome.MISSING: f"{code} needs an authorization",
    }
    if check.detail == UNITS_EXHAUSTED:
        return f"{code} needs an authorization: the approved units are used up"
    return messages[check.outcome]


def _answer(check: LineCheck, code: str) -> dict[str, Any]:
    """One line's answer in the event's shape."""
    return LineAuthorization(
        line=check.line_number,
        status=check.outcome.value,
        rule_id=check.rule_id,
        authorization_id=check.authorization_id,
        message=_message(check, code),
    ).model_dump(mode="json")


async def _evaluate(
    session: AsyncSession, check: ClaimCheck, *, now: datetime, give_back_first: bool
) -> None:
    """Answer every line of the claim, drawing the units of authorized lines under row locks."""
    repository = ClaimCheckRepository(session)
    locked = await repository.candidate_lines_of(
        (check.tenant_id, check.payer_id, check.patient_ref, str(line["code"]))
        for line in check.lines
    )
    if give_back_first:
        rows = {(line.authorization_id, line.line_number): line for _, line in locked}
        await _give_back(session, check.claim_id, rows, now=now)
    rules = await rules_for(session=session, payer_id=check.payer_id)
    _answer_lines(repository, check, locked, rules, now=now)


def _answer_lines(
    repository: ClaimCheckRepository,
    check: ClaimCheck,
    locked: Sequence[tuple[Authorization, AuthorizationLine]],
    rules: Sequence[RequirementRule],
    *,
    now: datetime,
) -> None:
    """Answer every line of the claim from its patient's locked authorization lines (which
    may hold more patients' and codes' lines: only the claim's own are weighed)."""
    lines = [_claim_line(data, check.place_of_service) for data in check.lines]
    codes = {line.code for line in lines}
    mine = [
        (authorization, line)
        for authorization, line in locked
        if authorization.patient_ref == check.patient_ref
        and authorization.payer_id == check.payer_id
        and authorization.tenant_id == check.tenant_id
        and line.code in codes
    ]
    rows: dict[LineKey, AuthorizationLine] = {
        (line.authorization_id, line.line_number): line for _, line in mine
    }
    checks = check_claim(
        patient_ref=check.patient_ref,
        payer_id=check.payer_id,
        lines=lines,
        requirements=requirements_for(
            rules=rules, payer_id=check.payer_id, plan_id=None, lines=lines
        ),
        candidates=[_candidate(authorization, line) for authorization, line in mine],
    )
    for line_check in checks:
        if line_check.outcome is CheckOutcome.AUTHORIZED:
            _consume(repository, check.claim_id, line_check, rows, now=now)
    by_number = {line.line_number: line.code for line in lines}
    check.result = [_answer(line_check, by_number[line_check.line_number]) for line_check in checks]
    check.outcome = completed(check).outcome
    check.checked_at = now


def _consume(
    repository: ClaimCheckRepository,
    claim_id: str,
    line_check: LineCheck,
    rows: dict[LineKey, AuthorizationLine],
    *,
    now: datetime,
) -> None:
    """Hold the units one claim line drew from an authorization line."""
    if line_check.authorization_id is None or line_check.authorization_line_number is None:
        raise ValueError("an authorized line names the authorization line it draws on")
    key = (uuid.UUID(line_check.authorization_id), line_check.authorization_line_number)
    rows[key].used_units += line_check.units
    repository.add(
        UnitConsumption(
            claim_id=claim_id,
            claim_line_number=line_check.line_number,
            authorization_id=key[0],
            authorization_line_number=key[1],
            units=line_check.units,
            consumed_at=now,
        )
    )


async def _give_back(
    session: AsyncSession,
    claim_id: str,
    rows: dict[LineKey, AuthorizationLine],
    *,
    now: datetime,
) -> int:
    """Return the units the claim holds to their lines (already locked, or locked here)."""
    repository = ClaimCheckRepository(session)
    held = await repository.active_consumptions(claim_id)
    missing = [
        key
        for key in ((row.authorization_id, row.authorization_line_number) for row in held)
        if key not in rows
    ]
    rows.update(await repository.lock_lines(missing))
    for consumption in held:
        rows[
            (consumption.authorization_id, consumption.authorization_line_number)
        ].used_units -= consumption.units
        consumption.released_at = now
    return sum(consumption.units for consumption in held)


async def release(*, session: AsyncSession, claim_id: str, reason: str, now: datetime) -> int:
    """Give back every unit the claim holds and never re-check it; return how many."""
    repository = ClaimCheckRepository(session)
    check = await repository.get(claim_id, lock=True)
    if check is None or check.released_at is not None:
        return 0
    check.released_at = now
    check.release_reason = reason
    return await _give_back(session, claim_id, {}, now=now)


def _voided(event: ClaimSubmitted, check: ClaimCheck) -> None:
    """Answer a void: nothing to authorize, every line is not required."""
    check.result = [
        LineAuthorization(
            line=line.line_number, status="not_required", message="void of an earlier claim"
        ).model_dump(mode="json")
        for line in event.lines
    ]
    check.outcome = "clear"


async def check_many(
    *, session: AsyncSession, events: Sequence[ClaimSubmitted], now: datetime
) -> list[ClaimAuthorizationCheckCompleted]:
    """Check submitted claims in delivery order, each once; return one answer per event.

    Set by set: the claims' earlier checks, their payers' rules and every authorization line
    their patients hold for their codes (locked in key order) are read once for the set, and
    the checks written with one flush. Units drawn by one claim are gone for the next one of the
    same patient, exactly as one claim at a time.
    """
    repository = ClaimCheckRepository(session)
    checks = await repository.get_many({event.claim_id for event in events})
    rules = await rules_of(session=session, payer_ids={event.payer_id for event in events})
    locked = await repository.candidate_lines_of(
        (event.tenant_id, event.payer_id, event.patient_ref, code)
        for event in events
        if event.frequency != VOID
        for code in _needing_authorization(event, rules[event.payer_id])
    )
    answers = []
    for event in events:
        check = checks.get(event.claim_id)
        if check is None:
            check = await _first_check(repository, event, rules, locked, now=now)
            checks[event.claim_id] = check
        answers.append(completed(check))
    await session.flush()
    return answers


def _needing_authorization(event: ClaimSubmitted, rules: Sequence[RequirementRule]) -> set[str]:
    """The codes of the claim's lines some rule says need an authorization: only their
    authorization lines are read and locked (most claims need none, and skip the query)."""
    lines = [_claim_line(data, event.place_of_service) for data in _claim_lines(event)]
    code_of = {line.line_number: line.code for line in lines}
    return {
        code_of[requirement.line_number]
        for requirement in requirements_for(
            rules=rules, payer_id=event.payer_id, plan_id=None, lines=lines
        )
        if requirement.required
    }


async def _first_check(
    repository: ClaimCheckRepository,
    event: ClaimSubmitted,
    rules: dict[str, list[RequirementRule]],
    locked: Sequence[tuple[Authorization, AuthorizationLine]],
    *,
    now: datetime,
) -> ClaimCheck:
    """A claim's check, answered and staged: a void or replacement first gives back what the
    claim it names holds."""
    if event.frequency in (VOID, REPLACEMENT) and event.original_claim_id:
        reason = "voided" if event.frequency == VOID else "replaced"
        await release(
            session=repository.session,
            claim_id=event.original_claim_id,
            reason=reason,
            now=now,
        )
    check = ClaimCheck(
        claim_id=event.claim_id,
        tenant_id=event.tenant_id,
        payer_id=event.payer_id,
        patient_ref=event.patient_ref,
        place_of_service=event.place_of_service,
        lines=_claim_lines(event),
        checked_at=now,
    )
    if event.frequency == VOID:
        _voided(event, check)
        check.released_at, check.release_reason = now, "void"
    else:
        _answer_lines(repository, check, locked, rules[event.payer_id], now=now)
    repository.add(check)
    return check


async def recheck_pending(
    *, session: AsyncSession, authorization: Authorization, now: datetime
) -> Sequence[ClaimAuthorizationCheckCompleted]:
    """Check again the patient's claims still waiting; return the answers that changed."""
    checks = await ClaimCheckRepository(session).pending(
        tenant_id=authorization.tenant_id,
        payer_id=authorization.payer_id,
        patient_ref=authorization.patient_ref,
    )
    changed = []
    for check in checks:
        before = check.result
        await _evaluate(session, check, now=now, give_back_first=True)
        if check.result != before:
            changed.append(completed(check))
    await session.flush()
    return changed

"""Intake: store claims as received, run the intake edits, announce the clean ones.

JSON and X12 claims both come here as drafts. In one transaction: the claims are inserted (an
X12 envelope key already stored returns the claim it made), voids and replacements end their
originals, the duplicate edit holds each line, claims with findings move to rejected, and the
others are announced with ``ClaimSubmitted``. The new claims' lines and demographics go in with
their history, in one statement, and the outbox rows in one more at commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opentelemetry import context as otel_context
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.events.contracts import ClaimSubmitted
from claimflow_shared.messaging import outbox
from claimflow_shared.telemetry import traced_by
from claims.base import Base
from claims.dependencies import actor_of
from claims.intake import duplicates
from claims.intake.edits import date_findings
from claims.intake.events import submitted_event
from claims.intake.originals import VOID, end_original
from claims.intake.repository import IntakeRepository
from claims.intake.rows import claim_row, demographics_row, line_rows
from claims.payers.service import filing_limits
from claims.records.drafts import ClaimDraft, Finding
from claims.records.models import Claim, ClaimDemographics, ClaimLine
from claims.status.machine import ClaimStatus
from claims.status.transitions import Change, record


@dataclass(frozen=True, slots=True)
class Submitted:
    """The intake answer for one claim; ``repeated`` when its X12 envelope key was known."""

    claim_id: uuid.UUID
    status: ClaimStatus
    findings: tuple[Finding, ...]
    repeated: bool = False


@dataclass(slots=True)
class _Staged:
    """A claim on its way in: its id, its draft and the findings gathered so far."""

    claim_id: uuid.UUID
    draft: ClaimDraft
    findings: list[Finding]
    original_id: uuid.UUID | None = None
    fresh: bool = field(default=False)
    context: otel_context.Context | None = None


async def submit(
    *,
    session: AsyncSession,
    principal: Principal,
    drafts: Sequence[ClaimDraft],
    now: datetime,
    default_filing_days: int,
    contexts: Sequence[otel_context.Context] | None = None,
) -> list[Submitted]:
    """Take claims in; return one answer per draft, in order.

    ``contexts`` (one per draft) are the trace contexts the announcements carry when the
    drafts came from different requests (group commit); by default, the current one.
    """
    tenant_id, actor = principal.tenant_id, actor_of(principal)
    limits = await filing_limits(
        session=session, payer_ids={d.payer_id for d in drafts}, default_days=default_filing_days
    )
    staged = [_stage(d, now=now, filing_days=limits[d.payer_id]) for d in drafts]
    if contexts is not None:
        for item, context in zip(staged, contexts, strict=True):
            item.context = context
    known = await _insert(session, tenant_id, staged, now)
    fresh = [s for s in staged if s.fresh]
    await _end_originals(session, tenant_id, fresh, actor, now)
    await _check_duplicates(session, tenant_id, fresh)
    rejected = [s for s in fresh if s.findings]
    await _mark_rejected(session, rejected, now)
    await record(
        session,
        [_received(s, tenant_id, actor) for s in fresh]
        + [_rejection(s, tenant_id) for s in rejected],
        at=now,
        along=_parts(fresh),
    )
    for item in fresh:
        if not item.findings:
            with traced_by(item.context):
                outbox.publish(session, _announcement(item, tenant_id, now))
    return [_answer(s, known) for s in staged]


def _stage(draft: ClaimDraft, *, now: datetime, filing_days: int) -> _Staged:
    """A new id and the findings the calendar and the mapping already give."""
    findings = list(draft.findings) + date_findings(draft, now=now, filing_days=filing_days)
    return _Staged(uuid.uuid4(), draft, findings)


async def _insert(
    session: AsyncSession, tenant_id: str, staged: list[_Staged], now: datetime
) -> dict[str, Claim]:
    """Insert the claims (in envelope key order); return the claims known by an envelope key."""
    ordered = sorted(staged, key=lambda s: (s.draft.x12_key is None, s.draft.x12_key or ""))
    rows = [
        claim_row(
            claim_id=s.claim_id,
            tenant_id=tenant_id,
            draft=s.draft,
            findings=s.findings,
            submitted_at=now,
        )
        for s in ordered
    ]
    repository = IntakeRepository(session)
    inserted = await repository.insert_claims(rows)
    for item in staged:
        item.fresh = item.claim_id in inserted
    repeated = [s.draft.x12_key for s in staged if not s.fresh and s.draft.x12_key]
    return await repository.by_x12_keys(tenant_id, repeated)


def _parts(fresh: list[_Staged]) -> dict[type[Base], list[dict[str, Any]]]:
    """The lines and the demographics of the new claims, written with their history."""
    demographics = [demographics_row(s.claim_id, s.draft) for s in fresh]
    return {
        ClaimLine: [row for s in fresh for row in line_rows(s.claim_id, s.draft)],
        ClaimDemographics: [row for row in demographics if row],
    }


def _received(item: _Staged, tenant_id: str, actor: str) -> Change:
    """The first history entry of a new claim."""
    return Change(
        claim_id=item.claim_id,
        tenant_id=tenant_id,
        from_status=None,
        to_status=ClaimStatus.RECEIVED,
        reason=f"submitted ({item.draft.source})",
        actor=actor,
        trace_context=item.context,
    )


async def _end_originals(
    session: AsyncSession, tenant_id: str, fresh: list[_Staged], actor: str, now: datetime
) -> None:
    """Void or supersede the originals named by clean voids and replacements."""
    linked = []
    for item in fresh:
        if item.findings or item.draft.frequency == "1":
            continue
        with traced_by(item.context):
            outcome = await end_original(
                session,
                tenant_id=tenant_id,
                claim_id=item.claim_id,
                draft=item.draft,
                actor=actor,
                at=now,
            )
        item.findings.extend(outcome.findings)
        item.original_id = outcome.original_id
        if outcome.original_id is not None:
            linked.append({"id": item.claim_id, "original_claim_id": outcome.original_id})
    if linked:
        await session.execute(update(Claim), linked)


async def _check_duplicates(session: AsyncSession, tenant_id: str, fresh: list[_Staged]) -> None:
    """Run the duplicate edit on the clean claims that are not voids."""
    candidates = [
        duplicates.Candidate(s.claim_id, s.draft)
        for s in fresh
        if not s.findings and s.draft.frequency != VOID
    ]
    found = await duplicates.check(session, tenant_id=tenant_id, candidates=candidates)
    for item in fresh:
        item.findings.extend(found.get(item.claim_id, ()))


async def _mark_rejected(session: AsyncSession, rejected: list[_Staged], now: datetime) -> None:
    """Keep every finding of the claims intake rejects, and their status."""
    if rejected:
        await session.execute(
            update(Claim),
            [
                {
                    "id": s.claim_id,
                    "status": ClaimStatus.REJECTED.value,
                    "findings": [f.as_json() for f in s.findings],
                    "updated_at": now,
                }
                for s in rejected
            ],
        )


def _rejection(item: _Staged, tenant_id: str) -> Change:
    """The history entry of a claim intake rejects, with the rules behind it."""
    return Change(
        claim_id=item.claim_id,
        tenant_id=tenant_id,
        from_status=ClaimStatus.RECEIVED,
        to_status=ClaimStatus.REJECTED,
        reason="intake edits rejected the claim",
        actor="system:intake",
        findings=tuple(dict.fromkeys(f.rule for f in item.findings)),
        trace_context=item.context,
    )


def _announcement(item: _Staged, tenant_id: str, now: datetime) -> ClaimSubmitted:
    """The ``ClaimSubmitted`` of a clean claim."""
    return submitted_event(
        claim_id=item.claim_id,
        tenant_id=tenant_id,
        draft=item.draft,
        original_id=item.original_id,
        submitted_at=now,
    )


def _answer(item: _Staged, known: dict[str, Claim]) -> Submitted:
    """The answer for one draft: the new claim, or the claim its envelope key made before."""
    if item.fresh:
        status = ClaimStatus.REJECTED if item.findings else ClaimStatus.RECEIVED
        return Submitted(item.claim_id, status, tuple(item.findings))
    claim = known[item.draft.x12_key or ""]
    return Submitted(claim.id, ClaimStatus(claim.status), _stored(claim), repeated=True)


def _stored(claim: Claim) -> tuple[Finding, ...]:
    """A stored claim's intake findings as records."""
    return tuple(Finding(**finding) for finding in claim.findings)

"""The duplicate claim edit: a line already billed on a live claim rejects the new claim.

A line's fingerprint is payer, patient reference, billing NPI, date of service, procedure code
with its modifiers, and charge. Live claims (received, accepted, pended) hold their lines'
fingerprints in ``claim_fingerprints``; rejected, returned, voided and replaced claims give
them up, so a corrected claim can be sent again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claims.intake.repository import IntakeRepository
from claims.records.drafts import ClaimDraft, Finding, LineDraft

RULE = "DUPLICATE_CLAIM"


def fingerprint(draft: ClaimDraft, line: LineDraft) -> str:
    """The hex SHA-256 of what makes two lines the same service billed twice."""
    parts = (
        draft.payer_id,
        draft.patient_ref,
        draft.billing_npi,
        line.service_from.isoformat(),
        line.code,
        "+".join(line.modifiers),
        f"{line.charge:.2f}",
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A new claim whose lines are checked against the live claims."""

    claim_id: uuid.UUID
    draft: ClaimDraft


async def check(
    session: AsyncSession, *, tenant_id: str, candidates: Sequence[Candidate]
) -> dict[uuid.UUID, list[Finding]]:
    """Hold the candidates' fingerprints; return the findings of those that were duplicates."""
    rows = _rows(tenant_id, candidates)
    repository = IntakeRepository(session)
    held = await repository.hold_fingerprints(rows)
    lost = [row for row in rows if (row["fingerprint"], row["claim_id"]) not in held]
    if not lost:
        return {}
    holders = await repository.holders(tenant_id, [row["fingerprint"] for row in lost])
    findings: dict[uuid.UUID, list[Finding]] = {}
    for row in lost:
        findings.setdefault(row["claim_id"], []).append(
            _finding(row["line_number"], holders.get(row["fingerprint"]))
        )
    await repository.drop_fingerprints(list(findings))
    return findings


def _rows(tenant_id: str, candidates: Sequence[Candidate]) -> list[dict[str, Any]]:
    """One row per distinct line of each candidate, sorted by fingerprint (the lock order)."""
    rows: list[tuple[str, int, dict[str, Any]]] = []
    for order, candidate in enumerate(candidates):
        seen: set[str] = set()
        for line in candidate.draft.lines:
            key = fingerprint(candidate.draft, line)
            if key in seen:
                continue
            seen.add(key)
            row: dict[str, Any] = {
                "tenant_id": tenant_id,
                "fingerprint": key,
                "claim_id": candidate.claim_id,
                "line_number": line.line_number,
            }
            rows.append((key, order, row))
    rows.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in rows]


def _finding(line_number: int, holder: uuid.UUID | None) -> Finding:
    """The finding for one line billed already on a live claim."""
    where = f"claim {holder}" if holder else "another live claim"
    return Finding(
        source="intake",
        rule=RULE,
        severity="reject",
        message=f"line {line_number}: same patient, provider, date, code and charge as {where}",
        line=line_number,
        related_claim_id=str(holder) if holder else None,
    )

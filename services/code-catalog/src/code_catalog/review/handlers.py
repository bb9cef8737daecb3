"""Code review of submitted claims (the thin first version: codes exist and are active)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from claimflow_shared.events.contracts import ClaimCodeReviewCompleted, ClaimSubmitted
from claimflow_shared.events.contracts.codecatalog import CodeFinding
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from code_catalog.codes.models import Code
from code_catalog.codes.repository import CodeRepository

PROCEDURE_SYSTEMS = ("cpt", "hcpcs")


def _active(versions: list[Code], on: date) -> bool:
    return any(
        v.effective_date <= on and (v.termination_date is None or v.termination_date >= on)
        for v in versions
    )


async def on_claim_submitted(ctx: HandlerContext, event: ClaimSubmitted) -> None:
    """Check each line's procedure code and publish the findings."""
    ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
    known = await CodeRepository(ctx.session).versions_of(
        (line.code for line in event.lines), systems=PROCEDURE_SYSTEMS
    )
    by_code: dict[str, list[Code]] = {}
    for version in known:
        by_code.setdefault(version.code, []).append(version)
    findings = []
    for line in event.lines:
        versions = by_code.get(line.code, [])
        if not versions:
            findings.append(
                CodeFinding(
                    line=line.line_number,
                    rule="CODE_UNKNOWN",
                    severity="reject",
                    message=f"{line.code} is not a known code",
                )
            )
        elif not _active(versions, line.service_date_from):
            findings.append(
                CodeFinding(
                    line=line.line_number,
                    rule="CODE_INACTIVE",
                    severity="reject",
                    message=f"{line.code} is not active on {line.service_date_from}",
                )
            )
    ctx.publish(
        ClaimCodeReviewCompleted(
            claim_id=event.claim_id,
            tenant_id=event.tenant_id,
            findings=findings,
            reviewed_at=datetime.now(UTC),
        )
    )


HANDLERS: dict[str, Handler] = {ClaimSubmitted.type: on_claim_submitted}

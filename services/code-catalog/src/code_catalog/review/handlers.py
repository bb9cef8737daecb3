"""Code review of submitted claims against the in-memory tables, and their refresh."""

from __future__ import annotations

from datetime import UTC, datetime

from claimflow_shared.events.contracts import (
    ClaimCodeReviewCompleted,
    ClaimSubmitted,
    CodeSetReleased,
)
from claimflow_shared.messaging.consumer import Handler, HandlerContext
from code_catalog.review.cache import CatalogCache
from code_catalog.review.mapping import claim_for_review, code_finding


class ReviewHandlers:
    """The handlers of one worker process, sharing its cache."""

    def __init__(self, cache: CatalogCache) -> None:
        self.cache = cache

    async def on_claim_submitted(self, ctx: HandlerContext, event: ClaimSubmitted) -> None:
        """Review every line of the claim and publish all findings."""
        ctx.span.set_attribute("claimflow.claim_id", event.claim_id)
        engine = await self.cache.engine()
        findings = engine.review(claim_for_review(event))
        ctx.span.set_attribute("claimflow.findings", len(findings))
        ctx.publish(
            ClaimCodeReviewCompleted(
                claim_id=event.claim_id,
                tenant_id=event.tenant_id,
                findings=[code_finding(finding) for finding in findings],
                reviewed_at=datetime.now(UTC),
            )
        )

    async def on_code_set_released(self, ctx: HandlerContext, event: CodeSetReleased) -> None:
        """Rebuild the tables if this release is newer than what they hold."""
        ctx.span.set_attribute("claimflow.release_id", event.release_id)
        await self.cache.refresh(release_id=event.release_id)

    def review(self) -> dict[str, Handler]:
        """The handlers of the review consumer group."""
        return {ClaimSubmitted.type: self.on_claim_submitted}

    def refresh(self) -> dict[str, Handler]:
        """The handlers of this process's own release consumer group."""
        return {CodeSetReleased.type: self.on_code_set_released}

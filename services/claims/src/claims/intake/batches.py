"""Batches: each claim of a batch is validated on its own and the valid ones go in together."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import ValidationFailed
from claims.intake.answers import BatchAccepted, BatchItem, accepted
from claims.intake.mapping import draft_of
from claims.intake.schemas import ClaimIn
from claims.intake.service import submit
from claims.settings import ClaimsSettings

_CLAIM = TypeAdapter(ClaimIn)


def claims_of(body: dict[str, Any], *, limit: int) -> list[Any]:
    """The batch's claim documents; 422 unless ``claims`` is a list of 1 to ``limit``."""
    documents = body.get("claims")
    problem = None
    if set(body) - {"claims"}:
        problem = ("body", "only the member 'claims' is allowed")
    elif not isinstance(documents, list) or not documents:
        problem = ("body.claims", "a non-empty list of claims is required")
    elif len(documents) > limit:
        problem = ("body.claims", f"at most {limit} claims per batch")
    if problem is not None:
        where, message = problem
        raise ValidationFailed(
            f"Invalid request: {where}: {message}",
            errors=[{"loc": where.split("."), "msg": message, "type": "batch"}],
        )
    assert isinstance(documents, list)
    return documents


async def submit_batch(
    *,
    session: AsyncSession,
    principal: Principal,
    documents: list[Any],
    settings: ClaimsSettings,
) -> BatchAccepted:
    """Validate each claim, store the valid ones in one intake, answer per claim in order."""
    items: list[BatchItem] = []
    valid: list[tuple[int, ClaimIn]] = []
    for index, document in enumerate(documents):
        try:
            valid.append((index, _CLAIM.validate_python(document)))
        except ValidationError as exc:
            items.append(BatchItem(index=index, errors=_errors(index, exc)))
    results = await submit(
        session=session,
        principal=principal,
        drafts=[draft_of(claim_in) for _, claim_in in valid],
        now=settings.clock(),
        default_filing_days=settings.timely_filing_days,
    )
    items += [
        BatchItem(index=index, claim=accepted(result))
        for (index, _), result in zip(valid, results, strict=True)
    ]
    items.sort(key=lambda item: item.index)
    return BatchAccepted(stored=len(valid), refused=len(documents) - len(valid), items=items)


def _errors(index: int, exc: ValidationError) -> list[dict[str, Any]]:
    """A claim's validation errors with field paths from the batch body."""
    return [
        {
            "loc": ["body", "claims", index, *error["loc"]],
            "msg": error["msg"],
            "type": error["type"],
        }
        for error in exc.errors(include_url=False, include_input=False)
    ]

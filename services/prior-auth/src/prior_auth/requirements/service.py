"""Managing payers' requirement rules and answering whether lines need an authorization."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.auth import Principal
from claimflow_shared.errors import NotFound
from prior_auth.access import is_admin, require_payer
from prior_auth.errors import domain_errors
from prior_auth.requirements.matching import (
    CodeRange,
    RequirementRule,
    RuleKind,
    ServiceLine,
    requirements_for,
)
from prior_auth.requirements.models import Requirement
from prior_auth.requirements.repository import RequirementRepository
from prior_auth.requirements.schemas import (
    LineAnswerOut,
    RequirementAnswerOut,
    RequirementIn,
    RequirementOut,
    RequirementQuestionIn,
)


def as_rule(row: Requirement) -> RequirementRule:
    """The matching rule a stored row describes."""
    return RequirementRule(
        rule_id=str(row.id),
        payer_id=row.payer_id,
        plan_id=row.plan_id,
        codes=CodeRange(first=row.code_from, last=row.code_to),
        place_of_service=row.place_of_service,
        kind=RuleKind(row.kind),
        effective_from=row.effective_from,
        effective_to=row.effective_to,
    )


async def rules_for(*, session: AsyncSession, payer_id: str) -> list[RequirementRule]:
    """Every rule of the payer, ready for matching."""
    return [as_rule(row) for row in await RequirementRepository(session).for_payer(payer_id)]


async def rules_of(
    *, session: AsyncSession, payer_ids: Iterable[str]
) -> dict[str, list[RequirementRule]]:
    """Every rule of each payer (none for a payer without rules), in one query."""
    found: dict[str, list[RequirementRule]] = {payer_id: [] for payer_id in payer_ids}
    for row in await RequirementRepository(session).for_payers(found):
        found[row.payer_id].append(as_rule(row))
    return found


def _fill(row: Requirement, rule_in: RequirementIn) -> None:
    """Copy a checked rule into a row."""
    with domain_errors(code_field="code_to"):
        codes = CodeRange(first=rule_in.code_from, last=rule_in.code_to or rule_in.code_from)
    row.payer_id = rule_in.payer_id
    row.plan_id = rule_in.plan_id
    row.code_from, row.code_to = codes.first, codes.last
    row.place_of_service = rule_in.place_of_service
    row.kind = rule_in.kind.value
    row.effective_from = rule_in.effective_from
    row.effective_to = rule_in.effective_to


async def create(
    *, session: AsyncSession, principal: Principal, rule_in: RequirementIn
) -> RequirementOut:
    """Add a rule for a payer the key acts for."""
    require_payer(principal, rule_in.payer_id)
    row = Requirement()
    _fill(row, rule_in)
    RequirementRepository(session).add(row)
    await session.flush()
    return RequirementOut.model_validate(row)


async def _managed(
    session: AsyncSession, principal: Principal, rule_id: int
) -> tuple[RequirementRepository, Requirement]:
    """A rule the key may manage; another payer's rule is not found."""
    repository = RequirementRepository(session)
    row = await repository.get(rule_id)
    if row is None or not (is_admin(principal) or row.payer_id == principal.tenant_id):
        raise NotFound(f"No requirement rule {rule_id}.")
    return repository, row


async def replace(
    *, session: AsyncSession, principal: Principal, rule_id: int, rule_in: RequirementIn
) -> RequirementOut:
    """Overwrite a rule; later checks name the rule with its new content."""
    _, row = await _managed(session, principal, rule_id)
    require_payer(principal, rule_in.payer_id)
    _fill(row, rule_in)
    await session.flush()
    return RequirementOut.model_validate(row)


async def delete(*, session: AsyncSession, principal: Principal, rule_id: int) -> None:
    """Remove a rule."""
    repository, row = await _managed(session, principal, rule_id)
    await repository.delete(row)


async def list_rules(
    *, session: AsyncSession, principal: Principal, payer_id: str
) -> list[RequirementOut]:
    """A payer's rules, oldest first."""
    require_payer(principal, payer_id)
    rows = await RequirementRepository(session).for_payer(payer_id)
    return [RequirementOut.model_validate(row) for row in rows]


async def answer(*, session: AsyncSession, question: RequirementQuestionIn) -> RequirementAnswerOut:
    """Say, line by line, whether an authorization is required and which rule decided."""
    lines = [
        ServiceLine(
            line_number=number,
            code=line.code,
            service_date=line.service_date,
            place_of_service=line.place_of_service or question.place_of_service,
        )
        for number, line in enumerate(question.lines, start=1)
    ]
    rules = await rules_for(session=session, payer_id=question.payer_id)
    answers = requirements_for(
        rules=rules, payer_id=question.payer_id, plan_id=question.plan_id, lines=lines
    )
    return RequirementAnswerOut(
        payer_id=question.payer_id,
        plan_id=question.plan_id,
        lines=[
            LineAnswerOut(
                line_number=line.line_number,
                code=line.code,
                required=result.required,
                rule_id=result.rule_id,
                rule_kind=result.rule_kind,
            )
            for line, result in zip(lines, answers, strict=True)
        ],
    )

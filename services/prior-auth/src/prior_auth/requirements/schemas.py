"""Requirement rules and requirement questions going in and out of the API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from prior_auth.requirements.matching import RuleKind

CODE = r"^[A-Z0-9]{5}$"
PLACE = r"^\d{2}$"


class RequirementIn(BaseModel):
    """A payer rule: these codes (for a plan, at a place, in a period) need an authorization."""

    model_config = ConfigDict(extra="forbid")

    payer_id: str = Field(min_length=1, max_length=80)
    plan_id: str | None = Field(default=None, min_length=1, max_length=80)
    code_from: str = Field(pattern=CODE, description="first code of the range, or the code")
    code_to: str | None = Field(default=None, pattern=CODE, description="last code (inclusive)")
    place_of_service: str | None = Field(default=None, pattern=PLACE)
    kind: RuleKind = RuleKind.REQUIRED
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _period(self) -> RequirementIn:
        """Refuse a rule that ends before it takes effect."""
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to must not be before effective_from")
        return self


class RequirementOut(BaseModel):
    """A stored requirement rule."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    payer_id: str
    plan_id: str | None
    code_from: str
    code_to: str
    place_of_service: str | None
    kind: RuleKind
    effective_from: date
    effective_to: date | None


class QuestionLineIn(BaseModel):
    """A service line the submitter asks about."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE)
    service_date: date
    place_of_service: str | None = Field(default=None, pattern=PLACE)


class RequirementQuestionIn(BaseModel):
    """Is authorization required for these lines, at this payer (and plan)?"""

    model_config = ConfigDict(extra="forbid")

    payer_id: str = Field(min_length=1, max_length=80)
    plan_id: str | None = Field(default=None, min_length=1, max_length=80)
    place_of_service: str | None = Field(
        default=None, pattern=PLACE, description="for lines that do not name their own"
    )
    lines: list[QuestionLineIn] = Field(min_length=1, max_length=50)


class LineAnswerOut(BaseModel):
    """Whether one line needs an authorization, and the rule that decided (None: no rule)."""

    line_number: int
    code: str
    required: bool
    rule_id: str | None
    rule_kind: RuleKind | None


class RequirementAnswerOut(BaseModel):
    """The answer, line by line in the order asked."""

    payer_id: str
    plan_id: str | None
    lines: list[LineAnswerOut]

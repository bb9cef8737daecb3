"""Which service lines need a prior authorization, under a payer's requirement rules.

Codes and ranges
    A code's *shape* is its length plus its non-digit characters in place: ``70551`` (CPT
    Category I) is ``#####``, ``0042T`` (Category III) is ``####T``, ``E0100`` (HCPCS Level II)
    is ``E####``. A range ``first..last`` is valid only when both ends share a shape and
    ``first <= last``; a code lies in it when it has that same shape and sorts between the ends.
    With the shape fixed, letters sit in the same places, so string order is numeric order on
    the digits and ``E0100..E0999`` never takes in ``0100T`` or ``K0100``.

Precedence
    Of the rules that apply to a line (same payer, plan empty or equal, code in range, place of
    service empty or equal, effective on the date of service), the most specific decides,
    comparing in this order: plan-specific before payer-wide; a single code before a range, and
    a narrower range before a wider one; a place-of-service rule before an any-place rule. An
    ``exempt`` rule ("not required") is an ordinary rule in that order: it decides only where it
    is at least as specific as every ``required`` rule, and wins a tie, because a payer writes
    an exemption to carve a case out of a broader requirement. Then the latest effective date,
    then the first rule id in string order, keep the answer deterministic. No rule: not required.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class RuleKind(StrEnum):
    """Whether a rule demands an authorization or explicitly waives one."""

    REQUIRED = "required"
    EXEMPT = "exempt"


class InvalidCodeRangeError(ValueError):
    """A code or code range that cannot be compared (empty, mixed shapes, reversed)."""


def normalize_code(code: str) -> str:
    """Return the code trimmed and upper-cased, the form every comparison uses."""
    normalized = code.strip().upper()
    if not normalized or not normalized.isalnum():
        raise InvalidCodeRangeError(f"code {code!r} must be letters and digits only")
    return normalized


def code_shape(code: str) -> str:
    """Return the code with each digit replaced by '#': codes compare only within one shape."""
    return "".join("#" if char.isdigit() else char for char in normalize_code(code))


@dataclass(frozen=True, slots=True)
class CodeRange:
    """An inclusive range of codes of one shape; a single code is a range of one."""

    first: str
    last: str

    def __post_init__(self) -> None:
        """Normalize both ends and refuse ranges whose ends cannot be compared."""
        first, last = normalize_code(self.first), normalize_code(self.last)
        if code_shape(first) != code_shape(last):
            raise InvalidCodeRangeError(f"range {first}-{last} mixes code formats")
        if first > last:
            raise InvalidCodeRangeError(f"range {first}-{last} ends before it starts")
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)

    @classmethod
    def single(cls, code: str) -> CodeRange:
        """Return the range holding just this code."""
        return cls(first=code, last=code)

    @classmethod
    def parse(cls, text: str) -> CodeRange:
        """Parse '70551', '70551-70553' or '70551..70553'."""
        for separator in ("..", "-"):
            if separator in text:
                first, _, last = text.partition(separator)
                return cls(first=first, last=last)
        return cls.single(text)

    @property
    def is_single(self) -> bool:
        """Whether the range holds exactly one code."""
        return self.first == self.last

    @property
    def width(self) -> int:
        """How many codes of the shape lie in the range (digits read as one number)."""
        return _digits(self.last) - _digits(self.first) + 1

    def contains(self, code: str) -> bool:
        """Whether the code has the range's shape and lies between its ends."""
        normalized = normalize_code(code)
        same_shape = code_shape(normalized) == code_shape(self.first)
        return same_shape and self.first <= normalized <= self.last


def _digits(code: str) -> int:
    """Read a code's digits as one number (0 when it has none)."""
    digits = "".join(char for char in code if char.isdigit())
    return int(digits) if digits else 0


@dataclass(frozen=True, slots=True)
class RequirementRule:
    """One payer rule: whether these codes (for a plan, at a place) need an authorization."""

    rule_id: str
    payer_id: str
    codes: CodeRange
    effective_from: date
    kind: RuleKind = RuleKind.REQUIRED
    plan_id: str | None = None
    place_of_service: str | None = None
    effective_to: date | None = None

    def __post_init__(self) -> None:
        """Refuse an effective period that ends before it starts."""
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError(f"rule {self.rule_id} ends before it takes effect")

    def is_effective_on(self, day: date) -> bool:
        """Whether the rule is in force on the day (both ends inclusive)."""
        ends_after = self.effective_to is None or day <= self.effective_to
        return self.effective_from <= day and ends_after


class ServiceLineLike(Protocol):
    """What matching reads from a line: claim lines and requested lines both fit."""

    @property
    def line_number(self) -> int: ...

    @property
    def code(self) -> str: ...

    @property
    def service_date(self) -> date: ...

    @property
    def place_of_service(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """A service line to ask about: a code on a date, at an optional place of service."""

    line_number: int
    code: str
    service_date: date
    place_of_service: str | None = None


@dataclass(frozen=True, slots=True)
class LineRequirement:
    """The answer for one line and the rule that decided it (None when no rule applied)."""

    line_number: int
    required: bool
    rule_id: str | None
    rule_kind: RuleKind | None


def applies(
    *, rule: RequirementRule, payer_id: str, plan_id: str | None, line: ServiceLineLike
) -> bool:
    """Whether the rule covers this line for this payer and plan."""
    return (
        rule.payer_id == payer_id
        and (rule.plan_id is None or rule.plan_id == plan_id)
        and (rule.place_of_service is None or rule.place_of_service == line.place_of_service)
        and rule.is_effective_on(line.service_date)
        and rule.codes.contains(line.code)
    )


def _precedence(rule: RequirementRule) -> tuple[bool, bool, int, bool, bool, date]:
    """Sort key: the greatest key is the most specific rule (see the module docstring)."""
    return (
        rule.plan_id is not None,
        rule.codes.is_single,
        -rule.codes.width,
        rule.place_of_service is not None,
        rule.kind is RuleKind.EXEMPT,
        rule.effective_from,
    )


def deciding_rule(
    *, rules: Iterable[RequirementRule], payer_id: str, plan_id: str | None, line: ServiceLineLike
) -> RequirementRule | None:
    """Return the most specific rule covering the line, or None when none does."""
    candidates = [
        rule for rule in rules if applies(rule=rule, payer_id=payer_id, plan_id=plan_id, line=line)
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda rule: rule.rule_id)
    return max(candidates, key=_precedence)


def requirement_for(
    *, rules: Iterable[RequirementRule], payer_id: str, plan_id: str | None, line: ServiceLineLike
) -> LineRequirement:
    """Answer whether one line needs an authorization, naming the deciding rule."""
    rule = deciding_rule(rules=rules, payer_id=payer_id, plan_id=plan_id, line=line)
    if rule is None:
        return LineRequirement(
            line_number=line.line_number, required=False, rule_id=None, rule_kind=None
        )
    return LineRequirement(
        line_number=line.line_number,
        required=rule.kind is RuleKind.REQUIRED,
        rule_id=rule.rule_id,
        rule_kind=rule.kind,
    )


def requirements_for(
    *,
    rules: Sequence[RequirementRule],
    payer_id: str,
    plan_id: str | None,
    lines: Sequence[ServiceLineLike],
) -> tuple[LineRequirement, ...]:
    """Answer, line by line and in order, whether each line needs an authorization."""
    return tuple(
        requirement_for(rules=rules, payer_id=payer_id, plan_id=plan_id, line=line)
        for line in lines
    )

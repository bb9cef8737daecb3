"""Table-driven element validation: precomputed rules per segment, checked without objects.

A `SegmentSpec` is built once per (loop, segment) from `Rule`s. `check` first runs the spec's
compiled quick check (see fastcheck) and only walks the rules one by one when it fails, so a clean
segment costs one call and allocates nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from claimflow_shared.x12.errors import ElementCode, Severity
from claimflow_shared.x12.fastcheck import fast_check
from claimflow_shared.x12.values import DECIMAL, OUTSIDE_CHARACTER_SET, is_date, is_time

_ALTERNATE_COMPONENTS = (":", ">")


@dataclass(frozen=True, slots=True)
class Rule:
    """What one element (or one component of a composite) must look like."""

    position: int
    reference: str
    name: str
    required: bool = False
    kind: str = "AN"
    min_len: int = 1
    max_len: int = 80
    codes: frozenset[str] | None = None
    component: int | None = None
    pattern: re.Pattern[str] | None = None
    severity: Severity = Severity.REJECT_ITEM
    status_code: str | None = None
    entity: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """The rules of one segment, split into simple elements and composites."""

    tag: str
    simple: tuple[Rule, ...]
    composites: tuple[tuple[int, bool, tuple[Rule, ...]], ...]
    max_elements: int

    def clean(self, elements: list[str], separator: str) -> bool:
        """Tell quickly whether the segment certainly passes every rule."""
        return fast_check(self)(elements, separator) is not None


@dataclass(frozen=True, slots=True)
class Failure:
    """A rule an element broke, with the offending value."""

    rule: Rule
    code: ElementCode
    value: str


def spec(
    tag: str, *rules: Rule, max_elements: int, composite_required: tuple[int, ...] = ()
) -> SegmentSpec:
    """Group rules into a SegmentSpec; composite_required lists composites that must be present."""
    simple = tuple(r for r in rules if r.component is None)
    positions = sorted({r.position for r in rules if r.component is not None})
    composites = tuple(
        (p, p in composite_required, tuple(r for r in rules if r.position == p and r.component))
        for p in positions
    )
    return SegmentSpec(tag, simple, composites, max_elements)


def code_rule(
    position: int,
    reference: str,
    name: str,
    codes: str,
    *,
    required: bool = True,
    component: int | None = None,
    status_code: str | None = None,
    entity: str | None = None,
) -> Rule:
    """Build a code-list rule from a space-separated list of codes."""
    return Rule(
        position,
        reference,
        name,
        required=required,
        kind="ID",
        codes=frozenset(codes.split()),
        component=component,
        status_code=status_code,
        entity=entity,
    )


class ComponentSplitter:
    """Split composites on the declared separator, or on the other usual one when it is absent."""

    __slots__ = ("declared", "alternate", "used_alternate")

    def __init__(self, declared: str, reserved: str) -> None:
        """Remember the declared separator and pick an alternate that no other delimiter uses."""
        self.declared = declared
        options = [c for c in _ALTERNATE_COMPONENTS if c != declared and c not in reserved]
        self.alternate = options[0] if options else None
        self.used_alternate = False

    def __call__(self, value: str) -> list[str]:
        """Return the components of value."""
        alternate = self.alternate
        if alternate is None or self.declared in value or alternate not in value:
            return value.split(self.declared)
        self.used_alternate = True
        return value.split(alternate)


def check(
    elements: list[str], segment: SegmentSpec, split: Callable[[str], list[str]]
) -> list[Failure] | None:
    """Return the rule failures of one segment, or None when it is clean."""
    failures: list[Failure] | None = None
    count = len(elements)
    for rule in segment.simple:
        value = elements[rule.position] if rule.position < count else ""
        code = _fault(rule, value)
        if code is not None:
            failures = _add(failures, Failure(rule, code, value))
    for position, required, rules in segment.composites:
        value = elements[position] if position < count else ""
        if not value:
            if required:
                failures = _add(failures, Failure(rules[0], ElementCode.REQUIRED_MISSING, ""))
            continue
        failures = _check_components(split(value), rules, failures)
    if count - 1 > segment.max_elements and any(elements[segment.max_elements + 1 :]):
        extra = Rule(segment.max_elements + 1, "", "element beyond the segment's last element")
        failures = _add(failures, Failure(extra, ElementCode.TOO_MANY_ELEMENTS, ""))
    return failures


def _check_components(
    parts: list[str], rules: tuple[Rule, ...], failures: list[Failure] | None
) -> list[Failure] | None:
    """Check each component rule of one composite."""
    count = len(parts)
    for rule in rules:
        index = rule.component or 1
        value = parts[index - 1] if index <= count else ""
        code = _fault(rule, value)
        if code is not None:
            failures = _add(failures, Failure(rule, code, value))
    return failures


def _fault(rule: Rule, value: str) -> ElementCode | None:
    """Return the error code value earns under rule, or None."""
    if not value:
        return ElementCode.REQUIRED_MISSING if rule.required else None
    if rule.codes is not None:
        return None if value in rule.codes else ElementCode.INVALID_CODE
    kind = rule.kind
    if kind == "R":
        return _decimal_fault(rule, value)
    if len(value) > rule.max_len:
        return ElementCode.TOO_LONG
    if len(value) < rule.min_len:
        return ElementCode.TOO_SHORT
    if kind == "N0":
        return None if value.isdigit() else ElementCode.INVALID_CHARACTER
    if kind == "DT":
        return None if is_date(value) else ElementCode.INVALID_DATE
    if kind == "TM":
        return None if is_time(value) else ElementCode.INVALID_TIME
    if rule.pattern is not None and rule.pattern.fullmatch(value) is None:
        return ElementCode.PATTERN_MISMATCH
    if OUTSIDE_CHARACTER_SET.search(value) is not None:
        return ElementCode.INVALID_CHARACTER
    return None


def _decimal_fault(rule: Rule, value: str) -> ElementCode | None:
    """Check an R (decimal) value: its characters, then its digit count."""
    if DECIMAL.fullmatch(value) is None:
        return ElementCode.INVALID_CHARACTER
    digits = len(value) - value.count(".") - value.count("-")
    return ElementCode.TOO_LONG if digits > rule.max_len else None


def _add(failures: list[Failure] | None, failure: Failure) -> list[Failure]:
    """Append to a lazily created failure list."""
    if failures is None:
        return [failure]
    failures.append(failure)
    return failures

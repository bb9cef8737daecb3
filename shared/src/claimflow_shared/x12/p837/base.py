"""State and error plumbing shared by the 837P reader's parts: scopes, checks, loops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from claimflow_shared.x12.elements import ComponentSplitter, Failure, SegmentSpec, check
from claimflow_shared.x12.errors import (
    Channel,
    ElementCode,
    ElementError,
    SegmentCode,
    SegmentError,
    Severity,
    shown,
)
from claimflow_shared.x12.fastcheck import FastCheck
from claimflow_shared.x12.p837.drafts import (
    ClaimDraft,
    LineDraft,
    PatientDraft,
    ProviderDraft,
    ScopeDraft,
    SubscriberDraft,
)
from claimflow_shared.x12.p837.loops import HEADER, REQUIRED
from claimflow_shared.x12.p837.models import ServicePeriod
from claimflow_shared.x12.transactions import TransactionContext
from claimflow_shared.x12.values import parse_date, parse_range

_PROBLEMS = {
    ElementCode.REQUIRED_MISSING: "is required but missing",
    ElementCode.TOO_MANY_ELEMENTS: "is present but the segment defines no such element",
    ElementCode.TOO_SHORT: "is shorter than allowed",
    ElementCode.TOO_LONG: "is longer than allowed",
    ElementCode.INVALID_CHARACTER: "has characters or a format its data type does not allow",
    ElementCode.INVALID_CODE: "is not an allowed code",
    ElementCode.INVALID_DATE: "is not a valid CCYYMMDD date or date range",
    ElementCode.INVALID_TIME: "is not a valid time",
    ElementCode.PATTERN_MISMATCH: "does not have the form the guide requires",
}
_MAX_LISTED_CODES = 12

Mapper = Callable[[Any, list[str], int], None]
Route = tuple[SegmentSpec | None, FastCheck | None, Mapper | None]
RouteTable = dict[str, dict[str, Route]]
_MAX_COPY = 99


@lru_cache(maxsize=4096)
def day_period(value: str) -> ServicePeriod | None:
    """Return the one-day service period of a D8 date (shared: periods are immutable)."""
    day = parse_date(value)
    return ServicePeriod(day, day) if day is not None else None


class HandlerBase:
    """Everything the 837P reader tracks while it walks one transaction set."""

    def __init__(self, context: TransactionContext) -> None:
        """Start before the BHT, with no level open."""
        self._context = context
        self._report = context.report
        self._emit = context.emit
        d = context.delimiters
        self._split = ComponentSplitter(d.component, d.element + d.segment + (d.repetition or ""))
        self._tables = self._route_table()
        self._loop = HEADER
        self._here = self._tables.get(HEADER, {})
        self._level = HEADER
        self._seen: set[str] = set()
        self._left = False
        self._reference = ""
        self._created: date | None = None
        self._submitter = ("", "")
        self._receiver = ("", "")
        self._has_bht = self._has_submitter = self._has_receiver = self._header_checked = False
        self._provider: ProviderDraft | None = None
        self._subscriber: SubscriberDraft | None = None
        self._patient: PatientDraft | None = None
        self._claim: ClaimDraft | None = None
        self._line: LineDraft | None = None
        self._last_hl: int | None = None
        self._accepted = 0
        self._rejected = 0

    def _route_table(self) -> RouteTable:
        """Return, per loop id, the routes of the segments it allows (the handler provides it)."""
        return {}

    def _close_claim(self, position: int) -> None:
        """Finish the open claim, if any (the claims part provides it)."""
        raise NotImplementedError

    def _ready(self, draft: ScopeDraft, position: int) -> None:
        """Check once that a level holds its required loops (the parties part provides it)."""
        raise NotImplementedError

    def _npi(self, elements: list[str], position: int, entity: str) -> str | None:
        """Return NM109 when it is an NPI, checking it (the parties part provides it)."""
        raise NotImplementedError

    def _single_day_only(self, qualifier: str, form: str, position: int) -> None:
        """Record a date range (or other format) sent for a date that must be one D8 day."""
        self._element(
            "DTP",
            position,
            2,
            ElementCode.INVALID_CODE,
            f"DTP02 must be D8 for date qualifier {shown(qualifier)}",
            reference="1250",
            value=form,
        )

    def _period(
        self, elements: list[str], position: int, form: str, status: str
    ) -> ServicePeriod | None:
        """Parse DTP03 as D8 or RD8, recording an invalid date."""
        value = elements[3] if len(elements) > 3 else ""
        if form == "D8":
            period = day_period(value)
            if period is not None:
                return period
        elif form == "RD8":
            span = parse_range(value)
            if span is not None:
                return ServicePeriod(*span)
        else:
            return None
        if value:
            self._element(
                "DTP",
                position,
                3,
                ElementCode.INVALID_DATE,
                f"DTP03 is not a valid {form} date",
                reference="1251",
                value=value,
                status=status or None,
            )
        return None

    def _unexpected(self, tag: str, position: int) -> None:
        """Record a segment that has no place where it appears (the handler provides it)."""
        raise NotImplementedError

    def _close_line(self, position: int) -> None:
        """Finish the open service line, if any (the lines part provides it)."""
        raise NotImplementedError

    def _scope(self) -> list[SegmentError] | None:
        """Return the error list of the innermost open scope, or None in the header."""
        if self._claim is not None:
            return self._claim.errors
        for draft in (self._patient, self._subscriber, self._provider):
            if draft is not None:
                return draft.errors
        return None

    def _issue(
        self,
        tag: str,
        position: int,
        code: SegmentCode,
        message: str,
        *,
        element: ElementError | None = None,
        severity: Severity = Severity.REJECT_ITEM,
        channel: Channel = Channel.SYNTAX,
        status_code: str | None = None,
        entity: str | None = None,
        loop: str | None = None,
    ) -> None:
        """Record an error in the current scope and, for syntax errors, in the 999."""
        scope = self._scope()
        if scope is None and severity is Severity.REJECT_ITEM:
            severity = Severity.REJECT_SET
        item = self._claim.claim_id or None if self._claim is not None else None
        if loop is None:
            loop = None if self._loop == HEADER else self._loop
        error = SegmentError(
            tag,
            position,
            loop,
            code,
            message,
            severity,
            element,
            channel,
            item,
            status_code,
            entity,
        )
        if scope is not None:
            scope.append(error)
        self._report(error)

    def _check(self, tag: str, elements: list[str], position: int, segment: SegmentSpec) -> None:
        """Check a segment against its rules and record each failure."""
        if segment.clean(elements, self._split.declared):
            return
        failures = check(elements, segment, self._split)
        if failures is not None:
            for failure in failures:
                self._failed(tag, position, failure)

    def _failed(self, tag: str, position: int, failure: Failure) -> None:
        """Record one broken element rule."""
        rule = failure.rule
        name = f"{tag}{rule.position:02d}" + (f"-{rule.component}" if rule.component else "")
        problem = _PROBLEMS.get(failure.code, "is invalid")
        codes = rule.codes
        if failure.code is ElementCode.INVALID_CODE and codes and len(codes) <= _MAX_LISTED_CODES:
            listed = sorted(codes, key=lambda code: (len(code), code))
            problem = "is not one of " + ", ".join(listed)
        element = ElementError(
            rule.position,
            failure.code,
            rule.reference or None,
            rule.component,
            None,
            failure.value[:_MAX_COPY] or None,
        )
        self._issue(
            tag,
            position,
            SegmentCode.ELEMENT_ERRORS,
            f"{name} {rule.name} {problem}",
            element=element,
            severity=rule.severity,
            status_code=rule.status_code,
            entity=rule.entity,
        )

    def _element(
        self,
        tag: str,
        position: int,
        index: int,
        code: ElementCode,
        message: str,
        *,
        component: int | None = None,
        reference: str | None = None,
        value: str = "",
        status: str | None = None,
        entity: str | None = None,
    ) -> None:
        """Record an element error found by mapping code rather than by a rule table."""
        element = ElementError(index, code, reference, component, None, value[:_MAX_COPY] or None)
        self._issue(
            tag,
            position,
            SegmentCode.ELEMENT_ERRORS,
            message,
            element=element,
            status_code=status,
            entity=entity,
        )

    def _business(
        self, tag: str, position: int, message: str, status: str, entity: str | None
    ) -> None:
        """Record an edit the 277CA reports but the 999 does not (the syntax is sound)."""
        self._issue(
            tag,
            position,
            SegmentCode.ELEMENT_ERRORS,
            message,
            channel=Channel.BUSINESS,
            status_code=status,
            entity=entity,
        )

    def _noted_alternate(self, tag: str, position: int, index: int) -> None:
        """Note composites split on the undeclared component separator."""
        self._split.used_alternate = False
        self._issue(
            tag,
            position,
            SegmentCode.ELEMENT_ERRORS,
            f"{tag}{index:02d} uses {self._split.alternate!r} as component separator but "
            f"ISA16 declares {self._split.declared!r}; read leniently",
            element=ElementError(index, ElementCode.INVALID_CHARACTER),
            severity=Severity.NOTE,
        )

    def _enter(self, loop: str, position: int) -> None:
        """Leave the current loop and enter another."""
        self._leave(position)
        self._loop = loop
        self._here = self._tables.get(loop) or self._tables.get("", {})
        self._left = False

    def _leave(self, position: int) -> None:
        """Check the current loop's required segments once, then leave it."""
        if self._left:
            return
        self._left = True
        required = REQUIRED.get(self._loop)
        if required is not None:
            for tag in required:
                if tag not in self._seen:
                    self._issue(
                        tag,
                        position,
                        SegmentCode.REQUIRED_MISSING,
                        f"loop {self._loop} lacks its required {tag} segment",
                    )
        self._loop = self._level
        self._here = self._tables.get(self._level) or self._tables.get("", {})
        self._seen.clear()

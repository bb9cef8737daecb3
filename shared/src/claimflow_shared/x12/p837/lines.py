"""The 837P service line loop (2400, 2420A): LX, SV1, dates, references, checks and mapping."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from claimflow_shared.x12.elements import check
from claimflow_shared.x12.errors import ElementCode, SegmentCode, Severity
from claimflow_shared.x12.fastcheck import fast_check
from claimflow_shared.x12.p837 import codes as c
from claimflow_shared.x12.p837.base import HandlerBase
from claimflow_shared.x12.p837.drafts import LineDraft
from claimflow_shared.x12.p837.parties import at
from claimflow_shared.x12.p837.specs import CLAIM_PWK, DME_PWK, LX, SV1
from claimflow_shared.x12.values import to_decimal


@lru_cache(maxsize=4096)
def pointer_list(value: str, separator: str) -> tuple[int, ...]:
    """Return the valid pointers (1 to 12) of an SV107 composite, in the order sent."""
    pointers = [int(p) for p in value.split(separator)[:4] if p.isdigit()]
    return tuple(p for p in pointers if 0 < p <= c.MAX_DIAGNOSES)


class LinesMixin(HandlerBase):
    """Reads service lines and adds each to its claim when the line ends."""

    def _on_lx(self, elements: list[str], position: int) -> None:
        """Close the previous line and open a new one (a line needs an open claim)."""
        claim = self._claim
        if claim is None:
            self._unexpected("LX", position)
            return
        if self._loop != "2400":
            self._enter("2400", position)
            self._level = "2400"
        self._close_line(position)
        value = elements[1] if len(elements) > 1 else ""
        if value.isdigit() and len(value) <= 6 and len(elements) == 2:
            number = int(value)
        else:
            number = int(value) if value.isdigit() else 0
            self._check("LX", elements, position, LX)
        self._line = LineDraft(number, position)
        if len(claim.lines) >= c.MAX_LINES:
            self._issue(
                "LX",
                position,
                SegmentCode.LOOP_OVER_MAXIMUM,
                "a claim holds at most 50 service lines",
                status_code="247",
            )
        elif number and number != len(claim.lines) + 1:
            self._noted("LX", position, "LX01 should number the claim's lines 1, 2, 3 ...")

    def _noted(self, tag: str, position: int, message: str) -> None:
        """Record a guide deviation that rejects nothing."""
        self._issue(tag, position, SegmentCode.ELEMENT_ERRORS, message, severity=Severity.NOTE)

    def _on_sv1(self, elements: list[str], position: int) -> None:
        """Read the professional service: procedure, modifiers, charge, units and pointers."""
        line = self._line
        assert line is not None
        if line.has_service:
            self._issue(
                "SV1",
                position,
                SegmentCode.SEGMENT_OVER_MAXIMUM,
                "a service line carries one SV1 segment",
                status_code="454",
            )
            return
        line.has_service = True
        count = len(elements)
        composites = fast_check(SV1)(elements, self._split.declared)
        if composites is None:
            self._check("SV1", elements, position, SV1)
            procedure = self._split(elements[1] if count > 1 else "")
            pointers = self._pointers(elements[7] if count > 7 else "")
        else:
            procedure, listed = composites
            pointers = tuple(map(int, filter(None, listed)))
        self._procedure(line, procedure, position)
        line.charge = to_decimal(elements[2]) if count > 2 else Decimal(0)
        line.basis = elements[3] if count > 3 else ""
        line.units = to_decimal(elements[4]) if count > 4 else Decimal(0)
        line.place_of_service = elements[5] or None if count > 5 else None
        line.pointers = pointers
        self._check_pointers(pointers, position)
        if self._split.used_alternate:
            self._noted_alternate("SV1", position, 1)

    def _procedure(self, line: LineDraft, procedure: list[str], position: int) -> None:
        """Keep SV101: qualifier, procedure code (five characters for HC) and modifiers."""
        line.qualifier = procedure[0]
        line.code = code = procedure[1] if len(procedure) > 1 else ""
        line.modifiers = tuple(filter(None, procedure[2:6]))
        if line.qualifier == c.HCPCS_QUALIFIER and code and not c.PROCEDURE_PATTERN.fullmatch(code):
            self._element(
                "SV1",
                position,
                1,
                ElementCode.PATTERN_MISMATCH,
                "SV101-2 is not a five-character CPT or HCPCS code",
                component=2,
                reference="234",
                value=code,
                status="454",
            )

    def _check_pointers(self, pointers: tuple[int, ...], position: int) -> None:
        """Note SV107 pointers past the claim's diagnoses (a 277CA edit)."""
        claim = self._claim
        if pointers and claim is not None and max(pointers) > len(claim.diagnoses):
            self._business(
                "SV1",
                position,
                "SV107 points to a diagnosis the claim's HI does not carry",
                "477",
                None,
            )

    def _pointers(self, value: str) -> tuple[int, ...]:
        """Return the valid diagnosis pointers of an SV107 that failed the quick check."""
        split = self._split
        if split.alternate is not None and split.alternate in value:
            return pointer_list(value.replace(split.alternate, split.declared), split.declared)
        return pointer_list(value, split.declared)

    def _line_dtp(self, elements: list[str], position: int) -> None:
        """Read the line's date of service (DTP*472, D8 or RD8); other line dates must be D8."""
        line = self._line
        assert line is not None
        count = len(elements)
        qualifier = elements[1] if count > 1 else ""
        form = elements[2] if count > 2 else ""
        if qualifier != c.SERVICE_DATE:
            if form != "D8":
                self._single_day_only(qualifier, form, position)
            else:
                self._period(elements, position, form, "")
            return
        if line.has_date:
            self._issue(
                "DTP",
                position,
                SegmentCode.SEGMENT_OVER_MAXIMUM,
                "a service line carries one DTP*472 service date",
                status_code="187",
            )
            return
        line.has_date = True
        line.period = self._period(elements, position, form, "187")

    def _line_ref(self, elements: list[str], position: int) -> None:
        """Keep the line's prior authorizations and line item control number."""
        line = self._line
        assert line is not None
        qualifier, value = at(elements, 1), at(elements, 2)
        if qualifier == c.PRIOR_AUTHORIZATION:
            line.authorizations += (value,)
        elif qualifier == c.LINE_CONTROL_NUMBER:
            line.control_number = value

    def _line_pwk(self, elements: list[str], position: int) -> None:
        """Check a line PWK: a DME certificate (CT with AB/AD/AF/AG/NS) or a supplemental report."""
        dme = at(elements, 1) == c.DME_CERTIFICATE_TYPE and at(elements, 2) in set(
            c.DME_CERTIFICATE_TRANSMISSION.split()
        )
        failures = check(elements, DME_PWK if dme else CLAIM_PWK, self._split)
        for failure in failures or ():
            self._failed("PWK", position, failure)

    def _nm1_line_rendering(self, elements: list[str], position: int) -> None:
        """Keep the 2420A line rendering provider NPI."""
        assert self._line is not None
        self._line.rendering_npi = self._npi(elements, position, "82")

    def _close_line(self, position: int) -> None:
        """Finish the open line: SV1 and DTP*472 are required."""
        line, claim = self._line, self._claim
        if line is None or claim is None:
            return
        self._line = None
        if not line.has_service:
            self._issue(
                "SV1",
                position,
                SegmentCode.REQUIRED_MISSING,
                "loop 2400 lacks its required SV1 segment",
                status_code="454",
                loop="2400",
            )
        if not line.has_date:
            self._issue(
                "DTP",
                position,
                SegmentCode.REQUIRED_MISSING,
                "loop 2400 lacks its required DTP*472 date of service",
                status_code="187",
                loop="2400",
            )
        claim.lines.append(line.freeze())
        claim.line_total += line.charge
        period = line.period
        if period is not None and (
            claim.latest_service is None or period.start > claim.latest_service
        ):
            claim.latest_service = period.start

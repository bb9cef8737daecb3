"""The 837P claim and service line loops (2300, 2310B, 2400, 2420A): mapping and checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from claimflow_shared.x12.elements import check
from claimflow_shared.x12.errors import ElementCode, SegmentCode, SegmentError, Severity
from claimflow_shared.x12.fastcheck import fast_check
from claimflow_shared.x12.p837 import codes as c
from claimflow_shared.x12.p837.base import HandlerBase
from claimflow_shared.x12.p837.drafts import ClaimDraft, LineDraft, SubscriberDraft
from claimflow_shared.x12.p837.models import (
    Batch,
    BillingProvider,
    ClaimRead,
    Demographics,
    Diagnosis,
    ProfessionalClaim,
    ServicePeriod,
)
from claimflow_shared.x12.p837.parties import at
from claimflow_shared.x12.p837.specs import CLAIM_PWK, CLM, DME_PWK, LX, SV1
from claimflow_shared.x12.values import parse_date, parse_range, to_decimal

_ICD10_START = date(*c.ICD10_EFFECTIVE)


@lru_cache(maxsize=4096)
def pointer_list(value: str, separator: str) -> tuple[int, ...]:
    """Return the valid pointers (1 to 12) of an SV107 composite, in the order sent."""
    pointers = [int(p) for p in value.split(separator)[:4] if p.isdigit()]
    return tuple(p for p in pointers if 0 < p <= c.MAX_DIAGNOSES)


@lru_cache(maxsize=4096)
def day_period(value: str) -> ServicePeriod | None:
    """Return the one-day service period of a D8 date (shared: periods are immutable)."""
    day = parse_date(value)
    return ServicePeriod(day, day) if day is not None else None


_NO_PROVIDER = BillingProvider(None, None, None, "", None)


class ClaimsMixin(HandlerBase):
    """Reads claims and their service lines, and emits each claim when it ends."""

    _batch_cache: Batch | None = None

    def _on_clm(self, elements: list[str], position: int) -> None:
        """Close the previous claim and open a new one."""
        self._close_claim(position)
        owner = self._patient or self._subscriber
        if owner is not None:
            self._ready(owner, position)
        claim = ClaimDraft(position)
        claim.claim_id = at(elements, 1)
        self._claim = claim
        self._enter("2300", position)
        self._level = "2300"
        subscriber = self._subscriber
        if subscriber is None:
            self._issue(
                "CLM",
                position,
                SegmentCode.UNEXPECTED,
                "CLM appears outside a 2000B subscriber or 2000C patient level",
            )
        else:
            subscriber.claims += 1
            if subscriber.claims > c.MAX_CLAIMS_PER_SUBSCRIBER:
                self._issue(
                    "CLM",
                    position,
                    SegmentCode.LOOP_OVER_MAXIMUM,
                    "a subscriber level holds at most 100 claims",
                )
        composites = fast_check(CLM)(elements, self._split.declared)
        if composites is None:
            self._check("CLM", elements, position, CLM)
            parts = self._split(at(elements, 5))
        else:
            parts = composites[0]
        claim.total = to_decimal(elements[2]) if len(elements) > 2 else Decimal(0)
        claim.place_of_service = parts[0]
        claim.frequency = parts[2] if len(parts) > 2 else ""
        if self._split.used_alternate:
            self._noted_alternate("CLM", position, 5)

    def _on_hi(self, elements: list[str], position: int) -> None:
        """Read the diagnosis HI (other HI kinds carry no diagnoses and are only passed over)."""
        claim = self._claim
        assert claim is not None
        if self._split(at(elements, 1))[0] in c.OTHER_HI_QUALIFIERS:
            self._split.used_alternate = False
            return
        if claim.has_diagnoses:
            self._issue(
                "HI",
                position,
                SegmentCode.SEGMENT_OVER_MAXIMUM,
                "a claim carries one diagnosis HI segment",
                status_code="255",
            )
            return
        claim.has_diagnoses = True
        diagnoses = []
        for index in range(1, min(len(elements), c.MAX_DIAGNOSES + 1)):
            if elements[index]:
                diagnoses.append(self._diagnosis(self._split(elements[index]), index, position))
        if len(elements) > c.MAX_DIAGNOSES + 1 and any(elements[c.MAX_DIAGNOSES + 1 :]):
            self._element(
                "HI",
                position,
                c.MAX_DIAGNOSES + 1,
                ElementCode.TOO_MANY_ELEMENTS,
                "HI carries more than 12 diagnosis codes",
                status="255",
            )
        claim.diagnoses = tuple(diagnoses)
        if self._split.used_alternate:
            self._noted_alternate("HI", position, 1)

    def _diagnosis(self, parts: list[str], index: int, position: int) -> Diagnosis:
        """Check one HI composite and return its diagnosis."""
        qualifier, code = parts[0], parts[1] if len(parts) > 1 else ""
        principal = index == 1
        allowed = c.PRINCIPAL_QUALIFIERS if principal else c.ICD10_QUALIFIERS | c.ICD9_QUALIFIERS
        status = "254" if principal else "255"
        name = f"HI{index:02d}"
        if qualifier not in allowed or (not principal and qualifier in c.PRINCIPAL_QUALIFIERS):
            self._element(
                "HI",
                position,
                index,
                ElementCode.INVALID_CODE,
                f"{name}-1 diagnosis type code is not one of "
                f"{'ABK, BK' if principal else 'ABF, BF'}",
                component=1,
                reference="1270",
                value=qualifier,
                status=status,
            )
            return Diagnosis(qualifier, code)
        pattern = c.ICD10_PATTERN if qualifier in c.ICD10_QUALIFIERS else c.ICD9_PATTERN
        if not code:
            self._element(
                "HI",
                position,
                index,
                ElementCode.REQUIRED_MISSING,
                f"{name}-2 diagnosis code is required but missing",
                component=2,
                reference="1271",
                status=status,
            )
        elif pattern.fullmatch(code) is None:
            family = "ICD-10-CM" if qualifier in c.ICD10_QUALIFIERS else "ICD-9-CM"
            self._element(
                "HI",
                position,
                index,
                ElementCode.PATTERN_MISMATCH,
                f"{name}-2 is not an {family} code written without its decimal point",
                component=2,
                reference="1271",
                value=code,
                status=status,
            )
        return Diagnosis(qualifier, code)

    def _claim_dtp(self, elements: list[str], position: int) -> None:
        """Check a claim-level date: D8, or RD8 for the disability qualifiers."""
        qualifier, form = at(elements, 1), at(elements, 2)
        if form == "RD8" and qualifier not in c.CLAIM_RANGE_QUALIFIERS:
            self._single_day_only(qualifier, form, position)
            return
        self._period(elements, position, form, "")

    def _single_day_only(self, qualifier: str, form: str, position: int) -> None:
        """Record a date range (or other format) sent for a date that must be one D8 day."""
        self._element(
            "DTP",
            position,
            2,
            ElementCode.INVALID_CODE,
            f"DTP02 must be D8 for date qualifier {qualifier}",
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

    def _claim_ref(self, elements: list[str], position: int) -> None:
        """Keep the claim's prior authorization, payer claim control number and trace number."""
        claim = self._claim
        assert claim is not None
        qualifier, value = at(elements, 1), at(elements, 2)
        if qualifier == c.PRIOR_AUTHORIZATION:
            claim.prior_authorization = value
        elif qualifier == c.PAYER_CLAIM_CONTROL_NUMBER:
            claim.original_reference = value
        elif qualifier == c.CLEARINGHOUSE_TRACE:
            claim.trace = value

    def _nm1_claim_rendering(self, elements: list[str], position: int) -> None:
        """Keep the 2310B rendering provider NPI."""
        assert self._claim is not None
        self._claim.rendering_npi = self._npi(elements, position, "82")

    def _nm1_other_provider(self, elements: list[str], position: int) -> None:
        """Check the NPI of a referring, facility, supervising or ordering provider."""
        self._npi(elements, position, at(elements, 1))

    def _on_lx(self, elements: list[str], position: int) -> None:
        """Close the previous line and open a new one."""
        claim = self._claim
        assert claim is not None
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
        line.qualifier = procedure[0]
        line.code = code = procedure[1] if len(procedure) > 1 else ""
        line.modifiers = tuple(m for m in procedure[2:6] if m)
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
        line.charge = to_decimal(elements[2]) if count > 2 else Decimal(0)
        line.basis = elements[3] if count > 3 else ""
        line.units = to_decimal(elements[4]) if count > 4 else Decimal(0)
        line.place_of_service = elements[5] or None if count > 5 else None
        line.pointers = pointers
        claim = self._claim
        if pointers and claim is not None and max(pointers) > len(claim.diagnoses):
            self._business(
                "SV1",
                position,
                "SV107 points to a diagnosis the claim's HI does not carry",
                "477",
                None,
            )
        if self._split.used_alternate:
            self._noted_alternate("SV1", position, 1)

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
            line.authorizations.append(value)
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

    def _close_claim(self, position: int) -> None:
        """Finish the open claim: required parts, edits, then emit it."""
        claim = self._claim
        if claim is None:
            return
        self._leave(position)
        self._close_line(position)
        self._claim_checks(claim, position)
        read = ClaimRead(self._freeze(claim), self._claim_errors(claim))
        self._claim = None
        if read.accepted:
            self._accepted += 1
        else:
            self._rejected += 1
        self._emit(read)

    def _claim_checks(self, claim: ClaimDraft, position: int) -> None:
        """Check what a claim as a whole requires."""
        if not claim.has_diagnoses:
            self._issue(
                "HI",
                position,
                SegmentCode.REQUIRED_MISSING,
                "loop 2300 lacks its required HI diagnosis segment",
                status_code="254",
                loop="2300",
            )
        if not claim.lines:
            self._issue(
                "LX",
                position,
                SegmentCode.REQUIRED_MISSING,
                "the claim has no 2400 service line",
                status_code="247",
                loop="2400",
            )
        corrects = claim.frequency in (c.FREQUENCY_REPLACEMENT, c.FREQUENCY_VOID)
        if corrects and claim.original_reference is None:
            self._issue(
                "REF",
                position,
                SegmentCode.DEPENDENT_MISSING,
                "CLM05-3 frequency 7 or 8 requires REF*F8 payer claim control number",
                status_code="464",
                loop="2300",
            )
        self._claim_edits(claim)

    def _claim_edits(self, claim: ClaimDraft) -> None:
        """Business edits the 277CA reports: charge balance and ICD-9 codes after Oct 2015."""
        if claim.lines and claim.line_total != claim.total:
            self._business(
                "CLM",
                claim.position,
                "CLM02 total charge does not equal the sum of the SV102 line charges",
                "400",
                None,
            )
        latest = claim.latest_service
        icd9 = any(d.qualifier in c.ICD9_QUALIFIERS for d in claim.diagnoses)
        if icd9 and latest is not None and latest >= _ICD10_START:
            self._business(
                "HI",
                claim.position,
                "ICD-9-CM diagnoses (BK/BF) are not valid for services from 2015-10-01",
                "255",
                None,
            )

    def _freeze(self, claim: ClaimDraft) -> ProfessionalClaim:
        """Build the claim record from the drafts of its levels."""
        provider = self._provider.freeze() if self._provider is not None else _NO_PROVIDER
        subscriber_draft = self._subscriber or SubscriberDraft("", "", 0)
        subscriber, payer, subscriber_person = subscriber_draft.freeze()
        patient = self._patient
        relationship = patient.relationship if patient else subscriber.relationship or "18"
        patient_person = patient.freeze() if patient else subscriber_person
        return ProfessionalClaim(
            claim.claim_id,
            claim.total,
            claim.place_of_service,
            claim.frequency,
            claim.original_reference,
            provider,
            claim.rendering_npi,
            payer,
            subscriber,
            relationship,
            claim.diagnoses,
            claim.prior_authorization,
            claim.trace,
            tuple(claim.lines),
            Demographics(subscriber_person, patient_person),
            self._batch(),
            claim.position,
        )

    def _claim_errors(self, claim: ClaimDraft) -> tuple[SegmentError, ...]:
        """Return every error that reaches the claim, from its levels down to itself."""
        errors: list[SegmentError] = []
        for draft in (self._provider, self._subscriber, self._patient):
            if draft is not None and draft.errors:
                errors.extend(draft.errors)
        errors.extend(claim.errors)
        return tuple(errors)

    def _batch(self) -> Batch:
        """Return the transaction set's Batch record, built once."""
        if self._batch_cache is None:
            header = self._context.header
            self._batch_cache = Batch(
                header.interchange.get(13),
                header.group.control_number,
                header.control_number,
                self._reference,
                self._created,
                self._submitter[0],
                self._submitter[1],
                self._receiver[0],
                self._receiver[1],
            )
        return self._batch_cache

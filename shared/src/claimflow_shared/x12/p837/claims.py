"""The 837P claim and service line loops (2300, 2310B, 2400, 2420A): mapping and checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimflow_shared.x12.errors import ElementCode, SegmentCode, SegmentError
from claimflow_shared.x12.fastcheck import fast_check
from claimflow_shared.x12.p837 import codes as c
from claimflow_shared.x12.p837.base import HandlerBase
from claimflow_shared.x12.p837.drafts import ClaimDraft, SubscriberDraft
from claimflow_shared.x12.p837.models import (
    Batch,
    BillingProvider,
    ClaimRead,
    Demographics,
    Diagnosis,
    ProfessionalClaim,
)
from claimflow_shared.x12.p837.parties import at
from claimflow_shared.x12.p837.specs import CLM
from claimflow_shared.x12.values import to_decimal

_ICD10_START = date(*c.ICD10_EFFECTIVE)


_NO_PROVIDER = BillingProvider(None, None, None, "", None)
_OTHER_DIAGNOSIS = frozenset({"ABF", "BF"})


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
        split = self._split
        if split(at(elements, 1))[0] in c.OTHER_HI_QUALIFIERS:
            split.used_alternate = False
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
                diagnoses.append(self._diagnosis(split(elements[index]), index, position))
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
        if qualifier not in (c.PRINCIPAL_QUALIFIERS if principal else _OTHER_DIAGNOSIS):
            self._element(
                "HI",
                position,
                index,
                ElementCode.INVALID_CODE,
                f"HI{index:02d}-1 diagnosis type code is not one of "
                f"{'ABK, BK' if principal else 'ABF, BF'}",
                component=1,
                reference="1270",
                value=qualifier,
                status="254" if principal else "255",
            )
        elif not (c.ICD10_PATTERN if qualifier in c.ICD10_QUALIFIERS else c.ICD9_PATTERN).fullmatch(
            code
        ):
            self._diagnosis_code_error(qualifier, code, index, position)
        return Diagnosis(qualifier, code)

    def _diagnosis_code_error(self, qualifier: str, code: str, index: int, position: int) -> None:
        """Record a missing diagnosis code, or one that is not in its code set's form."""
        family = "ICD-10-CM" if qualifier in c.ICD10_QUALIFIERS else "ICD-9-CM"
        problem = (
            f"is not an {family} code written without its decimal point"
            if code
            else "is required but missing"
        )
        self._element(
            "HI",
            position,
            index,
            ElementCode.PATTERN_MISMATCH if code else ElementCode.REQUIRED_MISSING,
            f"HI{index:02d}-2 diagnosis code {problem}",
            component=2,
            reference="1271",
            value=code,
            status="254" if index == 1 else "255",
        )

    def _claim_dtp(self, elements: list[str], position: int) -> None:
        """Check a claim-level date: D8, or RD8 for the disability qualifiers."""
        qualifier, form = at(elements, 1), at(elements, 2)
        if form == "RD8" and qualifier not in c.CLAIM_RANGE_QUALIFIERS:
            self._single_day_only(qualifier, form, position)
            return
        self._period(elements, position, form, "")

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

"""The 837P header and HL levels: BHT, submitter, receiver, provider, subscriber, patient."""

from __future__ import annotations

from claimflow_shared.x12.errors import ElementCode, SegmentCode, SegmentError, Severity
from claimflow_shared.x12.p837 import codes as c
from claimflow_shared.x12.p837.base import HandlerBase
from claimflow_shared.x12.p837.drafts import (
    PatientDraft,
    PersonDraft,
    ProviderDraft,
    ScopeDraft,
    SubscriberDraft,
)
from claimflow_shared.x12.p837.models import PersonName
from claimflow_shared.x12.p837.specs import HL
from claimflow_shared.x12.values import parse_date

_LEVELS = {"20": "2000A", "22": "2000B", "23": "2000C"}


_PAD = [""] * 12


def at(elements: list[str], index: int) -> str:
    """Return element index, or an empty string when the segment is shorter."""
    return elements[index] if index < len(elements) else ""


def padded(elements: list[str], size: int) -> list[str]:
    """Return the elements padded with empty strings up to `size` (unchanged if long enough)."""
    return elements if len(elements) >= size else elements + _PAD[: size - len(elements)]


def person_name(elements: list[str]) -> PersonName:
    """Return the NM103..NM107 name."""
    e = padded(elements, 8)
    return PersonName(e[3], e[4] or None, e[5] or None, e[7] or None)


class PartiesMixin(HandlerBase):
    """Reads the header and the HL levels above the claims."""

    def _on_bht(self, elements: list[str], position: int) -> None:
        """Keep the BHT reference and creation date."""
        self._has_bht = True
        self._reference = at(elements, 3)
        self._created = parse_date(at(elements, 4))

    def _nm1_submitter(self, elements: list[str], position: int) -> None:
        """Keep the 1000A submitter name and id."""
        self._has_submitter = True
        self._submitter = (at(elements, 3), at(elements, 9))

    def _nm1_receiver(self, elements: list[str], position: int) -> None:
        """Keep the 1000B receiver name and id."""
        self._has_receiver = True
        self._receiver = (at(elements, 3), at(elements, 9))

    def _on_hl(self, elements: list[str], position: int) -> None:
        """Close what the new level ends, then open it under its parent."""
        self._close_claim(position)
        self._leave(position)
        if not self._header_checked:
            self._ready_header(position)
        code = at(elements, 3)
        self._close_levels(code, position)
        level = _LEVELS.get(code)
        if level is None:
            self._level = "HL" + code[:2]
            self._enter(self._level, position)
            self._check("HL", elements, position, HL)
            return
        self._open_level(code, elements, position)
        self._level = level
        self._enter(level, position)
        self._check("HL", elements, position, HL)
        self._check_numbering(at(elements, 1), position)

    def _close_levels(self, code: str, position: int) -> None:
        """Close the levels at or below the depth of a new HL with level code `code`."""
        if self._patient is not None:
            self._close_level(self._patient, position)
            self._patient = None
        if (code in ("20", "22") or code not in _LEVELS) and self._subscriber is not None:
            self._close_level(self._subscriber, position)
            self._subscriber = None
        if (code == "20" or code not in _LEVELS) and self._provider is not None:
            self._close_level(self._provider, position)
            self._provider = None

    def _close_level(self, draft: ScopeDraft, position: int) -> None:
        """Check a level that is ending: its required loops and its HL04 promise."""
        self._ready(draft, position)
        if draft.child_code == "1" and not draft.children:
            self._issue(
                "HL",
                draft.position,
                SegmentCode.ELEMENT_ERRORS,
                "HL04 says the level has child levels but none follows",
                severity=Severity.NOTE,
            )

    def _open_level(self, code: str, elements: list[str], position: int) -> None:
        """Open the 2000A, 2000B or 2000C level an HL starts and check its parent."""
        e = padded(elements, 5)
        hl_id, parent_id, child = e[1], e[2], e[4]
        parent: ScopeDraft | None = None
        if code == "20":
            self._provider = ProviderDraft(hl_id, child, position)
        elif code == "22":
            parent = self._provider
            self._subscriber = SubscriberDraft(hl_id, child, position)
        else:
            parent = self._subscriber
            self._patient = PatientDraft(hl_id, child, position)
        if parent is not None:
            self._ready(parent, position)
            parent.children += 1
            if parent.child_code == "0":
                self._issue(
                    "HL",
                    parent.position,
                    SegmentCode.ELEMENT_ERRORS,
                    "HL04 says the level has no child levels but one follows",
                    severity=Severity.NOTE,
                )
        expected = parent.hl_id if parent is not None else ""
        if parent_id != expected:
            self._element(
                "HL",
                position,
                2,
                ElementCode.INVALID_CODE,
                "HL02 does not name the enclosing HL level as parent"
                if code != "20"
                else "HL02 must be empty on a billing provider level",
                reference="734",
                value=parent_id,
            )

    def _check_numbering(self, hl_id: str, position: int) -> None:
        """HL01 must increase; the guide also wants it to start at 1 and step by 1."""
        number = int(hl_id) if hl_id.isdigit() else None
        previous = self._last_hl
        if number is None or (previous is not None and number <= previous):
            self._element(
                "HL",
                position,
                1,
                ElementCode.INVALID_CODE,
                "HL01 must be a number greater than the previous HL01",
                reference="628",
                value=hl_id,
            )
        elif number != (previous or 0) + 1:
            self._issue(
                "HL",
                position,
                SegmentCode.ELEMENT_ERRORS,
                "HL01 should start at 1 and increase by 1; accepted as it only increases",
                severity=Severity.NOTE,
            )
        if number is not None:
            self._last_hl = number

    def _ready_header(self, position: int) -> None:
        """Check the BHT, 1000A and 1000B before the first HL."""
        self._header_checked = True
        for present, tag, what in (
            (self._has_bht, "BHT", "the BHT segment"),
            (self._has_submitter, "NM1", "the 1000A submitter loop"),
            (self._has_receiver, "NM1", "the 1000B receiver loop"),
        ):
            if not present:
                self._issue(
                    tag,
                    position,
                    SegmentCode.REQUIRED_MISSING,
                    f"the transaction set lacks {what}",
                    severity=Severity.REJECT_SET,
                )

    def _ready(self, draft: ScopeDraft, position: int) -> None:
        """Check once that a level holds its required loops (its errors reach all its claims)."""
        if draft.checked:
            return
        draft.checked = True
        missing = self._missing(draft)
        for tag, loop, status, entity in missing:
            draft.errors.append(self._missing_error(tag, loop, position, status, entity))

    def _missing(self, draft: ScopeDraft) -> list[tuple[str, str, str, str]]:
        """List (segment, loop, status code, entity) of required parts the level lacks."""
        if isinstance(draft, ProviderDraft):
            missing = [] if draft.has_name else [("NM1", "2010AA", "562", "85")]
            if draft.has_name and draft.tax_id is None:
                missing.append(("REF", "2010AA", "128", "85"))
            return missing
        if isinstance(draft, SubscriberDraft):
            return [
                part
                for present, part in (
                    (draft.has_sbr, ("SBR", "2000B", "21", "IL")),
                    (draft.has_member, ("NM1", "2010BA", "164", "IL")),
                    (draft.has_payer, ("NM1", "2010BB", "153", "PR")),
                )
                if not present
            ]
        assert isinstance(draft, PatientDraft)
        return [
            part
            for present, part in (
                (draft.has_pat, ("PAT", "2000C", "156", "QC")),
                (draft.has_name, ("NM1", "2010CA", "125", "QC")),
            )
            if not present
        ]

    def _missing_error(
        self, tag: str, loop: str, position: int, status: str, entity: str
    ) -> SegmentError:
        """Build (and send to the 999) the error for a required segment or loop that is missing."""
        error = SegmentError(
            tag,
            position,
            loop,
            SegmentCode.REQUIRED_MISSING,
            f"loop {loop} lacks its required {tag} segment",
            status_code=status,
            entity=entity,
        )
        self._report(error)
        return error

    def _nm1_billing(self, elements: list[str], position: int) -> None:
        """Keep the 2010AA billing provider name and NPI."""
        provider = self._provider
        assert provider is not None
        provider.has_name = True
        provider.entity_type = at(elements, 2) or "2"
        provider.name = at(elements, 3)
        provider.first_name = at(elements, 4) or None
        provider.npi = self._npi(elements, position, "85")

    def _npi(self, elements: list[str], position: int, entity: str) -> str | None:
        """Return NM109 when NM108 is XX, noting an NPI whose check digit is wrong."""
        e = padded(elements, 10)
        if e[8] != "XX":
            return None
        npi = e[9]
        if c.NPI_PATTERN.fullmatch(npi) and not c.npi_check_digit_ok(npi):
            self._business(
                "NM1",
                position,
                f"NM109 NPI of entity {entity} fails its check digit",
                "562",
                entity,
            )
        return npi or None

    def _ref_billing(self, elements: list[str], position: int) -> None:
        """Keep the 2010AA tax identification (REF*EI or REF*SY)."""
        provider = self._provider
        assert provider is not None
        qualifier, value = at(elements, 1), at(elements, 2)
        if qualifier not in c.TAX_ID_QUALIFIERS:
            return
        digits = value.replace("-", "")
        provider.tax_qualifier, provider.tax_id = qualifier, digits
        if not c.TAX_ID_PATTERN.fullmatch(digits):
            self._element(
                "REF",
                position,
                2,
                ElementCode.PATTERN_MISMATCH,
                "REF02 tax identification number must be nine digits",
                reference="127",
                value=value,
                status="128",
                entity="85",
            )
        elif digits != value:
            self._issue(
                "REF",
                position,
                SegmentCode.ELEMENT_ERRORS,
                "REF02 tax identification number should be sent without hyphens; "
                "read as its nine digits",
                severity=Severity.NOTE,
            )

    def _prv_billing(self, elements: list[str], position: int) -> None:
        """Keep the billing provider taxonomy."""
        assert self._provider is not None
        self._provider.taxonomy = at(elements, 3) or None

    def _on_sbr(self, elements: list[str], position: int) -> None:
        """Keep the 2000B payer responsibility, relationship, group and filing indicator."""
        subscriber = self._subscriber
        assert subscriber is not None
        subscriber.has_sbr = True
        e = padded(elements, 10)
        subscriber.responsibility = e[1]
        subscriber.relationship = e[2] or None
        subscriber.group_number = e[3] or None
        subscriber.filing = e[9] or None

    def _nm1_subscriber(self, elements: list[str], position: int) -> None:
        """Keep the 2010BA member id and subscriber name."""
        subscriber = self._subscriber
        assert subscriber is not None
        subscriber.has_member = True
        subscriber.member_id = elements[9] if len(elements) > 9 else ""
        subscriber.person.name = person_name(elements)

    def _nm1_payer(self, elements: list[str], position: int) -> None:
        """Keep the 2010BB payer id and name."""
        subscriber = self._subscriber
        assert subscriber is not None
        subscriber.has_payer = True
        e = padded(elements, 10)
        subscriber.payer_id, subscriber.payer_name = e[9], e[3]

    def _on_pat(self, elements: list[str], position: int) -> None:
        """Keep the 2000C patient relationship to the subscriber."""
        patient = self._patient
        assert patient is not None
        patient.has_pat = True
        patient.relationship = at(elements, 1)

    def _nm1_patient(self, elements: list[str], position: int) -> None:
        """Keep the 2010CA patient name."""
        patient = self._patient
        assert patient is not None
        patient.has_name = True
        patient.person.name = person_name(elements)

    def _person(self) -> PersonDraft:
        """Return the person the current 2010BA or 2010CA loop describes."""
        if self._loop == "2010CA" and self._patient is not None:
            return self._patient.person
        assert self._subscriber is not None
        return self._subscriber.person

    def _n3_person(self, elements: list[str], position: int) -> None:
        """Keep a subscriber or patient street address."""
        self._person().address_lines = tuple(line for line in elements[1:3] if line)

    def _n4_person(self, elements: list[str], position: int) -> None:
        """Keep a subscriber or patient city, state, ZIP and country."""
        person = self._person()
        e = padded(elements, 5)
        person.city = e[1]
        person.state = e[2] or None
        person.postal_code = e[3] or None
        person.country = e[4] or None

    def _dmg_person(self, elements: list[str], position: int) -> None:
        """Keep a subscriber or patient birth date and gender."""
        person = self._person()
        e = padded(elements, 4)
        person.birth_date = parse_date(e[2])
        person.gender = e[3] or None

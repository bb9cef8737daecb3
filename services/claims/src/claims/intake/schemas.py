"""Claim documents a clearinghouse submits in JSON (a CMS-1500 / 837P professional claim)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from claimflow_shared.x12.p837.codes import npi_check_digit_ok

PROCEDURE_CODE = r"^(\d{4}[0-9FTU]|[A-Z]\d{4})$"
DIAGNOSIS_CODE = r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$"


def _npi(value: str) -> str:
    """Refuse an NPI whose check digit fails the Luhn check over the 80840 prefix."""
    if not npi_check_digit_ok(value):
        raise ValueError("NPI check digit is wrong (Luhn over the 80840 prefix)")
    return value


def _diagnosis(value: str) -> str:
    """An ICD-10-CM code without its dot."""
    return value.replace(".", "")


Npi = Annotated[str, Field(pattern=r"^\d{10}$"), AfterValidator(_npi)]
Reference = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[\x21-\x7e ]+$")]
Diagnosis = Annotated[str, Field(pattern=DIAGNOSIS_CODE), AfterValidator(_diagnosis)]
Modifier = Annotated[str, Field(pattern=r"^[A-Z0-9]{2}$")]
PlaceOfService = Annotated[str, Field(pattern=r"^\d{2}$")]


class PersonIn(BaseModel):
    """A patient's or subscriber's identity (stored apart; never in events, logs or spans)."""

    model_config = ConfigDict(extra="forbid")

    last_name: str = Field(min_length=1, max_length=60)
    first_name: str | None = Field(default=None, max_length=35)
    middle_name: str | None = Field(default=None, max_length=25)
    birth_date: date | None = None
    gender: Literal["F", "M", "U"] | None = None


class SubscriberIn(PersonIn):
    """The insured: identity plus the coverage references on the payer's card."""

    member_id: str = Field(min_length=1, max_length=80)
    group_number: str | None = Field(default=None, max_length=50)
    relationship: str | None = Field(
        default=None, pattern=r"^\d{2}$", description="Patient's relationship (18 = self)"
    )


class ServiceLineIn(BaseModel):
    """One service line of a professional claim."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=PROCEDURE_CODE, description="CPT (I, II, III) or HCPCS Level II")
    modifiers: list[Modifier] = Field(default=[], max_length=4)
    units: Decimal = Field(gt=0, max_digits=9, decimal_places=3)
    charge: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    service_date: date
    service_date_to: date | None = None
    diagnosis_pointers: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        # a factory: pydantic deep-copies a non-empty list default for every line
        default_factory=lambda: [1],
        json_schema_extra={"default": [1]},
        min_length=1,
        max_length=4,
    )
    rendering_npi: Npi | None = None
    prior_auth_number: Reference | None = None
    place_of_service: PlaceOfService | None = None

    @field_validator("service_date_to")
    @classmethod
    def _range_is_ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("service_date")
        if value is not None and start is not None and value < start:
            raise ValueError("service_date_to is before service_date")
        return value


class ClaimIn(BaseModel):
    """A professional claim as a clearinghouse submits it in JSON.

    ``patient_ref`` is the submitter's own opaque patient reference (never a member id or a
    name); prior-auth matches authorizations on it.
    """

    model_config = ConfigDict(extra="forbid")

    claim_number: Reference | None = Field(
        default=None, description="The submitter's claim id (CLM01, patient control number)"
    )
    payer_id: str = Field(min_length=1, max_length=80)
    billing_npi: Npi
    rendering_npi: Npi | None = None
    patient_ref: str = Field(min_length=1, max_length=80)
    place_of_service: PlaceOfService
    frequency: Literal["1", "7", "8"] = Field(
        default="1", description="1 original, 7 replacement, 8 void"
    )
    original_claim_ref: Reference | None = Field(
        default=None,
        validate_default=True,
        description="For 7 and 8: our claim id or your claim number of the original",
    )
    prior_auth_number: Reference | None = None
    diagnosis_codes: list[Diagnosis] = Field(min_length=1, max_length=12)
    lines: list[ServiceLineIn] = Field(min_length=1, max_length=50)
    total_charge: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    subscriber: SubscriberIn | None = None
    patient: PersonIn | None = None

    @field_validator("original_claim_ref")
    @classmethod
    def _original_goes_with_frequency(cls, value: str | None, info: ValidationInfo) -> str | None:
        frequency = info.data.get("frequency", "1")
        if frequency in ("7", "8") and value is None:
            raise ValueError("a replacement (7) or void (8) must name the original claim")
        if frequency == "1" and value is not None:
            raise ValueError("an original claim (1) names no original claim")
        return value

    @field_validator("lines")
    @classmethod
    def _pointers_in_range(cls, lines: list[ServiceLineIn], info: ValidationInfo) -> Any:
        codes = info.data.get("diagnosis_codes")
        if codes is None:
            return lines
        for number, line in enumerate(lines, start=1):
            beyond = [p for p in line.diagnosis_pointers if p > len(codes)]
            if beyond:
                raise ValueError(
                    f"line {number} points at diagnosis {beyond[0]}, "
                    f"but the claim has {len(codes)} diagnosis code(s)"
                )
        return lines

    @field_validator("total_charge")
    @classmethod
    def _total_is_sum_of_lines(cls, total: Decimal, info: ValidationInfo) -> Decimal:
        lines = info.data.get("lines")
        if lines is None:
            return total
        expected = sum((line.charge for line in lines), Decimal("0"))
        if expected != total:
            raise ValueError(f"total_charge {total} is not the sum of the lines ({expected})")
        return total

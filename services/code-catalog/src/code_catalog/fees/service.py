"""Fee schedule amounts: RVUs times the conversion factor, adjusted by a locality's GPCIs."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import NotFound, ValidationFailed
from code_catalog.codes.formats import CodeFormatError, classify_procedure, normalize_modifier
from code_catalog.codes.repository import CodeRepository
from code_catalog.fees.models import FeeScheduleEntry, PracticeLocality
from code_catalog.fees.repository import FeeRepository
from code_catalog.fees.schemas import FeeOut, Gpci, RelativeValues

CENTS = Decimal("0.01")


def _adjusted(entry: FeeScheduleEntry, locality: PracticeLocality, pe: Decimal) -> Decimal:
    """Work, practice expense and malpractice RVUs each times its GPCI, times the factor."""
    total = (
        entry.work_rvu * locality.work_gpci
        + pe * locality.pe_gpci
        + entry.mp_rvu * locality.mp_gpci
    )
    return (total * entry.conversion_factor).quantize(CENTS, ROUND_HALF_UP)


def _payments(
    entry: FeeScheduleEntry, locality: PracticeLocality | None
) -> tuple[Decimal, Decimal]:
    """Facility and non-facility payment."""
    if locality is None:
        return entry.facility_payment, entry.non_facility_payment
    return (
        _adjusted(entry, locality, entry.facility_pe_rvu),
        _adjusted(entry, locality, entry.non_facility_pe_rvu),
    )


def _canonical(code: str, modifier: str | None) -> tuple[str, str]:
    """The code and modifier in canonical form, or 422 naming the format."""
    try:
        return classify_procedure(code).code, normalize_modifier(modifier) if modifier else ""
    except CodeFormatError as error:
        raise ValidationFailed(str(error)) from None


async def _entry(
    repository: FeeRepository, code: str, modifier: str, on: date | None
) -> FeeScheduleEntry:
    """The fee schedule row, or a 404 that says which periods the schedule covers."""
    entry = await repository.entry(code, modifier, on)
    if entry is not None:
        return entry
    shown = f"{code}-{modifier}" if modifier else code
    periods = await repository.periods(code, modifier)
    covered = ", ".join(f"{start} to {end}" for start, end in periods) or "no period"
    when = f" on {on}" if on else ""
    raise NotFound(f"the fee schedule has no row for {shown}{when} (it covers {covered})")


async def fee(
    *,
    session: AsyncSession,
    code: str,
    modifier: str | None,
    locality: str | None,
    on: date | None,
) -> FeeOut:
    """The payment of a code and modifier on a date (the latest row when no date is given)."""
    code, modifier_code = _canonical(code, modifier)
    repository = FeeRepository(session)
    entry = await _entry(repository, code, modifier_code, on)
    gpci = None
    if locality:
        gpci = await repository.locality(locality, on or entry.effective_date)
        if gpci is None:
            raise NotFound(f"no GPCIs for locality {locality!r}", locality=locality)
    facility, non_facility = _payments(entry, gpci)
    labels = await CodeRepository(session).release_labels([entry.release_id])
    return FeeOut(
        code=entry.code,
        modifier=entry.modifier or None,
        description=entry.description,
        status_code=entry.status_code,
        global_days=entry.global_days,
        effective_date=entry.effective_date,
        end_date=entry.end_date,
        conversion_factor=entry.conversion_factor,
        rvus=RelativeValues(
            work=entry.work_rvu,
            non_facility_practice_expense=entry.non_facility_pe_rvu,
            facility_practice_expense=entry.facility_pe_rvu,
            malpractice=entry.mp_rvu,
            non_facility_total=entry.non_facility_total,
            facility_total=entry.facility_total,
        ),
        locality=Gpci(
            locality=gpci.locality,
            name=gpci.name,
            work=gpci.work_gpci,
            practice_expense=gpci.pe_gpci,
            malpractice=gpci.mp_gpci,
        )
        if gpci
        else None,
        facility_payment=facility,
        non_facility_payment=non_facility,
        release=labels.get(entry.release_id, ""),
    )

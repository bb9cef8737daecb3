"""Looking up the edit rows that concern a set of codes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import ValidationFailed
from code_catalog.codes.formats import CodeFormatError, classify_procedure
from code_catalog.codes.repository import CodeRepository
from code_catalog.edits.repository import EditRepository
from code_catalog.edits.schemas import AddOnOut, EditLookupIn, EditLookupOut, MueOut, PtpOut


def _procedure_codes(raw: list[str]) -> list[str]:
    """The codes in canonical form, or 422 naming each malformed one."""
    codes: list[str] = []
    problems: list[str] = []
    for index, value in enumerate(raw):
        try:
            codes.append(classify_procedure(value).code)
        except CodeFormatError as error:
            problems.append(f"codes[{index}]: {error}")
    if problems:
        raise ValidationFailed("; ".join(problems), errors=problems)
    return sorted(set(codes))


async def lookup_edits(*, session: AsyncSession, body: EditLookupIn) -> EditLookupOut:
    """NCCI pairs among the codes, their MUEs, and the add-on edits of any add-on among them."""
    codes = _procedure_codes(body.codes)
    repository = EditRepository(session)
    ptp = await repository.ptp_among(codes, body.date)
    mue = await repository.mue_for(codes, body.date)
    addons = await repository.addons_for(codes, body.date)
    release_ids = {row.release_id for rows in (ptp, mue, addons) for row in rows}
    labels = await CodeRepository(session).release_labels(release_ids)
    return EditLookupOut(
        codes=codes,
        ptp=[
            PtpOut(
                column1=row.column1,
                column2=row.column2,
                effective_date=row.effective_date,
                deletion_date=row.deletion_date,
                modifier_indicator=row.modifier_indicator,
                rationale=row.rationale,
                release=labels.get(row.release_id, ""),
            )
            for row in ptp
        ],
        mue=[
            MueOut(
                code=row.code,
                max_units=row.max_units,
                adjudication_indicator=row.adjudication_indicator,
                adjudication_label=row.adjudication_label,
                rationale=row.rationale,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                release=labels.get(row.release_id, ""),
            )
            for row in mue
        ],
        addons=[
            AddOnOut(
                addon_code=row.addon_code,
                primary_code=row.primary_code,
                edit_type=row.edit_type,
                effective_date=row.effective_date,
                deletion_date=row.deletion_date,
                release=labels.get(row.release_id, ""),
            )
            for row in addons
        ],
    )

"""Looking up the edit rows that concern a set of codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from claimflow_shared.errors import ValidationFailed
from code_catalog.codes.formats import CodeFormatError, classify_procedure
from code_catalog.codes.repository import CodeRepository
from code_catalog.edits.repository import EditRepository
from code_catalog.edits.schemas import AddOnOut, EditLookupIn, EditLookupOut, MueOut, PtpOut

_Out = TypeVar("_Out", bound=BaseModel)


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


def _rows_out(model: type[_Out], rows: Sequence[Any], labels: dict[int, str]) -> list[_Out]:
    """Edit rows as response items, each naming the release that set it."""
    return [
        model.model_validate(row, from_attributes=True).model_copy(
            update={"release": labels.get(row.release_id, "")}
        )
        for row in rows
    ]


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
        ptp=_rows_out(PtpOut, ptp, labels),
        mue=_rows_out(MueOut, mue, labels),
        addons=_rows_out(AddOnOut, addons, labels),
    )

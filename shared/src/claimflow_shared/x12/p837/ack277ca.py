"""Rendering the 277CA claim acknowledgment (005010X214) from collected claim verdicts.

One reply interchange holds one functional group (GS01 HN) with one 277 transaction set per
accepted 837 transaction set. In each: the information source (2000A, this system: by default
the 837's 1000B receiver), the information receiver (2000B: the 837's submitter, TRN02 = its
BHT03, with accepted and rejected counts and amounts), one 2000C per billing provider and one
2000D per claim (TRN02 = CLM01, STC with the verdict, REF*1K, REF*D9, DTP*472), with 2220D
service lines for the lines an error points into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from claimflow_shared.x12.p837.claim_acks import (
    RECEIVED,
    BatchAcknowledgment,
    ClaimAcknowledgment,
    ClaimStatus,
)
from claimflow_shared.x12.p837.models import ServicePeriod
from claimflow_shared.x12.results import InterchangeAck
from claimflow_shared.x12.writer import ControlNumbers, InterchangeWriter

FUNCTIONAL_ID = "HN"
SET_ID = "277"
CONVENTION = "005010X214"
_STATUSES_PER_STC = 3


@dataclass(frozen=True, slots=True)
class Source:
    """Who acknowledges: entity code (AY clearinghouse, PR payer), name and ETIN (NM109)."""

    name: str
    identifier: str
    entity: str = "AY"


def render_277ca(
    batches: Sequence[BatchAcknowledgment],
    inbound: InterchangeAck,
    control: ControlNumbers,
    *,
    sent_at: datetime,
    received: date,
    source: Source | None = None,
) -> str | None:
    """Return the 277CA interchange for the batches, or None when no set was accepted.

    Addressed like the 999: ISA and GS sender and receiver swapped from the inbound envelope.
    """
    if not batches:
        return None
    writer = InterchangeWriter(inbound.header, control, sent_at)
    group = inbound.groups[0] if inbound.groups else None
    sender, receiver = (group.receiver, group.sender) if group is not None else ("", "")
    writer.begin_group(FUNCTIONAL_ID, CONVENTION, sender, receiver)
    for batch in batches:
        chosen = source or Source(batch.batch.receiver_name, batch.batch.receiver_id)
        _write_set(writer, batch, chosen, sent_at, received)
    writer.end_group()
    return writer.finish()


def _write_set(
    writer: InterchangeWriter,
    batch: BatchAcknowledgment,
    source: Source,
    sent_at: datetime,
    received: date,
) -> None:
    """Write one 277 transaction set for one 837 transaction set."""
    header = batch.batch
    today = sent_at.strftime("%Y%m%d")
    control = writer.begin_set(SET_ID, CONVENTION)
    trace = f"{header.interchange_control_number}{header.transaction_control_number}"
    writer.segment("BHT", "0085", "08", trace, today, sent_at.strftime("%H%M%S"), "TH")
    writer.segment("HL", "1", "", "20", "1")
    writer.segment("NM1", source.entity, "2", source.name, "", "", "", "", "46", source.identifier)
    writer.segment("TRN", "1", f"{trace}{control}")
    writer.segment("DTP", "050", "D8", received.strftime("%Y%m%d"))
    writer.segment("DTP", "009", "D8", today)
    writer.segment("HL", "2", "1", "21", "1")
    writer.segment(
        "NM1", "41", "2", header.submitter_name, "", "", "", "", "46", header.submitter_id
    )
    writer.segment("TRN", "2", header.reference or "0")
    total = sum((c.total_charge for c in batch.claims), Decimal(0))
    writer.segment("STC", (*RECEIVED, source.entity), today, "WQ", _amount(total))
    _write_totals(writer, batch.claims, ("90", "AA"))
    number = 2
    for _, group in groupby(batch.claims, key=lambda c: c.billing_provider):
        claims = list(group)
        number = _write_provider(writer, claims, number, today)
    writer.end_set()


def _write_totals(
    writer: InterchangeWriter, claims: Sequence[ClaimAcknowledgment], qualifiers: tuple[str, str]
) -> None:
    """Write the accepted/rejected quantities and amounts (only those that are not zero)."""
    accepted = [c for c in claims if c.accepted]
    rejected = [c for c in claims if not c.accepted]
    if accepted:
        writer.segment("QTY", qualifiers[0], str(len(accepted)))
    if rejected:
        writer.segment("QTY", qualifiers[1], str(len(rejected)))
    if accepted:
        writer.segment("AMT", "YU", _amount(sum((c.total_charge for c in accepted), Decimal(0))))
    if rejected:
        writer.segment("AMT", "YY", _amount(sum((c.total_charge for c in rejected), Decimal(0))))


def _write_provider(
    writer: InterchangeWriter, claims: list[ClaimAcknowledgment], number: int, today: str
) -> int:
    """Write one 2000C billing provider level and its claims; return the last HL number."""
    provider = claims[0].billing_provider
    number += 1
    parent = number
    writer.segment("HL", str(number), "2", "19", "1")
    qualifier, identifier = ("XX", provider.npi) if provider.npi else ("FI", provider.tax_id or "")
    writer.segment(
        "NM1",
        "85",
        provider.entity_type,
        provider.name,
        provider.first_name or "",
        "",
        "",
        "",
        qualifier,
        identifier,
    )
    writer.segment("TRN", "1", "0")
    if provider.tax_id:
        writer.segment("REF", "TJ", provider.tax_id)
    _write_totals(writer, claims, ("QA", "QC"))
    for claim in claims:
        number += 1
        _write_claim(writer, claim, number, parent, today)
    return number


def _write_claim(
    writer: InterchangeWriter, claim: ClaimAcknowledgment, number: int, parent: int, today: str
) -> None:
    """Write one 2000D patient level: the claim's verdict and its rejected lines."""
    writer.segment("HL", str(number), str(parent), "PT")
    patient = claim.patient
    writer.segment(
        "NM1",
        "QC",
        "1",
        patient.last,
        patient.first or "",
        patient.middle or "",
        "",
        patient.suffix or "",
        "MI",
        claim.member_id,
    )
    writer.segment("TRN", "2", claim.claim_id or "0")
    action = "WQ" if claim.accepted else "U"
    _write_statuses(writer, claim.statuses, today, action, _amount(claim.total_charge))
    if claim.payer_claim_number:
        writer.segment("REF", "1K", claim.payer_claim_number)
    if claim.clearinghouse_trace:
        writer.segment("REF", "D9", claim.clearinghouse_trace)
    writer.segment("DTP", "472", *_period(claim.service_period, today))
    for verdict in claim.lines:
        line = verdict.line
        writer.segment(
            "SVC",
            (line.qualifier, line.procedure_code, *line.modifiers),
            _amount(line.charge),
            "",
            "",
            "",
            "",
            _amount(line.units),
        )
        _write_statuses(writer, verdict.statuses, today, "U", "")
        if line.control_number:
            writer.segment("REF", "FJ", line.control_number)
        if line.service_period is not None:
            writer.segment("DTP", "472", *_period(line.service_period, today))


def _write_statuses(
    writer: InterchangeWriter, statuses: Sequence[ClaimStatus], today: str, action: str, amount: str
) -> None:
    """Write STC segments carrying up to three statuses each (STC01, STC10, STC11)."""
    for start in range(0, len(statuses), _STATUSES_PER_STC):
        first, *others = (_composite(s) for s in statuses[start : start + _STATUSES_PER_STC])
        extra = ["", "", "", "", ""] + others if others else []
        writer.segment("STC", first, today, action, amount, *extra)


def _composite(status: ClaimStatus) -> tuple[str, ...]:
    """Return the STC status composite: category, status code, entity."""
    return (status.category, status.code, status.entity or "")


def _period(period: ServicePeriod | None, fallback: str) -> tuple[str, str]:
    """Return (format qualifier, value) for a date of service: D8 for one day, else RD8."""
    if period is None:
        return "D8", fallback
    if period.start == period.end:
        return "D8", period.start.strftime("%Y%m%d")
    return "RD8", f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def _amount(value: Decimal) -> str:
    """Return an X12 R amount: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text

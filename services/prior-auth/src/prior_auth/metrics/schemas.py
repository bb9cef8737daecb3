"""The CMS-0057-F prior-authorization metrics as the API reports them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, PlainSerializer

Percent = Annotated[Decimal | None, PlainSerializer(lambda v: None if v is None else float(v))]


class UrgencyMetricsOut(BaseModel):
    """One payer's requests of one urgency first decided in the period."""

    decided: int
    approved_percent: Percent
    denied_percent: Percent
    approved_after_appeal_percent: Percent
    extended_timeframe_percent: Percent
    extended_and_approved_percent: Percent
    average_decision_seconds: float | None
    median_decision_seconds: float | None


class PayerMetricsOut(BaseModel):
    """One payer's metrics for the period, standard and expedited apart."""

    payer_id: str
    standard: UrgencyMetricsOut
    expedited: UrgencyMetricsOut


class MetricsOut(BaseModel):
    """Metrics for the period [period_start, period_end)."""

    period_start: datetime
    period_end: datetime
    payers: list[PayerMetricsOut]

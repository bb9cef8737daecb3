"""The claim-edit tables: NCCI procedure-to-procedure pairs, MUE limits and add-on code edits.

PTP and add-on rows carry their own effective and deletion dates (a deletion date is the first
day the edit no longer applies); a later release edits them in place. MUE rows carry no dates in
the CMS files, so each limit is valid from the release that set it until the one that changed or
dropped it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from code_catalog.base import Base


class PtpPair(Base):
    """An NCCI PTP edit: the column 2 code is not paid with the column 1 code on one date.

    ``release_id`` has no foreign key: the check per row dominated million-row imports, and only
    the importer writes here, in the transaction that creates the release.
    """

    __tablename__ = "ptp_edits"
    __table_args__ = (
        Index("uq_ptp_edits_pair", "column1", "column2", "effective_date", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    column1: Mapped[str] = mapped_column(String(5))
    column2: Mapped[str] = mapped_column(String(5))
    effective_date: Mapped[date] = mapped_column(Date)
    deletion_date: Mapped[date | None] = mapped_column(Date)
    modifier_indicator: Mapped[int] = mapped_column(SmallInteger)
    prior_to_1996: Mapped[bool] = mapped_column(Boolean, default=False)
    rationale: Mapped[str] = mapped_column(Text, default="")
    release_id: Mapped[int] = mapped_column()


class MueLimit(Base):
    """The most units of a code one beneficiary may get (per line or per date of service)."""

    __tablename__ = "mue_limits"
    __table_args__ = (Index("ix_mue_limits_code", "code", "valid_from"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(5))
    max_units: Mapped[int] = mapped_column()
    adjudication_indicator: Mapped[int] = mapped_column(SmallInteger)
    adjudication_label: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))


class AddOnRule(Base):
    """An add-on code and one primary it may be billed with (none: the contractor decides)."""

    __tablename__ = "addon_edits"
    __table_args__ = (Index("ix_addon_edits_addon", "addon_code", "primary_code"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    addon_code: Mapped[str] = mapped_column(String(5))
    primary_code: Mapped[str | None] = mapped_column(String(5))
    edit_type: Mapped[int] = mapped_column(SmallInteger)
    effective_date: Mapped[date] = mapped_column(Date)
    deletion_date: Mapped[date | None] = mapped_column(Date)
    addon_deletion_date: Mapped[date | None] = mapped_column(Date)
    primary_deletion_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))

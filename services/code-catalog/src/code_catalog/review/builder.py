"""Building review tables from parsed records (or rows shaped like them), then freezing them.

Identical edit tuples are shared, and codes interned, so half a million NCCI pairs stay small.
A later MUE for the same code replaces an earlier one; every other table accumulates.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from code_catalog.codes.formats import CodeCategory
from code_catalog.importers.records import (
    AddOnEditRecord,
    CptRecord,
    HcpcsRecord,
    HcpcsRecordKind,
    Icd10cmRecord,
    MueRecord,
    PosRecord,
    PtpEditRecord,
)
from code_catalog.review.tables import (
    ALWAYS,
    NEVER,
    AddOnEdit,
    CatalogTables,
    DiagnosisSpan,
    MueEdit,
    PtpEdit,
    ReleaseLabels,
    Span,
    ordinal_or,
)

_T = TypeVar("_T")
LAST_DAY = NEVER - 1


class TableBuilder:
    """Collects codes and edits release by release, then builds immutable review tables."""

    def __init__(self) -> None:
        self._procedures: dict[str, list[Span]] = defaultdict(list)
        self._modifiers: dict[str, list[Span]] = defaultdict(list)
        self._pos: set[str] = set()
        self._diagnoses: dict[str, list[DiagnosisSpan]] = defaultdict(list)
        self._ptp: dict[str, dict[str, tuple[PtpEdit, ...]]] = defaultdict(dict)
        self._mue: dict[str, MueEdit] = {}
        self._addons: dict[str, list[AddOnEdit]] = defaultdict(list)
        self._shared: dict[object, object] = {}
        self._labels: dict[str, list[str]] = defaultdict(list)

    def _share(self, value: _T) -> _T:
        """Return the one stored copy of an equal immutable value."""
        return self._shared.setdefault(value, value)  # type: ignore[return-value]

    def _label(self, table: str, release: str) -> str:
        """Remember that a table takes rows from a release, and return the release."""
        if release not in self._labels[table]:
            self._labels[table].append(release)
        return release

    def add_procedure(self, code: str, start: date | None, end: date | None, release: str) -> None:
        """Make a procedure code valid from start to end (both included; None is open)."""
        span = Span(ordinal_or(start, ALWAYS), ordinal_or(end, LAST_DAY), release)
        self._procedures[sys.intern(code)].append(self._share(span))
        self._label("procedures", release)

    def add_modifier(self, code: str, start: date | None, end: date | None, release: str) -> None:
        """Make a modifier valid from start to end (both included; None is open)."""
        span = Span(ordinal_or(start, ALWAYS), ordinal_or(end, LAST_DAY), release)
        self._modifiers[sys.intern(code)].append(self._share(span))
        self._label("modifiers", release)

    def add_hcpcs(self, records: Iterable[HcpcsRecord], release: str) -> int:
        """Add HCPCS Level II codes and modifiers, valid from their add date to termination."""
        count = 0
        for record in records:
            add = (
                self.add_modifier if record.kind is HcpcsRecordKind.MODIFIER else self.add_procedure
            )
            add(record.code, record.add_date, record.termination_date, release)
            count += 1
        return count

    def add_cpt(self, records: Iterable[CptRecord], release: str) -> int:
        """Add CPT codes and CPT modifiers, valid from effective to termination date."""
        count = 0
        for record in records:
            modifier = record.category is CodeCategory.MODIFIER
            add = self.add_modifier if modifier else self.add_procedure
            add(record.code, record.effective_date, record.termination_date, release)
            count += 1
        return count

    def add_pos(self, records: Iterable[PosRecord], release: str) -> int:
        """Add place-of-service codes."""
        before = len(self._pos)
        self._pos.update(record.code for record in records)
        self._label("places_of_service", release)
        return len(self._pos) - before

    def add_icd10cm(
        self,
        records: Iterable[Icd10cmRecord],
        release: str,
        effective: date | None = None,
        until: date | None = None,
    ) -> int:
        """Add one ICD-10-CM release, its codes valid from effective to until (both included)."""
        start, end = ordinal_or(effective, ALWAYS), ordinal_or(until, LAST_DAY)
        billable = self._share(DiagnosisSpan(start, end, True, release))
        header = self._share(DiagnosisSpan(start, end, False, release))
        count = 0
        for record in records:
            span = billable if record.billable else header
            self._diagnoses[sys.intern(record.code)].append(span)
            count += 1
        self._label("diagnoses", release)
        return count

    def add_ptp(self, records: Iterable[PtpEditRecord], release: str) -> int:
        """Add NCCI PTP edits."""
        count = 0
        for record in records:
            edit = self._share(
                PtpEdit(
                    record.effective_date.toordinal(),
                    ordinal_or(record.deletion_date, NEVER),
                    record.modifier_indicator,
                    sys.intern(record.rationale),
                )
            )
            column2 = self._ptp[sys.intern(record.column1)]
            key = sys.intern(record.column2)
            column2[key] = self._share(column2.get(key, ()) + (edit,))
            count += 1
        self._label("ptp", release)
        return count

    def add_mue(self, records: Iterable[MueRecord], release: str) -> int:
        """Add (or replace) MUEs."""
        count = 0
        for record in records:
            edit = MueEdit(
                record.max_units,
                record.adjudication_indicator,
                sys.intern(record.adjudication_label),
                sys.intern(record.rationale),
            )
            self._mue[sys.intern(record.code)] = self._share(edit)
            count += 1
        self._label("mue", release)
        return count

    def add_addons(self, records: Iterable[AddOnEditRecord], release: str) -> int:
        """Add add-on code edits."""
        count = 0
        for record in records:
            primary = sys.intern(record.primary_code) if record.primary_code else None
            edit = AddOnEdit(
                primary,
                record.edit_type,
                record.effective_date.toordinal(),
                min(
                    ordinal_or(record.deletion_date, NEVER),
                    ordinal_or(record.addon_deletion_date, NEVER),
                ),
                ordinal_or(record.primary_deletion_date, NEVER),
            )
            self._addons[sys.intern(record.addon_code)].append(self._share(edit))
            count += 1
        self._label("addons", release)
        return count

    def _labels_of(self) -> ReleaseLabels:
        """Join the releases each table was loaded from."""
        names = {table: " + ".join(releases) for table, releases in self._labels.items()}
        return ReleaseLabels(**names)

    def build(self) -> CatalogTables:
        """Freeze what was added into review tables."""
        return CatalogTables(
            procedures={code: tuple(spans) for code, spans in self._procedures.items()},
            modifiers={code: tuple(spans) for code, spans in self._modifiers.items()},
            places_of_service=frozenset(self._pos),
            diagnoses={code: tuple(spans) for code, spans in self._diagnoses.items()},
            ptp=dict(self._ptp),
            mue=dict(self._mue),
            addons={code: tuple(edits) for code, edits in self._addons.items()},
            releases=self._labels_of(),
        )

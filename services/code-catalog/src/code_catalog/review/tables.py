"""The in-memory tables code review reads: dicts keyed by code, dates as proleptic ordinals.

Validity spans are inclusive at both ends (a termination date is the last day a code may be used).
Edit deletion dates are exclusive: an NCCI or add-on edit counts only for dates of service before
its deletion date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, TypeVar

NEVER = date.max.toordinal() + 1
ALWAYS = date.min.toordinal()


class Span(NamedTuple):
    """Days a code is valid, both ends included, and the release that says so."""

    start: int
    end: int
    release: str


class DiagnosisSpan(NamedTuple):
    """Days an ICD-10-CM code is in a release, and whether it is billable there."""

    start: int
    end: int
    billable: bool
    release: str


class PtpEdit(NamedTuple):
    """An NCCI PTP edit between a column 1 and a column 2 code."""

    effective: int
    deleted: int
    modifier_indicator: int
    rationale: str


class MueEdit(NamedTuple):
    """The unit limit of a code and how it is adjudicated (1 per line, 2 and 3 per date)."""

    max_units: int
    indicator: int
    label: str
    rationale: str


class AddOnEdit(NamedTuple):
    """One primary an add-on code may be reported with (None where the contractor decides)."""

    primary: str | None
    edit_type: int
    effective: int
    deleted: int
    primary_deleted: int


@dataclass(frozen=True, slots=True)
class ReleaseLabels:
    """The release each table was loaded from, for findings to cite."""

    procedures: str = ""
    modifiers: str = ""
    places_of_service: str = ""
    diagnoses: str = ""
    ptp: str = ""
    mue: str = ""
    addons: str = ""


@dataclass(frozen=True, slots=True)
class CatalogTables:
    """Everything review needs, built once per imported release and then only read."""

    procedures: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    modifiers: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)
    places_of_service: frozenset[str] = frozenset()
    diagnoses: Mapping[str, tuple[DiagnosisSpan, ...]] = field(default_factory=dict)
    ptp: Mapping[str, Mapping[str, tuple[PtpEdit, ...]]] = field(default_factory=dict)
    mue: Mapping[str, MueEdit] = field(default_factory=dict)
    addons: Mapping[str, tuple[AddOnEdit, ...]] = field(default_factory=dict)
    releases: ReleaseLabels = ReleaseLabels()

    def sizes(self) -> dict[str, int]:
        """How many entries each table holds."""
        return {
            "procedures": len(self.procedures),
            "modifiers": len(self.modifiers),
            "places_of_service": len(self.places_of_service),
            "diagnoses": len(self.diagnoses),
            "ptp_pairs": sum(len(column2) for column2 in self.ptp.values()),
            "mue": len(self.mue),
            "addons": len(self.addons),
        }


def ordinal_or(value: date | None, default: int) -> int:
    """A date as an ordinal, or the default where there is none."""
    return default if value is None else value.toordinal()


_Spanned = TypeVar("_Spanned", Span, DiagnosisSpan)


def active(spans: tuple[_Spanned, ...], day: int) -> _Spanned | None:
    """The span covering a day, if any."""
    for span in spans:
        if span.start <= day <= span.end:
            return span
    return None
